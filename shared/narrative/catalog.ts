/**
 * The figures a narrative may speak of, by every name people write for them: the template set's named items
 * (facts and formulas with last year's figure and the budgets), the 科目 rows of the tables it declares, and
 * the name variants it lists. Everything comes from the template set's `reader` section and the packet's own
 * engine; `lookup` is the one place a written name becomes figures, so a fuller 科目 catalog can replace it.
 */
import type { CellValue } from '../model.js';
import { gradeText, type NarrativeContext, type Value } from './facts.js';
import { formatNumber } from './numbers.js';
import { normalizeText } from './text.js';
import type { ReaderDef, ReaderItemDef, ReaderTableDef } from './types.js';
import { isSubjectCode } from '../subject-code.js';

export type Level = '类' | '款' | '项';

export interface Figure {
  /** unique: the item's first name, or sheet!code:column for a 科目 row */
  id: string;
  /** how the reader names it in messages: 一般公共服务支出（类） */
  name: string;
  /** where it is: 公开03表 一般公共服务支出（类）本年支出合计 */
  label: string;
  type: 'money' | 'int' | 'score';
  /** for a count: the units it is counted in */
  units?: string[];
  value: number | null;
  prior?: number | null;
  budget?: number | null;
  fullBudget?: number | null;
  /** the item (first name) its share is a share of */
  of?: string;
  /** what is divided when its share is stated, when that is not the figure itself */
  shareNum?: { value: number | null; label: string };
  /** for a 科目 row: the table's 合计 in the same column */
  total?: Figure;
  level?: Level;
  /** the first value column of a 科目 row, or a named item */
  primary: boolean;
  column?: string;
  context: string[];
  /** why there is no figure (a formula error) */
  missing?: string;
}

/** A name as found in normalized text. */
export interface NameHit {
  start: number;
  end: number;
  key: string;
  level?: Level;
}

const LEVEL_TAG = /（(类|款|项)）$/;

/** The key a name is filed under: no level tag, no quotes, no punctuation differences. */
export function nameKey(s: string): string {
  return normalizeText(s).replace(/"/g, '').replace(/（(类|款|项)）/g, '').replace(/[：。，；]+$/, '');
}

function cellText(v: CellValue): string {
  return v === null || v === undefined ? '' : String(v).replace(/\s+/g, '');
}

function colIndex(col: string): number {
  let n = 0;
  for (const ch of col.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function num(v: Value): number | null {
  return v.missing ? null : v.num;
}

export function money(x: number | null | undefined): string {
  return x === null || x === undefined ? '（无数据）' : formatNumber(x, 'money');
}

export class SubjectCatalog {
  private readonly byKey = new Map<string, Figure[]>();
  private readonly canon = new Map<string, string>();
  private readonly surfaces = new Set<string>();
  /** 科目 names of the declared tables, by level: for "did you mean" on a name the tables do not have */
  readonly tableNames = new Map<Level, Set<string>>();
  readonly figures: Figure[] = [];
  readonly unitName: string;
  readonly year: number | null;
  readonly moneyUnit: string;

  constructor(private readonly ctx: NarrativeContext, readonly def: ReaderDef) {
    for (const group of def.variants) {
      const head = nameKey(group[0]);
      for (const n of group) {
        this.canon.set(nameKey(n), head);
        this.surfaces.add(normalizeText(n));
      }
    }
    const unit = ctx.readFormula(def.unitName, 'text', '单位名称', false);
    this.unitName = normalizeText(unit.text);
    const year = ctx.readFormula(def.year, 'year', '决算年度', true);
    this.year = num(year);
    this.moneyUnit = def.moneyUnit;
    for (const t of def.tables) this.readTable(t);
    for (const it of def.items) {
      if (!it.perGrade) this.readItem(it);
      // per grade of the packet's own table (自评评分规则), highest first: 项目评价结果为“合格” where it says 合格
      else this.ctx.gradeBands().forEach((b, i) => this.readItem(perGradeItem(it, b.grade, i + 1)));
    }
  }

  private key(name: string): string {
    const k = nameKey(name);
    return this.canon.get(k) ?? k;
  }

  private add(names: string[], f: Figure): void {
    this.figures.push(f);
    for (const n of names) {
      const k = this.key(n);
      const list = this.byKey.get(k) ?? [];
      if (!list.includes(f)) list.push(f);
      this.byKey.set(k, list);
      this.surfaces.add(normalizeText(n).replace(LEVEL_TAG, ''));
    }
  }

  private readItem(it: ReaderItemDef): void {
    const type = it.type ?? 'money';
    const fmt = type === 'int' ? 'int' : type === 'score' ? 'trim' : 'money';
    let v: Value;
    const priorF = it.prior;
    if (it.fact) {
      v = this.ctx.fact(it.fact);
    } else {
      v = this.ctx.readFormula(it.f ?? '', fmt, it.label ?? it.names[0], false);
    }
    const prior = priorF ? this.ctx.readFormula(priorF, fmt, `上年${it.names[0]}`, true) : v.prior;
    const read = (f?: string) => (f ? num(this.ctx.readFormula(f, fmt, it.names[0], false)) : undefined);
    const f: Figure = {
      id: `${it.names[0]}|${it.fact ?? it.f ?? ''}`,
      name: it.names[0],
      label: it.label ?? v.label,
      type,
      ...(it.units ? { units: it.units } : {}),
      value: num(v),
      ...(prior ? { prior: num(prior) } : {}),
      ...(it.budget ? { budget: read(it.budget) } : {}),
      ...(it.fullBudget ? { fullBudget: read(it.fullBudget) } : {}),
      ...(it.of ? { of: it.of } : {}),
      ...(it.shareNum ? { shareNum: { value: num(this.ctx.readFormula(it.shareNum.f, 'money', it.shareNum.label, false)), label: it.shareNum.label } } : {}),
      primary: true,
      context: it.context ?? [],
      ...(v.missing ? { missing: v.missing } : {}),
    };
    this.add(it.names, f);
  }

  private readTable(t: ReaderTableDef): void {
    const s = this.ctx.session;
    let rows: number;
    try {
      rows = s.sheet(t.sheet).cells.length;
    } catch {
      return;
    }
    const code = colIndex(t.codeCol);
    const name = colIndex(t.nameCol);
    const cols = Object.entries(t.columns);
    const budgets = new Map<string, number | null>();
    const totals = new Map<string, Figure>();
    const pending: Figure[] = [];
    const numberAt = (r: number, c: number): number | null => {
      const v = s.getValue(t.sheet, r, c);
      if (v === null || v === '') return 0;
      return typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(String(v).trim()) ? Number(String(v).trim()) : null;
    };
    for (let r = 0; r < rows; r++) {
      const c = cellText(s.getValue(t.sheet, r, code));
      const n = cellText(s.getValue(t.sheet, r, name));
      const isTotal = !c && /^合计$/.test(n);
      if (!isTotal && !(isSubjectCode(c) && n)) continue;
      const level: Level | undefined = isTotal ? undefined : c.length === 3 ? '类' : c.length === 5 ? '款' : '项';
      if (level) {
        const set = this.tableNames.get(level) ?? new Set<string>();
        set.add(nameKey(n));
        this.tableNames.set(level, set);
      }
      const budget = t.budgetCol ? numberAt(r, colIndex(t.budgetCol)) : undefined;
      if (budget !== undefined) budgets.set(c, budget);
      cols.forEach(([col, what], i) => {
        const total = what.endsWith('合计') ? what : `${what}合计`;
        const f: Figure = {
          id: `${t.sheet}!${c || '合计'}:${col}`,
          name: isTotal ? `${t.sheet}${total}` : `${n}（${level}）`,
          label: isTotal ? `${t.sheet} ${total}` : `${t.sheet} ${n}（${level}）${what}`,
          type: 'money',
          value: numberAt(r, colIndex(col)),
          ...(budget !== undefined && i === 0 ? { budget } : {}),
          primary: i === 0,
          column: what,
          context: t.context ?? [],
          ...(level ? { level } : {}),
        };
        if (isTotal) totals.set(col, f);
        else pending.push(f);
        if (!isTotal) this.add([n], f);
      });
    }
    for (const f of pending) {
      const col = cols.find(([, what]) => what === f.column)?.[0];
      const total = col ? totals.get(col) : undefined;
      if (total) f.total = total;
    }
    this.budgetTables.push(budgets);
  }

  private budgetTables: Map<string, number | null>[] = [];

  /** Every figure a written name may stand for (its variants included); empty when the name is unknown. */
  lookup(name: string): Figure[] {
    const list = this.byKey.get(this.key(name)) ?? [];
    // a 科目 row of a table without a budget column takes its 年初预算 from a table that has one (same code)
    for (const f of list) {
      if (f.level && f.primary && f.budget === undefined) {
        const code = /!(\d+):/.exec(f.id)?.[1];
        for (const b of this.budgetTables) if (code && b.has(code)) f.budget = b.get(code)!;
      }
    }
    return list;
  }

  /** The names of the catalog as they appear in normalized text: leftmost, and the longest at a position. */
  names(text: string): NameHit[] {
    if (!this.byFirst) {
      // indexed by first character: one pass over the text, a few candidate names at each position
      this.byFirst = new Map();
      for (const n of [...this.surfaces].filter((x) => x.length >= 2).sort((a, b) => b.length - a.length)) {
        const list = this.byFirst.get(n[0]) ?? [];
        list.push(n);
        this.byFirst.set(n[0], list);
      }
    }
    const out: NameHit[] = [];
    for (let i = 0; i < text.length; ) {
      const hit = this.byFirst.get(text[i])?.find((n) => text.startsWith(n, i) && this.byKey.has(this.key(n)));
      if (!hit) {
        i++;
        continue;
      }
      const tag = /^（(类|款|项)）/.exec(text.slice(i + hit.length, i + hit.length + 3));
      const end = i + hit.length + (tag ? 3 : 0);
      out.push({ start: i, end, key: this.key(hit), ...(tag ? { level: tag[1] as Level } : {}) });
      i = end;
    }
    return out;
  }

  private byFirst: Map<string, string[]> | null = null;

  /** Figures (and their budgets and last year's figures) that read the same as a stated amount. */
  sameValue(stated: string, except: Figure[]): string[] {
    const out: string[] = [];
    const want = stated.replace(/,/g, '');
    if (!/\./.test(want) || Number(want) === 0) return out;
    for (const f of this.figures) {
      if (except.includes(f) || f.type !== 'money') continue;
      if (f.value !== null && money(f.value) === want) out.push(`${f.label} ${money(f.value)}`);
      else if (f.budget !== null && f.budget !== undefined && money(f.budget) === want) out.push(`${f.label}的年初预算数 ${money(f.budget)}`);
      else if (f.prior !== null && f.prior !== undefined && money(f.prior) === want) out.push(`${f.label}的上年数 ${money(f.prior)}`);
    }
    return [...new Set(out)];
  }
}

/** A perGrade reader item for one grade: its names, formula and label with {等级} and {位次} filled in. */
function perGradeItem(it: ReaderItemDef, grade: string, position: number): ReaderItemDef {
  const t = (x: string) => gradeText(x, grade, position);
  const { perGrade: _drop, ...rest } = it;
  return { ...rest, names: it.names.map(t), ...(it.f ? { f: t(it.f) } : {}), ...(it.label ? { label: t(it.label) } : {}) };
}

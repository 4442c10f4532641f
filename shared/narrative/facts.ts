/**
 * The figures a narrative is built from, read from a live PacketSession: facts (formulas over the packet,
 * with last year's figure beside them), collections (the 类 rows of 年初预算, the 基本支出 classes, the
 * 自评表 grades) and the 自评表 themselves. Everything is read through the packet's own engine.
 */
import type { PacketSession } from '../engine.js';
import { readGrades } from '../forms/profiles.js';
import type { CellValue, SheetModel } from '../model.js';
import { chineseNumeral, roundTo } from './numbers.js';
import type { CollectionDef, Condition, FactDef, NarrativeTemplate, SlotSpec, ValueFormat } from './types.js';

export interface Value {
  fmt: ValueFormat;
  num: number | null;
  text: string;
  label: string;
  formula: string;
  /** why there is no figure (a blank 上年数, a formula error) */
  missing?: string;
  prior?: Value;
  /** a phrase slot (差额, 增幅, 比率): what it stands for */
  slot?: SlotSpec;
}

const NUMBER_FORMATS = new Set<ValueFormat>(['money', 'int', 'year', 'pct', 'pctTrim', 'trim']);
export function isNumberFormat(f: ValueFormat): boolean {
  return NUMBER_FORMATS.has(f);
}

/** Each collection item's stable key (a 类 code, an item's name, a grade): paragraph ids use it. */
export const ITEM_KEY = '键';

export class Scope {
  private vars = new Map<string, Value>();
  constructor(private readonly parent: Scope | null, private readonly ctx: NarrativeContext) {}
  set(name: string, v: Value): this {
    this.vars.set(name, v);
    return this;
  }
  get(name: string): Value {
    return this.vars.get(name) ?? (this.parent ? this.parent.get(name) : this.ctx.fact(name));
  }
  child(): Scope {
    return new Scope(this, this.ctx);
  }
}

export interface FormInfo {
  sheet: string;
  name: string;
  A: number | null;
  B: number | null;
  total: number | null;
  grade: string;
}

export interface FormsSummary {
  forms: FormInfo[];
  sumA: number;
  sumB: number;
  grades: Map<string, number>;
  /** forms whose figures could not be found */
  problems: string[];
}

function cellText(v: CellValue | undefined): string {
  return v === null || v === undefined ? '' : String(v).replace(/\s+/g, '');
}

interface FormLayout {
  rows: number;
  name?: [number, number];
  fundRow?: number;
  colA?: number;
  colB?: number;
  totalRow?: number;
  scoreCol?: number;
  grade?: [number, number];
}

const layouts = new WeakMap<SheetModel, FormLayout>();

/** Where a form keeps its figures, found by its labels (so inserted indicator rows do not matter). */
function formLayout(s: SheetModel): FormLayout {
  const cached = layouts.get(s);
  if (cached && cached.rows === s.cells.length) return cached;
  const l: FormLayout = { rows: s.cells.length };
  const scoreHeads: [number, number][] = [];
  s.cells.forEach((row, r) =>
    row.forEach((c, col) => {
      const t = cellText(c?.v);
      if (!t) return;
      if (t.startsWith('项目名称') && !l.name) l.name = [r, col];
      else if (t.startsWith('年度资金总额') && l.fundRow === undefined) l.fundRow = r;
      else if (t.includes('全年预算数') && l.colA === undefined) l.colA = col;
      else if (t.includes('全年执行数') && l.colB === undefined) l.colB = col;
      else if (t === '总分' || t === '总分：' || t === '合计得分') l.totalRow = r;
      else if (t === '得分' || t.startsWith('得分（') || t.startsWith('得分(')) scoreHeads.push([r, col]);
      else if (/^(自评|评价|绩效)?等级[:：]?$/.test(t)) l.grade = [r, col];
    }),
  );
  if (l.totalRow !== undefined) {
    const above = scoreHeads.filter(([r]) => r < l.totalRow!);
    if (above.length) l.scoreCol = above[above.length - 1][1];
  }
  layouts.set(s, l);
  return l;
}

function numberOf(v: CellValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** The packet's 自评表: their 全年预算数 (A), 全年执行数 (B), 总分 and grade, and the grade counts. */
export function readForms(session: PacketSession, bands: { grade: string; min: number }[]): FormsSummary {
  const forms: FormInfo[] = [];
  const problems: string[] = [];
  for (const s of session.packet.sheets) {
    if (s.kind !== 'form') continue;
    const l = formLayout(s);
    const get = (r: number | undefined, c: number | undefined): CellValue => (r === undefined || c === undefined ? null : session.getValue(s.name, r, c));
    let name = '';
    if (l.name) {
      const row = s.cells[l.name[0]] ?? [];
      for (let c = l.name[1] + 1; c < row.length && !name; c++) name = cellText(get(l.name[0], c));
    }
    const A = numberOf(get(l.fundRow, l.colA));
    const B = numberOf(get(l.fundRow, l.colB));
    let total = numberOf(get(l.totalRow, l.scoreCol));
    if (total === null && l.totalRow !== undefined) {
      // no 得分 header above the 总分 row: the last number on that row is the total score
      const row = s.cells[l.totalRow] ?? [];
      for (let c = row.length - 1; c >= 0 && total === null; c--) total = numberOf(get(l.totalRow, c));
    }
    let grade = '';
    if (l.grade) {
      const row = s.cells[l.grade[0]] ?? [];
      for (let c = l.grade[1] + 1; c < row.length && !grade; c++) grade = cellText(get(l.grade[0], c));
    }
    if (!grade && total !== null) grade = bands.find((b) => total! >= b.min - 1e-9)?.grade ?? '';
    if (A === null || total === null) problems.push(`${s.name}：未找到${A === null ? '年度资金总额的全年预算数' : '总分'}`);
    forms.push({ sheet: s.name, name, A, B, total, grade });
  }
  const grades = new Map<string, number>(bands.map((b) => [b.grade, 0]));
  for (const f of forms) if (f.grade) grades.set(f.grade, (grades.get(f.grade) ?? 0) + 1);
  const sum = (k: 'A' | 'B') => roundTo(forms.reduce((a, f) => a + (f[k] ?? 0), 0), 6);
  return { forms, sumA: sum('A'), sumB: sum('B'), grades, problems };
}

const FORM_LABELS: Record<NonNullable<FactDef['source']>, string> = {
  'forms.count': '自评表张数',
  'forms.sumA': '自评表年度资金总额全年预算数合计（ΣA）',
  'forms.sumB': '自评表年度资金总额全年执行数合计（ΣB）',
};

/** One generation's view of the packet: facts are computed once and shared by the sentences that use them. */
export class NarrativeContext {
  private facts = new Map<string, Value>();
  private formsCache?: FormsSummary;
  readonly root: Scope;

  constructor(readonly session: PacketSession, readonly template: NarrativeTemplate) {
    this.root = new Scope(null, this);
  }

  private overrideCache?: Map<string, { text: string; row: number }>;

  /** Paragraphs the accountant rewrote, by paragraph id (the 情况说明改写 sheet; none when it is absent). */
  overrides(): Map<string, { text: string; row: number }> {
    if (this.overrideCache) return this.overrideCache;
    const m = new Map<string, { text: string; row: number }>();
    const o = this.template.overrides;
    if (o) {
      const rows = this.session.packet.sheets.find((x) => x.name === o.sheet)?.cells.length ?? 0;
      for (let r = 1; r < rows; r++) {
        const id = cellText(this.session.getValue(o.sheet, r, colIndex(o.idCol)));
        const v = this.session.getValue(o.sheet, r, colIndex(o.textCol));
        const text = v === null ? '' : String(v).trim();
        if (id && text) m.set(id, { text, row: r });
      }
    }
    this.overrideCache = m;
    return m;
  }

  forms(): FormsSummary {
    this.formsCache ??= readForms(this.session, this.gradeBands());
    return this.formsCache;
  }

  /** The grades the packet declares on 自评评分规则, highest first; the template's bands only when it declares none. */
  gradeBands(): { grade: string; min: number }[] {
    const declared = readGrades(this.session.packet).grades;
    if (declared.length) return declared.map((g) => ({ grade: g.name, min: g.from })).reverse();
    return this.template.gradeBands ?? [];
  }

  /** Every fact computed so far (for "this figure equals …" hints). */
  knownFacts(): [string, Value][] {
    return [...this.facts];
  }

  fact(name: string): Value {
    let v = this.facts.get(name);
    if (v) return v;
    const def = this.template.facts[name];
    if (!def) {
      v = { fmt: 'text', num: null, text: '', label: name, formula: '', missing: `未定义的数据项「${name}」` };
    } else {
      v = this.evalFact(name, def);
    }
    this.facts.set(name, v);
    return v;
  }

  private evalFact(name: string, def: FactDef): Value {
    const fmt = def.type ?? 'money';
    const label = def.label ?? name;
    if (def.f) {
      const v = this.readFormula(def.f, fmt, label, !!def.required);
      // the 绩效自评汇总 sheet's names when the packet has them; otherwise the forms are read directly
      if (!(def.source && v.missing)) {
        if (def.prior) v.prior = this.readPrior(def.prior, fmt, label);
        return v;
      }
    }
    if (def.source) {
      const fs = this.forms();
      const formula = FORM_LABELS[def.source];
      if (!fs.forms.length) return { fmt, num: null, text: '', label, formula, missing: '公开包中没有项目支出绩效自评表' };
      const num = def.source === 'forms.count' ? fs.forms.length : def.source === 'forms.sumA' ? fs.sumA : fs.sumB;
      return { fmt, num, text: String(num), label, formula };
    }
    return { fmt, num: null, text: '', label, formula: '', missing: `「${name}」没有取数公式` };
  }

  private readPrior(f: string, fmt: ValueFormat, label: string): Value {
    const p = this.readFormula(f, fmt, `上年${label}`, true);
    if (p.missing && !p.missing.includes('出错')) p.missing = `上年数未填：「上年数」工作表中「${f}」为空`;
    return p;
  }

  readFormula(f: string, fmt: ValueFormat, label: string, required: boolean): Value {
    let raw: CellValue;
    try {
      raw = this.session.calculate(f);
    } catch (e) {
      return { fmt, num: null, text: '', label, formula: f, missing: `取数公式「${f}」出错（${(e as Error).message}）` };
    }
    return toValue(raw, fmt, label, f, required);
  }

  /** The items of a collection, each a scope with its fields and 序号 (numbered among the kept items). */
  items(name: string, all = false): Scope[] {
    const def = this.template.collections[name];
    if (!def) return [];
    const raw = this.rawItems(def, name);
    const kept = all ? raw : raw.filter((s) => holds(def.when, s));
    kept.forEach((s, i) => s.set('序号', { fmt: 'text', num: null, text: chineseNumeral(i + 1), label: '序号', formula: '' }));
    return kept;
  }

  private rawItems(def: CollectionDef, name: string): Scope[] {
    const out: Scope[] = [];
    if (def.rows) {
      const { sheet, keyCol, keyPattern, fields } = def.rows;
      let model: SheetModel;
      try {
        model = this.session.sheet(sheet);
      } catch {
        return out;
      }
      const key = colIndex(keyCol);
      const re = new RegExp(keyPattern);
      const cols = Object.entries(fields).map(([fname, fd]) => ({ fname, fd, c: colIndex(fd.col), fmt: fd.type ?? 'money', label: fd.label ?? fname }));
      for (let r = 0; r < model.cells.length; r++) {
        const k = cellText(this.session.getValue(sheet, r, key));
        if (!re.test(k)) continue;
        const s = this.root.child();
        s.set(ITEM_KEY, { fmt: 'text', num: null, text: k, label: ITEM_KEY, formula: '' });
        const raw = cols.map((x) => this.session.getValue(sheet, r, x.c));
        for (let i = 0; i < cols.length; i++) {
          const { fname, fd, fmt } = cols[i];
          // a label such as "年初预算 {名称}年初预算数" names the row by its other fields
          const label = cols[i].label.includes('{') ? cols[i].label.replace(/\{(\S+?)\}/g, (_m, x: string) => cellText(raw[cols.findIndex((y) => y.fname === x)])) : cols[i].label;
          s.set(fname, toValue(raw[i], fmt, label, `${sheet}!${fd.col}${r + 1}`, !!fd.required));
        }
        out.push(s);
      }
    }
    if (def.items) {
      def.items.forEach((it, i) => {
        const s = this.root.child();
        s.set(ITEM_KEY, { fmt: 'text', num: null, text: Object.values(it).find((v) => !v.startsWith('@')) ?? String(i + 1), label: ITEM_KEY, formula: '' });
        for (const [k, v] of Object.entries(it)) {
          s.set(k, v.startsWith('@') ? this.fact(v.slice(1)) : { fmt: 'text', num: null, text: v, label: k, formula: '' });
        }
        out.push(s);
      });
    }
    if (def.formGrades) {
      const declared = this.gradeBands().map((b) => b.grade);
      const grades = declared.length ? declared : def.formGrades.grades ?? [];
      for (const [i, g] of grades.entries()) {
        const s = this.root.child();
        s.set(ITEM_KEY, { fmt: 'text', num: null, text: g, label: ITEM_KEY, formula: '' });
        s.set('等级', { fmt: 'text', num: null, text: g, label: '等级', formula: '' });
        const label = `评价结果为「${g}」的自评表张数`;
        const named = def.formGrades.countFormula ? this.readFormula(gradeText(def.formGrades.countFormula, g, i + 1), 'int', label, true) : null;
        s.set('项目数', named && !named.missing ? named : { fmt: 'int', num: this.forms().grades.get(g) ?? 0, text: '', label, formula: `自评表（${name}）` });
        out.push(s);
      }
    }
    return out;
  }
}

/** A per-grade text: {等级} is the grade's name, {位次} its position (1 = the highest grade). */
export function gradeText(text: string, grade: string, position: number): string {
  return text.replace(/\{等级\}/g, grade).replace(/\{位次\}/g, String(position));
}

function colIndex(col: string): number {
  let n = 0;
  for (const ch of col.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function toValue(raw: CellValue, fmt: ValueFormat, label: string, formula: string, required: boolean): Value {
  const base = { fmt, label, formula };
  if (typeof raw === 'string' && /^#[A-Z/0!?]+[!?]?$|^#(REF|NAME|VALUE|DIV\/0|N\/A|NUM|NULL|ERROR|CYCLE)/.test(raw)) {
    return { ...base, num: null, text: '', missing: `取数公式「${formula}」出错（${raw}）` };
  }
  if (isNumberFormat(fmt)) {
    if (raw === null || raw === '') {
      return required ? { ...base, num: null, text: '', missing: `「${label}」未填` } : { ...base, num: 0, text: '0' };
    }
    const n = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : numberOf(raw);
    if (n === null) return { ...base, num: null, text: String(raw), missing: `「${label}」应为数字，现为「${String(raw)}」` };
    return { ...base, num: n, text: String(n) };
  }
  return { ...base, num: typeof raw === 'number' ? raw : null, text: raw === null ? '' : String(raw).trim() };
}

/** Non-zero for a figure, non-empty for a text; a missing figure does not keep an item (its partner figure may). */
function present(v: Value): boolean {
  if (v.missing) return false;
  if (isNumberFormat(v.fmt)) return v.num !== null && roundTo(v.num, 2) !== 0;
  return v.text !== '';
}

function lookup(scope: Scope, name: string): Value | undefined {
  if (name.startsWith('上年:')) return scope.get(name.slice(3)).prior;
  return scope.get(name);
}

export function holds(cond: Condition | undefined, scope: Scope): boolean {
  if (!cond) return true;
  if (cond.anyNonzero && !cond.anyNonzero.some((n) => { const v = lookup(scope, n); return !!v && present(v); })) return false;
  if (cond.allZero && cond.allZero.some((n) => { const v = lookup(scope, n); return !v || present(v); })) return false;
  return true;
}

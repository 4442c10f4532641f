/**
 * Reading a table's layout from its cells, the same way for the packet's own sheet and for a source sheet:
 * header rows → each column's header words → its role (科目编码 / 项目名称 / 行次 / amount) → panels
 * (a label column with its amount columns; 01/04/06 put several side by side) → a key per row and panel.
 */
import { parseRange } from '../a1.js';
import type { SheetModel } from '../model.js';
import type { Bounds, SourceSheet, SourceValue } from './source.js';
import { COL_LIMIT } from './source.js';
import { cleanName, codePart, detectUnit, fold, headerAlias, headerCanon, labelKey, parseAmount, parseCode, textOf, type Unit } from './text.js';
import { isSubjectCode } from '../subject-code.js';

export interface Grid {
  name: string;
  /** first row of this table when several are stacked on one sheet (rows above it read as empty) */
  top?: number;
  rowCount: number;
  colCount: number;
  /** the cell's own value (a merged range's value only in its top-left cell) */
  raw(r: number, c: number): SourceValue;
  /** the value shown at a cell: inside a merged range, the range's value */
  shown(r: number, c: number): SourceValue;
  uncached(r: number, c: number): boolean;
  /** inside a merged range but not its top-left cell: not a cell of its own */
  covered(r: number, c: number): boolean;
}

/** Merged ranges up to this area are filled for header and label lookups; larger ones are banners. */
const MAX_FILL = 20000;

function mergeOwners(merges: Bounds[]): Map<number, number> {
  const owner = new Map<number, number>();
  for (const m of merges) {
    if ((m.bottom - m.top + 1) * (m.right - m.left + 1) > MAX_FILL) continue;
    const tl = m.top * COL_LIMIT + m.left;
    for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) owner.set(r * COL_LIMIT + c, tl);
  }
  return owner;
}

/** A grid over rows of cells, reading a merged range's value wherever it shows. */
function gridOver(name: string, rows: readonly { length: number }[], merges: Bounds[], raw: Grid['raw'], uncached: Grid['uncached']): Grid {
  const owner = mergeOwners(merges);
  return {
    name,
    rowCount: rows.length,
    colCount: rows.reduce((m, row) => Math.max(m, row.length), 0),
    raw,
    shown(r, c) {
      const o = owner.get(r * COL_LIMIT + c);
      return o === undefined ? raw(r, c) : raw(Math.floor(o / COL_LIMIT), o % COL_LIMIT);
    },
    uncached,
    covered: (r, c) => owner.has(r * COL_LIMIT + c),
  };
}

/** Rows top … bottom-1 of a sheet as a grid of their own (same coordinates, so cells are named as in the file). */
export function segmentGrid(g: Grid, top: number, bottom: number): Grid {
  const inside = (r: number) => r >= top && r < bottom;
  return {
    name: g.name,
    top,
    rowCount: bottom,
    colCount: g.colCount,
    raw: (r, c) => (inside(r) ? g.raw(r, c) : null),
    shown: (r, c) => (inside(r) ? g.shown(r, c) : null),
    uncached: (r, c) => inside(r) && g.uncached(r, c),
    covered: (r, c) => inside(r) && g.covered(r, c),
  };
}

export function sourceGrid(s: SourceSheet): Grid {
  return gridOver(s.name, s.cells, s.merges, (r, c) => s.cells[r]?.[c] ?? null, (r, c) => s.uncached.has(r * COL_LIMIT + c));
}

export function modelGrid(s: SheetModel): Grid {
  const merges = s.merges.map(parseRange).filter((b): b is Bounds => !!b);
  const raw = (r: number, c: number): SourceValue => {
    const v = s.cells[r]?.[c]?.v;
    return v === undefined || v === '' ? null : v;
  };
  return gridOver(s.name, s.cells, merges, raw, () => false);
}

export type Role = 'code' | 'label' | 'index' | 'value';

export interface Column {
  col: number;
  /** header words from the top header row down, as written */
  parts: string[];
  /** the same, canonical */
  canon: string[];
  role: Role;
  /** split 科目编码: 0 类, 1 款, 2 项 */
  level?: number;
  /** a unit stated in the header, e.g. 决算数（元） */
  unit?: Unit;
  /** the lowest header row leaves this column blank: its words are a group's (支出 over 项目 | 金额 | …) */
  inherited?: boolean;
}

export interface Panel {
  codeCols: Column[];
  label?: Column;
  values: Column[];
}

export interface Layout {
  headerRows: number[];
  /** rows of column numbers (栏次 1, 2, 3 …) inside or right below the header */
  numberRows: number[];
  dataTop: number;
  columns: Column[];
  panels: Panel[];
}

const INDEX_WORDS = new Set(['行次', '栏次', '序号', '栏次行次']);
const NUMBER_ROW_TEXT = new Set(['栏次', '行次', '类/款/项', '类款项', '甲', '乙', '丙', '丁', '序号', '类', '款', '项', '栏号']);
const LABEL_RE = /^(项目|科目|科目名称|名称|项目名称|功能分类科目名称|经济分类科目名称|支出功能分类科目名称|项目\(.*\)|.*名称)$/;
const CODE_RE = /编码|代码|编号|^类\/款\/项$/;

export function classify(canon: string[]): { role: Role; level?: number } {
  const leaf = canon[canon.length - 1] ?? '';
  if (leaf === '类' || leaf === '款' || leaf === '项') return { role: 'code', level: leaf === '类' ? 0 : leaf === '款' ? 1 : 2 };
  if (canon.some((p) => CODE_RE.test(p))) return { role: 'code' };
  if (INDEX_WORDS.has(leaf)) return { role: 'index' };
  if (LABEL_RE.test(leaf) && !/^项目(支出|经费)/.test(leaf)) return { role: 'label' };
  return { role: 'value' };
}

/** A row of 栏次 numbers (1, 2, 3 …), possibly labelled 栏次/行次/类/款/项. */
/**
 * A line under a table ("单位负责人：李四 | 填表人：张三 | 联系电话：0798-…", "注：…"): every filled cell is text
 * opening with one of the set's 表尾 words and a colon. Its text is not data; a row with any figure is not one.
 */
export function isFooterRow(g: Grid, r: number, words: string[]): boolean {
  if (!words.length) return false;
  let any = false;
  for (let c = 0; c < g.colCount; c++) {
    if (g.covered(r, c)) continue;
    const v = g.raw(r, c);
    if (v === null) continue;
    if (typeof v !== 'string') return false;
    const t = fold(v);
    if (!t) continue;
    const colon = t.indexOf(':');
    if (colon <= 0 || !words.includes(t.slice(0, colon))) return false;
    any = true;
  }
  return any;
}

export function isNumberRow(g: Grid, r: number): boolean {
  let ints = 0;
  for (let c = 0; c < g.colCount; c++) {
    const v = g.raw(r, c);
    if (v === null) continue;
    const p = parseAmount(v);
    if (p.kind === 'number') {
      if (!Number.isInteger(p.n) || p.n < 0 || p.n > 200) return false;
      ints++;
    } else if (p.kind === 'text') {
      if (!NUMBER_ROW_TEXT.has(fold(p.text))) return false;
    }
  }
  return ints >= 2;
}

/**
 * The columns of a header block. `numberRows`: the 栏次 rows under it — some layouts write the 类/款/项 labels
 * of split code columns there, beside the column numbers, instead of on a header row of their own.
 */
export function buildColumns(g: Grid, headerRows: number[], numberRows: number[] = []): Column[] {
  const cols: Column[] = [];
  for (let c = 0; c < g.colCount; c++) {
    const parts: string[] = [];
    const canon: string[] = [];
    let unit: Unit | undefined;
    for (const r of headerRows) {
      const v = g.shown(r, c);
      if (v === null || typeof v !== 'string') continue;
      const t = v.trim();
      const k = headerCanon(t);
      unit ??= detectUnit(t) ?? undefined;
      if (!k || /^\d+$/.test(k) || canon[canon.length - 1] === k) continue;
      parts.push(t.replace(/\s+/g, ''));
      canon.push(k);
    }
    let cls = canon.length ? classify(canon) : { role: 'value' as Role };
    for (const r of numberRows) {
      const v = g.raw(r, c);
      const k = typeof v === 'string' ? fold(v) : '';
      if ((k === '类' || k === '款' || k === '项') && (cls.role === 'code' || canon.length === 0)) {
        cls = { role: 'code', level: k === '类' ? 0 : k === '款' ? 1 : 2 };
        if (!canon.length) {
          parts.push(k);
          canon.push(k);
        }
      }
    }
    const lowest = headerRows[headerRows.length - 1];
    const inherited = canon.length > 0 && lowest !== undefined && g.shown(lowest, c) === null;
    cols.push({ col: c, parts, canon, role: cls.role, ...(cls.level !== undefined ? { level: cls.level } : {}), ...(unit ? { unit } : {}), ...(inherited ? { inherited } : {}) });
  }
  return cols;
}

export function buildPanels(columns: Column[]): Panel[] {
  const panels: Panel[] = [];
  let cur: Panel = { codeCols: [], values: [] };
  for (const col of columns) {
    if (col.role === 'index') continue;
    if (col.role === 'code' || col.role === 'label') {
      if (cur.values.length) {
        panels.push(cur);
        cur = { codeCols: [], values: [] };
      }
      if (col.role === 'code') cur.codeCols.push(col);
      // two label columns with no amounts between them: the nearer one names the amounts
      else cur.label = col;
    } else cur.values.push(col);
  }
  if (cur.values.length || cur.label || cur.codeCols.length) panels.push(cur);
  return panels;
}

export interface RowKey {
  /** 科目编码 (3/5/7 digits) */
  code?: string;
  /** canonical label (numbering and spaces removed) */
  label?: string;
  /** the text shown: name or label as written */
  name: string;
}

/**
 * The one row of figures of a table written without row names (Shanghai's 三公: 合计 | 因公出国（境）费 | … over
 * 预算数 | 决算数, a single unlabelled row): its cells are found by their column headers alone.
 */
export const ONE_ROW: RowKey = { label: '（唯一数据行）', name: '唯一数据行' };

export function keyString(k: RowKey): string {
  return k.code ? `#${k.code}` : `@${k.label}`;
}

/** The running 类/款 of split code columns, where each row fills only its own level. */
export interface CodeState {
  lei: string | null;
  kuan: string | null;
}

function textCell(v: SourceValue): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t && parseAmount(t).kind !== 'number' ? t : null;
}

export function rowKey(g: Grid, p: Panel, r: number, state: CodeState): RowKey | null {
  let code: string | null = null;
  let rest = '';
  let codeText: string | null = null;
  if (p.codeCols.length === 1 && p.codeCols[0].level === undefined) {
    const v = g.shown(r, p.codeCols[0].col);
    const pc = parseCode(v);
    if (pc) {
      code = pc.code;
      rest = pc.rest;
    } else codeText = textCell(v);
  } else if (p.codeCols.length) {
    const at = (lvl: number) => p.codeCols.find((c) => c.level === lvl);
    const lc = at(0);
    const kc = at(1);
    const xc = at(2);
    const lei = lc ? codePart(g.raw(r, lc.col), 3) : null;
    const kuan = kc ? codePart(g.raw(r, kc.col), 2) : null;
    const xiang = xc ? codePart(g.raw(r, xc.col), 2) : null;
    if (xiang && xiang.length === 7) code = xiang;
    else if (kuan && kuan.length === 5) code = kuan;
    else if (lei && lei.length > 3) code = lei;
    else {
      if (lei) {
        state.lei = lei;
        state.kuan = null;
      }
      const L = lei ?? (kuan || xiang ? state.lei : null);
      if (kuan && L) state.kuan = kuan;
      const K = kuan ?? (xiang ? state.kuan : null);
      if (xiang && L && K) code = L + K + xiang;
      else if (kuan && L) code = L + kuan;
      else if (lei) code = lei;
    }
    if (code && code.length > 3) {
      state.lei = code.slice(0, 3);
      state.kuan = code.length >= 5 ? code.slice(3, 5) : null;
    }
    if (!code) for (const c of p.codeCols) codeText ??= textCell(g.shown(r, c.col));
    if (code && !isSubjectCode(code)) code = null;
  }
  const labelText = p.label ? textCell(g.shown(r, p.label.col)) : null;
  if (code) return { code, name: cleanName(labelText ?? rest) };
  const t = labelText ?? codeText;
  if (!t) return null;
  const label = labelKey(t);
  return label ? { label, name: t } : null;
}

/** Does the row show a figure anywhere outside its code columns? */
export function hasFigure(g: Grid, r: number, skip: Set<number>): boolean {
  for (let c = 0; c < g.colCount; c++) {
    if (skip.has(c)) continue;
    const v = g.raw(r, c);
    if (typeof v === 'number') return true;
    if (typeof v === 'string' && parseAmount(v).kind === 'number' && !parseCode(v)) return true;
  }
  return false;
}

export function rowText(g: Grid, r: number): string[] {
  const out: string[] = [];
  for (let c = 0; c < g.colCount; c++) {
    const t = textOf(g.raw(r, c)).trim();
    if (t) out.push(t);
  }
  return out;
}

export function headerWordsOf(columns: Column[]): Set<string> {
  const words = new Set<string>();
  for (const c of columns) for (const k of c.canon) {
    words.add(k);
    words.add(headerAlias(k));
  }
  return words;
}

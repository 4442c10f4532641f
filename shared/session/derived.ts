/**
 * 运算: derived cells (totals, 类 rows, 执行率, 总分 …) and how each stands against its formula, and which of them
 * follow an edit of their details. Writing their figures back is the session's edit path.
 */
import { DetailedCellError } from 'hyperformula';
import { derivations, type Derivation } from '../calc.js';
import type { CellValue } from '../model.js';
import { OnCore } from './core.js';

/** Derived figures: a sum of two-decimal figures carries float noise (3966.6200000000003); six decimals keep the forms' 万元. */
export interface Follower {
  d: Derivation;
  /** a 尾数差 figure's distance from its formula, kept as it follows */
  offset: number;
}

/** Which of a cell's formulas it follows first: its own declaration, then its row identity, then a column sum. */
export function rank(d: Derivation): number {
  return d.origin === 'cell' ? 0 : d.origin.endsWith(':h') ? 1 : 2;
}

export function roundDerived(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function num(v: CellValue): number | null {
  if (v === null || v === '') return 0;
  return typeof v === 'number' ? v : null;
}

/** Blank and 0 are the same figure to a formula; otherwise equal to the sixth decimal. */
export function sameFigure(a: CellValue, b: CellValue): boolean {
  if ((a === null || a === '') && (b === null || b === '')) return true;
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return a === b;
  return Math.abs(x - y) < 5e-7;
}

export type Agreement = 'exact' | 'rounding' | 'blank' | 'no';

/** 'blank': an empty derived cell whose formula gives a figure; nothing published to protect, so it fills in on an edit. */
export function agreement(value: CellValue, computed: CellValue, tol: number): Agreement {
  if (sameFigure(value, computed)) return 'exact';
  if ((value === null || value === '') && typeof computed === 'number') return 'blank';
  const x = num(value);
  const y = num(computed);
  if (x === null || y === null || typeof computed === 'string') return 'no';
  return Math.abs(x - y) <= tol + 1e-9 ? 'rounding' : 'no';
}

export class Derived extends OnCore {

  derivationsOf(sheets: Iterable<string>): Derivation[] {
    const out: Derivation[] = [];
    for (const s of new Set(sheets)) out.push(...derivations(this.packet, s));
    return out;
  }

  /** The value of a derivation's formula now: a number, null (blank or "") or an error text. */
  evalDerivation(d: Derivation): CellValue {
    let v: unknown;
    try {
      v = this.hf.calculateFormula(this.tr.toEngine(d.formula), this.sheetId(d.sheet));
    } catch {
      return '#ERROR!';
    }
    if (v instanceof DetailedCellError) return v.value;
    if (Array.isArray(v) || v === '' || v === null || v === undefined) return null;
    if (typeof v === 'number') return roundDerived(v);
    return v as CellValue;
  }

  /** How a derived cell stands against its formula: agrees exactly, within the 尾数差 allowance, or not. */
  derivedState(d: Derivation): { computed: CellValue; value: CellValue; agree: Agreement } {
    const computed = this.evalDerivation(d);
    const value = this.sheet(d.sheet).cells[d.row]?.[d.col]?.v ?? null;
    return { computed, value, agree: agreement(value, computed, d.tol) };
  }

  /** Derived cells of `sheet` with their formula and standing, for the grid's mark and the formula bar. */
  derivedCells(sheet: string): (Derivation & { computed: CellValue; value: CellValue; agree: Agreement })[] {
    return derivations(this.packet, sheet).map((d) => ({ ...d, ...this.derivedState(d) }));
  }

  /**
   * Before an edit: the derived cells it can reach (through chains: 项 → 款 → 类 → 合计) that agree with
   * their formula within the 尾数差 allowance. A cell the edit itself writes is the user's figure, not a follower.
   */
  followers(edits: { sheet: string; row: number; col: number }[], owned = edits): Map<string, Follower[]> {
    const editedSheets = new Set(edits.map((e) => e.sheet));
    // derivations elsewhere that read an edited settings sheet through formulas (a form's 总分 reads its
    // 执行率得分, the scoring rule's formula over 自评评分规则): only an edit of an 'other' sheet can move them
    const upstream = [...editedSheets].some((n) => this.packet.sheets.find((x) => x.name === n)?.kind === 'other')
      ? derivations(this.packet).filter((d) => d.upstream?.some((u) => editedSheets.has(u)))
      : [];
    const all = [...this.derivationsOf(editedSheets), ...upstream];
    if (!all.length) return new Map();
    const key = (sheet: string, r: number, c: number) => `${sheet}!${r},${c}`;
    const readers = new Map<string, Derivation[]>();
    for (const d of all) for (const r of d.refs) {
      const k = key(d.sheet, r.row, r.col);
      readers.set(k, [...(readers.get(k) ?? []), d]);
    }
    const edited = new Set(owned.map((e) => key(e.sheet, e.row, e.col)));
    const reach = new Set<Derivation>(upstream);
    const queue = [...edits.map((e) => key(e.sheet, e.row, e.col)), ...upstream.map((d) => key(d.sheet, d.row, d.col))];
    const seen = new Set(queue);
    while (queue.length) {
      const k = queue.shift()!;
      for (const d of readers.get(k) ?? []) {
        if (reach.has(d)) continue;
        reach.add(d);
        const t = key(d.sheet, d.row, d.col);
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
    // every formula of a reached cell is a candidate, not only the one the edit reached it through
    const reached = new Set([...reach].map((d) => key(d.sheet, d.row, d.col)));
    const out = new Map<string, Follower[]>();
    for (const d of all.filter((x) => reached.has(key(x.sheet, x.row, x.col)))) {
      const k = key(d.sheet, d.row, d.col);
      if (edited.has(k)) continue;
      const st = this.derivedState(d);
      if (st.agree === 'no') continue;
      // a published 尾数差 figure keeps its rounding: it moves with its lines and comes back when they do
      const offset = st.agree === 'rounding' ? roundDerived((num(st.value) ?? 0) - (num(st.computed) ?? 0)) : 0;
      out.set(k, [...(out.get(k) ?? []), { d, offset }]);
    }
    // a cell with a row identity and a column sum (a 款's 本年支出合计) follows its own row first: a 项 typed
    // out of line with its columns then stays an error at that 项 instead of spreading to every total above it
    for (const list of out.values()) list.sort((a, b) => rank(a.d) - rank(b.d));
    return out;
  }
}

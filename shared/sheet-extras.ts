/**
 * Row insertions and removals applied to what a sheet keeps without understanding it (SheetModel.keep:
 * validations, conditional formats, comments, hidden rows — see shared/xlsx.ts readExtras/writeExtras), so
 * that a feature sits on the same row of content after the accountant adds or removes 科目 rows as it did in
 * the file. Excel's rules, the same as shiftMerges in shared/engine.ts: rows inserted at or above a
 * range's first row move it down, inserted inside it stretch it; removed rows inside a range shrink it, a
 * range whose rows are all removed goes, and so does a comment or validation on a removed cell.
 */
import type { SheetExtras } from './model.js';

/** 0-based first row, count > 0 inserted, count < 0 removed; null: the row is gone */
function moveRow(r0: number, row: number, delta: number): number | null {
  if (delta >= 0) return r0 >= row ? r0 + delta : r0;
  const end = row - delta;
  if (r0 < row) return r0;
  if (r0 >= end) return r0 + delta;
  return null;
}

/** An A1 range's rows moved, or null when all its rows were removed. Columns and $ marks are kept. */
function moveRange(ref: string, row: number, delta: number): string | null {
  const m = /^(\$?[A-Z]{1,3})(\$?)(\d+)(?::(\$?[A-Z]{1,3})(\$?)(\d+))?$/.exec(ref);
  if (!m) return ref;
  const single = m[4] === undefined;
  let top = Number(m[3]) - 1;
  let bottom = single ? top : Number(m[6]) - 1;
  if (delta >= 0) {
    if (top >= row) top += delta;
    if (bottom >= row) bottom += delta;
  } else {
    const end = row - delta;
    if (top >= row && bottom < end) return null;
    if (top >= end) top += delta;
    else if (top >= row) top = row;
    if (bottom >= end) bottom += delta;
    else if (bottom >= row) bottom = row - 1;
    if (bottom < top) return null;
  }
  const a = `${m[1]}${m[2]}${top + 1}`;
  // a range shrunk to one cell is written as that cell, as Excel does
  return single || (top === bottom && m[1] === m[4] && m[2] === m[5]) ? a : `${a}:${m[4]}${m[5]}${bottom + 1}`;
}

/** A space-separated list of ranges (Excel's sqref), with ExcelJS's optional "range:" prefix; null when nothing is left. */
function moveSqref(sqref: string, row: number, delta: number): string | null {
  const prefix = sqref.startsWith('range:') ? 'range:' : '';
  const parts = sqref.slice(prefix.length).split(/\s+/).filter(Boolean).map((r) => moveRange(r, row, delta)).filter((r): r is string => r !== null);
  return parts.length ? prefix + parts.join(' ') : null;
}

/**
 * A conditional format's formula is written for the top-left cell of its range: when the range moves, its
 * references move as a cell formula's would — every reference to a row at or below the insertion, relative
 * or absolute. Text in quotes and names such as LOG10( are left alone; a reference to a removed row is kept.
 */
function moveFormula(formula: string, row: number, delta: number): string {
  return formula.replace(/("[^"]*")|(?<![A-Za-z0-9_.])(\$?[A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])/g, (whole, quoted: string | undefined, col: string, abs: string, r: string) => {
    if (quoted) return whole;
    const moved = moveRow(Number(r) - 1, row, delta);
    return moved === null ? whole : `${col}${abs}${moved + 1}`;
  });
}

function moveKeys<T>(byAddress: Record<string, T>, row: number, delta: number): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [address, v] of Object.entries(byAddress)) {
    const moved = moveSqref(address, row, delta);
    if (moved !== null) out[moved] = v;
  }
  return out;
}

/**
 * The kept features after `delta` rows were inserted (> 0) or removed (< 0) at 0-based `row`. Returns a new
 * object (an undo snapshot may hold the old one).
 */
export function shiftKeptRows(keep: SheetExtras, row: number, delta: number): SheetExtras {
  if (!delta) return keep;
  const k: SheetExtras = { ...keep };
  const rows = (list: number[]) => list.map((r) => moveRow(r - 1, row, delta)).filter((r): r is number => r !== null).map((r) => r + 1);
  if (keep.hiddenRows) k.hiddenRows = rows(keep.hiddenRows);
  if (keep.comments) k.comments = moveKeys(keep.comments, row, delta);
  if (keep.validations) k.validations = moveKeys(keep.validations, row, delta);
  if (keep.conditionalFormats) {
    k.conditionalFormats = (keep.conditionalFormats as { ref?: unknown; rules?: unknown }[]).flatMap((cf) => {
      if (typeof cf?.ref !== 'string') return [cf];
      const ref = moveSqref(cf.ref, row, delta);
      if (ref === null) return [];
      const rules = Array.isArray(cf.rules)
        ? (cf.rules as Record<string, unknown>[]).map((rule) =>
            Array.isArray(rule?.formulae) ? { ...rule, formulae: (rule.formulae as unknown[]).map((f) => (typeof f === 'string' ? moveFormula(f, row, delta) : f)) } : rule,
          )
        : cf.rules;
      return [{ ...cf, ref, rules }];
    });
  }
  return k;
}

/**
 * Rows of the model inserted and removed: cells, heights, merges and the kept extras (shared/sheet-extras.ts)
 * shift together, and a snapshot brings them back on undo. HyperFormula shifts its own references.
 */
import type { Cell, SheetExtras, SheetModel } from '../model.js';
import { shiftKeptRows } from '../sheet-extras.js';

export interface ModelRows {
  cells: (Cell | null)[][];
  heights: (number | undefined)[];
  merges: string[];
  keep?: SheetExtras;
}


function blankRowLike(row: (Cell | null)[]): (Cell | null)[] {
  // the kind goes with the row; a 运算公式 does not (its references are the source row's)
  return row.map((c) => (c ? { ...(c.s !== undefined ? { s: c.s } : {}), ...(c.input ? { input: true } : {}), ...(c.kind ? { kind: c.kind } : {}) } : null));
}

function shiftMerges(merges: string[], row: number, delta: number): string[] {
  const out: string[] = [];
  for (const m of merges) {
    const [a, b] = m.split(':');
    const pa = /^([A-Z]+)(\d+)$/.exec(a)!;
    const pb = /^([A-Z]+)(\d+)$/.exec(b ?? a)!;
    let top = Number(pa[2]) - 1;
    let bottom = Number(pb[2]) - 1;
    if (delta < 0) {
      const end = row - delta;
      if (top >= row && bottom < end) continue;
      if (top >= end) top += delta;
      else if (top >= row) top = row;
      if (bottom >= end) bottom += delta;
      else if (bottom >= row) bottom = row - 1;
      if (bottom < top) continue;
    } else {
      if (top >= row) top += delta;
      if (bottom >= row) bottom += delta;
    }
    out.push(`${pa[1]}${top + 1}:${pb[1]}${bottom + 1}`);
  }
  return out;
}

/** A new row takes the look and the input flags of the row it is inserted at (or the one above at the end). */
export function insertModelRows(s: SheetModel, row: number, count: number, likeRow?: number): void {
  const like = (likeRow !== undefined ? s.cells[likeRow] : undefined) ?? s.cells[row] ?? s.cells[row - 1] ?? [];
  const rows = Array.from({ length: count }, () => blankRowLike(like));
  s.cells.splice(row, 0, ...rows);
  s.rowHeights.splice(row, 0, ...Array.from({ length: count }, () => s.rowHeights[row] ?? s.rowHeights[row - 1]));
  s.merges = shiftMerges(s.merges, row, count);
  if (s.keep) s.keep = shiftKeptRows(s.keep, row, count);
}

export function removeModelRows(s: SheetModel, row: number, count: number): void {
  s.cells.splice(row, count);
  s.rowHeights.splice(row, count);
  s.merges = shiftMerges(s.merges, row, -count);
  if (s.keep) s.keep = shiftKeptRows(s.keep, row, -count);
}

export function restoreRows(s: SheetModel, snap: ModelRows): void {
  s.cells = snap.cells.map((r) => r.map((c) => (c ? { ...c } : null)));
  s.rowHeights = [...snap.heights];
  s.merges = [...snap.merges];
  s.keep = snap.keep;
}

export function snapshotRows(s: SheetModel): ModelRows {
  return { cells: s.cells.map((r) => r.map((c) => (c ? { ...c } : null))), heights: [...s.rowHeights], merges: [...s.merges], keep: s.keep };
}

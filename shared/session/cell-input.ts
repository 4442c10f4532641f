/** What a typed, pasted or imported value becomes in a cell: by its declared kind, else by its number format. */
import { parseUserInput } from '../format.js';
import { isCellKind, parseByKind, type CellKind } from '../kinds.js';
import type { CellValue } from '../model.js';

/** money and count cells: a typed text there is a finding, not a silently ignored value */
const NUMERIC_FMT = /0\.00|#,##0|^0$/;

export function isNumericFormat(fmt: string | undefined): boolean {
  return !!fmt && NUMERIC_FMT.test(fmt);
}

/**
 * What a typed, pasted or imported value becomes in `cell`: parsed by the kind the template declares
 * (kinds.ts); refused when the kind cannot hold it. A cell without a declared kind (a packet that predates
 * kinds) is read by its number format as before.
 */
export function parseCellInput(v: CellValue, cell: { kind?: string }, numFmt: string | undefined): { ok: true; value: CellValue } | { ok: false; kind: CellKind; want: string } {
  if (isCellKind(cell.kind)) {
    const p = parseByKind(cell.kind, v);
    return p.ok ? p : { ok: false, kind: cell.kind, want: p.want };
  }
  return { ok: true, value: normalizeValue(v, numFmt) };
}

/** A value for a cell: by its declared kind when `kind` is given (a refused text stays text, for the type finding), else by number format. */
export function normalizeValue(v: CellValue, numFmt: string | undefined, kind?: string): CellValue {
  if (isCellKind(kind)) {
    const p = parseByKind(kind, v);
    return p.ok ? p.value : typeof v === 'string' && v.trim() === '' ? null : v;
  }
  if (typeof v === 'string') {
    // amounts and counts take accountant notation; text cells (科目编码, names, reasons) keep what was typed
    if (isNumericFormat(numFmt)) return parseUserInput(v);
    return v.trim() === '' ? null : v;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/** The public shapes of an open packet's edits and findings: what PacketSession takes and returns. */
import type { CellValue, Severity } from '../model.js';

export interface Finding {
  rule: string;
  severity: Severity;
  /** holds within the 尾数差 allowance, fails without it */
  rounding: boolean;
  sheet: string;
  /** A1 cells or ranges on `sheet` to highlight */
  cells: string[];
  message: string;
}

export interface CellEdit {
  sheet: string;
  row: number;
  col: number;
  value: CellValue;
}

export interface ChangedCell {
  sheet: string;
  row: number;
  col: number;
}

export interface EditResult {
  changed: ChangedCell[];
  added: Finding[];
  removed: Finding[];
  updated: Finding[];
  /** edits refused, with a code for programs and a reason for people */
  rejected: { sheet: string; row: number; col: number; code: 'no-sheet' | 'not-input' | 'bad-value'; reason: string }[];
  /** the sheets whose rows were inserted or removed */
  structural: string[];
}

export function emptyResult(): EditResult {
  return { changed: [], added: [], removed: [], updated: [], rejected: [], structural: [] };
}

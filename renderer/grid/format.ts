/** How a cell's value is shown in the grid: exactly as it prints (shared/numfmt.ts is the one formatter). */
import { formatCellText, type CellValue } from '../../shared/index';
import type { CellLook } from './layout';

export function displayText(v: CellValue, look: CellLook | undefined): string {
  return formatCellText(v, look?.numFmt);
}

/** The text an edit starts from (F2, formula bar): the plain number, without separators. */
export function editText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Number(v.toPrecision(12)));
  return String(v);
}

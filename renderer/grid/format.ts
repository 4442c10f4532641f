/** How a cell's value is shown in the grid: amounts as #,##0.00, counts as integers, percentages. */
import { formatMoney, type CellValue } from '../../shared/index';
import type { CellLook } from './layout';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function displayText(v: CellValue, look: CellLook | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v !== 'number') return String(v);
  switch (look?.fmt) {
    case 'money':
      return look.decimals === 2 ? formatMoney(v) : v.toLocaleString('en-US', { minimumFractionDigits: look.decimals, maximumFractionDigits: look.decimals });
    case 'int':
      return look.className.includes('jc-input') || Number.isInteger(v) ? intFmt.format(v) : String(Number(v.toPrecision(12)));
    case 'fixed':
      return v.toFixed(look.decimals);
    case 'pct':
      return `${(v * 100).toFixed(look.decimals)}%`;
    default:
      // float noise from sums (0.1 + 0.2) is not the accountant's number
      return String(Number(v.toPrecision(12)));
  }
}

/** The text an edit starts from (F2, formula bar): the plain number, without separators. */
export function editText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Number(v.toPrecision(12)));
  return String(v);
}

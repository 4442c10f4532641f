import type { CellValue } from './model.js';
import { formatCellText } from './numfmt.js';

/** the format of an amount in the tables (万元, two decimals) */
const MONEY_FORMAT = '#,##0.00';

/** Amounts as the tables print them, through the same formatter as the grid and the print: 1,736.34 */
export function formatMoney(n: number): string {
  return formatCellText(n, MONEY_FORMAT);
}

/**
 * A figure in a check message. A sub-cent amount (a 元-precision figure against its rounded total) would
 * read "差额 0.00", which says nothing; it is written with the digits that make it visible: 0.0009.
 */
export function formatMessageNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.005) return String(Number(n.toFixed(4)) || Number(n.toPrecision(1)));
  return formatMoney(n);
}

/** the most digits a figure in a message is shown with (a 元 amount in 万元 needs 6) */
const MAX_MESSAGE_DIGITS = 6;

function withDigits(n: number, d: number): string {
  // at least the two decimals of an amount, more only where they carry a digit: 41.6309, not 41.630900
  const s = n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: d });
  return s === '-0.00' ? '0.00' : s;
}

/**
 * The figures of one check message, side by side. Two figures that differ but print alike at two decimals
 * ("41.63 与 … 41.63 不等，差额 -0.0009") are shown with the digits that tell them apart (41.63 与 41.6309);
 * otherwise each reads as the tables print it. NaN (a value that is not a number) yields ''.
 */
export function formatMessageFigures(values: number[]): string[] {
  const figures = values.filter((v) => Number.isFinite(v));
  const shown = new Map<string, number>();
  let collide = false;
  for (const v of figures) {
    const k = formatMoney(v);
    const seen = shown.get(k);
    // float noise (a sum of two-decimal figures) is no difference; a millionth is
    if (seen !== undefined && Math.abs(seen - v) >= 5e-7) collide = true;
    shown.set(k, v);
  }
  return values.map((v) => {
    if (!Number.isFinite(v)) return '';
    if (!collide || (v !== 0 && Math.abs(v) < 0.005)) return formatMessageNumber(v);
    return withDigits(v, MAX_MESSAGE_DIGITS);
  });
}

export function formatValue(v: CellValue | undefined): string {
  if (v === null || v === undefined || v === '') return '空';
  if (typeof v === 'number') return formatMoney(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  return v;
}

/**
 * What an accountant types or pastes, as a cell value: "1,234.56" → 1234.56, "(12.00)" → -12,
 * "-" / "—" / "" → null (blank), "12%" stays text (a target such as "≥95%" is text too).
 */
export function parseUserInput(text: string): CellValue {
  const t = text.replace(/\u00a0/g, ' ').trim();
  if (t === '' || t === '-' || t === '—' || t === '--') return null;
  const neg = /^\((.*)\)$/.exec(t);
  const body = (neg ? neg[1] : t).replace(/[,，\s]/g, '').replace(/^¥/, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body)) {
    const n = Number(body);
    return neg ? -n : n;
  }
  return t;
}

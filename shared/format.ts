import type { CellValue } from './model.js';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Amounts as the tables print them: 1,736.34 */
export function formatMoney(n: number): string {
  const r = Math.round(n * 100) / 100;
  return money.format(Object.is(r, -0) ? 0 : r);
}

/**
 * A figure in a check message. A sub-cent amount (a 元-precision figure against its rounded total) would
 * read "差额 0.00", which says nothing; it is written with the digits that make it visible: 0.0009.
 */
export function formatMessageNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.005) return String(Number(n.toFixed(4)) || Number(n.toPrecision(1)));
  return formatMoney(n);
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

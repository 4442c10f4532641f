/** Writing and reading the numbers of a narrative: 3966.62, 24.87, 900, （三）. */
import type { NumberFormat } from './types.js';

/** Half-up rounding that is exact on decimal input (1.005 → 1.01, 2434.705 → 2434.71). */
export function roundTo(x: number, d: number): number {
  const sign = x < 0 ? -1 : 1;
  const r = Number(`${Math.round(Number(`${Math.abs(x)}e${d}`))}e-${d}`);
  return r === 0 ? 0 : sign * r;
}

export function decimalsOf(fmt: NumberFormat): number {
  return fmt === 'int' || fmt === 'year' ? 0 : 2;
}

/** The figure as the narrative writes it: no thousands separator, fixed decimals (trim drops trailing zeros). */
export function formatNumber(x: number, fmt: NumberFormat): string {
  const d = decimalsOf(fmt);
  const s = roundTo(x, d).toFixed(d);
  if (fmt === 'trim' || fmt === 'pctTrim') return s.replace(/\.?0+$/, '') || '0';
  return s;
}

export interface StatedNumber {
  value: number;
  /** decimals written: "900" → 0, "24.87" → 2 */
  decimals: number;
}

/** "3,966.62" / "3966.62" / "－1.5" → the number and the precision it was written with. */
export function parseStated(text: string): StatedNumber | null {
  const t = text.replace(/[,，\s]/g, '').replace(/[－−]/g, '-');
  if (!/^[+-]?\d+(\.\d+)?$/.test(t)) return null;
  const dot = t.indexOf('.');
  return { value: Number(t), decimals: dot < 0 ? 0 : t.length - dot - 1 };
}

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (the （一）（二） numbering of items). */
export function chineseNumeral(n: number): string {
  if (n <= 0 || n >= 100) return String(n);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${DIGITS[n % 10]}`;
}

/**
 * Judging a stated figure against the tables. A figure copied from a table must be that figure rounded as
 * written. A derived figure (a difference, a growth rate, a share) is judged with interval arithmetic: every
 * input is a rounded 0.01 万元 figure, so the true value lies within ± 0.005 of it, and the stated result
 * (± half a unit of its last written digit) must overlap the range the inputs allow. 1.74 / 7.00 → 24.87%
 * passes (the range is 24.77%–24.95%); a share outside the range cannot come from the table and fails.
 */
import { decimalsOf, formatNumber, parseStated, roundTo } from './numbers.js';
import type { Interval, NumberFormat, SlotCheck, SlotSpec } from './types.js';

export const HALF_CENT = 0.005;
const EPS = 1e-9;

/** The range a figure shown with two decimals stands for. */
export function around(x: number, half = HALF_CENT): Interval {
  const r = roundTo(x, 2);
  return { lo: r - half, hi: r + half };
}

export function sub(a: Interval, b: Interval): Interval {
  return { lo: a.lo - b.hi, hi: a.hi - b.lo };
}

export function abs(a: Interval): Interval {
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return { lo: -a.hi, hi: -a.lo };
  return { lo: 0, hi: Math.max(-a.lo, a.hi) };
}

/** a ÷ b for a divisor that does not contain 0. */
export function div(a: Interval, b: Interval): Interval {
  if (b.lo <= 0 && b.hi >= 0) return { lo: -Infinity, hi: Infinity };
  const q = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi];
  return { lo: Math.min(...q), hi: Math.max(...q) };
}

export function scale(a: Interval, k: number): Interval {
  return k >= 0 ? { lo: a.lo * k, hi: a.hi * k } : { lo: a.hi * k, hi: a.lo * k };
}

export function overlaps(a: Interval, b: Interval): boolean {
  const tol = EPS * Math.max(1, Math.abs(a.lo), Math.abs(a.hi));
  return a.lo <= b.hi + tol && b.lo <= a.hi + tol;
}

/** What a written figure stands for: "24.87" → [24.865, 24.875]. */
export function statedRange(value: number, decimals: number): Interval {
  const h = 0.5 * 10 ** -decimals;
  return { lo: value - h, hi: value + h };
}

function show(x: number): string {
  return formatNumber(x, 'money');
}

function showRange(r: Interval, unit: string): string {
  const lo = Math.floor(r.lo * 100 + EPS) / 100;
  const hi = Math.ceil(r.hi * 100 - EPS) / 100;
  return `${lo.toFixed(2)}${unit}～${hi.toFixed(2)}${unit}`;
}

export type Direction = 'up' | 'down' | 'same';

export function directionOf(cur: number, prior: number): Direction {
  const d = roundTo(cur, 2) - roundTo(prior, 2);
  if (Math.abs(d) < HALF_CENT) return 'same';
  return d > 0 ? 'up' : 'down';
}

export interface DirectionWords {
  up: string[];
  down: string[];
  same: string[];
}

function wordDirection(word: string, words: DirectionWords): Direction | null {
  if (words.up.includes(word)) return 'up';
  if (words.down.includes(word)) return 'down';
  if (words.same.includes(word)) return 'same';
  return null;
}

/** The range of the true value of a derived figure, from the rounded inputs; null when it cannot be formed. */
export function derivedRange(slot: SlotSpec): { range: Interval; exact: number } | { error: string } {
  if (slot.kind === 'diff' || slot.kind === 'growth') {
    if (slot.cur === null || slot.prior === null) return { error: slot.missing ?? '缺少数据' };
    const d = abs(sub(around(slot.cur), around(slot.prior)));
    const exact = Math.abs(slot.cur - slot.prior);
    if (slot.kind === 'diff') return { range: d, exact };
    if (roundTo(slot.prior, 2) === 0) return { error: `上年数为 0，无法计算增减幅度` };
    // |cur − prior| ÷ |prior| = |1 − cur ÷ prior|: written over the two inputs once each, so the range is exact
    const growth = abs(sub({ lo: 1, hi: 1 }, div(around(slot.cur), around(slot.prior))));
    return { range: scale(growth, 100), exact: (exact / Math.abs(slot.prior)) * 100 };
  }
  if (slot.kind === 'ratio') {
    if (slot.num === null || slot.den === null) return { error: slot.missing ?? '缺少数据' };
    if (roundTo(slot.den, 2) === 0) {
      // the published convention: a share of nothing is written 0.00%
      if (roundTo(slot.num, 2) === 0) return { range: { lo: 0, hi: 0 }, exact: 0 };
      return { error: `${slot.denLabel}为 0，不能计算比例` };
    }
    return { range: scale(div(around(slot.num), around(slot.den)), 100), exact: (slot.num / slot.den) * 100 };
  }
  return { error: '不是派生数' };
}

/** The figure a slot should show, formatted as the narrative writes it. */
export function expectedText(slot: SlotSpec): string | null {
  if (slot.kind === 'value') return slot.value === null ? null : formatNumber(slot.value, slot.fmt);
  if (slot.kind === 'dir') return null;
  const r = derivedRange(slot);
  if ('error' in r) return null;
  return formatNumber(r.exact, slot.kind === 'ratio' ? slot.fmt : slot.kind === 'growth' ? 'pct' : 'money');
}

/**
 * Judge a stated figure (or, for a direction slot, a word) against what the tables give. The message says,
 * in the accountant's terms, what the tables say and why the figure does or does not follow from them.
 */
export function verifySlot(slot: SlotSpec, stated: string, words?: DirectionWords): SlotCheck {
  if (slot.missing) return { ok: false, expected: '', message: slot.missing };
  if (slot.kind === 'dir') {
    if (slot.cur === null || slot.prior === null) return { ok: false, expected: '', message: '缺少上年数，无法判断增减方向' };
    const want = directionOf(slot.cur, slot.prior);
    const got = words ? wordDirection(stated, words) : null;
    const name = { up: '增加／增长', down: '减少／下降', same: '持平' }[want];
    const ok = got === want;
    return {
      ok,
      expected: name,
      message: ok
        ? `「${stated}」与方向相符：${slot.label}本年 ${show(slot.cur)}，上年 ${show(slot.prior)}`
        : `「${stated}」与数据方向不符：${slot.label}本年 ${show(slot.cur)}，上年 ${show(slot.prior)}，应为「${name}」`,
    };
  }
  const s = parseStated(stated);
  if (!s) return { ok: false, expected: expectedText(slot) ?? '', message: `「${stated}」不是数字` };
  if (slot.kind === 'value') {
    if (slot.value === null) return { ok: false, expected: '', message: `${slot.label}没有数据` };
    const exp = formatNumber(slot.value, slot.fmt);
    const fixed = slot.fmt === 'int' || slot.fmt === 'year';
    const ok = fixed
      ? s.value === roundTo(slot.value, 0)
      : s.decimals <= decimalsOf(slot.fmt)
        ? roundTo(slot.value, s.decimals) === s.value
        : Math.abs(s.value - slot.value) <= 0.5 * 10 ** -s.decimals + EPS;
    return {
      ok,
      expected: exp,
      message: ok ? `与${slot.label} ${exp} 相符` : `「${stated}」与${slot.label}（${slot.formula}）${exp} 不符`,
    };
  }
  const r = derivedRange(slot);
  if ('error' in r) return { ok: false, expected: '', message: `「${stated}」无法核对：${r.error}` };
  const fmt: NumberFormat = slot.kind === 'ratio' ? slot.fmt : slot.kind === 'growth' ? 'pct' : 'money';
  const exp = formatNumber(r.exact, fmt);
  const ok = overlaps(r.range, statedRange(s.value, s.decimals));
  const unit = slot.kind === 'diff' ? '' : '%';
  const range = r.range.lo === r.range.hi ? `${exp}${unit}` : showRange(r.range, unit);
  let how: string;
  if (slot.kind === 'diff') how = `${slot.curLabel} ${show(slot.cur!)} 与上年 ${show(slot.prior!)} 相差 ${exp}`;
  else if (slot.kind === 'growth') how = `${slot.curLabel}本年 ${show(slot.cur!)}，上年 ${show(slot.prior!)}，增减幅度 ${exp}%`;
  else if (slot.kind === 'ratio') how = `${slot.numLabel} ${show(slot.num!)} ÷ ${slot.denLabel} ${show(slot.den!)} = ${exp}%`;
  else how = exp;
  return {
    ok,
    expected: exp,
    range: r.range,
    message: ok
      ? `${how}；尾数范围 ${range}，相符`
      : `「${stated}${unit}」不能由表中数据得出：${how}，按各数 ±0.005 的尾数范围为 ${range}`,
  };
}

/**
 * Text rules of the import: how a header, a row label, a 科目编码, an amount and a 金额单位 are read out of
 * cells written by people, by the report software and by other regions' templates.
 */
import type { SourceValue } from './source.js';
import { canonicalName, vocabulary } from './vocabulary.js';
import { isSubjectCode } from '../subject-code.js';

export type Unit = '元' | '千元' | '万元';

/** 万元 per unit: an amount in `unit` divided by this factor is in 万元. */
export const UNIT_FACTOR: Record<Unit, number> = { 元: 10000, 千元: 10, 万元: 1 };

const QUOTES = /[“”‘’"'「」『』]/g;

/** Width-folded (NFKC: （ → (, ： → :, full-width digits), without whitespace and quotes. */
export function fold(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').replace(QUOTES, '');
}

export function textOf(v: SourceValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return String(v);
}

const UNIT_IN_TEXT = /\((?:金额)?(?:单位:)?(万元|千元|元)\)|(?:金额)?单位:(万元|千元|元)/;

/** A header cell as a comparable word: folded, without a unit annotation such as （元） or 单位：万元. */
export function headerCanon(s: string): string {
  return fold(s).replace(new RegExp(UNIT_IN_TEXT.source, 'g'), '').replace(/^[\d.、]+(?=\D)/, '');
}

/** The set's word for a header word (the template set's 表头同义词, see vocabulary.ts). */
export function headerAlias(canon: string): string {
  return vocabulary().headers.get(canon) ?? canon;
}

const ENUM_PREFIX = /^(?:[一二三四五六七八九十百]+[、.．]|\d+[、.．](?!\d)|\(\s*[一二三四五六七八九十\d]+\s*\)[、.．]?|[①-⑳]|其中[:：]?|[:：])/;

/** A row label as a key: "一、一般公共预算财政拨款收入" and "（1）公务用车购置费" lose their numbering. */
export function labelKey(s: string): string {
  let t = fold(s);
  for (let i = 0; i < 4; i++) {
    const n = t.replace(ENUM_PREFIX, '');
    if (n === t) break;
    t = n;
  }
  // a 科目 name in another year's or province's wording (the set's 名称变体)
  return canonicalName(t);
}

const CODE_RE = /^(\d{3}(?:\d{2}){0,2})(?:(?=[^\d.])([\s\S]*))?$/;
/** a code written in parts: "201 03 01", "201.03.01", "201-03" (other offices' spacing), maybe followed by its name */
const PARTED_CODE_RE = /^(\d{3})[ .·-](\d{2})(?:[ .·-](\d{2}))?(?![\d.])(?:\s*([\s\S]*))?$/;

/** "2010301", 2010301 or "2010301 行政运行" → { code, rest }. Only 3/5/7-digit codes (类/款/项). */
export function parseCode(v: SourceValue | undefined): { code: string; rest: string } | null {
  if (v === null || v === undefined || typeof v === 'boolean') return null;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 100) return null;
    const s = String(v);
    return isSubjectCode(s) ? { code: s, rest: '' } : null;
  }
  const t = v.normalize('NFKC').trim();
  const parted = PARTED_CODE_RE.exec(t);
  if (parted) return { code: parted[1] + parted[2] + (parted[3] ?? ''), rest: (parted[4] ?? '').trim() };
  const m = CODE_RE.exec(t);
  if (!m) return null;
  return { code: m[1], rest: (m[2] ?? '').trim() };
}

/** One level of a split code: 类 "201" / 201, 款 "03" / 3, 项 "01" / 1. */
export function codePart(v: SourceValue | undefined, width: number): string | null {
  if (v === null || v === undefined || typeof v === 'boolean') return null;
  const t = (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : '') : v.normalize('NFKC').trim());
  if (!/^\d+$/.test(t)) return null;
  if (t.length > width) return t;
  return t.padStart(width, '0');
}

export type Parsed =
  | { kind: 'number'; n: number }
  | { kind: 'blank' }
  | { kind: 'text'; text: string; ambiguous?: boolean };

const DASHES = /^[-－—–─_/／\\、.·…]+$|^(无|空|不适用)$/;
/** digits grouped by thousands separators (comma, or a space), with a point for decimals */
const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(?:(,)\d{3}(?:,\d{3})*|( )\d{3}(?: \d{3})*)(\.\d+)?$/;

/**
 * An amount as written: 1234.56, "1,234.56", "1 234.56", "(12.00)", "-12", "¥1,000", "-" / "—" / "" (blank).
 * A form that could mean two numbers ("1 234,56": a decimal comma? "1,23": ?) is text marked ambiguous — it is
 * refused with its cell named, never guessed.
 */
export function parseAmount(v: SourceValue | undefined): Parsed {
  if (v === null || v === undefined) return { kind: 'blank' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', n: v } : { kind: 'text', text: String(v) };
  if (typeof v === 'boolean') return { kind: 'text', text: v ? 'TRUE' : 'FALSE' };
  const t = v.normalize('NFKC').replace(/[\u00a0\u3000]/g, ' ').trim();
  if (t === '' || DASHES.test(t.replace(/\s+/g, ''))) return { kind: 'blank' };
  const neg = /^\((.*)\)$/.exec(t);
  const body = (neg ? neg[1] : t).trim().replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '');
  let n: number | null = null;
  if (PLAIN.test(body)) n = Number(body);
  else if (GROUPED.test(body)) n = Number(body.replace(/[, ]/g, ''));
  if (n !== null && Number.isFinite(n)) return { kind: 'number', n: neg ? -n : n };
  if (/^[+-]?[\d.,\s]+$/.test(body) && /\d/.test(body)) return { kind: 'text', text: v.trim(), ambiguous: true };
  return { kind: 'text', text: v.trim() };
}

const CJK = '[\\u3400-\\u9fff\\uf900-\\ufaff（）()、]';
const SPACE_IN_CJK = new RegExp(`(${CJK})[\\s\\u3000]+(?=${CJK})`, 'g');

/**
 * A 科目 name as the packet keeps it: line breaks and spaces typed inside a Chinese name dropped (行政\n运行,
 * 一般 公共服务支出), another year's wording replaced by the set's (名称变体: 行政事业单位离退休 → …养老支出).
 */
export function cleanName(s: string): string {
  let t = s.replace(/\s*[\r\n]+\s*/g, '').replace(SPACE_IN_CJK, '$1').trim();
  for (const [from, to] of vocabulary().names) if (t.includes(from) && !t.includes(to)) t = t.replace(from, to);
  return t;
}

/** A 金额单位 stated in a title line or a header: 金额单位：元, 单位：万元, （元）. */
export function detectUnit(s: string): Unit | null {
  const m = UNIT_IN_TEXT.exec(fold(s));
  if (!m) return null;
  return (m[1] ?? m[2]) as Unit;
}

/** Round half away from zero to 0.01, computed on integers so 0.005 steps never drift. */
export function round2(n: number): number {
  const cents = n * 100;
  const r = Math.sign(cents) * Math.round(Math.abs(cents) + 1e-7);
  return r / 100 || 0;
}

/**
 * An amount in `unit` as 万元. Converted from 元 or 千元 it is rounded to 0.01 万元, as the published tables
 * are; already in 万元 it is taken as written, to the 分 (six decimals), so a workbook that holds 1.7409
 * (shown 1.74) keeps it: rounding there would drop what the accountant has.
 */
export function toWan(n: number, unit: Unit): number {
  const f = UNIT_FACTOR[unit];
  if (f === 1) return Math.round(n * 1e6) / 1e6 || 0;
  const cents = Math.round(n * 100);
  const wanCents = cents / f;
  return (Math.sign(wanCents) * Math.round(Math.abs(wanCents) + 1e-9)) / 100 || 0;
}

/** The unit name or a year that a title line states: "部门：XX局", "编制单位：XX", "2024年度". */
export function unitNameIn(s: string): string | null {
  const t = s.normalize('NFKC').trim();
  const m = /(?:编制单位|填报单位|单位名称|预算单位|部门名称|部门|单位)\s*[:：]\s*(.+)$/.exec(t);
  if (!m) return null;
  let name = m[1].replace(/\s*(?:金额)?单位\s*[:：].*$/, '').trim();
  name = name.replace(/\s{2,}.*$/, '').trim();
  if (!name || /^(万元|千元|元|[台辆套、,，]+)$/.test(name) || /^[台辆套]/.test(name)) return null;
  return name;
}

export function yearIn(s: string): number | null {
  const m = /((?:19|20)\d{2})\s*年度?/.exec(s.normalize('NFKC'));
  return m ? Number(m[1]) : null;
}

export function shortText(v: SourceValue, max = 30): string {
  const t = textOf(v).replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

/**
 * The one number formatter: a cell's text under its Excel number format, for the grid, the printed tables and
 * the check messages alike (renderer/grid/format.ts, export/sheet-html.ts, format.ts formatMoney).
 *
 * It reads the subset of number formats templates use (#,##0.00, 0, 0.00%, #,##0.00####, sections split by ';');
 * anything it cannot read shows as Excel's General. SheetJS's SSF was measured for this job and not taken: it
 * refuses #,##0.00#### (the form amounts' own format: "unsupported format") and rounds -1234.5 under "0" to
 * -1234 where Excel shows -1235. Rounding here is Excel's: on the 15 significant digits Excel keeps, half away
 * from zero, so 1736.345 shows 1,736.35 as in Excel (binary toFixed says 1736.34).
 */
import type { CellValue } from './model.js';

interface NumberSection {
  prefix: string;
  suffix: string;
  minDecimals: number;
  maxDecimals: number;
  thousands: boolean;
  percent: boolean;
  /** no digit placeholder at all (e.g. a "-" zero section) */
  literalOnly: boolean;
}

const cache = new Map<string, NumberSection[]>();

function literal(text: string): string {
  // quoted literals, backslash escapes, _x (padding) and *x (fill) have no printable counterpart we need
  return text
    .replace(/"([^"]*)"/g, '$1')
    .replace(/\\(.)/g, '$1')
    .replace(/_.|\*./g, '')
    .replace(/\[[^\]]*\]/g, '');
}

function parseSection(raw: string): NumberSection {
  const m = /[#0?][#0?,]*(\.[#0?]*)?/.exec(raw.replace(/"[^"]*"/g, (q) => ' '.repeat(q.length)));
  if (!m) return { prefix: literal(raw), suffix: '', minDecimals: 0, maxDecimals: 0, thousands: false, percent: false, literalOnly: true };
  const body = m[0];
  const dec = m[1] ? m[1].slice(1) : '';
  const before = raw.slice(0, m.index);
  const after = raw.slice(m.index + body.length);
  return {
    prefix: literal(before),
    suffix: literal(after),
    minDecimals: (dec.match(/0/g) ?? []).length,
    maxDecimals: dec.length,
    thousands: body.includes(','),
    percent: after.includes('%'),
    literalOnly: false,
  };
}

function sections(fmt: string): NumberSection[] {
  let s = cache.get(fmt);
  if (!s) {
    s = fmt.split(';').map(parseSection);
    cache.set(fmt, s);
  }
  return s;
}

function groupThousands(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** x with d decimals, rounded as Excel rounds what it shows: its 15 significant digits, half away from zero. */
function excelFixed(x: number, d: number): string {
  // beyond 15 digits there is nothing left to round (and the exponent trick would overflow)
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return x.toFixed(d);
  const [mant, exp = '0'] = Math.abs(x).toPrecision(15).split('e');
  const rounded = Math.round(Number(`${mant}e${Number(exp) + d}`));
  const abs = Number(`${rounded}e-${d}`).toFixed(d);
  return x < 0 ? `-${abs}` : abs;
}

function formatWith(n: number, sec: NumberSection): string {
  if (sec.literalOnly) return sec.prefix + sec.suffix;
  const x = sec.percent ? n * 100 : n;
  let text = excelFixed(x, sec.maxDecimals);
  if (sec.maxDecimals > sec.minDecimals) {
    // optional decimals (#): drop trailing zeros down to the required ones
    const [i, d = ''] = text.split('.');
    let dd = d;
    while (dd.length > sec.minDecimals && dd.endsWith('0')) dd = dd.slice(0, -1);
    text = dd ? `${i}.${dd}` : i;
  }
  const neg = text.startsWith('-');
  if (neg) text = text.slice(1);
  if (/^0(\.0*)?$/.test(text)) {
    // -0.001 rounded is 0: no minus sign, as Excel prints it
    return sec.prefix + text + sec.suffix;
  }
  const [i, d] = text.split('.');
  const int = sec.thousands ? groupThousands(i) : i;
  return `${neg ? '-' : ''}${sec.prefix}${int}${d !== undefined ? '.' + d : ''}${sec.suffix}`;
}

/** Excel's General: up to 11 significant characters, no trailing zeros. */
export function formatGeneral(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e11) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e11 || (abs !== 0 && abs < 1e-9)) return n.toExponential(5).replace(/\.?0+e/, 'e').toUpperCase();
  const digits = Math.max(0, 10 - Math.floor(Math.log10(abs)));
  return String(Number(n.toFixed(Math.min(digits, 15))));
}

/** The text a cell prints: its value under its number format. */
export function formatCellText(v: CellValue | undefined, numFmt?: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') {
    const text = numFmt ? sections(numFmt)[3] : undefined;
    return text && text.prefix.includes('@') ? text.prefix.replace('@', v) + text.suffix : v;
  }
  if (!numFmt || numFmt === 'General' || numFmt === '@') return formatGeneral(v);
  const secs = sections(numFmt);
  if (v < 0 && secs.length > 1) {
    // the negative section carries its own sign or parentheses
    return formatWith(-v, secs[1]);
  }
  if (v === 0 && secs.length > 2) return formatWith(0, secs[2]);
  return formatWith(v, secs[0]);
}

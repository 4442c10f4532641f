/**
 * Formulas from an untrusted workbook. The engine (HyperFormula) cannot run programs or open links, but
 * the packet is saved and exported again as .xlsx and then opened in Excel/WPS: a DDE call
 * (=cmd|' /C calc'!A0), an external workbook reference ([1]Sheet1!A1), HYPERLINK, WEBSERVICE or an
 * add-in/macro function would come back to life there. Such a formula is kept as inert text ("=cmd|…"),
 * so the accountant sees what the file contained and nothing is ever followed or executed.
 */
import { HyperFormula } from 'hyperformula';
import { LIMITS } from './limits.js';

/** Functions that open links, reach the network or call code outside the workbook. */
const DANGEROUS = new Map<string, { reason: string; code: boolean }>([
  ['HYPERLINK', { reason: '超链接函数 HYPERLINK', code: false }],
  ['WEBSERVICE', { reason: '联网函数 WEBSERVICE', code: false }],
  ['FILTERXML', { reason: '联网函数 FILTERXML', code: false }],
  ['IMAGE', { reason: '联网函数 IMAGE', code: false }],
  ['RTD', { reason: '外部程序函数 RTD', code: true }],
  ['CALL', { reason: '外部程序函数 CALL', code: true }],
  ['REGISTER', { reason: '外部程序函数 REGISTER', code: true }],
  ['REGISTER.ID', { reason: '外部程序函数 REGISTER.ID', code: true }],
  ['EXEC', { reason: '宏函数 EXEC', code: true }],
  ['DDE', { reason: 'DDE 外部程序调用', code: true }],
  ['DDEAUTO', { reason: 'DDE 外部程序调用', code: true }],
]);

export interface UnsafeFormula {
  /** why, in Chinese */
  reason: string;
  /**
   * true when the formula tries to run a program (DDE, macro and add-in calls): it has no place in a
   * 决算 table and is always shown as its own text, so the accountant sees what the file tried to do.
   * Otherwise (links, other workbooks, network functions, Excel's limits) the cached result the source
   * displayed may stand in for it: a prior-year figure linked from another workbook still imports.
   */
  code: boolean;
}

/** The formula with "string literals" blanked, so nothing inside a string is mistaken for code. */
export function formulaCode(formula: string): string {
  let out = '';
  let i = 0;
  while (i < formula.length) {
    const ch = formula[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < formula.length) {
        if (formula[j] === '"') {
          if (formula[j + 1] === '"') j += 2;
          else break;
        } else j++;
      }
      out += '""';
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export interface FormulaLimits {
  maxFormulaLength: number;
  maxFormulaDepth: number;
}

/**
 * Why a formula must not stay a formula, or null when it is an ordinary calculation. Excel's own limits
 * (8,192 characters, 64 levels of nesting) also apply: a formula beyond them cannot have come from Excel
 * and would only strain the parser.
 */
export function unsafeFormula(formula: string, limits: FormulaLimits = { maxFormulaLength: 8192, maxFormulaDepth: 64 }): UnsafeFormula | null {
  const f = formula.replace(/^\s*=/, '');
  if (f.length > limits.maxFormulaLength) return { reason: `公式过长（${f.length} 个字符，Excel 上限 ${limits.maxFormulaLength}）`, code: false };
  const code = formulaCode(f);
  // '|' may appear in a quoted sheet name ('a|b'!A1); outside quotes it is DDE (app|topic!item)
  if (code.replace(/'(?:[^']|'')*'/g, "''").includes('|')) return { reason: 'DDE 外部程序调用', code: true };
  // Excel forbids [ ] in sheet names: a bracket outside a string is another workbook ([1]Sheet1!A1,
  // 'C:\dir\[book.xlsx]Sheet1'!A1) or a table reference, neither of which a packet may depend on.
  if (code.includes('[') || code.includes(']')) return { reason: '引用其他工作簿（外部链接）', code: false };
  let depth = 0;
  for (const ch of code) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth > limits.maxFormulaDepth) return { reason: `公式嵌套超过 ${limits.maxFormulaDepth} 层`, code: false };
  }
  for (const m of code.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) {
    let name = m[1].toUpperCase();
    if (name.startsWith('_XLL.')) return { reason: `加载项函数 ${m[1].slice(5)}`, code: true };
    name = name.replace(/^(_XLFN\.|_XLWS\.|_XLPM\.)+/, '');
    const hit = DANGEROUS.get(name);
    if (hit) return hit;
  }
  // the result the source cached stands in for a range built at run time (see runtimeRange)
  const runtime = runtimeRange(f);
  if (runtime) return { reason: `公式使用了运行时生成区域的${runtime}`, code: false };
  return null;
}

/** The reason alone, for callers that only need to know whether and why. */
export function unsafeFormulaReason(formula: string, limits?: FormulaLimits): string | null {
  return unsafeFormula(formula, limits)?.reason ?? null;
}

// ---- the cost of the ranges formulas refer to ----

/** the size limits the engine is built with (shared/engine.ts passes ENGINE_SIZE to HyperFormula) */
const HF_MAX_ROWS = Math.max(HyperFormula.defaultConfig.maxRows, LIMITS.maxRows);
const HF_MAX_COLS = HyperFormula.defaultConfig.maxColumns;

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

const SHEET = String.raw`(?:('(?:[^']|'')+'|[A-Za-z0-9_.\u0080-\uffff]+)!)?`;
/** the sheet repeated on the far end of a range (公开01表!A1:公开01表!Y39990), which HyperFormula accepts too */
const SHEET2 = String.raw`(?:(?:'(?:[^']|'')+'|[A-Za-z0-9_.\u0080-\uffff]+)!)?`;
const CELL = String.raw`\$?([A-Za-z]{1,3})\$?(\d{1,9})`;
const RANGE_RE = new RegExp(
  `${SHEET}(?:${CELL}\\s*:\\s*${SHEET2}${CELL}|\\$?([A-Za-z]{1,3})\\s*:\\s*\\$?([A-Za-z]{1,3})(?![A-Za-z0-9_(])|\\$?(\\d{1,9})\\s*:\\s*\\$?(\\d{1,9})(?![\\d.]))`,
  'g',
);

/**
 * Cells that HyperFormula would have to materialise for the ranges in `text` not already in `seen`
 * (HyperFormula shares one vertex per distinct range). A range beyond HyperFormula's own size limits is
 * rejected by it at parse time (#NAME?) and costs nothing. Whole columns and whole rows are costed
 * roughly: HyperFormula tracks them through the cells that exist.
 */
export function rangeCost(text: string, sheet: string, seen: Set<string>): number {
  if (!text.includes(':')) return 0;
  let cost = 0;
  for (const m of formulaCode(text).matchAll(RANGE_RE)) {
    const key = `${m[1] ?? sheet}!${m[0].slice(m[1] ? m[1].length + 1 : 0).replace(/[$\s]/g, '').replace(/:.*!/, ':').toUpperCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (m[2] !== undefined) {
      const r1 = Number(m[3]);
      const r2 = Number(m[5]);
      const c1 = colNumber(m[2]);
      const c2 = colNumber(m[4]);
      if (Math.max(r1, r2) > HF_MAX_ROWS || Math.max(c1, c2) > HF_MAX_COLS) continue;
      cost += (Math.abs(r2 - r1) + 1) * (Math.abs(c2 - c1) + 1);
    } else if (m[6] !== undefined) {
      cost += (Math.abs(colNumber(m[7]) - colNumber(m[6])) + 1) * 1000;
    } else if (m[8] !== undefined) {
      const r1 = Number(m[8]);
      const r2 = Number(m[9]);
      if (Math.max(r1, r2) > HF_MAX_ROWS) continue;
      cost += (Math.abs(r2 - r1) + 1) * 16;
    }
  }
  return cost;
}

// ---- ranges made at run time ----

/**
 * Functions whose result is a range or an array sized by their arguments at run time. No static reading of
 * the formula can cost them: =SUM(OFFSET(A1,0,0,1048576,16384)) names one cell and makes HyperFormula build
 * 17 billion. In a cell of an untrusted workbook such a formula keeps the result its source had cached; in a
 * check (which has no cached result) it is refused.
 */
const RUNTIME_RANGE = new Set([
  'OFFSET', 'INDIRECT', 'SEQUENCE', 'MAKEARRAY', 'RANDARRAY', 'MUNIT', 'ARRAYFORMULA', 'ARRAY_CONSTRAIN', 'EXPAND',
  'CHOOSEROWS', 'CHOOSECOLS', 'TAKE', 'DROP', 'VSTACK', 'HSTACK', 'TOCOL', 'TOROW', 'WRAPROWS', 'WRAPCOLS', 'SPLIT',
  'TEXTSPLIT', 'LAMBDA', 'LET', 'MAP', 'REDUCE', 'SCAN', 'BYROW', 'BYCOL',
]);

/**
 * The run-time range a formula builds, as a short Chinese description (「OFFSET」, 「由函数结果组成的区域 …:INDEX(…)」),
 * or null. Also a ':' with a function call on either side (A1:INDEX(A:A,n), OFFSET(…):B9): Excel and
 * HyperFormula make a range of whatever the call returns.
 */
export function runtimeRange(formula: string): string | null {
  const code = formulaCode(formula.replace(/^\s*=/, '')).replace(/'(?:[^']|'')*'/g, "''");
  for (const m of code.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) {
    const name = m[1].toUpperCase().replace(/^(_XLFN\.|_XLWS\.|_XLPM\.)+/, '');
    if (RUNTIME_RANGE.has(name)) return `函数 ${name}`;
  }
  if (/\)\s*:|:\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(/.test(code)) return '由函数结果组成的区域（如 A1:INDEX(…)）';
  return null;
}

/** Placeholder output longer than this is cut: a message shows a figure or a name, never a page of text. */
export const MAX_PLACEHOLDER_CHARS = 200;

export function capPlaceholder(s: string): string {
  return s.length > MAX_PLACEHOLDER_CHARS ? `${s.slice(0, MAX_PLACEHOLDER_CHARS)}…（共 ${s.length} 个字符，已截断）` : s;
}

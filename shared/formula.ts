/**
 * Translating between the Excel formula text a template carries and what HyperFormula parses:
 * HyperFormula needs non-ASCII sheet names quoted and rejects non-ASCII defined names, so those get
 * ASCII aliases inside the engine and their Chinese names back on the way out.
 */

const IDENT_CHAR = /[A-Za-z0-9_.\u0080-\uffff]/;

/** Split formula text into code and literal segments ("strings" and 'quoted sheet names' are literal). */
function segments(formula: string): { text: string; literal: boolean }[] {
  const out: { text: string; literal: boolean }[] = [];
  let i = 0;
  let start = 0;
  while (i < formula.length) {
    const ch = formula[i];
    if (ch === '"' || ch === "'") {
      if (i > start) out.push({ text: formula.slice(start, i), literal: false });
      let j = i + 1;
      while (j < formula.length) {
        if (formula[j] === ch) {
          if (formula[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out.push({ text: formula.slice(i, j + 1), literal: true });
      i = j + 1;
      start = i;
    } else i++;
  }
  if (start < formula.length) out.push({ text: formula.slice(start), literal: false });
  return out;
}

function mapCode(formula: string, fn: (code: string) => string): string {
  return segments(formula)
    .map((s) => (s.literal ? s.text : fn(s.text)))
    .join('');
}

function replaceToken(code: string, token: string, by: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const k = code.indexOf(token, i);
    if (k < 0) break;
    const before = k > 0 ? code[k - 1] : '';
    const after = code[k + token.length] ?? '';
    const whole = !(before && IDENT_CHAR.test(before)) && !(after && (IDENT_CHAR.test(after) || after === '!' || after === '('));
    out += code.slice(i, k) + (whole ? by : token);
    i = k + token.length;
  }
  return out + code.slice(i);
}

export class FormulaTranslator {
  private toAlias = new Map<string, string>();
  private toName = new Map<string, string>();
  /** names that need an alias, longest first so 本年收入合计 is not cut short by a shorter name */
  private aliased: [string, string][] = [];

  /** Register a defined name; returns the ASCII alias used inside HyperFormula. */
  alias(name: string): string {
    let a = this.toAlias.get(name);
    if (!a) {
      a = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `JSN_${this.toAlias.size}`;
      this.toAlias.set(name, a);
      this.toName.set(a, name);
      if (a !== name) this.aliased = [...this.aliased, [name, a] as [string, string]].sort((x, y) => y[0].length - x[0].length);
    }
    return a;
  }

  /** Excel formula (without '=') → HyperFormula formula (with '='). */
  toEngine(formula: string): string {
    const body = mapCode(formula.replace(/^=/, ''), (code) => {
      // only non-ASCII text can hold an unquoted Chinese sheet name or a Chinese defined name
      if (!/[^\p{ASCII}]/u.test(code)) return code;
      let c = code.replace(/([A-Za-z0-9_.\u0080-\uffff]+)!/g, (m, ident: string) =>
        /[^\p{ASCII}]/u.test(ident) ? `'${ident}'!` : m,
      );
      for (const [n, a] of this.aliased) if (c.includes(n)) c = replaceToken(c, n, a);
      return c;
    });
    return `=${body}`;
  }

  /** HyperFormula formula (with '=') → Excel formula (without '='). */
  fromEngine(formula: string): string {
    return mapCode(formula.replace(/^=/, ''), (code) => {
      if (!code.includes('JSN_')) return code;
      let c = code;
      for (const [n, a] of this.aliased) if (c.includes(a)) c = replaceToken(c, a, n);
      return c;
    });
  }
}

/** APPROX(...) → APPROXSTRICT(...): the same check with no rounding allowance. */
export function strictVariant(engineFormula: string): string {
  // most checks name no APPROX at all: no need to split them into code and literals (a cost per check on open)
  if (!/APPROX\(/i.test(engineFormula)) return engineFormula;
  return mapCode(engineFormula, (code) => code.replace(/(^|[^A-Za-z0-9_.])APPROX\(/gi, '$1APPROXSTRICT('));
}

/** Split "说明 {expr} 文本 {expr}" into literal parts and placeholder expressions. */
export function splitMessage(message: string): { parts: string[]; exprs: string[] } {
  const parts: string[] = [];
  const exprs: string[] = [];
  let cur = '';
  let i = 0;
  while (i < message.length) {
    if (message[i] === '{') {
      const j = message.indexOf('}', i);
      if (j > i) {
        parts.push(cur);
        exprs.push(message.slice(i + 1, j));
        cur = '';
        i = j + 1;
        continue;
      }
    }
    cur += message[i++];
  }
  parts.push(cur);
  return { parts, exprs };
}

export function joinMessage(parts: string[], exprs: string[]): string {
  return parts.map((p, i) => (i < exprs.length ? `${p}{${exprs[i]}}` : p)).join('');
}


// ---- formulas Excel stores once for a filled run ----

const NOT_BEFORE = '(?<![A-Za-z0-9_.\\u0080-\\uffff$])';
const NOT_AFTER = '(?![A-Za-z0-9_.\\u0080-\\uffff(!])';
/** A1 cell, column range (C:C) or row range (8:30) in formula code; sheet prefixes stay attached to their text. */
const REF_RE = new RegExp(
  `${NOT_BEFORE}(?:(\\$?)([A-Za-z]{1,3})(\\$?)(\\d{1,7})|(\\$?)([A-Za-z]{1,3}):(\\$?)([A-Za-z]{1,3})|(\\$?)(\\d{1,7}):(\\$?)(\\d{1,7}))${NOT_AFTER}`,
  'g',
);
const MAX_ROW = 1048576;
const MAX_COL = 16384;

function letterIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function indexLetters(n: number): string {
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * The formula of a cell that shares the formula of `from` (Excel's `<f t="shared">`, a formula filled down or
 * across): relative references move by the offset between the two cells, `$` parts stay, text in "strings" and
 * 'quoted sheet names' is never touched. A reference pushed off the sheet becomes #REF!, as in Excel. Rows and
 * columns are 1-based, as in A1 text.
 */
export function slideFormula(formula: string, from: { row: number; col: number }, to: { row: number; col: number }): string {
  const dr = to.row - from.row;
  const dc = to.col - from.col;
  if (dr === 0 && dc === 0) return formula;
  const col = (abs: string, letters: string): string | null => {
    const n = letterIndex(letters) + (abs ? 0 : dc);
    return n >= 1 && n <= MAX_COL ? abs + indexLetters(n) : null;
  };
  const row = (abs: string, digits: string): string | null => {
    const n = Number(digits) + (abs ? 0 : dr);
    return n >= 1 && n <= MAX_ROW ? abs + String(n) : null;
  };
  return mapCode(formula, (code) =>
    code.replace(REF_RE, (whole, ca?: string, cl?: string, ra?: string, rd?: string, a1?: string, l1?: string, a2?: string, l2?: string, b1?: string, d1?: string, b2?: string, d2?: string) => {
      if (cl !== undefined && rd !== undefined) {
        // a name such as "TAX2024" is not a cell: beyond column XFD or row 1,048,576 it is left as it is
        if (letterIndex(cl) > MAX_COL || Number(rd) > MAX_ROW || Number(rd) < 1) return whole;
        const c = col(ca ?? '', cl);
        const r = row(ra ?? '', rd);
        return c && r ? c + r : '#REF!';
      }
      if (l1 !== undefined && l2 !== undefined) {
        if (letterIndex(l1) > MAX_COL || letterIndex(l2) > MAX_COL) return whole;
        const c1 = col(a1 ?? '', l1);
        const c2 = col(a2 ?? '', l2);
        return c1 && c2 ? `${c1}:${c2}` : '#REF!';
      }
      if (d1 !== undefined && d2 !== undefined) {
        const r1 = row(b1 ?? '', d1);
        const r2 = row(b2 ?? '', d2);
        return r1 && r2 ? `${r1}:${r2}` : '#REF!';
      }
      return whole;
    }),
  );
}

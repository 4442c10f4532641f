/** A1 addressing helpers. Rows and columns are 0-based inside the app, 1-based in A1 text. */

export function colLetters(col: number): string {
  let s = '';
  let n = col + 1;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function a1(row: number, col: number): string {
  return `${colLetters(col)}${row + 1}`;
}

export interface CellRef {
  sheet: string;
  row: number;
  col: number;
}

const CELL_RE = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

export function parseA1(text: string): { row: number; col: number } | null {
  const m = CELL_RE.exec(text.trim());
  if (!m) return null;
  return { row: Number(m[2]) - 1, col: colIndex(m[1]) };
}

export interface RangeRef {
  sheet: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** "A1:C3" or "A1" → bounds */
export function parseRange(text: string): { top: number; left: number; bottom: number; right: number } | null {
  const [a, b] = text.split(':');
  const p = parseA1(a);
  if (!p) return null;
  const q = b ? parseA1(b) : p;
  if (!q) return null;
  return { top: Math.min(p.row, q.row), left: Math.min(p.col, q.col), bottom: Math.max(p.row, q.row), right: Math.max(p.col, q.col) };
}

/** "'公开01表'!C3" / "公开01表!C3:D4" → sheet + range; sheet defaults to `defaultSheet`. */
export function parseSheetRange(text: string, defaultSheet = ''): RangeRef | null {
  const t = text.trim();
  const bang = t.lastIndexOf('!');
  let sheet = defaultSheet;
  let rest = t;
  if (bang >= 0) {
    sheet = t.slice(0, bang).replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    rest = t.slice(bang + 1);
  }
  const r = parseRange(rest);
  return r ? { sheet, ...r } : null;
}

export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

export function formatRange(r: RangeRef): string {
  const tl = a1(r.top, r.left);
  const br = a1(r.bottom, r.right);
  return `${r.sheet}!${tl === br ? tl : `${tl}:${br}`}`;
}

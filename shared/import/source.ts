/**
 * A source workbook as plain grids of values: .xlsx through ExcelJS, legacy .xls (BIFF5/BIFF8), SpreadsheetML
 * 2003 and HTML tables (what government web systems save as ".xls", often in GBK) through SheetJS, MHTML
 * (.mht "single file web page") and CSV (often GBK) through our own small readers. Formulas from the source
 * are never evaluated: a formula cell contributes its cached result, or is flagged when it has none.
 *
 * Every reader applies the same budget (rows, columns, cells) before the grid is built, and names the size
 * it refuses: a 65,000-row sheet or a stray cell at XFD1048576 is a Chinese message, not a long wait.
 */
import ExcelJS from 'exceljs';
import * as XLSX from '@e965/xlsx';
import { PacketError } from '../errors.js';
import { isZip, loadWorkbook, MAX_XLSX_BYTES } from '../xlsx.js';
import { SafetyError } from '../safety/index.js';

export type SourceValue = number | string | boolean | null;

export interface Bounds {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SourceSheet {
  name: string;
  hidden: boolean;
  /** dense rows × columns, 0-based; a merged range holds its value in the top-left cell only */
  cells: SourceValue[][];
  merges: Bounds[];
  /** cells (row * COL_LIMIT + col) that hold a formula without a cached result */
  uncached: Set<number>;
}

export type SourceFormat = 'xlsx' | 'xls' | 'xml' | 'html' | 'mhtml' | 'csv';

export interface SourceBook {
  format: SourceFormat;
  sheets: SourceSheet[];
}

export const COL_LIMIT = 16384;
/**
 * Budgets of one source sheet. 决算 tables have tens to hundreds of rows (a whole 功能分类 catalogue is under
 * 2,000 科目); the budgets leave room for a 5,000-row export and refuse what only a mistake or an attack makes.
 */
export const MAX_SOURCE_ROWS = 10_000;
export const MAX_SOURCE_COLS = 256;
export const MAX_SOURCE_CELLS = 1_000_000;

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function isCfb(b: Uint8Array): boolean {
  return b.length > 8 && CFB_MAGIC.every((x, i) => b[i] === x);
}

function tooBig(what: string, sheet: string, size: string): PacketError {
  return new PacketError(
    `${what}的工作表「${sheet}」过大（${size}），超过导入上限（${MAX_SOURCE_ROWS.toLocaleString('en-US')} 行、${MAX_SOURCE_COLS} 列、` +
      `${MAX_SOURCE_CELLS.toLocaleString('en-US')} 个单元格），未导入。决算公开表只有几十到几百行：请只保留要导入的表另存后再导入。`,
  );
}

function sizeText(rows: number, cols: number): string {
  return `${rows.toLocaleString('en-US')} 行 × ${cols.toLocaleString('en-US')} 列`;
}

/** Refuse a sheet whose extent exceeds the budget; `cells` is the count of non-empty cells when known. */
function checkBudget(what: string, sheet: string, rows: number, cols: number, cells?: number): void {
  if (rows > MAX_SOURCE_ROWS || cols > MAX_SOURCE_COLS) throw tooBig(what, sheet, sizeText(rows, cols));
  if ((cells ?? rows * cols) > MAX_SOURCE_CELLS) throw tooBig(what, sheet, `${(cells ?? rows * cols).toLocaleString('en-US')} 个单元格`);
}

// ------------------------------------------------------------------ text decoding (HTML, MHTML, CSV)

interface Decoder {
  decode(b: Uint8Array): string;
}
type DecoderCtor = new (label: string, opts?: { fatal?: boolean }) => Decoder;

/** TextDecoder exists in Node 20, browsers and Workers; shared/ has no DOM types, so reach it through globalThis. */
function decoder(label: string, fatal = false): Decoder {
  const Ctor = (globalThis as unknown as { TextDecoder?: DecoderCtor }).TextDecoder;
  if (!Ctor) throw new PacketError('当前环境不能解码文本文件（缺少 TextDecoder）。');
  return new Ctor(label, { fatal });
}

function ascii(b: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < Math.min(to, b.length); i++) out += b[i] < 128 ? String.fromCharCode(b[i]) : ' ';
  return out;
}

/** The charset an HTML head or MIME part declares, as a TextDecoder label; GB2312 and GBK read as GB18030 (a superset). */
export function charsetLabel(declared: string | null | undefined): string | null {
  if (!declared) return null;
  const k = declared.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (/^(gb2312|gbk|x-gbk|gb_2312-80|cp936|ms936|windows-936|euc-cn|gb18030|chinese|csgb2312|iso-ir-58)$/.test(k)) return 'gb18030';
  if (/^utf-?8$/.test(k)) return 'utf-8';
  if (/^utf-?16(le)?$/.test(k)) return 'utf-16le';
  if (k === 'utf-16be') return 'utf-16be';
  if (/^big5/.test(k)) return 'big5';
  return null;
}

/**
 * Bytes of a text file as a string: a BOM decides first, then a declared charset, then the bytes themselves
 * (valid UTF-8 is UTF-8; anything else from a Chinese office is GB18030/GBK).
 */
export function decodeText(b: Uint8Array, declared?: string | null): { text: string; encoding: string } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: decoder('utf-8').decode(b.subarray(3)), encoding: 'UTF-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: decoder('utf-16le').decode(b.subarray(2)), encoding: 'UTF-16' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: decoder('utf-16be').decode(b.subarray(2)), encoding: 'UTF-16' };
  const label = charsetLabel(declared) ?? charsetLabel(/charset\s*=\s*["']?([\w-]+)/i.exec(ascii(b, 0, 4096))?.[1]);
  if (label && label !== 'utf-8') return { text: decoder(label).decode(b), encoding: label === 'gb18030' ? 'GBK/GB18030' : label.toUpperCase() };
  try {
    return { text: decoder('utf-8', true).decode(b), encoding: 'UTF-8' };
  } catch {
    if (label === 'utf-8') return { text: decoder('utf-8').decode(b), encoding: 'UTF-8' };
    return { text: decoder('gb18030').decode(b), encoding: 'GBK/GB18030' };
  }
}

function sniffText(b: Uint8Array, name?: string): 'xml' | 'html' | 'mhtml' | 'csv' | null {
  // the markers are ASCII; the head read byte by byte is enough to tell the kinds apart
  const head = ascii(b, 0, 4096).trimStart().toLowerCase();
  if (head.startsWith('<?xml') && head.includes('urn:schemas-microsoft-com:office:spreadsheet')) return 'xml';
  if (/^(mime-version:|from:|subject:|date:|content-type:\s*multipart\/related)/.test(head) && /multipart\/related/.test(head)) return 'mhtml';
  if (/^<(!doctype html|html|table|meta|head|body|style|!--)/.test(head) || (head.startsWith('<?xml') && head.includes('<html'))) return 'html';
  if (/<table[\s>]/.test(head) && /<t[dr][\s>]/.test(head)) return 'html';
  // plain text is a table only when it says so: named .csv/.txt (or, unnamed, delimited on its first lines) —
  // a README or a letter with commas is not read as one
  if (name !== undefined && !/\.(csv|txt|tsv)$/i.test(name)) return null;
  return looksLikeCsv(b) ? 'csv' : null;
}

/** Text (no NUL, no other control bytes) with a delimiter on its first lines: a CSV/TSV export. */
function looksLikeCsv(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let lines = 0;
  let delims = 0;
  for (let i = 0; i < n; i++) {
    const x = b[i];
    if (x === 0 || (x < 32 && x !== 9 && x !== 10 && x !== 13)) return false;
    if (x === 10) lines++;
    if (x === 44 || x === 9) delims++;
  }
  return delims > 0 && (lines > 0 || n === b.length);
}

/** Control characters (.xls comments and report-software strings end in them); tab, CR and LF stay. */
function clean(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 32 || c === 9 || c === 10 || c === 13) out += ch;
  }
  return out;
}

/** Read any supported workbook; throws PacketError with a Chinese message when it cannot be read. */
export async function readSource(bytes: Uint8Array, what = '源文件', name?: string): Promise<SourceBook> {
  if (bytes.length === 0) throw new PacketError(`${what}是空文件（0 字节），无法导入。`);
  if (bytes.length > MAX_XLSX_BYTES) {
    throw new PacketError(`${what}过大（${(bytes.length / 1048576).toFixed(1)} MB），超过 ${MAX_XLSX_BYTES / 1048576} MB 的上限，未导入。`);
  }
  if (isZip(bytes)) {
    let wb: ExcelJS.Workbook;
    try {
      wb = await loadWorkbook(bytes, what);
    } catch (e) {
      // a file refused for its size or shape stays refused: another reader would inflate the same bomb
      if (e instanceof SafetyError) throw e;
      // Files from some report software trip ExcelJS on their styles; SheetJS reads their values.
      const viaSheetJs = tryReadSheetJs(bytes, 'xlsx', what);
      if (viaSheetJs) return viaSheetJs;
      throw e;
    }
    if (!wb.worksheets.length) throw new PacketError(`${what}中没有工作表（可能不是 Excel 工作簿），无法导入。`);
    return { format: 'xlsx', sheets: wb.worksheets.map((ws) => fromExcelJs(ws, what)) };
  }
  if (isCfb(bytes)) {
    await codepages();
    return readSheetJs(bytes, 'xls', what);
  }
  const text = sniffText(bytes, name);
  if (text === 'xml') return readSheetJs(bytes, 'xml', what);
  if (text === 'html') return readHtml(decodeText(bytes).text, 'html', what);
  if (text === 'mhtml') return readHtml(htmlOfMhtml(bytes, what), 'mhtml', what);
  if (text === 'csv') return readCsv(decodeText(bytes).text, what);
  throw new PacketError(
    `${what}不是可识别的表格文件：既不是 .xlsx、.xls（Excel 97-2003），也不是网页表格（.htm/.mht）或 CSV。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`,
  );
}

let codepagesLoaded = false;
/**
 * BIFF5 (Excel 5/95) stores text in the workbook's code page (936 = GBK in China); SheetJS needs the code
 * page tables for it. Loaded on the first .xls only: the renderer does not carry them otherwise.
 */
async function codepages(): Promise<void> {
  if (codepagesLoaded) return;
  const cp = await import('@e965/xlsx/dist/cpexcel.full.mjs');
  XLSX.set_cptable(cp);
  codepagesLoaded = true;
}

function tryReadSheetJs(bytes: Uint8Array, format: SourceFormat, what: string): SourceBook | null {
  try {
    return readSheetJs(bytes, format, what);
  } catch (e) {
    // a refusal for size is the answer; any other failure leaves ExcelJS's message to be shown
    if (e instanceof PacketError && /过大/.test(e.message)) throw e;
    return null;
  }
}

const READ_OPTS = { dense: true, cellFormula: false, cellHTML: false, cellNF: false, cellStyles: false, cellDates: false } as const;

function readSheetJs(bytes: Uint8Array, format: SourceFormat, what: string): SourceBook {
  let wb: XLSX.WorkBook;
  try {
    // sheetRows stops the parser one row past the budget: a 65,000-row sheet is refused without building it
    wb = XLSX.read(bytes, { type: 'array', ...READ_OPTS, sheetRows: MAX_SOURCE_ROWS + 1 });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/password|encrypt/i.test(msg)) throw new PacketError(`${what}设置了打开密码（已加密），无法导入。请在 Excel/WPS 中取消密码后另存再导入。`);
    // the library's own words ("Sector Shift: Expected 12 saw 12") stay in the detail, not in the message
    throw new PacketError(`${what}无法打开：${format === 'xls' ? '.xls 文件已损坏或不是 Excel 工作簿' : '文件内容无法识别'}。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`, msg);
  }
  return bookOf(wb, format, what);
}

function bookOf(wb: XLSX.WorkBook, format: SourceFormat, what: string): SourceBook {
  // a damaged .xls can list a sheet whose data SheetJS could not find
  if (!wb.SheetNames.some((name) => wb.Sheets[name])) throw new PacketError(`${what}中没有工作表${wb.SheetNames.length ? '（文件已损坏）' : ''}，无法导入。`);
  const props = wb.Workbook?.Sheets ?? [];
  const sheets = wb.SheetNames.flatMap((name, i) => (wb.Sheets[name] ? [fromSheetJs(name, wb.Sheets[name], !!props[i]?.Hidden, what)] : []));
  return { format, sheets };
}

/**
 * An HTML table saved as ".xls" (web systems, report software): its size is counted on the markup before
 * SheetJS builds anything — rows, cells and the spans a cell claims.
 */
function readHtml(html: string, format: SourceFormat, what: string): SourceBook {
  if (!/<table[\s>]/i.test(html)) throw new PacketError(`${what}是网页文件，但其中没有表格（<table>），无法导入。`);
  // counted with a scan that stops at the budget: a 4.5-million-cell page is refused without building arrays of it
  const count = (re: RegExp, limit: number): number => {
    let n = 0;
    re.lastIndex = 0;
    while (re.exec(html) && ++n <= limit);
    return n;
  };
  const rows = count(/<tr[\s>]/gi, MAX_SOURCE_ROWS + 1);
  const cells = count(/<t[dh][\s>]/gi, MAX_SOURCE_CELLS + 1);
  let widest = 0;
  let tallest = 0;
  for (const m of html.matchAll(/\b(colspan|rowspan)\s*=\s*["']?(\d+)/gi)) {
    const n = Number(m[2]);
    if (m[1].toLowerCase() === 'colspan') widest = Math.max(widest, n);
    else tallest = Math.max(tallest, n);
  }
  const sheet = format === 'mhtml' ? '网页' : 'Sheet1';
  if (cells > MAX_SOURCE_CELLS) throw tooBig(what, sheet, `超过 ${MAX_SOURCE_CELLS.toLocaleString('en-US')} 个单元格`);
  if (rows > MAX_SOURCE_ROWS) throw tooBig(what, sheet, `超过 ${MAX_SOURCE_ROWS.toLocaleString('en-US')} 行`);
  checkBudget(what, sheet, tallest, widest, cells);
  let wb: XLSX.WorkBook;
  try {
    // raw: the cell text as written; parseAmount decides what is a number (and refuses "1 234,56")
    wb = XLSX.read(html, { type: 'string', ...READ_OPTS, raw: true, sheetRows: MAX_SOURCE_ROWS + 1 });
  } catch (e) {
    throw new PacketError(`${what}的网页表格无法读取（${(e as Error).message}）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`);
  }
  return bookOf(wb, format, what);
}

/** The HTML part of an MHTML file ("单个文件网页" .mht/.mhtml), decoded from quoted-printable or base64. */
function htmlOfMhtml(bytes: Uint8Array, what: string): string {
  const whole = ascii(bytes, 0, bytes.length);
  const boundary = /boundary\s*=\s*"?([^";\r\n]+)"?/i.exec(whole.slice(0, 8192))?.[1];
  if (!boundary) throw new PacketError(`${what}是 MHTML 网页文件，但找不到各部分的分隔标记，无法导入。`);
  let at = whole.indexOf('--' + boundary);
  while (at >= 0) {
    const next = whole.indexOf('--' + boundary, at + boundary.length + 2);
    const partStart = at + boundary.length + 2;
    const partEnd = next < 0 ? whole.length : next;
    const headEnd = whole.slice(partStart, partEnd).search(/\r?\n\r?\n/);
    if (headEnd >= 0) {
      const head = whole.slice(partStart, partStart + headEnd);
      if (/content-type:\s*text\/html/i.test(head)) {
        const bodyFrom = partStart + headEnd + (whole.slice(partStart + headEnd, partStart + headEnd + 4).startsWith('\r\n') ? 4 : 2);
        const body = bytes.subarray(bodyFrom, partEnd);
        const enc = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
        const raw = enc === 'base64' ? fromBase64(ascii(body, 0, body.length)) : enc === 'quoted-printable' ? fromQuotedPrintable(body) : body;
        return decodeText(raw, /charset\s*=\s*"?([\w-]+)/i.exec(head)?.[1]).text;
      }
    }
    at = next;
  }
  throw new PacketError(`${what}是 MHTML 网页文件，但其中没有网页（text/html）部分，无法导入。`);
}

function fromQuotedPrintable(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  const hex = (x: number) => (x >= 48 && x <= 57 ? x - 48 : x >= 65 && x <= 70 ? x - 55 : x >= 97 && x <= 102 ? x - 87 : -1);
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 61) {
      out.push(b[i]);
      continue;
    }
    if (b[i + 1] === 13 && b[i + 2] === 10) i += 2; // soft line break
    else if (b[i + 1] === 10) i += 1;
    else if (hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
      out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
      i += 2;
    } else out.push(b[i]);
  }
  return Uint8Array.from(out);
}

function fromBase64(s: string): Uint8Array {
  const map = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let n = 0;
  for (let i = 0; i + 1 < clean.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => (i + k < clean.length ? map.indexOf(clean[i + k]) : 0));
    const x = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out[n++] = (x >> 16) & 255;
    if (i + 2 < clean.length) out[n++] = (x >> 8) & 255;
    if (i + 3 < clean.length) out[n++] = x & 255;
  }
  return out.subarray(0, n);
}

/**
 * CSV or tab-separated text, RFC 4180 quoting; every cell stays text (parseAmount reads the numbers, and an
 * ambiguous "1 234,56" is refused there with its cell named). Budgets are applied while reading.
 */
function readCsv(text: string, what: string): SourceBook {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = (firstLine.match(/\t/g) ?? []).length > (firstLine.match(/,/g) ?? []).length ? '\t' : ',';
  const rows: SourceValue[][] = [];
  let row: SourceValue[] = [];
  let cell = '';
  let quoted = false;
  let cells = 0;
  const endCell = () => {
    const t = clean(cell).trim();
    if (t !== '') {
      if (row.length >= MAX_SOURCE_COLS) checkBudget(what, 'CSV', rows.length + 1, row.length + 1);
      row[row.length] = t;
      cells++;
    } else row.length++;
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
    if (rows.length > MAX_SOURCE_ROWS) checkBudget(what, 'CSV', text.split('\n').length, MAX_SOURCE_COLS);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === sep) endCell();
    else if (ch === '\n') endRow();
    else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) endRow();
  checkBudget(what, 'CSV', rows.length, rows.reduce((m, r) => Math.max(m, r.length), 0), cells);
  return { format: 'csv', sheets: [{ name: 'CSV', hidden: false, cells: densify(rows.map((r) => Array.from(r, (v) => v ?? null))), merges: [], uncached: new Set() }] };
}

function fromSheetJs(name: string, ws: XLSX.WorkSheet, hidden: boolean, what: string): SourceSheet {
  const data = ((ws as XLSX.DenseSheet)['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  // rows past the budget were not parsed (sheetRows); !fullref still states the sheet's declared size
  const full = (ws['!fullref'] ?? ws['!ref']) as string | undefined;
  const declared = full ? XLSX.utils.decode_range(full) : null;
  let lastRow = -1;
  let lastCol = -1;
  let count = 0;
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (!cell || cell.v === undefined || cell.v === null || cell.v === '') continue;
      count++;
      lastRow = r;
      if (c > lastCol) lastCol = c;
    }
  }
  // the declared extent (BIFF DIMENSIONS, SpreadsheetML's farthest cell) names the size of what was not parsed
  const rows = Math.max(lastRow + 1, declared ? declared.e.r + 1 : 0);
  const cols = Math.max(lastCol + 1, declared ? declared.e.c + 1 : 0);
  checkBudget(what, name, rows, cols, count);
  const cells: SourceValue[][] = [];
  const uncached = new Set<number>();
  data.forEach((row, r) => {
    if (!row || r > lastRow) return;
    const out: SourceValue[] = [];
    row.forEach((c, col) => {
      if (!c) return;
      let v: SourceValue;
      switch (c.t) {
        case 'n':
          v = typeof c.v === 'number' ? c.v : null;
          break;
        case 's':
        case 'str' as XLSX.ExcelDataType:
          v = clean(String(c.v ?? ''));
          break;
        case 'b':
          v = !!c.v;
          break;
        case 'e':
          v = String(c.w ?? '#ERROR');
          break;
        case 'd':
          v = c.v instanceof Date ? c.v.toISOString().slice(0, 10) : String(c.v);
          break;
        default:
          v = null;
      }
      if (v === '') v = null;
      if (v !== null) out[col] = v;
    });
    cells[r] = out;
  });
  for (let r = 0; r < cells.length; r++) if (!cells[r]) cells[r] = [];
  const merges = ((ws['!merges'] ?? []) as XLSX.Range[]).map((m) => ({ top: m.s.r, left: m.s.c, bottom: m.e.r, right: m.e.c }));
  return { name, hidden, cells: densify(cells), merges, uncached };
}

function densify(cells: SourceValue[][]): SourceValue[][] {
  return cells.map((row) => Array.from({ length: row.length }, (_x, i) => row[i] ?? null));
}

function excelValue(v: ExcelJS.CellValue): { v: SourceValue; uncached?: boolean } {
  if (v === null || v === undefined) return { v: null };
  if (typeof v === 'number') return { v: Number.isFinite(v) ? v : null };
  if (typeof v === 'string') return { v: clean(v) };
  if (typeof v === 'boolean') return { v };
  if (v instanceof Date) return { v: v.toISOString().slice(0, 10) };
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) {
      const r = (v as { result?: unknown }).result;
      if (r === undefined || r === null) return { v: null, uncached: true };
      if (typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean') return { v: typeof r === 'string' ? clean(r) : r };
      if (r instanceof Date) return { v: r.toISOString().slice(0, 10) };
      if (typeof r === 'object' && 'error' in r) return { v: String((r as { error: unknown }).error) };
      return { v: null, uncached: true };
    }
    if ('richText' in v) return { v: clean(v.richText.map((t) => t.text).join('')) };
    if ('text' in v && typeof v.text === 'string') return { v: clean(v.text) };
    if ('error' in v) return { v: String(v.error) };
  }
  return { v: String(v) };
}

function fromExcelJs(ws: ExcelJS.Worksheet, what: string): SourceSheet {
  const cells: SourceValue[][] = [];
  const uncached = new Set<number>();
  let count = 0;
  let lastRow = 0;
  let lastCol = 0;
  // the rows ExcelJS holds are counted before any grid is built; a row or column past the budget names the size
  ws.eachRow({ includeEmpty: false }, (row, rn) => {
    const cn = row.cellCount;
    if (row.hasValues) {
      lastRow = Math.max(lastRow, rn);
      lastCol = Math.max(lastCol, cn);
      count += row.actualCellCount;
    }
  });
  checkBudget(what, ws.name, lastRow, lastCol, count);
  count = 0;
  ws.eachRow({ includeEmpty: false }, (row, rn) => {
    const out: SourceValue[] = [];
    row.eachCell({ includeEmpty: false }, (cell, cn) => {
      // a merged range repeats its value in every cell; only the top-left cell is the source's figure
      if (cell.type === ExcelJS.ValueType.Merge) return;
      const { v, uncached: u } = excelValue(cell.value);
      if (u) uncached.add((rn - 1) * COL_LIMIT + (cn - 1));
      if (v !== null && v !== '') out[cn - 1] = v;
    });
    count += out.length;
    cells[rn - 1] = out;
  });
  for (let r = 0; r < cells.length; r++) if (!cells[r]) cells[r] = [];
  const merges: Bounds[] = [];
  for (const m of ((ws.model as { merges?: string[] }).merges ?? [])) {
    const b = XLSX.utils.decode_range(m);
    merges.push({ top: b.s.r, left: b.s.c, bottom: b.e.r, right: b.e.c });
  }
  return { name: ws.name, hidden: ws.state !== 'visible', cells: densify(cells), merges, uncached };
}

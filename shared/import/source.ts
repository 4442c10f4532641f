/**
 * A source workbook as plain grids of values: .xlsx through ExcelJS, legacy .xls (BIFF), SpreadsheetML 2003
 * and HTML tables (what some report software saves as ".xls") through SheetJS. Formulas from the source are
 * never evaluated: a formula cell contributes its cached result, or is flagged when it has none.
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

export type SourceFormat = 'xlsx' | 'xls' | 'xml' | 'html';

export interface SourceBook {
  format: SourceFormat;
  sheets: SourceSheet[];
}

export const COL_LIMIT = 16384;
/** A source sheet larger than this is refused: 决算 tables have hundreds of rows, not millions of cells. */
export const MAX_SOURCE_CELLS = 4_000_000;

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function isCfb(b: Uint8Array): boolean {
  return b.length > 8 && CFB_MAGIC.every((x, i) => b[i] === x);
}

function sniffText(b: Uint8Array): 'xml' | 'html' | null {
  // the markers are ASCII; decoding the head byte by byte keeps this free of DOM/Node text APIs
  let head = '';
  const n = Math.min(b.length, 2048);
  for (let i = 0; i < n; i++) head += b[i] < 128 ? String.fromCharCode(b[i]) : ' ';
  head = head.trimStart().toLowerCase();
  if (head.startsWith('<?xml') && head.includes('urn:schemas-microsoft-com:office:spreadsheet')) return 'xml';
  if (/^<(!doctype html|html|table|meta)/.test(head) || (head.startsWith('<?xml') && head.includes('<html'))) return 'html';
  return null;
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
export async function readSource(bytes: Uint8Array, what = '源文件'): Promise<SourceBook> {
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
      const viaSheetJs = tryReadSheetJs(bytes, 'xlsx');
      if (viaSheetJs) return viaSheetJs;
      throw e;
    }
    if (!wb.worksheets.length) throw new PacketError(`${what}中没有工作表（可能不是 Excel 工作簿），无法导入。`);
    return { format: 'xlsx', sheets: wb.worksheets.map(fromExcelJs) };
  }
  if (isCfb(bytes)) return readSheetJs(bytes, 'xls', what);
  const text = sniffText(bytes);
  if (text) return readSheetJs(bytes, text, what);
  throw new PacketError(
    `${what}不是可识别的 Excel 工作簿：既不是 .xlsx，也不是 .xls（Excel 97-2003）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`,
  );
}

function tryReadSheetJs(bytes: Uint8Array, format: SourceFormat): SourceBook | null {
  try {
    return readSheetJs(bytes, format, '');
  } catch {
    return null;
  }
}

function readSheetJs(bytes: Uint8Array, format: SourceFormat, what: string): SourceBook {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'array', dense: true, cellFormula: false, cellHTML: false, cellNF: false, cellStyles: false, cellDates: false });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/password|encrypt/i.test(msg)) throw new PacketError(`${what}设置了打开密码（已加密），无法导入。请在 Excel/WPS 中取消密码后另存再导入。`);
    // the library's own words ("Sector Shift: Expected 12 saw 12") stay in the detail, not in the message
    throw new PacketError(`${what}无法打开：${format === 'xls' ? '.xls 文件已损坏或不是 Excel 工作簿' : '文件内容无法识别'}。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。`, msg);
  }
  // a damaged .xls can list a sheet whose data SheetJS could not find
  if (!wb.SheetNames.some((name) => wb.Sheets[name])) throw new PacketError(`${what}中没有工作表${wb.SheetNames.length ? '（文件已损坏）' : ''}，无法导入。`);
  const props = wb.Workbook?.Sheets ?? [];
  const sheets = wb.SheetNames.flatMap((name, i) => (wb.Sheets[name] ? [fromSheetJs(name, wb.Sheets[name], !!props[i]?.Hidden, what)] : []));
  return { format, sheets };
}

function fromSheetJs(name: string, ws: XLSX.WorkSheet, hidden: boolean, what: string): SourceSheet {
  const data = ((ws as XLSX.DenseSheet)['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  const ref = ws['!ref'] as string | undefined;
  if (ref) {
    const r = XLSX.utils.decode_range(ref);
    if ((r.e.r + 1) * (r.e.c + 1) > MAX_SOURCE_CELLS && data.reduce((n, row) => n + (row?.length ?? 0), 0) > MAX_SOURCE_CELLS) {
      throw new PacketError(`${what}的工作表「${name}」过大（超过 ${MAX_SOURCE_CELLS} 个单元格），未导入。`);
    }
  }
  const cells: SourceValue[][] = [];
  const uncached = new Set<number>();
  data.forEach((row, r) => {
    if (!row) return;
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

function fromExcelJs(ws: ExcelJS.Worksheet): SourceSheet {
  const cells: SourceValue[][] = [];
  const uncached = new Set<number>();
  let count = 0;
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
  if (count > MAX_SOURCE_CELLS) throw new PacketError(`工作表「${ws.name}」过大（超过 ${MAX_SOURCE_CELLS} 个单元格），未导入。`);
  for (let r = 0; r < cells.length; r++) if (!cells[r]) cells[r] = [];
  const merges: Bounds[] = [];
  for (const m of ((ws.model as { merges?: string[] }).merges ?? [])) {
    const b = XLSX.utils.decode_range(m);
    merges.push({ top: b.s.r, left: b.s.c, bottom: b.e.r, right: b.e.c });
  }
  return { name: ws.name, hidden: ws.state !== 'visible', cells: densify(cells), merges, uncached };
}

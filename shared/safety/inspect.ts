/**
 * The gate every untrusted .xlsx passes before ExcelJS: first the central directory (declared sizes, no
 * inflating), then a bounded inflate of every part through the same JSZip that ExcelJS uses, scanning the
 * XML for what would make ExcelJS or the packet reader allocate without bound. Refusals are PacketErrors in
 * Chinese that say what is wrong and what to do.
 */
import JSZip from 'jszip';
import { PacketError } from '../errors.js';
import { count, LIMITS, mb, type Limits } from './limits.js';
import { damaged, readZipDirectory, refuse } from './zip-directory.js';
import { areaOf, decodeCellRef, rangesOf, XmlScanner, type ScanSink, type TagEvent } from './xml-scan.js';

export interface SheetExtent {
  /** the part, e.g. xl/worksheets/sheet3.xml */
  part: string;
  /** the sheet's name from workbook.xml, when it could be resolved */
  name?: string;
  /** highest row and column used by a cell, a row or a merged range (1-based) */
  rows: number;
  cols: number;
  cells: number;
  /** what the sheet's <dimension> claims; informational only, ExcelJS does not allocate from it */
  dimension?: string;
  columnDefs: number;
  /** merged ranges */
  merges: number;
}

export interface XlsxInspection {
  entries: number;
  compressedBytes: number;
  uncompressedBytes: number;
  sheets: SheetExtent[];
  validationArea: number;
  nameArea: number;
  sharedStrings: number;
  elements: number;
}

/** ExcelJS reads parts with these names as worksheets (its own pattern, unanchored like ExcelJS's). */
const WORKSHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;
const XML_PART = /\.(xml|rels|vml)$/i;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

function containsUtf16(b: Uint8Array, word: string, limit = 4 * 1024 * 1024): boolean {
  const n = Math.min(b.length, limit) - word.length * 2;
  outer: for (let i = 0; i < n; i++) {
    for (let k = 0; k < word.length; k++) {
      if (b[i + 2 * k] !== word.charCodeAt(k) || b[i + 2 * k + 1] !== 0) continue outer;
    }
    return true;
  }
  return false;
}

function asciiHead(b: Uint8Array, n = 512): string {
  let s = '';
  for (let i = 0; i < Math.min(n, b.length); i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : ' ';
  return s.replace(/^\uFEFF/, '').trimStart().toLowerCase();
}

/**
 * What a file that is not a zip most likely is, as the Chinese message loadWorkbook throws. The generic
 * wording is the one the CLI has always used.
 */
export function notXlsxMessage(b: Uint8Array, what: string): string {
  if (b.length === 0) return `${what}是空文件（0 字节），不是 Excel 工作簿（.xlsx）。请找回完整的文件后重试。`;
  if (startsWith(b, OLE_MAGIC)) {
    if (containsUtf16(b, 'EncryptedPackage')) {
      return `${what}已加密（设置了打开密码），软件无法读取。请在 Excel/WPS 中取消密码后另存为 .xlsx 再试。`;
    }
    const macros = containsUtf16(b, '_VBA_PROJECT') || containsUtf16(b, 'VBA');
    return (
      `${what}是旧版 Excel 97-2003 工作簿（.xls），不是 .xlsx 格式的 Excel 工作簿` +
      (macros ? '，且含有宏（软件不会运行任何宏）' : '') +
      '。上年的 .xls 决算表请用「导入」读取数字；要作为公开包打开，请先用 Excel/WPS 另存为 .xlsx。'
    );
  }
  const head = asciiHead(b);
  if (head.startsWith('%pdf')) return `${what}是 PDF 文件，不是 Excel 工作簿（.xlsx）。请选择 .xlsx 文件。`;
  if (/^<(!doctype html|html|table|meta)/.test(head) || (head.startsWith('<?xml') && head.includes('urn:schemas-microsoft-com:office:spreadsheet'))) {
    return `${what}是网页或 XML 格式的表格（常见于从网站或财务软件导出的“.xls”），不是 Excel 工作簿（.xlsx）。请用 Excel/WPS 打开后另存为 .xlsx 再试。`;
  }
  return `${what}不是 Excel 工作簿（.xlsx）：文件内容不是 xlsx 格式。请确认文件未损坏，或先用 Excel/WPS 另存为 .xlsx。`;
}

interface StreamHelperLike {
  on(evt: 'data', fn: (chunk: Uint8Array) => void): StreamHelperLike;
  on(evt: 'error', fn: (e: Error) => void): StreamHelperLike;
  on(evt: 'end', fn: () => void): StreamHelperLike;
  resume(): StreamHelperLike;
  pause(): StreamHelperLike;
}

class TooLarge extends Error {}

/** JSZip's and pako's English errors, said in Chinese (the original stays in PacketError.detail). */
function inflateProblem(e: Error): string {
  const m = String(e?.message ?? e);
  if (/size mismatch/i.test(m)) return '解压后的大小与目录记录不符';
  if (/invalid|incorrect|unknown compression|too many length|distance/i.test(m)) return '的压缩数据已损坏';
  if (/end of data|unexpected end|missing/i.test(m)) return '的数据不完整';
  return `无法解压（${m}）`;
}

/** Inflate one part chunk by chunk, stopping (and dropping the rest) as soon as it exceeds `limit` bytes. */
function inflateBounded(file: JSZip.JSZipObject, limit: number, onChunk: (c: Uint8Array) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    let done = false;
    const stop = (e: Error) => {
      if (done) return;
      done = true;
      h.pause();
      reject(e);
    };
    const h = (file as unknown as { internalStream(type: 'uint8array'): StreamHelperLike }).internalStream('uint8array');
    h.on('data', (chunk) => {
      if (done) return;
      n += chunk.length;
      if (n > limit) return stop(new TooLarge(String(n)));
      try {
        onChunk(chunk);
      } catch (e) {
        stop(e as Error);
      }
    })
      .on('error', (e) => stop(e))
      .on('end', () => {
        if (done) return;
        done = true;
        resolve(n);
      })
      .resume();
  });
}

class SheetSink implements ScanSink {
  readonly ext: SheetExtent;
  private row = 0;
  private col = 0;
  validationArea = 0;
  constructor(part: string) {
    this.ext = { part, rows: 0, cols: 0, cells: 0, columnDefs: 0, merges: 0 };
  }
  wants(tag: string): readonly string[] | undefined {
    switch (tag) {
      case 'row':
      case 'c':
        return ['r'];
      case 'dimension':
      case 'mergeCell':
        return ['ref'];
      case 'dataValidation':
        return ['sqref'];
      case 'col':
        return ['min', 'max'];
      default:
        return undefined;
    }
  }
  wantsText(): boolean {
    return false;
  }
  onText(): void {}
  onTag(e: TagEvent): void {
    const x = this.ext;
    switch (e.name) {
      case 'row': {
        // ExcelJS takes parseInt of r; a row without r follows the previous one
        const r = e.attrs.r !== undefined ? parseInt(e.attrs.r, 10) : NaN;
        this.row = Number.isFinite(r) && r > 0 ? r : this.row + 1;
        this.col = 0;
        x.rows = Math.max(x.rows, this.row);
        break;
      }
      case 'c': {
        const p = e.attrs.r !== undefined ? decodeCellRef(e.attrs.r) : { row: 0, col: 0 };
        this.col = p.col > 0 ? p.col : this.col + 1;
        x.cols = Math.max(x.cols, this.col);
        x.rows = Math.max(x.rows, p.row);
        x.cells++;
        break;
      }
      case 'dimension':
        x.dimension = e.attrs.ref;
        break;
      case 'mergeCell':
        x.merges++;
        // ExcelJS creates every cell of a merged range
        for (const r of rangesOf(e.attrs.ref ?? '')) {
          x.rows = Math.max(x.rows, r.bottom);
          x.cols = Math.max(x.cols, r.right);
        }
        break;
      case 'dataValidation':
        for (const r of rangesOf(e.attrs.sqref ?? '')) this.validationArea += areaOf(r);
        break;
      case 'col': {
        const lo = parseInt(e.attrs.min ?? '0', 10);
        const hi = parseInt(e.attrs.max ?? '0', 10);
        x.columnDefs = Math.max(x.columnDefs, Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 0);
        break;
      }
    }
  }
}

const A1_RANGE = /\$?([A-Z]{1,4})\$?(\d{1,9})(?::\$?([A-Z]{1,4})\$?(\d{1,9}))?/g;

class WorkbookSink implements ScanSink {
  constructor(private maxNameText: number) {}
  nameArea = 0;
  longName = '';
  sheetsById = new Map<string, string>();
  wants(tag: string): readonly string[] | undefined {
    return tag === 'sheet' ? ['name', 'id'] : tag === 'definedName' ? ['name'] : undefined;
  }
  wantsText(tag: string): boolean {
    return tag === 'definedName';
  }
  private lastName = '';
  onTag(e: TagEvent): void {
    if (e.name === 'sheet' && e.attrs.id !== undefined) this.sheetsById.set(e.attrs.id, e.attrs.name ?? '');
    if (e.name === 'definedName') this.lastName = e.attrs.name ?? '';
  }
  onText(_tag: string, text: string, truncated: boolean): void {
    if (truncated || text.length > this.maxNameText) {
      this.longName ||= this.lastName || '（无名）';
      return;
    }
    // ExcelJS indexes every cell of every range a defined name covers
    for (const m of text.toUpperCase().matchAll(A1_RANGE)) {
      const a = decodeCellRef(m[1] + m[2]);
      const b = m[3] ? decodeCellRef(m[3] + m[4]) : a;
      this.nameArea += (Math.abs(b.row - a.row) + 1) * (Math.abs(b.col - a.col) + 1);
    }
  }
}

class RelsSink implements ScanSink {
  targets = new Map<string, string>();
  wants(tag: string): readonly string[] | undefined {
    return tag === 'Relationship' ? ['Id', 'Target'] : undefined;
  }
  wantsText(): boolean {
    return false;
  }
  onText(): void {}
  onTag(e: TagEvent): void {
    if (e.attrs.Id !== undefined && e.attrs.Target !== undefined) this.targets.set(e.attrs.Id, e.attrs.Target);
  }
}

class CountSink implements ScanSink {
  strings = 0;
  wants(): undefined {
    return undefined;
  }
  wantsText(): boolean {
    return false;
  }
  onText(): void {}
  onTag(e: TagEvent): void {
    if (e.name === 'si') this.strings++;
  }
}

function partName(name: string): string {
  return name.replace(/^\/+/, '');
}

/**
 * Inspect an .xlsx before it is parsed. Throws PacketError when the file is damaged, encrypted, not a
 * workbook, or exceeds a limit; returns what it measured otherwise.
 */
export async function inspectXlsx(bytes: Uint8Array, what = '文件', limits: Limits = LIMITS): Promise<XlsxInspection> {
  // 1. the central directory alone: nothing is inflated before the declared sizes pass
  const dir = readZipDirectory(bytes, what, limits);
  const names = new Set(dir.entries.map((e) => partName(e.name)));
  if (!names.has('xl/workbook.xml')) {
    const kind = names.has('word/document.xml') ? '（这是 Word 文档）' : names.has('ppt/presentation.xml') ? '（这是 PowerPoint 演示文稿）' : names.has('content.xml') ? '（这是 WPS/OpenOffice 格式的文件，请另存为 .xlsx）' : '';
    throw new PacketError(`${what}不是 Excel 工作簿（.xlsx）：压缩包中没有工作簿内容${kind}。请选择 .xlsx 格式的 Excel 工作簿。`);
  }

  // 2. the parts as JSZip (and therefore ExcelJS) sees them, inflated under the same bounds
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (e) {
    throw damaged(what, `zip 结构无法解析：${inflateProblem(e as Error)}`);
  }
  const files = Object.values(zip.files).filter((f) => !f.dir);
  if (files.length > dir.entries.length) throw damaged(what, 'zip 目录前后不一致');

  const sheets: SheetSink[] = [];
  const book = new WorkbookSink(limits.maxNameText);
  const rels = new RelsSink();
  const counts = new CountSink();
  let total = 0;
  let elements = 0;
  let validationArea = 0;
  for (const f of files) {
    const name = partName(f.name);
    let sink: ScanSink | undefined;
    if (WORKSHEET_PART.test(name)) {
      const s = new SheetSink(name);
      sheets.push(s);
      sink = s;
    } else if (name === 'xl/workbook.xml') sink = book;
    else if (name === 'xl/_rels/workbook.xml.rels') sink = rels;
    else if (XML_PART.test(name)) sink = counts;
    const scanner = sink ? new XmlScanner(sink) : undefined;
    const declared = (f as unknown as { _data?: { uncompressedSize?: unknown } })._data?.uncompressedSize;
    const limit = Math.min(limits.maxEntryBytes, limits.maxTotalBytes - total, typeof declared === 'number' ? declared : Infinity);
    let n: number;
    try {
      n = await inflateBounded(f, limit, (chunk) => scanner?.push(chunk));
    } catch (e) {
      if (e instanceof TooLarge) {
        throw refuse(what, `部件 ${name} 解压后的实际大小超过了目录中声明的大小或 ${mb(limits.maxEntryBytes)} 的上限（文件已损坏，或是“压缩炸弹”）`);
      }
      if (e instanceof PacketError) throw e;
      throw damaged(what, `部件 ${name} ${inflateProblem(e as Error)}`);
    }
    total += n;
    if (scanner) {
      if (scanner.doctype) {
        throw refuse(what, `部件 ${name} 含有 DTD 或实体声明（正常的 Excel 文件不会有，这是“实体膨胀”攻击的手法）`);
      }
      elements += scanner.elements;
      if (elements > limits.maxElements) throw refuse(what, `文件中的 XML 元素超过 ${count(limits.maxElements)} 个的上限`);
    }
    if (sink instanceof SheetSink) validationArea += sink.validationArea;
  }

  // 3. what the parts would make ExcelJS and the reader allocate
  const sheetName = new Map<string, string>();
  for (const [id, target] of rels.targets) {
    const n = book.sheetsById.get(id);
    if (n !== undefined) sheetName.set(target.startsWith('/') ? partName(target) : `xl/${target.replace(/^\.\//, '')}`, n);
  }
  const label = (s: SheetExtent) => (s.name !== undefined ? `工作表「${s.name}」` : `工作表部件 ${s.part}`);
  const trim = '若这是本单位的表格，请在 Excel/WPS 中删除表格下方和右侧多余的空行、空列（以及过大的合并单元格）后另存为 .xlsx，再试。';
  let totalArea = 0;
  const merges = sheets.reduce((n, s) => n + s.ext.merges, 0);
  if (merges > limits.maxMerges) {
    throw refuse(what, `文件含有 ${count(merges)} 个合并单元格，超过 ${count(limits.maxMerges)} 个的上限`, trim);
  }
  for (const s of sheets) {
    const x = s.ext;
    x.name = sheetName.get(x.part);
    if (x.rows > limits.maxRows) {
      throw refuse(what, `${label(x)}用到了第 ${count(x.rows)} 行，超过 ${count(limits.maxRows)} 行的上限`, trim);
    }
    if (x.cols > limits.maxCols) throw refuse(what, `${label(x)}用到了第 ${count(x.cols)} 列，超过 Excel 的 ${count(limits.maxCols)} 列`, trim);
    if (x.columnDefs > limits.maxColumnDefs) {
      throw refuse(what, `${label(x)}定义了到第 ${count(x.columnDefs)} 列的列宽或格式，超过 ${count(limits.maxColumnDefs)} 列的上限`, trim);
    }
    const area = x.rows * x.cols;
    if (area > limits.maxSheetArea) {
      throw refuse(what, `${label(x)}的范围为 ${count(x.rows)} 行 × ${count(x.cols)} 列（约 ${count(area)} 个单元格），超过单个工作表 ${count(limits.maxSheetArea)} 个单元格的上限`, trim);
    }
    totalArea += area;
    if (totalArea > limits.maxTotalArea) {
      throw refuse(what, `各工作表合计约 ${count(totalArea)} 个单元格，超过 ${count(limits.maxTotalArea)} 个的上限`, trim);
    }
  }
  if (validationArea > limits.maxValidationArea) {
    throw refuse(what, `数据验证（下拉列表等）覆盖了约 ${count(validationArea)} 个单元格，超过 ${count(limits.maxValidationArea)} 个的上限`,
      '若这是本单位的表格，请在 Excel/WPS 中把数据验证限制在实际填报的区域后另存为 .xlsx，再试。');
  }
  if (book.longName) throw refuse(what, `定义名称「${book.longName}」的内容过长`);
  if (book.nameArea > limits.maxNameArea) {
    throw refuse(what, `定义名称覆盖了约 ${count(book.nameArea)} 个单元格，超过 ${count(limits.maxNameArea)} 个的上限`,
      '若这是本单位的表格，请在 Excel/WPS 的「名称管理器」中删除引用整行整列的名称后另存为 .xlsx，再试。');
  }
  if (counts.strings > limits.maxSharedStrings) {
    throw refuse(what, `文件含有 ${count(counts.strings)} 个不同的文字，超过 ${count(limits.maxSharedStrings)} 个的上限`);
  }
  return {
    entries: dir.entries.length,
    compressedBytes: bytes.length,
    uncompressedBytes: total,
    sheets: sheets.map((s) => s.ext),
    validationArea,
    nameArea: book.nameArea,
    sharedStrings: counts.strings,
    elements,
  };
}

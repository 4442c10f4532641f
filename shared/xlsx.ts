/** Packet ⇄ .xlsx bytes, through ExcelJS. Takes and returns bytes, never paths. */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parseA1, parseRange } from './a1.js';
import { PacketError } from './errors.js';
import { declarationOf, validationOf } from './kinds.js';
import { inspectXlsx, LIMITS, notXlsxMessage, SafetyError, sanitizeWorkbook, withTimeLimit } from './safety/index.js';
import { runtimeRange } from './safety/formulas.js';
import { readZipDirectory } from './safety/zip-directory.js';
import { slideFormula, splitMessage } from './formula.js';
import { kindFromRoles, legacyKindOf, tableRoles } from './roles.js';
import {
  CHECK_SHEET, META_SHEET, EXPLAIN_SHEET, type Explanation,
  type Cell, type CellStyle, type CellValue, type CheckDef, type DefinedName, type Packet, type SheetExtras, type SheetKind, type SheetModel,
} from './model.js';

/** Refuse anything larger before ExcelJS inflates it; a real packet with 1,000 forms is about 3 MB. */
export const MAX_XLSX_BYTES = 64 * 1024 * 1024;

const CHECK_HEADER = ['编号', '级别', '类型', '公式', '说明', '定位', '参数'];

interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

interface MergingSheet {
  _merges: Record<string, MergeRange>;
  _mergeCellsInternal(dimensions: MergeRange, ignoreStyle?: boolean): void;
  getCell(row: number, col: number): { address: string };
}

const mergeIndex = new WeakMap<MergingSheet, Map<number, { range: MergeRange; master: string }>>();

/**
 * ExcelJS checks every new merged range against every existing one: 10,000 merges took 10.7 s to load and
 * 40,000 over a minute, before anything could say what the file is. Here the overlap test looks up the cells
 * of the new range in an index of merged cells (its cost is the range's area, which the sheet-area limit
 * bounds); the rest is ExcelJS's own code, run with the existing merges set aside.
 */
function indexExcelJsMerges(): void {
  const proto = Object.getPrototypeOf(new ExcelJS.Workbook().addWorksheet('x')) as MergingSheet & { __indexed?: boolean };
  const original = proto._mergeCellsInternal;
  if (proto.__indexed || typeof original !== 'function') return;
  proto.__indexed = true;
  proto._mergeCellsInternal = function (this: MergingSheet, d: MergeRange, ignoreStyle?: boolean) {
    let index = mergeIndex.get(this);
    if (!index) mergeIndex.set(this, (index = new Map()));
    const key = (r: number, c: number) => r * 20_000 + c;
    for (let r = d.top; r <= d.bottom; r++) {
      for (let c = d.left; c <= d.right; c++) {
        const hit = index.get(key(r, c));
        // an entry whose range was unmerged since (or merged anew) is stale, not a conflict
        if (hit && this._merges[hit.master] === hit.range) throw new Error('Cannot merge already merged cells');
      }
    }
    const existing = this._merges;
    this._merges = {};
    let added: Record<string, MergeRange>;
    try {
      original.call(this, d, ignoreStyle);
    } finally {
      added = this._merges;
      this._merges = existing;
    }
    for (const [master, range] of Object.entries(added)) {
      existing[master] = range;
      for (let r = range.top; r <= range.bottom; r++) for (let c = range.left; c <= range.right; c++) index.set(key(r, c), { range, master });
    }
  };
}
indexExcelJsMerges();

const REL_COMMENTS = /\/comments$/;
const REL_VML = /\/vmlDrawing$/;

function resolvePart(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const out = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/**
 * ExcelJS finds cell comments only at xl/commentsN.xml and xl/drawings/vmlDrawingN.vml, referred to
 * relatively; openpyxl writes xl/comments/comment1.xml with an absolute target, and ExcelJS then fails with
 * "Cannot read properties of undefined (reading 'comments')". Such parts are moved to where ExcelJS looks
 * (same content); a relationship to a part that does not exist is dropped. Other workbooks pass untouched.
 */
/**
 * LibreOffice writes the cell protection of a style as `locked="false"` (xsd:boolean allows true/false as well as
 * 1/0); ExcelJS only knows "0", so every input cell of a packet re-saved by LibreOffice would come back locked and
 * the packet read-only. The words become digits before ExcelJS reads the styles.
 */
async function protectionAsDigits(bytes: Uint8Array): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  const styles = zip.file('xl/styles.xml');
  if (!styles) return bytes;
  const xml = await styles.async('string');
  if (!/<protection\b[^>]*\b(?:locked|hidden)="(?:true|false)"/.test(xml)) return bytes;
  zip.file('xl/styles.xml', xml.replace(/<protection\b[^>]*>/g, (tag) => tag.replace(/\b(locked|hidden)="(true|false)"/g, (_, k: string, b: string) => `${k}="${b === 'true' ? 1 : 0}"`)));
  return zip.generateAsync({ type: 'uint8array' });
}

async function commentsWhereExcelJsLooks(bytes: Uint8Array): Promise<Uint8Array> {
  const names = readZipDirectory(bytes).entries.map((e) => e.name);
  const odd = names.some((n) => /^xl\/worksheets\/_rels\//.test(n)) &&
    names.some((n) => (/comment/i.test(n) && !/^xl\/comments\d+\.xml$/.test(n)) || (/\.vml$/i.test(n) && !/^xl\/drawings\/vmlDrawing\d+\.vml$/.test(n)));
  if (!odd) return bytes;
  const zip = await JSZip.loadAsync(bytes);
  let next = 9000;
  for (const relsName of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/_rels\/[^/]+\.xml\.rels$/.test(n))) {
    const xml = await zip.file(relsName)!.async('string');
    const sheetPart = relsName.replace('_rels/', '').replace(/\.rels$/, '');
    const moves: { tag: string; by: string; from?: string; to?: string }[] = [];
    for (const m of xml.matchAll(/<Relationship\b[^>]*?\/?>/g)) {
      const tag = m[0];
      const type = /\bType="([^"]*)"/.exec(tag)?.[1] ?? '';
      const target = /\bTarget="([^"]*)"/.exec(tag)?.[1] ?? '';
      const comments = REL_COMMENTS.test(type);
      if (!comments && !REL_VML.test(type)) continue;
      if (comments ? /^\.\.\/comments\d+\.xml$/.test(target) : /^\.\.\/drawings\/vmlDrawing\d+\.vml$/.test(target)) continue;
      const from = resolvePart(sheetPart, target);
      if (!zip.file(from)) {
        moves.push({ tag, by: '' });
        continue;
      }
      const k = next++;
      const to = comments ? `xl/comments${k}.xml` : `xl/drawings/vmlDrawing${k}.vml`;
      moves.push({ tag, by: tag.replace(/\bTarget="[^"]*"/, `Target="${comments ? `../comments${k}.xml` : `../drawings/vmlDrawing${k}.vml`}"`), from, to });
    }
    if (!moves.length) continue;
    let out = xml;
    for (const mv of moves) {
      out = out.replace(mv.tag, mv.by);
      if (mv.from && mv.to) zip.file(mv.to, await zip.file(mv.from)!.async('uint8array'));
    }
    zip.file(relsName, out);
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'STORE' });
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export async function loadWorkbook(bytes: Uint8Array, what = '文件'): Promise<ExcelJS.Workbook> {
  if (bytes.length > MAX_XLSX_BYTES) {
    throw new PacketError(`${what}过大（${(bytes.length / 1048576).toFixed(1)} MB），超过 ${MAX_XLSX_BYTES / 1048576} MB 的上限，未读取。`);
  }
  if (!isZip(bytes)) throw new PacketError(notXlsxMessage(bytes, what));
  // untrusted input: sizes and shape checked before ExcelJS inflates anything (shared/safety)
  await inspectXlsx(bytes, what);
  const wb = new ExcelJS.Workbook();
  try {
    await withTimeLimit((async () => wb.xlsx.load((await commentsWhereExcelJsLooks(await protectionAsDigits(bytes))) as unknown as ArrayBuffer))(), LIMITS.loadTimeMs, what);
  } catch (e) {
    if (e instanceof PacketError) throw e;
    // ExcelJS's own wording ("Cannot read properties of undefined …") means nothing to an accountant
    throw new PacketError(`${what}无法打开：xlsx 文件已损坏或不完整，或其中有软件无法识别的部件。请用 Excel/WPS 打开后另存为 .xlsx 再试。`, String((e as Error)?.message ?? e));
  }
  // before the safety gate, so each cell of a filled run is judged and costed as the formula it now is
  expandSharedFormulas(wb);
  // text cleaned, formulas that could act outside the workbook kept as inert text, links dropped
  sanitizeWorkbook(wb, what);
  return wb;
}

/**
 * Excel, WPS and LibreOffice store a formula filled down or across once, on the run's first cell
 * (`<f t="shared" ref="C8:C30" si="0">`), and only a reference to it on the others. ExcelJS hands the others
 * over as `{ sharedFormula: 'C8' }`: each becomes an ordinary formula of its own here, translated from the
 * master's text, so a filled-down total or 审核 formula keeps computing instead of freezing at its cached value.
 */
function expandSharedFormulas(wb: ExcelJS.Workbook): void {
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (!v || typeof v !== 'object' || !('sharedFormula' in v)) return;
        const shared = v as ExcelJS.CellSharedFormulaValue;
        const at = shared.sharedFormula ? parseA1(shared.sharedFormula) : null;
        const master = at ? ws.findCell(at.row + 1, at.col + 1) : undefined;
        const mv = master?.value;
        const text = mv && typeof mv === 'object' && 'formula' in mv && typeof mv.formula === 'string' ? mv.formula : null;
        // a run whose first cell is gone keeps the value it showed (nothing to translate from)
        if (!master || text === null) {
          cell.value = resultValue(shared.result) as ExcelJS.CellValue;
          return;
        }
        const formula = slideFormula(text, { row: Number(master.row), col: Number(master.col) }, { row: Number(cell.row), col: Number(cell.col) });
        cell.value = { formula, result: shared.result } as ExcelJS.CellFormulaValue;
      });
    });
  }
}

const ARRAY_WRAP = 'ARRAYFORMULA';
const ARRAY_RE = new RegExp(`^${ARRAY_WRAP}\\((.*)\\)$`, 's');

function isOneCell(ref: string | undefined): boolean {
  const r = ref ? parseRange(ref) : null;
  return !ref || (!!r && r.top === r.bottom && r.left === r.right);
}

function plainValue(v: ExcelJS.CellValue): { v: CellValue; f?: string } {
  if (v === null || v === undefined) return { v: null };
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return { v };
  if (v instanceof Date) return { v: v.toISOString().slice(0, 10) };
  if (typeof v === 'object') {
    if ('formula' in v && typeof v.formula === 'string') {
      // an array formula of one cell ({=SUM(A1:A3*B1:B3)}, Ctrl+Shift+Enter) computes element by element; the engine
      // does that inside ARRAYFORMULA(), and without it silently takes one element (SUM(…) = 2 instead of 14)
      const array = (v as { shareType?: string; ref?: string }).shareType === 'array' && isOneCell((v as { ref?: string }).ref);
      return { v: resultValue(v.result), f: array ? `${ARRAY_WRAP}(${v.formula})` : v.formula };
    }
    if ('sharedFormula' in v) return { v: resultValue((v as ExcelJS.CellSharedFormulaValue).result) };
    if ('richText' in v) return { v: v.richText.map((t) => t.text).join('') };
    if ('text' in v && typeof v.text === 'string') return { v: v.text };
    if ('error' in v) return { v: String(v.error) };
  }
  return { v: String(v) };
}

function resultValue(r: unknown): CellValue {
  if (r === null || r === undefined) return null;
  if (typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean') return r;
  if (typeof r === 'object' && r && 'error' in r) return String((r as { error: unknown }).error);
  return null;
}

class StyleTable {
  readonly styles: CellStyle[] = [];
  private index = new Map<string, number>();
  /**
   * ExcelJS gives every cell of one `s="n"` the same style object (styles-xform getStyleModel): the style read
   * from it and its index are looked up by that object instead of serialized again for each of a packet's
   * ~20,000 cells (JSON.stringify per cell was the largest self time of the read). Only for this one read:
   * nothing writes to the workbook's styles while it is read.
   */
  private byObject = new WeakMap<object, number | null>();
  constructor(
    initial: CellStyle[] = [],
    private lookupByObject = true,
  ) {
    for (const s of initial) this.intern(s);
  }
  /** The index of a cell's style, or null when it has none that the packet model keeps. */
  ofCell(c: ExcelJS.Cell): number | null {
    const key = (c as unknown as { style?: object }).style;
    if (!this.lookupByObject || !key || typeof key !== 'object') {
      const st = readStyle(c);
      return st ? this.intern(st) : null;
    }
    let i = this.byObject.get(key);
    if (i === undefined) {
      const st = readStyle(c);
      i = st ? this.intern(st) : null;
      this.byObject.set(key, i);
    }
    return i;
  }
  intern(s: CellStyle): number {
    const key = JSON.stringify(s);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.styles.length;
      this.styles.push(s);
      this.index.set(key, i);
    }
    return i;
  }
}

function readStyle(c: ExcelJS.Cell): CellStyle | null {
  const s: CellStyle = {};
  const f = c.font;
  if (f && (f.name || f.size || f.bold || f.italic)) {
    s.font = {};
    if (f.name) s.font.name = f.name;
    if (f.size) s.font.size = f.size;
    if (f.bold) s.font.bold = true;
    if (f.italic) s.font.italic = true;
  }
  const a = c.alignment;
  if (a && (a.horizontal || a.vertical || a.wrapText || a.indent)) {
    s.align = {};
    if (a.horizontal === 'left' || a.horizontal === 'center' || a.horizontal === 'right') s.align.h = a.horizontal;
    if (a.vertical === 'top' || a.vertical === 'middle' || a.vertical === 'bottom') s.align.v = a.vertical;
    if (a.wrapText) s.align.wrap = true;
    if (a.indent) s.align.indent = a.indent;
  }
  const b = c.border;
  if (b && (b.top || b.right || b.bottom || b.left)) {
    s.border = {};
    if (b.top?.style) s.border.t = true;
    if (b.right?.style) s.border.r = true;
    if (b.bottom?.style) s.border.b = true;
    if (b.left?.style) s.border.l = true;
  }
  if (c.numFmt && c.numFmt !== 'General') s.numFmt = c.numFmt;
  const fill = c.fill;
  if (fill && fill.type === 'pattern' && fill.pattern === 'solid' && fill.fgColor?.argb) s.fill = fill.fgColor.argb;
  return Object.keys(s).length ? s : null;
}

/**
 * A sheet's kind: 概况 and the 公开表 from the roles the packet declares (shared/roles.ts), forms by their
 * title, 绩效自评汇总 by the name the app itself gives it (shared/forms/summary.ts).
 */
export function sheetKindOf(name: string, firstText: string, roles: Map<string, string> = new Map()): SheetKind {
  const declared = roles.size ? kindFromRoles(roles, name) : legacyKindOf(name);
  if (declared) return declared;
  if (name === '绩效自评汇总') return 'summary';
  if (firstText.includes('项目支出绩效自评表')) return 'form';
  return 'other';
}

function text(v: ExcelJS.CellValue): string {
  const p = plainValue(v).v;
  return p === null ? '' : String(p);
}

function readChecks(ws: ExcelJS.Worksheet): CheckDef[] {
  const checks: CheckDef[] = [];
  ws.eachRow((row, r) => {
    if (r === 1) return;
    const get = (i: number) => {
      const v = row.getCell(i).value;
      // a 公式 typed into Excel as a real formula (and filled down) is read as its text, not its cached TRUE/FALSE
      if (i === 4 && v && typeof v === 'object' && 'formula' in v && typeof v.formula === 'string') return v.formula.trim();
      return text(v).trim();
    };
    const id = get(1);
    if (!id) return;
    const level = get(2);
    const kind = get(3) || '公式';
    if (kind !== '公式' && kind !== '层级' && kind !== '名称一致' && kind !== '指标' && kind !== '科目') {
      throw new PacketError(`审核表第 ${r} 行（${id}）的类型「${kind}」无法识别：应为 公式、层级、名称一致、指标 或 科目。`);
    }
    // a check is evaluated with no cached result to fall back on: a range built at run time is refused here
    for (const [label, textOf] of [['公式', get(4)], ['说明', get(5)], ['定位', get(6)]] as const) {
      const exprs = label === '说明' ? splitMessage(textOf).exprs : [textOf];
      const hit = exprs.map((e) => runtimeRange(e)).find((x) => x !== null);
      if (hit) {
        throw new SafetyError(
          `审核表第 ${r} 行（审核 ${id}）的${label}使用了${hit}：这类函数在计算时才生成单元格区域，无法预先限定计算量，审核中不允许使用。` +
            '请改为直接引用单元格区域（如 SUM(收入支出决算总表!C8:C30)）后再打开。',
        );
      }
    }
    checks.push({
      id,
      severity: level === '提示' ? 'warning' : 'error',
      kind,
      formula: get(4).replace(/^=/, ''),
      message: get(5),
      locate: get(6),
      params: get(7),
    });
  });
  return checks;
}

export async function readPacket(bytes: Uint8Array, what = '公开包'): Promise<Packet> {
  const wb = await loadWorkbook(bytes, what);
  return packetFromWorkbook(wb, what);
}

/**
 * `reference`: read cell by cell without the lookups that share work between cells (each cell's style serialized,
 * each validation copied per address), i.e. the reader as it was before those lookups; kept so the tests can
 * prove the fast read gives the very same Packet (tests/unit/read-equivalence.test.ts). Slower, never used otherwise.
 */
export function packetFromWorkbook(wb: ExcelJS.Workbook, what = '公开包', opts: { reference?: boolean } = {}): Packet {
  const checkWs = wb.getWorksheet(CHECK_SHEET);
  const metaWs = wb.getWorksheet(META_SHEET);
  if (!checkWs || !metaWs) {
    const names = wb.worksheets.map((w) => w.name).slice(0, 6).join('、');
    throw new PacketError(
      `${what}不是决算公开包：缺少「${!checkWs ? CHECK_SHEET : META_SHEET}」工作表（工作表有：${names || '无'}）。` +
        '若这是上年的决算表或其他单位导出的表格，请用「导入」而不是「打开」。',
    );
  }
  const styles = new StyleTable([], !opts.reference);
  // the meta first: the roles it declares decide which sheets are the tables
  const meta: Record<string, string> = {};
  metaWs.eachRow((row) => {
    const k = text(row.getCell(1).value).trim();
    if (k) meta[k] = text(row.getCell(2).value);
  });
  const roles = tableRoles(meta);
  const sheets: SheetModel[] = [];
  for (const ws of wb.worksheets) {
    if (ws === checkWs || ws === metaWs || ws.name === EXPLAIN_SHEET) continue;
    sheets.push(readSheet(ws, styles, roles, !!opts.reference));
  }
  const names: DefinedName[] = [];
  for (const dn of wb.definedNames.model as { name: string; ranges: string[] }[]) {
    if (dn.ranges.length === 1 && !dn.name.startsWith('_xlnm')) names.push({ name: dn.name, ref: dn.ranges[0] });
  }
  const explainWs = wb.getWorksheet(EXPLAIN_SHEET);
  const explanations = explainWs ? readExplanations(explainWs) : undefined;
  return { sheets, styles: styles.styles, checks: readChecks(checkWs), names, meta, ...(explanations ? { explanations } : {}) };
}

const EXPLAIN_HEADER = ['编号', '工作表', '单元格', '出错说明', '指纹', '审核说明（填写时）', '填写时间'];

function readExplanations(ws: ExcelJS.Worksheet): Explanation[] {
  const out: Explanation[] = [];
  ws.eachRow((row, r) => {
    if (r === 1) return;
    const get = (c: number) => text(row.getCell(c).value);
    const rule = get(1).trim();
    const body = get(4).trim();
    if (!rule || !body) return;
    out.push({ rule, sheet: get(2).trim(), cells: get(3).trim(), text: body, fingerprint: get(5).trim(), message: get(6), at: get(7).trim() });
  });
  return out;
}

function writeExplanations(wb: ExcelJS.Workbook, list: Explanation[]): void {
  const ws = wb.addWorksheet(EXPLAIN_SHEET, { state: 'hidden' });
  ws.addRow(EXPLAIN_HEADER);
  for (const e of list) ws.addRow([e.rule, e.sheet, e.cells, e.text, e.fingerprint, e.message, e.at]);
  // text columns: a 说明 such as "=见附件" or "0.01" is words, not a formula or a number
  for (const c of [1, 2, 3, 4, 5, 6, 7]) ws.getColumn(c).numFmt = '@';
  [10, 16, 14, 60, 10, 60, 16].forEach((w, i) => (ws.getColumn(i + 1).width = w));
}

function readSheet(ws: ExcelJS.Worksheet, styles: StyleTable, roles: Map<string, string>, reference = false): SheetModel {
  const rowCount = ws.rowCount;
  const colCount = ws.columnCount;
  const cells: (Cell | null)[][] = [];
  const rowHeights: (number | undefined)[] = [];
  for (let r = 1; r <= rowCount; r++) {
    const row = ws.getRow(r);
    rowHeights.push(row.height || undefined);
    const out: (Cell | null)[] = [];
    for (let c = 1; c <= colCount; c++) {
      const cell = row.getCell(c);
      const { v, f } = plainValue(cell.value);
      const st = styles.ofCell(cell);
      const input = cell.protection?.locked === false;
      if (v === null && !f && st === null && !input) {
        out.push(null);
        continue;
      }
      const m: Cell = {};
      if (v !== null) m.v = v;
      if (f) m.f = f;
      if (input) m.input = true;
      if (st !== null) m.s = st;
      // kind and 运算公式 are declared by the cell's data validation (kinds.ts)
      if (input) Object.assign(m, declarationOf(cell.dataValidation as { errorTitle?: string; prompt?: string } | undefined));
      out.push(m);
    }
    while (out.length && out[out.length - 1] === null) out.pop();
    cells.push(out);
  }
  const merges = [...((ws.model as { merges?: string[] }).merges ?? [])];
  // ExcelJS repeats a merged range's value in every cell of it; only the top-left cell holds it
  for (const m of merges) {
    const r = parseRange(m);
    if (!r) continue;
    for (let row = r.top; row <= r.bottom; row++) {
      for (let col = r.left; col <= r.right; col++) {
        if (row === r.top && col === r.left) continue;
        const c = cells[row]?.[col];
        if (!c) continue;
        delete c.v;
        delete c.f;
        if (c.s === undefined && !c.input) cells[row][col] = null;
      }
    }
  }
  const colWidths: number[] = [];
  for (let c = 1; c <= colCount; c++) colWidths.push(ws.getColumn(c).width ?? 9);
  const view = ws.views?.[0] as { state?: string; ySplit?: number } | undefined;
  const ps = ws.pageSetup;
  const titles = /^\$?(\d+):\$?(\d+)$/.exec(ps.printTitlesRow ?? '');
  const firstText = text(ws.getCell(1, 1).value);
  const m = ps.margins;
  const keep = readExtras(ws, rowCount, colCount, reference);
  return {
    ...(keep ? { keep } : {}),
    name: ws.name,
    kind: sheetKindOf(ws.name, firstText, roles),
    hidden: ws.state !== 'visible',
    cells,
    merges,
    colWidths,
    rowHeights,
    frozenRows: view?.state === 'frozen' ? view.ySplit ?? 0 : 0,
    print: {
      orientation: ps.orientation === 'landscape' ? 'landscape' : 'portrait',
      fitToWidth: !!ps.fitToPage,
      ...(titles ? { titleRows: [Number(titles[1]), Number(titles[2])] as [number, number] } : {}),
      ...(m ? { margins: { left: m.left, right: m.right, top: m.top, bottom: m.bottom } } : {}),
    },
  };
}

/** What the sheet has beyond the packet model (see SheetExtras), or undefined when nothing. */
function readExtras(ws: ExcelJS.Worksheet, rowCount: number, colCount: number, reference = false): SheetExtras | undefined {
  const k: SheetExtras = {};
  const tab = (ws.properties as { tabColor?: { argb?: string } }).tabColor?.argb;
  if (tab) k.tabColor = tab;
  const ps = ws.pageSetup;
  if (typeof ps.paperSize === 'number' && ps.paperSize !== 9) k.paperSize = ps.paperSize;
  if (ps.showGridLines) k.printGridlines = true;
  if (ws.views?.some((v) => v.showGridLines === false)) k.hideGridlines = true;
  const hf = ws.headerFooter as unknown as Record<string, string | boolean | undefined> | undefined;
  if (hf && Object.values(hf).some((v) => typeof v === 'string' && v)) {
    k.headerFooter = Object.fromEntries(Object.entries(hf).filter((e): e is [string, string | boolean] => e[1] !== undefined && e[1] !== null));
  }
  const raw = ws as unknown as { sheetProtection?: Record<string, unknown>; dataValidations: { model: Record<string, unknown> } };
  const sp = raw.sheetProtection;
  if (sp && sp.sheet) k.protection = { ...sp };
  const hiddenRows: number[] = [];
  for (let r = 1; r <= rowCount; r++) if (ws.getRow(r).hidden) hiddenRows.push(r);
  if (hiddenRows.length) k.hiddenRows = hiddenRows;
  const hiddenCols: number[] = [];
  // defined columns, not only those holding cells: a hidden empty column is still hidden
  const defined = ws.columns ?? [];
  for (let c = 1; c <= Math.max(colCount, defined.length); c++) if (ws.getColumn(c).hidden) hiddenCols.push(c);
  if (hiddenCols.length) k.hiddenCols = hiddenCols;
  const cf = (ws as unknown as { conditionalFormattings?: unknown[] }).conditionalFormattings;
  if (cf?.length) k.conditionalFormats = JSON.parse(JSON.stringify(cf)) as unknown[];
  const comments: Record<string, unknown> = {};
  ws.eachRow({ includeEmpty: false }, (row) =>
    row.eachCell({ includeEmpty: false }, (cell) => {
      if (cell.note) comments[cell.address] = JSON.parse(JSON.stringify(cell.note)) as unknown;
    }),
  );
  if (Object.keys(comments).length) k.comments = comments;
  const dv = raw.dataValidations?.model;
  if (dv && Object.keys(dv).length) k.validations = reference ? (JSON.parse(JSON.stringify(dv)) as Record<string, unknown>) : copyValidations(dv);
  return Object.keys(k).length ? k : undefined;
}

/**
 * A JSON copy of ExcelJS's validations by address, made once per validation: ExcelJS expands each validated
 * range cell by cell onto one shared object (the reference packet: 11,000 addresses, 1,400 objects), and copying
 * each address again was most of readExtras. The copies are shared the same way ExcelJS shares the originals
 * (nothing mutates them: sheet-extras moves keys, ExcelJS's writer only compares them); the result is what
 * JSON.parse(JSON.stringify(dv)) gives, key for key.
 */
function copyValidations(dv: Record<string, unknown>): Record<string, unknown> {
  const copies = new Map<unknown, unknown>();
  const out: Record<string, unknown> = {};
  for (const [address, v] of Object.entries(dv)) {
    let c = copies.get(v);
    if (c === undefined) {
      const json = JSON.stringify(v) as string | undefined;
      // JSON.stringify leaves out a key whose value has no JSON form (undefined, a function)
      if (json === undefined) continue;
      c = JSON.parse(json) as unknown;
      copies.set(v, c);
    }
    out[address] = c;
  }
  return out;
}

/**
 * The kept features back onto a written sheet. A validation or a comment the writer already put on a cell
 * (a template's declared cell kinds) wins: ExcelJS would otherwise write the cell's validation twice.
 */
function writeExtras(ws: ExcelJS.Worksheet, k: SheetExtras): void {
  if (k.tabColor) (ws.properties as { tabColor?: { argb: string } }).tabColor = { argb: k.tabColor };
  if (k.paperSize !== undefined) ws.pageSetup.paperSize = k.paperSize as ExcelJS.PageSetup['paperSize'];
  if (k.printGridlines) ws.pageSetup.showGridLines = true;
  if (k.hideGridlines) ws.views = ws.views?.length ? ws.views.map((v) => ({ ...v, showGridLines: false })) : [{ state: 'normal', showGridLines: false }];
  const raw = ws as unknown as { sheetProtection?: Record<string, unknown>; dataValidations: { model: Record<string, unknown> } };
  if (k.headerFooter) ws.headerFooter = { ...k.headerFooter } as unknown as ExcelJS.HeaderFooter;
  if (k.protection) raw.sheetProtection = { ...k.protection };
  for (const r of k.hiddenRows ?? []) ws.getRow(r).hidden = true;
  for (const c of k.hiddenCols ?? []) ws.getColumn(c).hidden = true;
  for (const cf of (k.conditionalFormats ?? []) as ExcelJS.ConditionalFormattingOptions[]) ws.addConditionalFormatting(cf);
  for (const [address, note] of Object.entries(k.comments ?? {})) {
    const cell = ws.getCell(address);
    if (!cell.note) cell.note = note as ExcelJS.Comment;
  }
  const model = raw.dataValidations.model;
  for (const [address, v] of Object.entries(k.validations ?? {})) if (!model[address]) model[address] = v;
}

function writeStyle(cell: ExcelJS.Cell, s: CellStyle): void {
  if (s.font) cell.font = { ...s.font };
  if (s.align) {
    cell.alignment = {
      ...(s.align.h ? { horizontal: s.align.h } : {}),
      ...(s.align.v ? { vertical: s.align.v } : {}),
      ...(s.align.wrap ? { wrapText: true } : {}),
      ...(s.align.indent ? { indent: s.align.indent } : {}),
    };
  }
  if (s.border) {
    const thin = { style: 'thin' as const };
    cell.border = {
      ...(s.border.t ? { top: thin } : {}),
      ...(s.border.r ? { right: thin } : {}),
      ...(s.border.b ? { bottom: thin } : {}),
      ...(s.border.l ? { left: thin } : {}),
    };
  }
  if (s.numFmt) cell.numFmt = s.numFmt;
  if (s.fill) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: s.fill } };
}

export interface WriteOptions {
  /** keep the hidden 审核 and 公开包信息 sheets (a packet needs them; an export for others may leave them out) */
  includeChecks?: boolean;
  /** only these sheets (one workbook per table) */
  onlySheets?: string[];
}

export function workbookFromPacket(packet: Packet, opts: WriteOptions = {}): ExcelJS.Workbook {
  const includeChecks = opts.includeChecks ?? true;
  const wb = new ExcelJS.Workbook();
  wb.creator = '决算公开助手';
  for (const sheet of packet.sheets) {
    if (opts.onlySheets && !opts.onlySheets.includes(sheet.name)) continue;
    writeSheet(wb, sheet, packet);
  }
  if (includeChecks) {
    const cw = wb.addWorksheet(CHECK_SHEET, { state: 'hidden' });
    cw.addRow(CHECK_HEADER);
    for (const c of packet.checks) {
      cw.addRow([c.id, c.severity === 'warning' ? '提示' : '错误', c.kind, c.formula ? `=${c.formula}` : '', c.message, c.locate, c.params]);
    }
    // The formula column is text: a check is data, it must not be evaluated by Excel in this sheet.
    cw.getColumn(4).numFmt = '@';
    [10, 6, 8, 60, 60, 24, 40].forEach((w, i) => (cw.getColumn(i + 1).width = w));
    const mw = wb.addWorksheet(META_SHEET, { state: 'hidden' });
    for (const [k, v] of Object.entries(packet.meta)) mw.addRow([k, v]);
    mw.getColumn(1).width = 20;
    mw.getColumn(2).width = 60;
    if (packet.explanations?.length) writeExplanations(wb, packet.explanations);
  }
  const written = new Set(wb.worksheets.map((w) => w.name));
  for (const n of packet.names) {
    const sheet = /^'?(.*?)'?!/.exec(n.ref)?.[1]?.replace(/''/g, "'");
    if (sheet && !written.has(sheet)) continue;
    wb.definedNames.add(n.ref, n.name);
  }
  return wb;
}

function writeSheet(wb: ExcelJS.Workbook, sheet: SheetModel, packet: Packet): void {
  const ws = wb.addWorksheet(sheet.name, {
    state: sheet.hidden ? 'hidden' : 'visible',
    views: sheet.frozenRows ? [{ state: 'frozen', ySplit: sheet.frozenRows, xSplit: 0 }] : [],
    pageSetup: {
      paperSize: 9,
      orientation: sheet.print.orientation,
      fitToPage: sheet.print.fitToWidth,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      // ExcelJS adds the $ signs of print titles itself (it writes '$1:$6'); given them again it writes $$1
      ...(sheet.print.titleRows ? { printTitlesRow: `${sheet.print.titleRows[0]}:${sheet.print.titleRows[1]}` } : {}),
      ...(sheet.print.margins ? { margins: { ...sheet.print.margins, header: 0.3, footer: 0.3 } } : {}),
    },
  });
  sheet.colWidths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  sheet.cells.forEach((row, r) => {
    const xr = ws.getRow(r + 1);
    const h = sheet.rowHeights[r];
    if (h) xr.height = h;
    row.forEach((cell, c) => {
      if (!cell) return;
      const xc = xr.getCell(c + 1);
      const array = cell.f ? ARRAY_RE.exec(cell.f) : null;
      // written back as Excel's own array formula (t="array"), which Excel and WPS evaluate element by element
      if (array) xc.value = { formula: array[1], result: cell.v ?? undefined, shareType: 'array', ref: xc.address } as unknown as ExcelJS.CellFormulaValue;
      else if (cell.f) xc.value = { formula: cell.f, result: cell.v ?? undefined } as ExcelJS.CellFormulaValue;
      else if (cell.v !== undefined && cell.v !== null) xc.value = cell.v;
      if (cell.s !== undefined) writeStyle(xc, packet.styles[cell.s]);
      if (cell.input) {
        xc.protection = { locked: false };
        const dv = validationOf(cell);
        if (dv) xc.dataValidation = dv as ExcelJS.DataValidation;
      }
    });
  });
  for (const m of sheet.merges) ws.mergeCells(m);
  if (sheet.keep) writeExtras(ws, sheet.keep);
}

export async function writePacket(packet: Packet, opts: WriteOptions = {}): Promise<Uint8Array> {
  const wb = workbookFromPacket(packet, opts);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

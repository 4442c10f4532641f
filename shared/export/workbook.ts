/**
 * The filled workbook for the outside world: every table and form in one .xlsx with the template's formatting
 * and print setup, formulas with their cached results (Excel/WPS show the numbers without recalculating), the
 * hidden 审核 sheet kept or left out; or one workbook per table.
 */
import type ExcelJS from 'exceljs';
import type { Packet, SheetModel } from '../model.js';
import { workbookFromPacket } from '../xlsx.js';

export interface WorkbookExportOptions {
  /** keep the hidden 审核 and 公开包信息 sheets (default true: the file stays a packet the app can open again) */
  includeChecks?: boolean;
}

/**
 * ExcelJS adds the '$' to print titles itself; a model that already carries them ("$1:$6") comes out as
 * "'公开01表'!$$1:$$6", which Excel repairs away and LibreOffice ignores. Write plain "1:6".
 */
function fixPrintTitles(wb: ExcelJS.Workbook, packet: Packet): void {
  for (const ws of wb.worksheets) {
    const sheet = packet.sheets.find((s) => s.name === ws.name);
    // a model read back from a file with the doubled '$' has lost its titles; the frozen header rows are them
    const derived = sheet && sheet.frozenRows > 0 && (sheet.kind === 'table' || sheet.kind === 'summary');
    const rows = sheet?.print.titleRows ?? (derived ? ([1, sheet.frozenRows] as [number, number]) : undefined);
    if (rows) ws.pageSetup.printTitlesRow = `${rows[0]}:${rows[1]}`;
    else if (ws.pageSetup.printTitlesRow) ws.pageSetup.printTitlesRow = ws.pageSetup.printTitlesRow.replace(/\$/g, '');
  }
}

async function bytesOf(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

/** All sheets of the packet in one workbook. Pass `session.toPacket()` so cached results are current. */
export async function exportWorkbook(packet: Packet, opts: WorkbookExportOptions = {}): Promise<Uint8Array> {
  const wb = workbookFromPacket(packet, { includeChecks: opts.includeChecks ?? true });
  fixPrintTitles(wb, packet);
  return bytesOf(wb);
}

const NAME_CHARS = /[\p{L}\p{N}_.]/u;

function mentions(formula: string, name: string): boolean {
  let at = formula.indexOf(name);
  while (at >= 0) {
    const before = formula[at - 1];
    const after = formula[at + name.length];
    if ((!before || !NAME_CHARS.test(before)) && (!after || !NAME_CHARS.test(after))) return true;
    at = formula.indexOf(name, at + 1);
  }
  return false;
}

/** Does the formula read anything outside `sheet` (another sheet, or a defined name on another sheet)? */
export function readsOutside(formula: string, sheet: string, packet: Packet): boolean {
  const code = formula.replace(/"(?:[^"]|"")*"/g, '""');
  for (const m of code.matchAll(/('(?:[^']|'')+'|[^\s'!(),+\-*/&=<>:;{}^%"]+)!/gu)) {
    const name = m[1].replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    if (name !== sheet) return true;
  }
  for (const n of packet.names) {
    if (!mentions(code, n.name)) continue;
    const target = /^'?(.*?)'?!/.exec(n.ref)?.[1]?.replace(/''/g, "'");
    if (target !== sheet) return true;
  }
  return false;
}

/** The sheet with every formula that reads outside it replaced by its value, so the file stands alone. */
export function standaloneSheet(sheet: SheetModel, packet: Packet): SheetModel {
  return {
    ...sheet,
    cells: sheet.cells.map((row) =>
      row.map((c) => {
        if (!c?.f || !readsOutside(c.f, sheet.name, packet)) return c;
        const { f: _f, ...rest } = c;
        return rest;
      }),
    ),
  };
}

export function safeFileName(name: string): string {
  const printable = [...name].map((ch) => (ch.charCodeAt(0) < 32 ? '_' : ch)).join('');
  return printable.replace(/[\\/:*?"<>|]/g, '_').trim() || '工作表';
}

export interface SheetWorkbook {
  sheet: string;
  fileName: string;
  bytes: Uint8Array;
}

/**
 * One workbook per table (公开01表.xlsx …): the table alone, its own formulas kept, formulas that read other
 * sheets (部门名称, 年度) frozen to their values so nothing turns into #REF! or #NAME? when Excel recalculates.
 */
export async function exportTableWorkbooks(packet: Packet, opts: { kinds?: SheetModel['kind'][] } = {}): Promise<SheetWorkbook[]> {
  const kinds = opts.kinds ?? ['table'];
  const out: SheetWorkbook[] = [];
  for (const sheet of packet.sheets) {
    if (sheet.hidden || !kinds.includes(sheet.kind)) continue;
    const alone: Packet = { ...packet, sheets: [standaloneSheet(sheet, packet)] };
    const wb = workbookFromPacket(alone, { includeChecks: false, onlySheets: [sheet.name] });
    fixPrintTitles(wb, alone);
    out.push({ sheet: sheet.name, fileName: `${safeFileName(sheet.name)}.xlsx`, bytes: await bytesOf(wb) });
  }
  return out;
}

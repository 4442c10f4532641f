/**
 * 导出公开包: the workbook the unit publishes — only the sheets the template set declares as published
 * (公开包信息「公开工作表」, falling back to the set's publish.json), no working sheets (上年数, 年初预算, 说明文字,
 * 情况说明改写 …), no hidden sheets (审核, 公开包信息, 出错说明, 评分规则). Each sheet prints on its own: formulas
 * that read a sheet left out are frozen to their values, a print area, a page-number footer, and a height for
 * every row whose wrapped text needs more than one line (LibreOffice and WPS print a row at its stated height,
 * so wrapped lines would overlap the next row). 保存 keeps everything; this is only for the outside world.
 */
import type ExcelJS from 'exceljs';
import { parseRange } from '../a1.js';
import { PacketError } from '../errors.js';
import { PUBLIC_SHEETS_KEY, type CellStyle, type Packet, type SheetModel } from '../model.js';
import { formatCellText } from '../numfmt.js';
import { heightForLines, wrappedLines } from './row-height.js';
import { standaloneSheet } from './workbook.js';
import { workbookFromPacket } from '../xlsx.js';

/** The word in a 公开工作表 declaration that stands for every 项目支出绩效自评表 of the packet. */
export const FORMS_TOKEN = '自评表';

/** The set's own declaration (templates/<set>/publish.json), for packets made before the key existed. */
export interface PublishDeclaration {
  公开工作表: string[];
}

function declared(packet: Packet, fallback?: PublishDeclaration): string[] {
  const own = packet.meta[PUBLIC_SHEETS_KEY]?.split(/[,，、;；\n]/).map((x) => x.trim()).filter(Boolean);
  const list = own?.length ? own : fallback?.公开工作表;
  if (!list?.length) {
    throw new PacketError(`无法导出公开包：公开包信息中没有「${PUBLIC_SHEETS_KEY}」（哪些工作表公开），模板套也没有声明。请在模板套的 publish.json 或公开包信息中写明。`);
  }
  return list;
}

/** The published sheets, in the packet's order; hidden sheets never. */
export function publicSheets(packet: Packet, fallback?: PublishDeclaration): SheetModel[] {
  const list = declared(packet, fallback);
  const names = new Set(list);
  const forms = names.has(FORMS_TOKEN);
  const out = packet.sheets.filter((s) => !s.hidden && (names.has(s.name) || (forms && s.kind === 'form')));
  const missing = list.filter((n) => n !== FORMS_TOKEN && !packet.sheets.some((s) => s.name === n && !s.hidden));
  if (missing.length) throw new PacketError(`无法导出公开包：声明公开的工作表 ${missing.join('、')} 在公开包中不存在或已隐藏。`);
  return out;
}

/** Merged areas by their top-left cell: [rows, total width in Excel units]. */
function mergedWidths(sheet: SheetModel): Map<string, { width: number; rows: number }> {
  const out = new Map<string, { width: number; rows: number }>();
  for (const m of sheet.merges) {
    const r = parseRange(m);
    if (!r) continue;
    let w = 0;
    for (let c = r.left; c <= r.right; c++) w += sheet.colWidths[c] ?? 8.43;
    out.set(`${r.top}:${r.left}`, { width: w, rows: r.bottom - r.top + 1 });
  }
  return out;
}

/** Cells hidden under a merge (not top-left): their text is not shown. */
function covered(sheet: SheetModel): Set<string> {
  const out = new Set<string>();
  for (const m of sheet.merges) {
    const r = parseRange(m);
    if (!r) continue;
    for (let y = r.top; y <= r.bottom; y++) for (let x = r.left; x <= r.right; x++) if (y !== r.top || x !== r.left) out.add(`${y}:${x}`);
  }
  return out;
}

/**
 * Row heights (points) that fit every wrapped cell's text: the stated height when it is enough, a taller
 * one when it is not. A merged area spanning rows shares its lines over them.
 */
export function fittedRowHeights(sheet: SheetModel, styles: CellStyle[]): (number | undefined)[] {
  const merged = mergedWidths(sheet);
  const hidden = covered(sheet);
  const heights = [...sheet.rowHeights];
  sheet.cells.forEach((row, r) => {
    let need = 0;
    row.forEach((cell, c) => {
      if (!cell || hidden.has(`${r}:${c}`) || cell.v === null || cell.v === undefined || cell.v === '') return;
      const st = cell.s !== undefined ? styles[cell.s] : undefined;
      const pt = st?.font?.size ?? 11;
      const m = merged.get(`${r}:${c}`);
      const width = m?.width ?? sheet.colWidths[c] ?? 8.43;
      const text = typeof cell.v === 'number' ? formatCellText(cell.v, st?.numFmt) : String(cell.v);
      // unwrapped text does not grow the row (it spills or is cut); explicit line breaks always do
      const lines = st?.align?.wrap ? wrappedLines(text, width, pt) : text.split(/\r?\n/).length;
      if (lines <= 1 && !text.includes('\n')) return;
      need = Math.max(need, heightForLines(lines, pt) / (m?.rows ?? 1));
    });
    if (need > (heights[r] ?? 15)) heights[r] = Math.ceil(need);
  });
  return heights;
}

function lastUsed(sheet: SheetModel): { rows: number; cols: number } {
  let rows = 0;
  let cols = 0;
  sheet.cells.forEach((row, r) =>
    row.forEach((c, i) => {
      if (c && ((c.v !== null && c.v !== undefined && c.v !== '') || c.f || c.s !== undefined)) {
        rows = Math.max(rows, r + 1);
        cols = Math.max(cols, i + 1);
      }
    }),
  );
  for (const m of sheet.merges) {
    const r = parseRange(m);
    if (r) {
      rows = Math.max(rows, r.bottom + 1);
      cols = Math.max(cols, r.right + 1);
    }
  }
  return { rows, cols };
}

/** The page-number footer every public sheet carries (Excel/WPS/LibreOffice codes: &P page, &N pages). */
export const PUBLIC_FOOTER = '&C第 &P 页，共 &N 页';

function colName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** The public packet as a model: the published sheets, standalone, fitted row heights, no hidden parts. */
export function publicPacket(packet: Packet, fallback?: PublishDeclaration): Packet {
  const sheets = publicSheets(packet, fallback).map((s) => {
    const alone = standaloneSheet(s, packet);
    return { ...alone, rowHeights: fittedRowHeights(alone, packet.styles), keep: { ...alone.keep, headerFooter: undefined } };
  });
  const { explanations: _e, ...rest } = packet;
  return { ...rest, sheets, checks: [], meta: {} };
}

/**
 * The packet as the public PDF prints it: the sheets not published are hidden (the printer prints visible
 * sheets only), so working sheets such as 绩效自评汇总 — which the publication does not have — stay out. 概况 stays:
 * it stands in for 第一部分 when the narrative cannot be generated.
 */
export function publicPrintPacket(packet: Packet, fallback?: PublishDeclaration): Packet {
  const keep = new Set(publicSheets(packet, fallback).map((s) => s.name));
  return { ...packet, sheets: packet.sheets.map((s) => (s.hidden || keep.has(s.name) || s.kind === 'overview' ? s : { ...s, hidden: true })) };
}

/** The 公开包 workbook (决算公开表.xlsx of 导出公开包). */
export async function exportPublicWorkbook(packet: Packet, fallback?: PublishDeclaration): Promise<Uint8Array> {
  const pub = publicPacket(packet, fallback);
  const wb = workbookFromPacket(pub, { includeChecks: false });
  for (const ws of wb.worksheets) {
    const sheet = pub.sheets.find((s) => s.name === ws.name)!;
    const used = lastUsed(sheet);
    if (used.rows && used.cols) ws.pageSetup.printArea = `A1:${colName(used.cols)}${used.rows}`;
    const rows = sheet.print.titleRows ?? (sheet.frozenRows > 0 ? ([1, sheet.frozenRows] as [number, number]) : undefined);
    if (rows) ws.pageSetup.printTitlesRow = `${rows[0]}:${rows[1]}`;
    ws.headerFooter = { ...(ws.headerFooter ?? {}), oddFooter: PUBLIC_FOOTER } as ExcelJS.HeaderFooter;
    if (!sheet.print.margins) ws.pageSetup.margins = { left: 0.5, right: 0.5, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 };
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

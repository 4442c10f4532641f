/**
 * Fidelity on the way through (issue 18): what the app does not edit in a packet — data validation,
 * conditional formats, sheet protection, hidden rows and columns, header/footer, tab colour, paper size,
 * gridlines, comments — comes back unchanged when the packet is read, evaluated and written again, twice,
 * and a validation is never written twice.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { openpyxlComments, smallPacket, viaExcelJs } from '../fixtures/hostile/corpus.js';

async function decorated(): Promise<Uint8Array> {
  return viaExcelJs(await writePacket(smallPacket()), (wb) => {
    const ws = wb.getWorksheet('公开01表')!;
    ws.getCell('B3').dataValidation = { type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, error: '应填数字' };
    ws.getCell('B4').dataValidation = { type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, error: '应填数字' };
    ws.addConditionalFormatting({ ref: 'B3:B5', rules: [{ type: 'cellIs', operator: 'lessThan', formulae: ['0'], priority: 1, style: { font: { color: { argb: 'FFFF0000' } } } }] });
    (ws as unknown as { sheetProtection: Record<string, unknown> }).sheetProtection = { sheet: true, formatCells: false };
    ws.getRow(4).hidden = true;
    ws.getColumn(3).hidden = true;
    ws.headerFooter = { oddHeader: '&C收入支出决算总表', oddFooter: '&C第 &P 页' } as ExcelJS.HeaderFooter;
    ws.properties.tabColor = { argb: 'FF00B050' };
    ws.pageSetup.paperSize = 8 as unknown as ExcelJS.PageSetup['paperSize']; // A3 (8), which ExcelJS's enum lacks
    ws.pageSetup.showGridLines = true;
    ws.views = [{ state: 'normal', showGridLines: false }];
    ws.getCell('A3').note = '含上年结转';
  });
}

async function roundTrip(bytes: Uint8Array): Promise<Uint8Array> {
  const session = new PacketSession(await readPacket(bytes));
  return writePacket(session.toPacket());
}

async function sheetXml(bytes: Uint8Array): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const wb = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const rid = new RegExp('<sheet [^>]*name="公开01表"[^>]*r:id="([^"]+)"').exec(wb)![1];
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)!;
  return zip.file(`xl/${(target[1] ?? target[2]).replace(/^\/?xl\//, '')}`)!.async('string');
}

async function features(bytes: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('公开01表')!;
  return {
    validation: ws.getCell('B3').dataValidation,
    conditional: JSON.parse(JSON.stringify((ws as unknown as { conditionalFormattings: unknown[] }).conditionalFormattings)) as unknown,
    protection: (ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet,
    hiddenRow: ws.getRow(4).hidden,
    hiddenCol: ws.getColumn(3).hidden,
    header: ws.headerFooter.oddHeader,
    footer: ws.headerFooter.oddFooter,
    tab: ws.properties.tabColor?.argb,
    paper: ws.pageSetup.paperSize,
    printGrid: ws.pageSetup.showGridLines,
    viewGrid: ws.views[0]?.showGridLines,
    note: ws.getCell('A3').note,
  };
}

describe('a packet written back by the app keeps what the app does not edit', () => {
  it('validation, conditional format, protection, hidden rows/columns, header/footer, tab colour, A3, gridlines, comment', async () => {
    const original = await decorated();
    const want = await features(original);
    expect(want.paper).toBe(8);
    const once = await roundTrip(original);
    expect(await features(once)).toEqual(want);
    const twice = await roundTrip(once);
    expect(await features(twice)).toEqual(want);
    // one dataValidation element per distinct rule, never duplicated by a re-write
    const count = async (b: Uint8Array) => ((await sheetXml(b)).match(/<dataValidation /g) ?? []).length;
    const n = await count(original);
    expect(n).toBeGreaterThan(0);
    expect(await count(once)).toBe(n);
    expect(await count(twice)).toBe(n);
    // and the app's own input marking still holds: B3 is an input cell
    const packet = await readPacket(twice);
    expect(packet.sheets.find((s) => s.name === '公开01表')!.cells[2][1]?.input).toBe(true);
  });

  it('a comment stored the way openpyxl stores it opens and is carried through', async () => {
    const withNote = await viaExcelJs(await writePacket(smallPacket()), (wb) => (wb.getWorksheet('公开01表')!.getCell('B3').note = '财政拨款含上年结转'));
    const bytes = await openpyxlComments(withNote);
    const out = await roundTrip(bytes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out as unknown as ArrayBuffer);
    expect(JSON.stringify(wb.getWorksheet('公开01表')!.getCell('B3').note)).toContain('财政拨款含上年结转');
  });
});

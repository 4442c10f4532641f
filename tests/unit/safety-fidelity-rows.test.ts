/**
 * What a packet keeps without understanding it (validation, conditional formats, comments, hidden rows)
 * follows the rows the accountant inserts and removes (issue 18): the packet is written by the app after
 * the edit and re-opened in ExcelJS, and each feature is found at its moved address — on the same row of
 * content as in the original file.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { smallPacket, viaExcelJs } from '../fixtures/hostile/corpus.js';

const NUMBER_RULE = { type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [0], showErrorMessage: true, error: '应填数字' } as const;
const LIST_RULE = { type: 'list', allowBlank: true, formulae: ['"是,否"'] } as const;

/**
 * 公开01表: row 3 财政拨款收入, row 4 其他收入, row 5 合计; features on rows 3, 4 and 5. Row 4's name is an
 * input cell (a 科目 row the accountant may remove).
 */
async function decorated(): Promise<Uint8Array> {
  const packet = smallPacket();
  packet.sheets.find((s) => s.name === '公开01表')!.cells[3][0]!.input = true;
  return viaExcelJs(await writePacket(packet), (wb) => {
    const ws = wb.getWorksheet('公开01表')!;
    ws.getCell('B3').dataValidation = { ...NUMBER_RULE, formulae: [...NUMBER_RULE.formulae] };
    ws.getCell('C4').dataValidation = { ...LIST_RULE, formulae: [...LIST_RULE.formulae] };
    ws.addConditionalFormatting({ ref: 'B3:B5', rules: [{ type: 'cellIs', operator: 'lessThan', formulae: ['0'], priority: 1, style: { font: { color: { argb: 'FFFF0000' } } } }] });
    ws.addConditionalFormatting({ ref: 'B4:B5', rules: [{ type: 'expression', formulae: ['B4>$B$5'], priority: 2, style: { font: { bold: true } } }] });
    ws.getRow(4).hidden = true;
    ws.getCell('A3').note = '含上年结转';
    ws.getCell('A5').note = '合计含尾数差';
  });
}

async function reopen(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.getWorksheet('公开01表')!;
}

type Cf = { ref: string; rules: { formulae?: string[] }[] };
const formats = (ws: ExcelJS.Worksheet) => (ws as unknown as { conditionalFormattings: Cf[] }).conditionalFormattings.map((c) => ({ ref: c.ref, formulae: c.rules.flatMap((r) => r.formulae ?? []) }));
const noteText = (ws: ExcelJS.Worksheet, a: string) => JSON.stringify(ws.getCell(a).note ?? null);

describe('kept sheet features move with inserted and removed rows', () => {
  it('two rows inserted above 其他收入: validation, formats, comment and hidden row are found two rows down', async () => {
    const session = new PacketSession(await readPacket(await decorated()));
    session.insertRows('公开01表', 3, 2);
    const ws = await reopen(await writePacket(session.toPacket()));
    // the rows' content moved: 其他收入 is on row 6, 合计 on row 7
    expect(ws.getCell('A6').value).toBe('其他收入');
    expect(ws.getCell('A7').value).toBe('合计');
    // above the insertion nothing moves
    expect(ws.getCell('B3').dataValidation?.type).toBe('decimal');
    expect(noteText(ws, 'A3')).toContain('含上年结转');
    // below it everything moves by two
    expect(ws.getCell('C6').dataValidation?.type).toBe('list');
    expect(ws.getCell('C4').dataValidation?.type ?? null).toBeNull();
    expect(noteText(ws, 'A7')).toContain('合计含尾数差');
    expect(noteText(ws, 'A5')).not.toContain('合计含尾数差');
    expect(ws.getRow(6).hidden).toBe(true);
    expect(ws.getRow(4).hidden).toBe(false);
    expect(ws.getRow(5).hidden).toBe(false);
    // a format over the insertion point stretches; one below it moves, its formula with it
    expect(formats(ws)).toEqual([
      { ref: 'B3:B7', formulae: ['0'] },
      { ref: 'B6:B7', formulae: ['B6>$B$7'] },
    ]);
  });

  it('removing rows takes their features away and moves the rest up; undo brings them back', async () => {
    const session = new PacketSession(await readPacket(await decorated()));
    session.insertRows('公开01表', 3, 2);
    session.removeRows('公开01表', 3, 2);
    let ws = await reopen(await writePacket(session.toPacket()));
    expect(ws.getCell('C4').dataValidation?.type).toBe('list');
    expect(ws.getRow(4).hidden).toBe(true);
    expect(noteText(ws, 'A5')).toContain('合计含尾数差');
    expect(formats(ws)).toEqual([
      { ref: 'B3:B5', formulae: ['0'] },
      { ref: 'B4:B5', formulae: ['B4>$B$5'] },
    ]);

    // the inserted rows hold nothing of the template: removing row 4 (其他收入, an input row) is allowed
    session.removeRows('公开01表', 3, 1);
    ws = await reopen(await writePacket(session.toPacket()));
    expect(ws.getCell('A4').value).toBe('合计');
    expect(ws.getCell('C4').dataValidation?.type ?? null).toBeNull();
    expect(ws.getRow(4).hidden).toBe(false);
    expect(noteText(ws, 'A4')).toContain('合计含尾数差');
    expect(formats(ws)).toEqual([
      { ref: 'B3:B4', formulae: ['0'] },
      { ref: 'B4', formulae: ['B4>$B$4'] },
    ]);

    session.undo();
    ws = await reopen(await writePacket(session.toPacket()));
    expect(ws.getCell('A4').value).toBe('其他收入');
    expect(ws.getCell('C4').dataValidation?.type).toBe('list');
    expect(ws.getRow(4).hidden).toBe(true);
    expect(noteText(ws, 'A5')).toContain('合计含尾数差');
  });
});

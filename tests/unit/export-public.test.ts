/**
 * 导出公开包 on the reference packet: only the declared published sheets (ten tables, 72 forms), nothing hidden,
 * no working sheets; every published figure equal to the packet's; print areas, page-number footers, and a
 * height for every wrapped row that needs more than one line. Real ExcelJS round trip, real engine.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { exportPublicWorkbook, publicSheets } from '../../shared/export/index.js';
import { PUBLIC_SHEETS_KEY, type Packet } from '../../shared/model.js';
import { loadPacket } from '../helpers/packets.js';

let packet: Packet;
let wb: ExcelJS.Workbook;
beforeAll(async () => {
  const s = new PacketSession(await loadPacket());
  packet = s.toPacket();
  s.destroy();
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exportPublicWorkbook(packet)) as unknown as ArrayBuffer);
}, 120_000);

function plain(v: ExcelJS.CellValue): unknown {
  if (v && typeof v === 'object' && ('result' in v || 'formula' in v)) return (v as ExcelJS.CellFormulaValue).result ?? null;
  if (v && typeof v === 'object' && 'richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join('');
  return v ?? null;
}

describe('导出公开包', () => {
  it('holds exactly the declared sheets: 公开01–10表 and every 自评表, none hidden, no working or 审核 sheets', () => {
    expect(packet.meta[PUBLIC_SHEETS_KEY]).toContain('公开10表');
    const names = wb.worksheets.map((w) => w.name);
    const forms = packet.sheets.filter((s) => s.kind === 'form').map((s) => s.name);
    expect(forms).toHaveLength(72);
    expect(names).toEqual([...Array.from({ length: 10 }, (_x, i) => `公开${String(i + 1).padStart(2, '0')}表`), ...forms]);
    expect(wb.worksheets.filter((w) => w.state !== 'visible')).toEqual([]);
    for (const working of ['上年数', '年初预算', '说明文字', '情况说明改写', '审核', '公开包信息', '出错说明', '自评评分规则', '绩效自评汇总', '概况']) {
      expect(names).not.toContain(working);
    }
  });

  it('every published figure equals the packet (formulas that read left-out sheets are frozen to their values)', () => {
    let compared = 0;
    for (const sheet of publicSheets(packet)) {
      const ws = wb.getWorksheet(sheet.name)!;
      sheet.cells.forEach((row, r) =>
        row.forEach((cell, c) => {
          const want = cell?.v ?? null;
          const xc = ws.getRow(r + 1).getCell(c + 1);
          // ExcelJS reads the cells under a merge as the merge's value
          if (xc.isMerged && xc.master.address !== xc.address) return;
          const got = plain(xc.value);
          // ExcelJS writes no cached result for a formula that gives 0 (the reader computes it): the formula is there
          if (want === 0 && got === null && xc.formula) return;
          if (want === null || want === '') {
            expect(got === null || got === '', `${sheet.name} R${r + 1}C${c + 1}`).toBe(true);
            return;
          }
          expect(got, `${sheet.name} R${r + 1}C${c + 1}`).toEqual(want);
          compared++;
        }),
      );
    }
    expect(compared).toBeGreaterThan(5000);
    // a figure of the publication, and a formula of 01表 that read 概况 (the unit name), now a value
    expect(plain(wb.getWorksheet('公开04表')!.getCell('C33').value)).toBe(3966.62);
    expect(wb.getWorksheet('公开01表')!.getCell('A3').formula).toBeUndefined();
    expect(String(plain(wb.getWorksheet('公开01表')!.getCell('A3').value))).toContain('中共景德镇市昌南新区工作委员会党群工作部');
  });

  it('04表 leaves 合计 blank where the publication does (no figure in the row), 0.00 nowhere it is not published', () => {
    const ws = wb.getWorksheet('公开04表')!;
    // 二、外交支出: blank in the publication
    expect(plain(ws.getCell('F8').value) ?? '').toBe('');
    expect(plain(ws.getCell('F12').value)).toBe(15);
  });

  it('prints: a print area, repeated title rows, a page-number footer on every sheet', () => {
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup.printArea, ws.name).toMatch(/^A1:[A-Z]+\d+$/);
      expect(ws.headerFooter.oddFooter, ws.name).toContain('&P');
    }
    expect(wb.getWorksheet('公开01表')!.pageSetup.printArea).toBe('A1:F40');
    expect(wb.getWorksheet('公开01表')!.pageSetup.printTitlesRow).toMatch(/1:\$?6/);
  });

  it('a row whose wrapped text needs more lines is tall enough for them', () => {
    const form = packet.sheets.find((s) => s.kind === 'form' && s.name.startsWith('自评01'))!;
    const ws = wb.getWorksheet(form.name)!;
    // the 偏差原因 of a deducted score wraps over three lines in its 14-unit column
    let checked = 0;
    ws.eachRow((row) => {
      const reason = plain(row.getCell(9).value);
      if (typeof reason === 'string' && reason.length > 14) {
        expect(row.height, `row ${row.number}`).toBeGreaterThanOrEqual(40);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(0);
  });
});

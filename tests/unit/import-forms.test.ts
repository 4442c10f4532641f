/** 项目支出绩效自评表 from a workbook, one per sheet: added, or matched to the packet's forms by 项目名称. */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formsReport } from '../../shared/forms.js';
import { applyImport, importWorkbook, planImport } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { formsBook, otherRegion, toBytes } from '../fixtures/import/build.js';
import { findingLines, publishedFigures } from '../fixtures/import/compare.js';
import { EMPTY_TABLES, loadPacket, openSession, REFERENCE, VOCABULARY } from '../helpers/packets.js';

let ref: Packet;
beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
});

describe('forms import', () => {
  it('all 72 reference forms into a packet of imported tables: the whole reference packet, findings and all', async () => {
    let session = await openSession(EMPTY_TABLES);
    session = (await importWorkbook(await toBytes(otherRegion(ref)), session, { vocabulary: VOCABULARY, file: 'tables.xlsx' })).session ?? session;
    const r = await importWorkbook(await formsBook(ref), session, { vocabulary: VOCABULARY, file: 'forms.xlsx' });
    expect(r.report.summary.tables).toBe(72);
    expect(r.report.summary.cellsNotPlaced).toBe(0);
    expect(r.session).toBeDefined();
    const forms = r.packet!.sheets.filter((s) => s.kind === 'form').map((s) => s.name);
    expect(forms).toEqual(ref.sheets.filter((s) => s.kind === 'form').map((s) => s.name));
    const got = formsReport(r.session!);
    expect(got.counts).toEqual({ 优: 36, 良: 36, 中: 0, 差: 0 });
    expect(got.sumB).toBe(3379.27);
    // the tables came from 元: they are the reference as printed, to the cent
    const refSession = new PacketSession(publishedFigures(ref));
    const skip10 = (sheet: string) => sheet === '公开10表';
    expect(findingLines(r.session!, skip10)).toEqual(findingLines(refSession, skip10));
  });

  it('a form whose 项目名称 is in the packet replaces it; its changed figures are listed first', async () => {
    const session = await openSession(REFERENCE);
    const target = ref.sheets.find((s) => s.kind === 'form')!.name;
    const source = await formsBook(ref, (n) => n === target, (p) => {
      const s = p.sheets.find((x) => x.name === target)!;
      s.cells[5][4]!.v = 12.5; // 全年执行数（B）of 年度资金总额
      s.cells[12][8]!.v = '改进措施已调整';
    });
    const plan = await planImport(source, session, { vocabulary: VOCABULARY, file: 'one-form.xlsx' });
    expect(plan.report.sheets[0].table).toBe(target);
    expect(plan.report.overwrites.map((o) => [o.sheet, o.cell, o.before, o.after])).toEqual([
      [target, 'E6', 0, 12.5],
      [target, 'I13', '年初指标设置不准确，未及时调整，加强指标设置准确', '改进措施已调整'],
    ]);
    const kept = await applyImport(session, plan, { overwrite: false });
    expect(kept.report.sheets[0].notPlaced[0].reason).toMatch(/保留原表/);
    const done = await applyImport(await openSession(REFERENCE), plan);
    const forms = done.packet!.sheets.filter((s) => s.kind === 'form');
    expect(forms.length).toBe(72);
    expect(forms[0].name).toBe(target);
    expect(done.session!.getValue(target, 5, 4)).toBe(12.5);
  });

  it('a form with an unknown 项目名称 is added; a sheet titled as a form but not laid out as one is named', async () => {
    const session = await openSession(REFERENCE);
    const first = ref.sheets.find((s) => s.kind === 'form')!.name;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await formsBook(ref, (n) => n === first, (p) => {
      const s = p.sheets.find((x) => x.name === first)!;
      s.cells[2][1]!.v = '2025年新增测试项目';
    })) as unknown as ArrayBuffer);
    const odd = book.addWorksheet('说明');
    odd.addRow(['项目支出绩效自评表']);
    odd.addRow(['本单位项目见附件', 3]);
    const r = await importWorkbook(await toBytes(book), session, { vocabulary: VOCABULARY, file: 'new-form.xlsx' });
    expect(r.report.sheets[0].table).toBe('自评73 2025年新增测试项目');
    expect(formsReport(r.session!).forms.map((f) => f.name)).toContain('2025年新增测试项目');
    expect(r.report.sheets[1]).toMatchObject({ sheet: '说明', table: null });
    expect(r.report.sheets[1].reason).toMatch(/无法按自评表读取：找不到「项目名称」行/);
    expect(r.report.sheets[1].notPlaced.map((c) => c.cell)).toEqual(['说明!A1', '说明!A2', '说明!B2']);
  });
});

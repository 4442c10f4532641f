/** 项目支出绩效自评表 from a workbook, one per sheet: added, or matched to the packet's forms by 项目名称. */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formLayout, formsReport, keyCells, PROFILE_CHOICE_CELL, PROFILE_SHEET } from '../../shared/forms.js';
import { applyImport, importWorkbook, planImport } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { formsBook, otherRegion, toBytes } from '../fixtures/import/build.js';
import { findingLines, publishedFigures } from '../fixtures/import/compare.js';
import { bytesOf, EMPTY_TABLES, loadPacket, openSession, REFERENCE, VOCABULARY } from '../helpers/packets.js';

/** An import into `session`, handed back with it: forms added or replaced go into the open session too. */
async function importInto(bytes: Uint8Array, session: PacketSession, opts: Parameters<typeof importWorkbook>[2]) {
  return { ...(await importWorkbook(bytes, session, opts)), session };
}

let ref: Packet;
beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
});

describe('forms import', () => {
  it('all 72 reference forms into a packet of imported tables: the whole reference packet, findings and all', async () => {
    const session = await openSession(EMPTY_TABLES);
    await importInto(await toBytes(otherRegion(ref)), session, { vocabulary: VOCABULARY, file: 'tables.xlsx' });
    const r = await importInto(await formsBook(ref), session, { vocabulary: VOCABULARY, file: 'forms.xlsx' });
    expect(r.report.summary.tables).toBe(72);
    expect(r.report.summary.cellsNotPlaced).toBe(0);
    expect(r.session).toBeDefined();
    const forms = r.session.packet.sheets.filter((s) => s.kind === 'form').map((s) => s.name);
    expect(forms).toEqual(ref.sheets.filter((s) => s.kind === 'form').map((s) => s.name));
    const got = formsReport(r.session);
    expect(got.counts).toEqual({ 优: 36, 良: 36, 中: 0, 差: 0 });
    expect(got.sumB).toBe(3379.27);
    // the tables came from 元: they are the reference as printed, to the cent
    const refSession = new PacketSession(publishedFigures(ref));
    const skip10 = (sheet: string) => sheet === '公开10表';
    expect(findingLines(r.session, skip10)).toEqual(findingLines(refSession, skip10));
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
    const into = await openSession(REFERENCE);
    const done = { ...(await applyImport(into, plan)), session: into };
    const forms = done.session.packet.sheets.filter((s) => s.kind === 'form');
    expect(forms.length).toBe(72);
    expect(forms[0].name).toBe(target);
    expect(done.session.getValue(target, 5, 4)).toBe(12.5);
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
    const r = await importInto(await toBytes(book), session, { vocabulary: VOCABULARY, file: 'new-form.xlsx' });
    expect(r.report.sheets[0].table).toBe('自评73 2025年新增测试项目');
    expect(formsReport(r.session).forms.map((f) => f.name)).toContain('2025年新增测试项目');
    expect(r.report.sheets[1]).toMatchObject({ sheet: '说明', table: null });
    expect(r.report.sheets[1].reason).toMatch(/无法按自评表读取：找不到「项目名称」行/);
    expect(r.report.sheets[1].notPlaced.map((c) => c.cell)).toEqual(['说明!A1', '说明!A2', '说明!B2']);
  });

  it('a printed 总分 and 执行率得分 of another office are kept as published and judged, each at its own cell', async () => {
    const target = ref.sheets.find((x) => x.kind === 'form')!.name;
    const l0 = formLayout(ref.sheets.find((x) => x.name === target)!);
    if (typeof l0 === 'string') throw new Error(l0);
    const k0 = keyCells(l0);
    const printed = ref.sheets.find((x) => x.name === target)!.cells[k0.total.row][k0.total.col]!.v as number;
    const at = (cell: { row: number; col: number }) => `${String.fromCharCode(65 + cell.col)}${cell.row + 1}`;
    // the source prints a 总分 10 points above its items (as a form retyped by hand would), and a 执行率得分
    // 3 points above what this set's scoring rule gives (another province's rule)
    const source = await formsBook(ref, (n) => n === target, (p) => {
      const s = p.sheets.find((x) => x.name === target)!;
      s.cells[k0.total.row][k0.total.col]!.v = printed + 10;
      const c = s.cells[k0.rateScore.row][k0.rateScore.col]!;
      delete c.f;
      c.v = 3;
    });
    const r = await importInto(source, await openSession(REFERENCE), { vocabulary: VOCABULARY, file: 'printed.xlsx' });
    // every amount placed, the printed 执行率得分 too: the checks speak about it, not the placement report
    expect(r.report.sheets[0].notPlaced).toEqual([]);
    expect(r.report.summary).toMatchObject({ amountsNotPlaced: 0, cellsNotPlaced: 0 });
    const s = r.session;
    // both kept as published: no silent replacement by the computed figures
    expect(s.getValue(target, k0.total.row, k0.total.col)).toBe(printed + 10);
    expect(s.getValue(target, k0.rateScore.row, k0.rateScore.col)).toBe(3);
    // the 执行率得分 is a 运算 cell that does not stand as its rule gives it: 手工调整 (运算得 0)
    expect(s.derivedCells(target).find((d) => d.row === k0.rateScore.row && d.col === k0.rateScore.col)).toMatchObject({ value: 3, computed: 0, agree: 'no' });
    // and judged: one finding on each cell that carries a printed figure out of line
    const mine = s.findings().filter((f) => f.sheet === target && f.severity === 'error');
    expect(mine.map((f) => [f.rule, f.cells]).sort()).toEqual([[`${target}:执行率得分`, [at(k0.rateScore)]], [`${target}:指标:总分`, [at(k0.total)]]]);
    expect(mine.find((f) => f.rule === `${target}:执行率得分`)!.message).toBe('执行率得分 3 与评分规则「stepped」按执行率计得的 0 不符：执行率得分应由评分规则计算。');
    expect(mine.find((f) => f.rule === `${target}:指标:总分`)!.message).toContain(`总分 ${printed + 10} 与执行率得分及各指标得分之和 ${printed + 3} 不等`);
  });

  it('a printed 执行率得分 that agrees with the rule is placed, and the import exits clean', async () => {
    // the 2nd form: 47.56 % earns 0 in steps; its source prints that 0 as a figure, not a formula
    const target = ref.sheets.filter((x) => x.kind === 'form')[1].name;
    let k: ReturnType<typeof keyCells> | undefined;
    const source = await formsBook(ref, (n) => n === target, (p) => {
      const s = p.sheets.find((x) => x.name === target)!;
      const l = formLayout(s);
      if (typeof l === 'string') throw new Error(l);
      k = keyCells(l);
      const c = s.cells[k.rateScore.row][k.rateScore.col]!;
      delete c.f;
      c.v = 0;
    });
    const r = await importInto(source, await openSession(REFERENCE), { vocabulary: VOCABULARY, file: 'same.xlsx' });
    expect(r.report.summary).toMatchObject({ amountsNotPlaced: 0, amountsVerified: 0, cellsNotPlaced: 0 });
    expect(r.session.getValue(target, k!.rateScore.row, k!.rateScore.col)).toBe(0);
    expect(r.session.findings().filter((f) => f.sheet === target && f.severity === 'error')).toEqual([]);
  });

  it('a printed 执行率得分 10 where the rule gives 7 is that error at that cell; 7 is no finding; agreeing figures follow A/B and the rule', async () => {
    const book = async (score: number | null, total: number | null) => {
      const b = new ExcelJS.Workbook();
      await b.xlsx.load(bytesOf('templates/jiangxi-2024/form.xlsx') as unknown as ArrayBuffer);
      const ws = b.worksheets[0];
      ws.getCell('B3').value = '乡村道路养护项目';
      ws.getCell('B4').value = '某某镇人民政府';
      // 年度资金总额: 执行率 90 % earns 7 of 10 under the stepped rule
      for (const [c, v] of [['C6', 20], ['D6', 20], ['E6', 18], ['C7', 20], ['D7', 20], ['E7', 18], ['G6', 90], ['H6', score], ['G13', 90], ['H13', 90], ['G23', 100], ['H23', total]] as const) ws.getCell(c).value = v;
      ws.getCell('D13').value = '养护成本';
      ws.getCell('E13').value = '≤20万元';
      ws.getCell('F13').value = '18万元';
      return toBytes(b);
    };
    const errorsOf = (s: PacketSession, sheet: string) => s.findings().filter((f) => f.sheet === sheet && f.severity === 'error').map((f) => [f.rule, f.cells, f.message]);
    const sheetOf = (r: Awaited<ReturnType<typeof importWorkbook>>) => r.report.sheets.find((x) => x.sheet === '自评表')!.table!;

    // printed 10 (and a 总分 100 that adds up with it): kept, placed, and the 执行率得分 check names H6
    const wrong = await importInto(await book(10, 100), await openSession(EMPTY_TABLES), { vocabulary: VOCABULARY, file: '他省自评表.xlsx' });
    expect(wrong.report.summary).toMatchObject({ amountsNotPlaced: 0, cellsNotPlaced: 0 });
    const w = sheetOf(wrong);
    expect(wrong.session.getValue(w, 5, 7)).toBe(10);
    expect(errorsOf(wrong.session, w)).toEqual([[`${w}:执行率得分`, ['H6'], '执行率得分 10 与评分规则「stepped」按执行率计得的 7 不符：执行率得分应由评分规则计算。']]);
    // 手工调整: B of 政府预算资金 typed again moves 年度资金总额's B, not the published 执行率得分; the check keeps speaking
    wrong.session.apply([{ sheet: w, row: 6, col: 4, value: 19 }]);
    expect([wrong.session.getValue(w, 5, 4), wrong.session.getValue(w, 5, 7)]).toEqual([19, 10]);
    expect(errorsOf(wrong.session, w).map((x) => x[0])).toEqual([`${w}:执行率得分`]);

    // printed 7 (总分 97): the rule's own figure, no finding
    const right = await importInto(await book(7, 97), await openSession(EMPTY_TABLES), { vocabulary: VOCABULARY, file: '自评表.xlsx' });
    expect(right.report.summary).toMatchObject({ amountsNotPlaced: 0, cellsNotPlaced: 0 });
    const s = right.session;
    const f = sheetOf(right);
    expect(errorsOf(s, f)).toEqual([]);
    // 运算: B of 政府预算资金 up to A moves 年度资金总额's B, 执行率 (100 %), 执行率得分 and 总分 in one undo step
    s.apply([{ sheet: f, row: 6, col: 4, value: 20 }]);
    expect([s.getValue(f, 5, 4), s.getValue(f, 5, 6), s.getValue(f, 5, 7), s.getValue(f, 22, 7)]).toEqual([20, 100, 10, 100]);
    s.undo();
    expect([s.getValue(f, 5, 4), s.getValue(f, 5, 6), s.getValue(f, 5, 7), s.getValue(f, 22, 7)]).toEqual([18, 90, 7, 97]);
    // a switch of rule (national: 10 × min(B/A, 1)) moves the 执行率得分 to 9 and the 总分 to 99, one undo step
    s.apply([{ sheet: PROFILE_SHEET, ...PROFILE_CHOICE_CELL, value: 'national' }]);
    expect([s.getValue(f, 5, 7), s.getValue(f, 22, 7)]).toEqual([9, 99]);
    expect(errorsOf(s, f)).toEqual([]);
    s.undo();
    expect([s.getValue(f, 5, 7), s.getValue(f, 22, 7)]).toEqual([7, 97]);
    // a 分值 typed 20 scales the step (分值 × 7 ÷ 10): 14, and the 总分 follows
    s.apply([{ sheet: f, row: 5, col: 5, value: 20 }]);
    expect([s.getValue(f, 5, 7), s.getValue(f, 22, 7)]).toEqual([14, 104]);

    // no printed 执行率得分 and no printed 总分: the rule's 7 is filled in, the 总分 follows it to 97, no finding
    const bare = await importInto(await book(null, null), await openSession(EMPTY_TABLES), { vocabulary: VOCABULARY, file: '空白得分.xlsx' });
    const b = sheetOf(bare);
    expect([bare.session.getValue(b, 5, 7), bare.session.getValue(b, 22, 7)]).toEqual([7, 97]);
    expect(errorsOf(bare.session, b)).toEqual([]);
  });

  it('a source form without a printed 总分 gets the sum of its items; figures that agree keep following the items when typed', async () => {
    const target = ref.sheets.find((x) => x.kind === 'form')!.name;
    const l0 = formLayout(ref.sheets.find((x) => x.name === target)!);
    if (typeof l0 === 'string') throw new Error(l0);
    const k0 = keyCells(l0);
    const printed = ref.sheets.find((x) => x.name === target)!.cells[k0.total.row][k0.total.col]!.v as number;
    const source = await formsBook(ref, (n) => n === target, (p) => {
      const s = p.sheets.find((x) => x.name === target)!;
      delete s.cells[k0.total.row][k0.total.col]!.v;
    });
    const r = await importInto(source, await openSession(REFERENCE), { vocabulary: VOCABULARY, file: 'no-total.xlsx' });
    const s = r.session;
    expect(s.getValue(target, k0.total.row, k0.total.col)).toBe(printed);
    expect(s.findings().filter((f) => f.sheet === target && f.severity === 'error')).toEqual([]);
    // 运算: an indicator 得分 typed 1 lower moves the 总分 with it; the 执行率得分 follows 全年执行数 through the rule
    const row = l0.indRows.find((x) => typeof s.getValue(target, x, l0.indCols.score) === 'number' && (s.getValue(target, x, l0.indCols.score) as number) >= 1)!;
    const before = s.getValue(target, row, l0.indCols.score) as number;
    s.apply([{ sheet: target, row, col: l0.indCols.score, value: before - 1 }]);
    expect(s.getValue(target, k0.total.row, k0.total.col)).toBe(Math.round((printed - 1) * 100) / 100);
    // 全年执行数 of 政府预算资金 up to its budget: 年度资金总额, 执行率, 执行率得分 and 总分 follow in one edit
    const gov = l0.fundRows[1].row;
    const A = s.getValue(target, gov, l0.fundCols.A) as number;
    s.apply([{ sheet: target, row: gov, col: l0.fundCols.B, value: A }]);
    const weight = s.getValue(target, k0.rateScore.row, l0.fundCols.weight) as number;
    expect(s.getValue(target, k0.rateScore.row, k0.rateScore.col)).toBe(weight);
    expect(s.getValue(target, k0.total.row, k0.total.col)).toBe(Math.round((printed - 1 + weight) * 100) / 100);
    expect(s.findings().filter((f) => f.sheet === target && f.severity === 'error')).toEqual([]);
  });

  it('a filled copy of the set\'s own form.xlsx: its hidden sheets are the set\'s machinery, not "not placed"', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytesOf('templates/jiangxi-2024/form.xlsx') as unknown as ArrayBuffer);
    expect(book.worksheets.filter((w) => w.state === 'hidden').map((w) => w.name).sort()).toEqual(['公开包信息', '审核', '自评评分规则'].sort());
    const ws = book.worksheets[0];
    ws.getCell('B3').value = '乡村道路养护项目';
    ws.getCell('B4').value = '某某镇人民政府';
    // 年度资金总额: 年初预算数, A, B; 执行率 90 gives 7 of 10 under the stepped rule
    ws.getCell('C6').value = 20;
    ws.getCell('D6').value = 20;
    ws.getCell('E6').value = 18;
    ws.getCell('G6').value = 90;
    ws.getCell('H6').value = 7;
    ws.getCell('D13').value = '养护成本';
    ws.getCell('E13').value = '≤20万元';
    ws.getCell('F13').value = '18万元';
    ws.getCell('G13').value = 90;
    ws.getCell('H13').value = 90;
    ws.getCell('G23').value = 100;
    ws.getCell('H23').value = 97;
    const session = await openSession(EMPTY_TABLES);
    const r = await importInto(await toBytes(book), session, { vocabulary: VOCABULARY, file: '自评表.xlsx' });
    const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced.map((c) => `${c.cell} ${c.value} ${c.reason}`));
    expect(notPlaced).toEqual([]);
    expect(r.report.summary.cellsNotPlaced).toBe(0);
    for (const name of ['自评评分规则', '审核', '公开包信息']) {
      expect(r.report.sheets.find((x) => x.sheet === name)?.reason, name).toMatch(/本套模板自带的隐藏工作表/);
    }
    const form = formsReport(r.session).forms.find((f) => f.name === '乡村道路养护项目')!;
    expect(form).toMatchObject({ A: 20, B: 18, rate: 90, rateScore: 7, total: 97, grade: '优' });
  });
});


/**
 * Importing legacy workbooks into a packet: the reference tables re-laid out as another region's set (元,
 * split codes, other names and order), the same as a genuine .xls, one table per workbook, a report-software
 * export, overwrites, row insertion in code order, what is not placed and why, unreadable files.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { a1 } from '../../shared/a1.js';
import { PacketSession } from '../../shared/engine.js';
import { PacketError } from '../../shared/errors.js';
import { applyImport, importWorkbook, planImport, readSource, type ImportReport } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { figureDiffs, findingLines, publishedFigures, TABLES, tableWorkbook } from '../fixtures/import/compare.js';
import { otherRegion, reportSoftware, toBytes, UNIT_NAME } from '../fixtures/import/build.js';
import { bytesOf, EMPTY_TABLES, loadPacket, openSession, REFERENCE, rowOfCode, valueAt, VOCABULARY } from '../helpers/packets.js';

const XLS = 'tests/fixtures/import/other-region.xls';
/** the tables' findings: forms (and their summary's tie to 03表) are not in a tables-only source */
const formsAside = (ref: Packet) => (sheet: string) => ['form', 'summary'].includes(ref.sheets.find((s) => s.name === sheet)?.kind ?? '');

let ref: Packet;
let refFindings: string[];
/** the findings of the reference as printed (to the cent): what a source in 元 reproduces */
let printedFindings: string[];
let other: Uint8Array;

beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
  const s = await openSession(REFERENCE);
  refFindings = findingLines(s, formsAside(ref));
  printedFindings = findingLines(new PacketSession(publishedFigures(ref)), formsAside(ref));
  // the printed figures lose one 尾数差: 06表 302 against its 款 with 公务接待费 at 1.7409
  expect(refFindings.filter((l) => !printedFindings.includes(l)).map((l) => l.split(' | ')[0])).toEqual(['06-302']);
  other = await toBytes(otherRegion(ref));
});

function sheetMap(r: ImportReport): Record<string, string | null> {
  return Object.fromEntries(r.sheets.map((s) => [s.sheet, s.table]));
}

async function importInto(bytes: Uint8Array, file: string, session?: PacketSession) {
  const s = session ?? (await openSession(EMPTY_TABLES));
  const r = await importWorkbook(bytes, s, { vocabulary: VOCABULARY, file });
  return { report: r.report, session: s };
}

describe('the reference tables re-laid out as another region would (nine tables, 元, 类/款/项 columns)', () => {
  it('recognises every sheet by its title and header, not by its name or position', async () => {
    const session = await openSession(EMPTY_TABLES);
    const plan = await planImport(other, session, { vocabulary: VOCABULARY, file: 'other.xlsx' });
    expect(sheetMap(plan.report)).toEqual({
      封面: null, 表1: '公开01表', 表2: '公开02表', 表3: '公开03表', 表4: '公开04表', 表5: '公开05表', 表6: '公开06表',
      表7: '公开09表', 表8: '公开07表', 表9: '公开08表',
    });
    const byName = Object.fromEntries(plan.report.sheets.map((s) => [s.sheet, s]));
    // 表7 carries a "公开07表" line of its own region: it is still 三公, Jiangxi's 09表
    expect(byName['表7'].title).toContain('三公');
    expect(byName['表1'].recognizedBy).toBe('标题');
    expect(byName['封面'].reason).toMatch(/不是可识别的公开表/);
    for (const s of plan.report.sheets.filter((x) => x.table)) {
      expect(s.unit, s.sheet).toMatchObject({ unit: '元', factor: 10000 });
    }
    expect(byName['表2'].unit!.converted).toBeGreaterThan(300);
    expect(byName['表2'].unit!.rounded).toBeGreaterThan(0);
    expect(byName['表2'].columns.find((c) => c.header === '合计')).toMatchObject({ targets: ['C'], targetHeader: '本年收入合计' });
    expect(byName['表2'].columns.find((c) => c.header === '上级补助收入')).toMatchObject({ source: 'I', targets: ['E'] });
    expect(byName['表8'].columns.find((c) => c.header === '本年支出/小计')).toMatchObject({ targets: ['E'] });
    // planning changed nothing
    expect(valueAt(session, '公开01表', 'C33')).toBeNull();
  });

  it('reproduces every reference figure within 0.01 and the findings of the reference as printed', async () => {
    const { report, session } = await importInto(other, 'other.xlsx');
    expect(report.summary.cellsNotPlaced).toBe(0);
    expect(report.summary.overwrites).toBe(0);
    expect(report.summary.rowsInserted).toBe(57 + 57 + 54 + 3);
    // 公开10表 is not in a nine-table set: its reference zeros stay blank
    expect(figureDiffs(ref, session, TABLES, ['公开10表'])).toEqual([]);
    expect(valueAt(session, '概况', 'B2')).toBe(UNIT_NAME);
    expect(findingLines(session, formsAside(ref))).toEqual(printedFindings);
    expect(session.findings().filter((f) => f.severity === 'error')).toEqual([]);
    // the 层级 checks follow the inserted rows: 02-H has its 类/款 checks for the imported codes
    expect(refFindings.some((l) => l.startsWith('02-H:201:C '))).toBe(true);
  });

  it('without the 金额单位 line the figures stay as written (元), and the report says no unit was stated', async () => {
    const wb = otherRegion(ref);
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => {
      if (typeof c.value === 'string' && c.value.includes('金额单位')) c.value = null;
    }));
    const { report, session } = await importInto(await toBytes(wb), 'no-unit.xlsx');
    const s1 = report.sheets.find((s) => s.sheet === '表1')!;
    expect(s1.unit).toMatchObject({ unit: null, converted: 0 });
    expect(s1.notes.join()).toMatch(/没有注明金额单位/);
    expect(valueAt(session, '公开01表', 'C33')).toBeGreaterThan(39_000_000);
    expect(session.findings().some((f) => f.severity === 'error')).toBe(true);
  });
});

describe('a genuine .xls (BIFF8, written by LibreOffice from the re-laid-out workbook)', () => {
  it('imports with the same figures and findings', async () => {
    const bytes = new Uint8Array(readFileSync(XLS));
    expect([...bytes.subarray(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
    const { report, session } = await importInto(bytes, 'other-region.xls');
    expect(report.format).toBe('xls');
    expect(sheetMap(report)['表7']).toBe('公开09表');
    expect(report.summary.cellsNotPlaced).toBe(0);
    expect(figureDiffs(ref, session, TABLES, ['公开10表'])).toEqual([]);
    expect(findingLines(session, formsAside(ref))).toEqual(printedFindings);
  });
});

describe('one table per workbook (the app\'s own per-table export)', () => {
  it('ten imports in a row rebuild the reference tables exactly, 0 and blank included', async () => {
    let session = await openSession(EMPTY_TABLES);
    for (const t of TABLES) {
      const r = await importInto(await tableWorkbook(ref, t), `${t}.xlsx`, session);
      session = r.session;
      expect(sheetMap(r.report)).toEqual({ [t]: t });
      expect(r.report.summary.cellsNotPlaced, t).toBe(0);
      const only = r.report.sheets[0];
      if (t === '公开04表') expect(only.cellsVerified).toBeGreaterThan(5);
    }
    expect(figureDiffs(ref, session, TABLES)).toEqual([]);
    expect(findingLines(session, formsAside(ref))).toEqual(refFindings);
  });
});

describe('a report-software style export ("Z01 收入支出决算总表(财决01表)")', () => {
  it('places what the packet has and names every other cell with its reason', async () => {
    const { wb, planted } = reportSoftware(ref);
    const { report, session } = await importInto(await toBytes(wb), 'report.xlsx');
    expect(sheetMap(report)).toEqual({ 'Z00 封面': null, 'Z01 收入支出决算总表(财决01表)': '公开01表', 'Z03 支出决算表(财决03表)': '公开03表' });
    const listed = report.sheets.flatMap((s) => s.notPlaced.map((c) => c.cell)).sort();
    expect(listed).toEqual(planted.map((p) => `${p.sheet}!${p.cell}`).sort());
    const reason = (cell: string) => report.sheets.flatMap((s) => s.notPlaced).find((c) => c.cell.endsWith(cell))!.reason;
    expect(reason('Z00 封面!B3')).toMatch(/未识别/);
    expect(reason('Z01 收入支出决算总表(财决01表)!C37')).toMatch(/没有项目「用事业基金弥补收支差额」/);
    expect(reason('Z03 支出决算表(财决03表)!I15')).toMatch(/表头「其中：政府采购支出」.*没有对应/);
    expect(reason('Z03 支出决算表(财决03表)!J9')).toMatch(/表头「备注」/);
    expect(figureDiffs(ref, session, ['公开01表', '公开03表'])).toEqual([]);
  });
});

describe('overwriting figures already in the packet', () => {
  it('the same figures again: nothing to overwrite, no rows added', async () => {
    const session = await openSession(REFERENCE);
    const plan = await planImport(other, session, { vocabulary: VOCABULARY, file: 'other.xlsx' });
    expect(plan.report.overwrites).toEqual([]);
    expect(plan.report.summary.rowsInserted).toBe(0);
    // 公务接待费 17,409 元 rounds to 1.74 万元: the packet's more precise 1.7409 agrees with it and stays
    await applyImport(session, plan);
    expect(valueAt(session, '公开09表', 'E11')).toBe(1.7409);
    expect(valueAt(session, '公开06表', 'F22')).toBe(1.7409);
  });

  it('lists every non-empty input that would change; nothing changes until applied; keep or replace', async () => {
    const source = await tableWorkbook(ref, '公开03表', (p) => {
      const s = p.sheets.find((x) => x.name === '公开03表')!;
      const r = s.cells.findIndex((row) => row[0]?.v === '2010301');
      s.cells[r][2]!.v = 40;
      s.cells[r][4]!.v = 40;
      s.cells[r][1]!.v = '行政运行（机关）';
    });
    const session = await openSession(REFERENCE);
    const row = rowOfCode(session, '公开03表', '2010301');
    const plan = await planImport(source, session, { vocabulary: VOCABULARY, file: '03.xlsx' });
    expect(plan.report.overwrites.map((o) => [o.cell, o.before, o.after])).toEqual([
      [a1(row, 1), '行政运行', '行政运行（机关）'],
      [a1(row, 2), 39.45, 40],
      [a1(row, 4), 39.45, 40],
    ]);
    expect(plan.report.overwrites[1]).toMatchObject({ sheet: '公开03表', row: '2010301 行政运行（机关）', column: '本年支出合计' });
    expect(valueAt(session, '公开03表', a1(row, 2))).toBe(39.45);

    const kept = await applyImport(session, plan, { overwrite: false });
    expect(valueAt(session, '公开03表', a1(row, 2))).toBe(39.45);
    expect(kept.report.overwrites).toEqual([]);
    expect(kept.report.sheets[0].notPlaced.map((c) => c.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/保留原值/)]));

    const session2 = await openSession(REFERENCE);
    const plan2 = await planImport(source, session2, { vocabulary: VOCABULARY, file: '03.xlsx' });
    const done = await applyImport(session2, plan2);
    expect(done.edit).toBeDefined();
    expect(valueAt(session2, '公开03表', a1(row, 2))).toBe(40);
    // 20103 and 201 no longer add up: the import's figures are checked like typed ones
    expect(done.edit!.added.map((f) => f.rule)).toEqual(expect.arrayContaining(['03-H:20103:C']));
    expect(session2.canUndo()).toBe(true);
  });
});

describe('科目 rows the packet does not have', () => {
  it('are inserted in code order, and the 层级 checks follow them', async () => {
    const source = await tableWorkbook(ref, '公开03表', (p) => {
      const s = p.sheets.find((x) => x.name === '公开03表')!;
      const r = s.cells.findIndex((row) => row[0]?.v === '2010301');
      const copy = s.cells[r].map((c) => (c ? { ...c } : null));
      copy[0]!.v = '2010302';
      copy[1]!.v = '一般行政管理事务';
      copy[2]!.v = 1;
      copy[4]!.v = 1;
      s.cells.splice(r + 1, 0, copy);
    });
    const session = await openSession(REFERENCE);
    const before = rowOfCode(session, '公开03表', '2010301');
    const r = await importWorkbook(source, session, { vocabulary: VOCABULARY, file: '03.xlsx' });
    expect(r.report.sheets[0].rowsInserted).toEqual(['2010302 一般行政管理事务']);
    expect(rowOfCode(session, '公开03表', '2010302')).toBe(before + 1);
    expect(rowOfCode(session, '公开03表', '20123')).toBe(before + 2);
    const err = session.findings().find((f) => f.rule === '03-H:20103:C')!;
    expect(err).toMatchObject({ severity: 'error', rounding: false });
    expect(err.message).toContain('40.45');
  });
});

describe('every cell not placed is named with its reason', () => {
  it('text in a number cell, a 科目 a fixed table lacks, a second copy of a table', async () => {
    const wb = new ExcelJS.Workbook();
    const t1 = wb.addWorksheet('三公A');
    t1.addRow(['财政拨款“三公”经费支出决算表']);
    t1.addRow(['金额单位：万元']);
    t1.addRow(['项目', '年初预算数', '全年预算数', '决算数']);
    t1.addRow(['一、“三公”经费支出', 7, 7, '见附件']);
    t1.addRow(['3.公务接待费', 7, 7, '1.74']);
    const t2 = wb.addWorksheet('三公B');
    t2.addRow(['财政拨款“三公”经费支出决算表']);
    t2.addRow(['项目', '年初预算数', '全年预算数', '决算数']);
    t2.addRow(['一、“三公”经费支出', 1, 1, 1]);
    const t3 = wb.addWorksheet('基本');
    t3.addRow(['一般公共预算财政拨款基本支出决算表']);
    t3.addRow(['经济分类科目编码', '科目名称', '金额']);
    t3.addRow(['30101', '基本工资', 66.79]);
    t3.addRow(['30198', '自编科目', 2]);
    const { report, session } = await importInto(await toBytes(wb), 'mixed.xlsx');
    const np = Object.fromEntries(report.sheets.flatMap((s) => s.notPlaced.map((c) => [c.cell, c.reason])));
    expect(np['三公A!D4']).toMatch(/不是数字「见附件」/);
    expect(np['三公B!B3']).toMatch(/已由工作表「三公A」导入/);
    expect(np['基本!C4']).toMatch(/没有科目编码 30198.*固定/);
    expect(Object.keys(np).sort()).toEqual(['三公A!D4', '三公B!B3', '三公B!C3', '三公B!D3', '基本!C4']);
    expect(valueAt(session, '公开09表', 'E11')).toBe(1.74);
    expect(valueAt(session, '公开06表', 'C7')).toBe(66.79);
  });
});

describe('unreadable sources', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a text file', new TextEncoder().encode('这不是表格'), /不是可识别的表格文件/],
    ['an empty file', new Uint8Array(0), /空文件/],
    ['a truncated .xlsx', bytesOf(REFERENCE).subarray(0, 4000), /已损坏或不完整/],
    ['a truncated .xls', new Uint8Array(readFileSync(XLS)).subarray(0, 600), /无法打开|已损坏/],
  ];
  it.each(cases)('%s: a PacketError with a Chinese message', async (_name, bytes, msg) => {
    const err = await readSource(bytes, '源文件').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacketError);
    expect((err as Error).message).toMatch(msg);
  });
});

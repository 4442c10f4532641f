/** Forms as a collection: add, duplicate, delete, rename, reorder keep checks, names and the summary consistent. */
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import {
  addForm, deleteForm, duplicateForm, formSheetName, formSheets, formsReport, moveForm, renameForm, renameSheetRefs, reorderForms,
  sheetNameProblem, stampFindingCounts, SUMMARY_SHEET,
} from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { FORM_TEMPLATE, get, publishedForms, readFile, set, smallPacket } from './forms-helpers.js';

const names = (p: Packet) => formSheets(p).map((s) => s.name);
const roundTrip = async (p: Packet) => readPacket(await writePacket(new PacketSession(p).toPacket()));
/** every check and name refers to a sheet that exists */
function consistent(p: Packet): string[] {
  const sheets = new Set(p.sheets.map((s) => s.name));
  const refs = (text: string) => [...text.matchAll(/'((?:[^']|'')+)'!/g)].map((m) => m[1].replace(/''/g, "'"));
  const bad: string[] = [];
  for (const c of p.checks) for (const r of [...refs(c.formula), ...refs(c.locate), ...refs(c.message)]) if (!sheets.has(r)) bad.push(`${c.id} → ${r}`);
  for (const n of p.names) for (const r of refs(n.ref)) if (!sheets.has(r)) bad.push(`${n.name} → ${r}`);
  for (const c of p.checks) if (c.kind === '指标' && !sheets.has(/表=([^;]*)/.exec(c.params)![1].trim())) bad.push(c.id);
  return bad;
}

describe('sheet names', () => {
  it('are valid Excel names of at most 31 characters, unique, without the separators of check parameters', () => {
    const { packet } = smallPacket([1]);
    expect(formSheetName(packet, 7, '就业见习补贴_就业创业促进工作、社会保障体系建设、人社服务能力建设')).toBe('自评07 就业见习补贴_就业创业促进工作·社会保障体系建设·人');
    expect(formSheetName(packet, 1, '2021年市级就业补助资金')).toBe('自评01 2021年市级就业补助资金(2)');
    expect(formSheetName(packet, 3, 'a/b:c[d]*?')).toBe('自评03 a_b_c_d___');
    expect(sheetNameProblem(packet, '自评01 2021年市级就业补助资金')).toMatch(/已有/);
    expect(sheetNameProblem(packet, 'x'.repeat(32))).toMatch(/31/);
    expect(sheetNameProblem(packet, 'a[1]')).toMatch(/不允许/);
    expect(sheetNameProblem(packet, '项目、一')).toMatch(/顿号/);
    expect(sheetNameProblem(packet, '审核')).toMatch(/保留/);
    expect(sheetNameProblem(packet, '自评02 新项目')).toBeNull();
  });

  it('references to a renamed sheet are rewritten in formulas, never inside strings', () => {
    expect(renameSheetRefs(`N('自评01 a'!H23)+'自评01 a'!$G$1&"'自评01 a'!"`, '自评01 a', '自评09 b')).toBe(`N('自评09 b'!H23)+'自评09 b'!$G$1&"'自评01 a'!"`);
    expect(renameSheetRefs('S1!A1+XS1!A1', 'S1', "it's")).toBe(`'it''s'!A1+XS1!A1`);
  });
});

describe('add', () => {
  it('an empty form: its sheet, checks, a summary row; the other forms untouched', () => {
    const { packet } = smallPacket([2, 3]);
    const name = addForm(packet);
    expect(name).toBe('自评03');
    expect(names(packet)).toEqual(['自评01 2023年中央就业补助资金（第二批）', '自评02 市本级党建工作经费', '自评03']);
    expect(packet.checks.filter((c) => c.id.startsWith('自评03:')).map((c) => c.kind)).toContain('指标');
    expect(consistent(packet)).toEqual([]);
    const s = new PacketSession(packet);
    expect(s.findings().map((f) => f.rule).sort()).toEqual(['自评03:指标:分值合计', '自评03:项目名称']);
    expect(get(s, SUMMARY_SHEET, 'C6')).toBe('自评03');
    expect(s.calculate('自评项目数')).toBe(3);
    // filling it in makes it clean
    set(s, name, 'B3', '新增项目');
    const cells: [string, number][] = [['G13', 20], ['G16', 20], ['G17', 15], ['G18', 15], ['G19', 5], ['G20', 5], ['G21', 5], ['G22', 5]];
    for (const [a, v] of cells) {
      set(s, name, `D${a.slice(1)}`, `指标${a}`);
      set(s, name, a, v);
      set(s, name, `H${a.slice(1)}`, v);
    }
    expect(s.findings()).toEqual([]);
    expect(formsReport(s).forms[2]).toMatchObject({ name: '新增项目', total: 90, grade: '优' });
  });

  it('with data, at a position; and from the template set\'s form.xlsx, with its styles carried over', async () => {
    const { packet } = smallPacket([2, 3]);
    addForm(packet, { data: structuredClone(publishedForms()[0]), at: 0 });
    expect(names(packet)[0]).toBe('自评03 2021年市级就业补助资金');
    const template = await readFile(FORM_TEMPLATE);
    const t = addForm(packet, { template: { packet: template, sheet: '自评表' } });
    expect(t).toBe('自评04');
    const sheet = packet.sheets.find((x) => x.name === t)!;
    expect(packet.styles[sheet.cells[0][0]!.s!].font).toMatchObject({ size: 16, bold: true });
    expect(consistent(packet)).toEqual([]);
    const s = new PacketSession(packet);
    const r = formsReport(s);
    expect(r.forms.map((f) => f.total)).toEqual([81, 82, 95, 0]);
    expect(s.findings().filter((f) => f.severity === 'error').map((f) => f.sheet)).toEqual(['自评04', '自评04']);
  });
});

describe('duplicate, delete, rename, reorder', () => {
  it('duplicate: a copy right after the source with its own checks; edits of the copy leave the original alone', () => {
    const { packet } = smallPacket([2, 3]);
    const copy = duplicateForm(packet, '自评01 2023年中央就业补助资金（第二批）');
    expect(copy).toBe('自评03 2023年中央就业补助资金（第二批）');
    expect(names(packet)[1]).toBe(copy);
    expect(consistent(packet)).toEqual([]);
    const s = new PacketSession(packet);
    expect(s.findings()).toEqual([]);
    set(s, copy, 'H18', 18);
    expect(s.findings().map((f) => `${f.sheet} ${f.cells.join()}`)).toEqual([`${copy} I18`]);
    expect(formsReport(s).forms.map((f) => f.total)).toEqual([82, 80, 95]);
  });

  it('delete: the sheet, its checks, its names and its summary row go; nothing dangles', async () => {
    const { packet } = smallPacket([1, 2, 3]);
    const checksBefore = packet.checks.length;
    deleteForm(packet, '自评02 2023年中央就业补助资金（第二批）');
    expect(names(packet)).toEqual(['自评01 2021年市级就业补助资金', '自评03 市本级党建工作经费']);
    expect(packet.checks.some((c) => c.id.startsWith('自评02'))).toBe(false);
    expect(packet.checks.length).toBeLessThan(checksBefore);
    expect(consistent(packet)).toEqual([]);
    const s = new PacketSession(await roundTrip(packet));
    expect(s.findings()).toEqual([]);
    expect(s.calculate('自评项目数')).toBe(2);
    expect(formsReport(s)).toMatchObject({ counts: { 优: 1, 良: 1, 中: 0, 差: 0 }, sumB: 0.76 });
    expect(() => deleteForm(packet, '公开01表')).toThrow(/不存在/);
  });

  it('rename: formulas, checks, the 指标 declaration and the summary follow; bad names are refused', async () => {
    const { packet } = smallPacket([2, 3]);
    renameForm(packet, '自评02 市本级党建工作经费', '党建经费');
    expect(names(packet)).toEqual(['自评01 2023年中央就业补助资金（第二批）', '党建经费']);
    expect(packet.checks.find((c) => c.kind === '指标' && c.id.startsWith('党建经费:'))!.params).toContain('表=党建经费;');
    expect(consistent(packet)).toEqual([]);
    expect(() => renameForm(packet, '党建经费', '自评01 2023年中央就业补助资金（第二批）')).toThrow(/已有/);
    expect(() => renameForm(packet, '党建经费', 'a:b')).toThrow(/不允许/);
    const s = new PacketSession(await roundTrip(packet));
    expect(get(s, SUMMARY_SHEET, 'C5')).toBe('党建经费');
    expect(get(s, SUMMARY_SHEET, 'H5')).toBe(95);
    set(s, '党建经费', 'H17', 8);
    expect(s.findings().map((f) => `${f.rule} ${f.cells.join()}`)).toEqual(['党建经费:指标:R17:偏差原因 I17', '党建经费:指标:R17:指标值 H17']);
  });

  it('reorder: sheets move, numbers follow the new order, each summary row follows its project', async () => {
    const { packet } = smallPacket([1, 2, 3]);
    const [a, b, c] = names(packet);
    reorderForms(packet, [c, a, b]);
    expect(names(packet)).toEqual(['自评01 市本级党建工作经费', '自评02 2021年市级就业补助资金', '自评03 2023年中央就业补助资金（第二批）']);
    expect(consistent(packet)).toEqual([]);
    moveForm(packet, '自评03 2023年中央就业补助资金（第二批）', 0, { renumber: false });
    expect(names(packet)).toEqual(['自评03 2023年中央就业补助资金（第二批）', '自评01 市本级党建工作经费', '自评02 2021年市级就业补助资金']);
    const s = new PacketSession(await roundTrip(packet));
    expect(s.findings()).toEqual([]);
    expect(formsReport(s).forms.map((f) => [f.sheet.slice(0, 4), f.name, f.total])).toEqual([
      ['自评03', '2023年中央就业补助资金（第二批）', 82],
      ['自评01', '市本级党建工作经费', 95],
      ['自评02', '2021年市级就业补助资金', 81],
    ]);
    expect(get(s, SUMMARY_SHEET, 'B4')).toBe('2023年中央就业补助资金（第二批）');
    expect(() => reorderForms(packet, [a])).toThrow(/排序无效/);
  });

  it('the summary\'s 审核问题数 column is stamped from the findings and survives a rename', () => {
    const { packet } = smallPacket([2, 3]);
    const s = new PacketSession(packet);
    set(s, '自评01 2023年中央就业补助资金（第二批）', 'H18', 18);
    const p = s.toPacket();
    stampFindingCounts(p, s.findings());
    const summary = () => p.sheets.find((x) => x.name === SUMMARY_SHEET)!;
    expect(summary().cells[3][9]!.v).toBe(1);
    expect(summary().cells[4][9]!.v).toBe(0);
    renameForm(p, '自评01 2023年中央就业补助资金（第二批）', '就业补助');
    expect(summary().cells[3][9]!.v).toBe(1);
  });
});

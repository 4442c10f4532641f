/** Forms as a collection: add and delete keep checks, names and the summary consistent. */
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import {
  addForm, deleteForm, formSheetName, formSheets, formsReport, renameSheetRefs,
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

describe('delete', () => {
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

  it('the summary\'s 审核问题数 column is stamped from the findings', () => {
    const { packet } = smallPacket([2, 3]);
    const s = new PacketSession(packet);
    set(s, '自评01 2023年中央就业补助资金（第二批）', 'H18', 18);
    const p = s.toPacket();
    stampFindingCounts(p, s.findings());
    const summary = () => p.sheets.find((x) => x.name === SUMMARY_SHEET)!;
    expect(summary().cells[3][9]!.v).toBe(1);
    expect(summary().cells[4][9]!.v).toBe(0);
  });
});

/**
 * Issue 13, the core: cell kinds declared by the template (data validation) and parsed by kind; 运算 — derived
 * cells follow their details in the same undo step, typed-over and published 尾数差 figures survive, and
 * 运算（全部重算） changes nothing published on the reference packet.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession, parseCellInput } from '../../shared/engine.js';
import { formulaRefs } from '../../shared/calc.js';
import { declarationOf, parseByKind, validationOf } from '../../shared/kinds.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import type { Packet } from '../../shared/model.js';
import { at, get, set, smallSession } from './forms-helpers.js';

const REF = 'templates/jiangxi-2024/reference-packet.xlsx';
let packet: Packet;
let session: PacketSession;
beforeAll(async () => {
  packet = await readPacket(new Uint8Array(readFileSync(REF)));
  session = new PacketSession(structuredClone(packet));
}, 120_000);

const errors = (s: PacketSession) => s.findings().filter((f) => f.severity === 'error').map((f) => f.rule).sort();
const v = (sheet: string, addr: string) => { const p = at(addr); return session.getValue(sheet, p.row, p.col); };

describe('parsing by kind', () => {
  it('金额 takes accountant notation and refuses text', () => {
    expect(parseByKind('金额', '1,234.56')).toEqual({ ok: true, value: 1234.56 });
    expect(parseByKind('金额', '(12.00)')).toEqual({ ok: true, value: -12 });
    expect(parseByKind('金额', '１２.５')).toEqual({ ok: true, value: 12.5 });
    expect(parseByKind('金额', ' - ')).toEqual({ ok: true, value: null });
    expect(parseByKind('金额', '一点七四')).toMatchObject({ ok: false });
    expect(parseByKind('金额', '12%')).toMatchObject({ ok: false });
  });
  it('数量 and 年度 are whole numbers; 百分比 takes a % sign', () => {
    expect(parseByKind('数量', '1,200')).toEqual({ ok: true, value: 1200 });
    expect(parseByKind('数量', '2.5')).toMatchObject({ ok: false });
    expect(parseByKind('数量', '(12.00)')).toMatchObject({ ok: false });
    expect(parseByKind('年度', '2024年度')).toEqual({ ok: true, value: 2024 });
    expect(parseByKind('年度', '24')).toMatchObject({ ok: false });
    expect(parseByKind('百分比', '96.3%')).toEqual({ ok: true, value: 96.3 });
    expect(parseByKind('分数', '8')).toEqual({ ok: true, value: 8 });
  });
  it('文本 and 代码 keep what was typed, a number included; 指标值 is a number when it reads as one', () => {
    expect(parseByKind('代码', 2010301)).toEqual({ ok: true, value: '2010301' });
    expect(parseByKind('代码', ' 2010301 ')).toEqual({ ok: true, value: '2010301' });
    expect(parseByKind('文本', '8')).toEqual({ ok: true, value: '8' });
    expect(parseByKind('指标值', '1,234.56')).toEqual({ ok: true, value: 1234.56 });
    expect(parseByKind('指标值', '≥95%')).toEqual({ ok: true, value: '≥95%' });
  });
  it('a cell without a declared kind (an older packet) is read by its number format as before', () => {
    expect(parseCellInput('1,234.56', {}, '#,##0.00')).toEqual({ ok: true, value: 1234.56 });
    expect(parseCellInput('8', {}, undefined)).toEqual({ ok: true, value: '8' });
    expect(parseCellInput('abc', { kind: '金额' }, undefined)).toMatchObject({ ok: false, kind: '金额' });
  });
});

describe('kinds and 运算公式 are declared in the .xlsx by data validation', () => {
  it('every input cell of the reference packet’s tables, 概况 and forms declares a kind', () => {
    const missing: string[] = [];
    for (const s of packet.sheets) {
      if (!['overview', 'table', 'form'].includes(s.kind)) continue;
      s.cells.forEach((row, r) => row.forEach((c, col) => { if (c?.input && !c.kind) missing.push(`${s.name}!${r},${col}`); }));
    }
    expect(missing).toEqual([]);
    const t01 = packet.sheets.find((s) => s.name === '公开01表')!;
    expect(t01.cells[32][2]).toMatchObject({ kind: '金额', calc: 'SUM(C7:C14)' });
    const form = packet.sheets.find((s) => s.kind === 'form')!;
    expect(form.cells[5][6]).toMatchObject({ kind: '百分比', calc: 'IF(N(D6)>0,ROUND(N(E6)/D6*100,2),"")', calcTol: 0.1 });
    expect(form.cells[12][7]).toMatchObject({ kind: '分数' });
  });

  it('the validation is what Excel and WPS enforce, and it reads back as written', async () => {
    const dv = validationOf({ input: true, kind: '金额', calc: 'SUM(C7:C14)' })!;
    expect(dv).toMatchObject({ type: 'decimal', errorTitle: '金额', showErrorMessage: true, promptTitle: '运算公式', prompt: '运算：=SUM(C7:C14)' });
    expect(declarationOf(dv)).toEqual({ kind: '金额', calc: 'SUM(C7:C14)' });
    expect(declarationOf({ errorTitle: '百分比', prompt: '运算：=ROUND(E6/D6*100,2)；允差：0.1' })).toEqual({ kind: '百分比', calc: 'ROUND(E6/D6*100,2)', calcTol: 0.1 });
    // a bureau's own kind name that the app does not know is no declaration at all
    expect(declarationOf({ errorTitle: '出错了' })).toEqual({});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writePacket(packet, { onlySheets: ['公开01表'] })) as unknown as ArrayBuffer);
    const c33 = wb.getWorksheet('公开01表')!.getCell('C33').dataValidation;
    expect(c33).toMatchObject({ type: 'decimal', errorTitle: '金额', prompt: '运算：=SUM(C7:C14)' });
  });

  it('formulaRefs reads the same-sheet cells of a 运算公式', () => {
    expect(formulaRefs('SUM(C7:C9)+N(D12)').map((r) => `${r.row},${r.col}`)).toEqual(['6,2', '7,2', '8,2', '11,3']);
    expect(formulaRefs('IF(N(D6)>0,ROUND(N(E6)/D6*100,2),"A1")').map((r) => `${r.row},${r.col}`)).toEqual(['5,3', '5,4', '5,3']);
  });
});

describe('typing by kind in the engine', () => {
  it('8 typed into a 自评表 得分 is the number 8 and 总分 follows (the blocker of issue 13)', () => {
    const { session: s, sheets } = smallSession([2]);
    const before = get(s, sheets[0], 'H23') as number;
    const old = get(s, sheets[0], 'H13') as number;
    set(s, sheets[0], 'H13', '8');
    expect(get(s, sheets[0], 'H13')).toBe(8);
    expect(get(s, sheets[0], 'H23')).toBe(before - old + 8);
    expect(s.findings().filter((f) => f.message.includes('填的是文字'))).toEqual([]);
  });

  it('ambiguous text is refused with a Chinese message naming the cell', () => {
    const r = session.apply([{ sheet: '公开10表', ...at('C6'), value: '两辆' }]);
    expect(r.rejected).toEqual([{ sheet: '公开10表', row: 5, col: 2, code: 'bad-value', reason: '公开10表 C6 是数量单元格，应填数量（不小于 0 的整数）；「两辆」未填入。' }]);
    expect(r.changed).toEqual([]);
  });
});

describe('运算: derived cells follow their details', () => {
  it('01表 一般公共预算财政拨款收入 +100 moves 本年收入合计 and 收入总计 in one undo step', () => {
    const r = set(session, '公开01表', 'C7', 3384.9);
    expect([v('公开01表', 'C33'), v('公开01表', 'C37')]).toEqual([4066.62, 4066.62]);
    expect(r.changed.map((c) => `${c.sheet}!${c.row},${c.col}`)).toEqual(expect.arrayContaining(['公开01表!32,2', '公开01表!36,2']));
    expect(errors(session)).toEqual(['01-05', 'X-01', 'X-04']);
    session.undo();
    expect([v('公开01表', 'C7'), v('公开01表', 'C33'), v('公开01表', 'C37')]).toEqual([3284.9, 3966.62, 3966.62]);
    expect(errors(session)).toEqual([]);
    session.redo();
    expect([v('公开01表', 'C33'), v('公开01表', 'C37')]).toEqual([4066.62, 4066.62]);
    session.undo();
    expect(session.packet.sheets.find((s) => s.name === '公开01表')!.cells[32][2]!.v).toBe(3966.62);
  });

  it('a total typed beyond its allowance stays; within the allowance it keeps following', () => {
    set(session, '公开01表', 'C33', 3966.63); // a 尾数差: still follows, keeping its 0.01
    set(session, '公开01表', 'C8', 681.82);
    expect(v('公开01表', 'C33')).toBe(3966.73);
    set(session, '公开01表', 'C33', 4000); // typed over: stays
    set(session, '公开01表', 'C8', 681.72);
    expect(v('公开01表', 'C33')).toBe(4000);
    expect(errors(session)).toContain('01-01');
    set(session, '公开01表', 'C33', 3966.62);
    expect(errors(session)).toEqual([]);
  });

  it('a 项 removed from 03表 takes its amount out of its 款, 类 and 合计; undo puts it back', () => {
    const s = new PacketSession(structuredClone(packet));
    const t = s.sheet('公开03表');
    // a 款 with at least two 项, so that one is left to sum
    const codes = t.cells.map((r) => String(r[0]?.v ?? ''));
    const kuan = codes.findIndex((k) => /^\d{5}$/.test(k) && codes.filter((x) => x.length === 7 && x.startsWith(k)).length >= 2);
    const row = codes.findIndex((x) => x.length === 7 && x.startsWith(codes[kuan]));
    const amount = s.getValue('公开03表', row, 2) as number;
    const before = s.getValue('公开03表', kuan, 2) as number;
    const total = s.getValue('公开03表', 5, 2) as number;
    s.removeRows('公开03表', row, 1);
    expect(s.getValue('公开03表', kuan, 2)).toBeCloseTo(before - amount, 6);
    expect(s.getValue('公开03表', 5, 2)).toBeCloseTo(total - amount, 6);
    expect(errors(s).filter((e) => e.startsWith('03-H'))).toEqual([]);
    s.undo();
    expect(s.getValue('公开03表', kuan, 2)).toBe(before);
    expect(s.getValue('公开03表', row, 0)).toBe(codes[row]);
    expect(errors(s)).toEqual([]);
    s.redo();
    expect(s.getValue('公开03表', kuan, 2)).toBeCloseTo(before - amount, 6);
    s.destroy();
  });

  it('运算（全部重算） on the reference packet changes nothing and lists the 尾数差; asked to, it recomputes them, undoably', () => {
    const s = new PacketSession(structuredClone(packet));
    const r = s.recalculateAll();
    expect(r.changed).toEqual([]);
    expect(r.kept).toContainEqual({ sheet: '公开06表', cell: 'C34', value: 545.72, computed: 545.73, why: '尾数差' });
    expect(r.kept.every((k) => k.why === '尾数差' || k.value === null)).toBe(true);
    expect(s.canUndo()).toBe(false);
    const all = s.recalculateAll({ includeRounding: true });
    // 301 becomes 451.83, so 人员经费合计 = 451.83 + 93.91
    expect(all.changed).toContainEqual({ sheet: '公开06表', cell: 'C6', before: 451.82, after: 451.83 });
    expect(all.changed).toContainEqual({ sheet: '公开06表', cell: 'C34', before: 545.72, after: 545.74 });
    s.undo();
    expect(s.getValue('公开06表', 33, 2)).toBe(545.72);
    expect(errors(s)).toEqual([]);
    s.destroy();
  });

  it('a wrong total is recomputed by 运算 and listed', () => {
    const s = new PacketSession(structuredClone(packet));
    set(s, '公开01表', 'C33', 4000);
    const r = s.recalculateAll();
    expect(r.changed).toEqual([{ sheet: '公开01表', cell: 'C33', before: 4000, after: 3966.62 }, { sheet: '公开01表', cell: 'C37', before: 4000, after: 3966.62 }]);
    expect(errors(s)).toEqual([]);
    s.destroy();
  });
});

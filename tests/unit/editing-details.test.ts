/**
 * The small things of issue #13 whose logic lives in shared/ and the template set, each through the real
 * engine on the real template files: a 尾数差 message shows the digits that tell its figures apart, a year and
 * head counts are not printed as amounts, a blank 执行率 on a 其中 row is not a finding, the 年初预算 tie says
 * 尾数差 when it is one, the 绩效自评汇总 部门 line is merged (in the exported workbook too), and every table
 * header gives the 部门 line room for the unit's name.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { exportWorkbook } from '../../shared/export/workbook.js';
import { formatMessageFigures } from '../../shared/format.js';
import { parseRange } from '../../shared/a1.js';
import type { Packet } from '../../shared/model.js';
import { EMPTY_TABLES, loadPacket, openSession, set, setDetailOnly, valueAt } from '../helpers/packets.js';
import { finding, smallSession } from './forms-helpers.js';

const UNIT = '中共景德镇市昌南新区工作委员会党群工作部';

describe('figures in a check message', () => {
  it('figures that print alike at two decimals are shown with the digits that differ; others as the tables print them', () => {
    expect(formatMessageFigures([41.63, 41.6309, -0.0009])).toEqual(['41.63', '41.6309', '-0.0009']);
    expect(formatMessageFigures([1736.34, 1736.36, -0.02])).toEqual(['1,736.34', '1,736.36', '-0.02']);
    // float noise of a sum of two-decimal figures is no difference
    expect(formatMessageFigures([0.1 + 0.2, 0.3, 0])).toEqual(['0.30', '0.30', '0.00']);
    expect(formatMessageFigures([1.7409, 1.74, NaN])).toEqual(['1.7409', '1.74', '']);
  });
});

describe('the reference packet and the blank template', () => {
  let ref: PacketSession;
  beforeAll(async () => {
    ref = await openSession();
  });

  it('06表 302: the sub-cent 尾数差 reads 41.63 与 41.6309, no longer "41.63 与 41.63 不等"; a cent 尾数差 keeps two decimals', () => {
    const f = ref.findings().find((x) => x.sheet === '公开06表' && x.cells[0] === 'F6')!;
    expect(f).toMatchObject({ severity: 'warning', rounding: true });
    expect(f.message).toContain('302 类 41.63 与 302xx 各款之和 41.6309 不等，差额 -0.0009。');
    const c = ref.findings().find((x) => x.sheet === '公开06表' && x.cells[0] === 'C6')!;
    expect(c.message).toContain('301 类 451.82 与 301xx 各款之和 451.83 不等，差额 -0.01。');
  });

  it('a real mismatch is still an error quoting two-decimal figures', async () => {
    const s = await openSession();
    // with 运算 the total would follow its line: keep it as published to see the mismatch
    setDetailOnly(s, '公开01表', 'C7', (valueAt(s, '公开01表', 'C7') as number) + 100);
    const f = s.findings().find((x) => x.rule === '01-01')!;
    expect(f).toMatchObject({ severity: 'error', rounding: false });
    expect(f.message).toBe('公开01表 本年收入合计：本年收入合计 3,966.62 与 第1—8行各项收入之和 4,066.62 不等，差额 -100.00。');
    s.destroy();
  });

  it('a 0.01 尾数差 in 公开04表 makes N-01 say 尾数差, not "未列入的类"; a real difference still points at 04表', async () => {
    const s = await openSession();
    const g7 = valueAt(s, '公开04表', 'G7') as number;
    setDetailOnly(s, '公开04表', 'G7', g7 + 0.01);
    const small = finding(s, 'N-01')!;
    expect(small).toMatchObject({ severity: 'warning', rounding: true });
    expect(small.message).toBe('年初预算表的决算数合计 3,966.62 与各类决算数之和 3,966.63 不等，差额 -0.01。（在尾数误差允许范围内，系金额单位换算的尾数差，可不调整）');
    setDetailOnly(s, '公开04表', 'G7', g7 + 5);
    const big = finding(s, 'N-01')!;
    expect(big).toMatchObject({ severity: 'warning', rounding: false });
    expect(big.message).toBe('年初预算表的决算数合计 3,966.62 与各类决算数之和 3,971.62 不等，差额 -5.00：请核对公开04表各类决算数与其合计，或是否有未列入本表的类。');
    setDetailOnly(s, '公开04表', 'G7', g7);
    expect(finding(s, 'N-01')).toBeUndefined();
    s.destroy();
  });

  it('新建: the year is quoted as 2024, head counts as whole numbers, not 2,024.00 / 24.00', async () => {
    const s = await openSession(EMPTY_TABLES);
    const g1 = finding(s, 'G-01')!;
    expect(g1.message).toBe('概况未填完整：单位名称「空」、决算年度 2024。请在「概况」中填写单位名称和决算年度。');
    set(s, '概况', 'B10', 25);
    set(s, '概况', 'B11', 24);
    set(s, '概况', 'B12', 0);
    expect(finding(s, 'G-02')!.message).toBe('概况：离退休人员 25 人，而单位发放 24 人与养老保险基金发放 0 人之和不等。');
    set(s, '概况', 'B10', 24);
    expect(finding(s, 'G-02')).toBeUndefined();
    s.destroy();
  });
});

describe('forms: 执行率 of a 其中 row', () => {
  it('blank is not reported, a wrong figure is an error, the total row still requires its 执行率', () => {
    const { session, sheets } = smallSession([2]);
    const F = sheets[0];
    const rule = (k: string) => finding(session, `${F}:执行率:${k}`);
    // published form 2 fills 47.5 on 政府预算资金 (A 66.6225, B 31.68661)
    set(session, F, 'G7', null);
    expect(rule('政府预算资金')).toBeUndefined();
    expect(session.findings()).toEqual([]);
    set(session, F, 'G7', 45);
    expect(rule('政府预算资金')).toMatchObject({ severity: 'error', cells: ['G7'] });
    set(session, F, 'G7', 47.5);
    expect(rule('政府预算资金')).toBeUndefined();
    set(session, F, 'G6', null);
    expect(rule('年度资金总额')).toMatchObject({ severity: 'error', cells: ['G6'] });
    session.destroy();
  });
});

describe('layout of the 部门 line', () => {
  let tables: Packet;
  let ref: Packet;
  beforeAll(async () => {
    tables = await loadPacket(EMPTY_TABLES);
    ref = await loadPacket();
  });

  it('every table header gives "部门：<unit>" the width of its characters, and the year stays visible beside it', () => {
    // a 汉字 of 10-point 宋体 takes about two of Excel's character units
    const need = 2 * `部门：${UNIT}`.length;
    const tableSheets = tables.sheets.filter((s) => /^公开\d\d表$/.test(s.name));
    expect(tableSheets).toHaveLength(10);
    for (const s of tableSheets) {
      expect(s.cells[2][0]?.f, s.name).toBe('"部门："&单位名称');
      const m = s.merges.map((x) => parseRange(x)!).find((r) => r.top === 2 && r.left === 0);
      const right = m ? m.right : 0;
      const width = s.colWidths.slice(0, right + 1).reduce((a, w) => a + (w ?? 0), 0);
      expect(width, `${s.name} 部门 line`).toBeGreaterThanOrEqual(need);
      const year = s.cells[2].findIndex((c) => c?.f === '决算年度&" 年度"');
      expect(year, `${s.name} year`).toBeGreaterThan(right);
      expect(s.merges.map((x) => parseRange(x)!).some((r) => r.top <= 2 && r.bottom >= 2 && r.left <= year && r.right >= year && r.left < year), s.name).toBe(false);
    }
  });

  it('绩效自评汇总: the 部门 line is merged over A2:F2, in the packet and in the exported workbook', async () => {
    const summary = ref.sheets.find((s) => s.name === '绩效自评汇总')!;
    expect(summary.cells[1][0]?.f).toBe('"部门："&单位名称');
    expect(summary.merges).toContain('A2:F2');
    expect(summary.merges).toContain('I2:J2');
    expect(summary.cells[1][8]?.v).toBe('金额单位：万元');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportWorkbook(ref)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('绩效自评汇总')!;
    expect((ws.model as { merges: string[] }).merges).toContain('A2:F2');
    expect(ws.getCell('A2').result ?? ws.getCell('A2').value).toBe(`部门：${UNIT}`);
    // the merged cells share the master: B2 reads the name, not an empty cell of its own
    expect(ws.getCell('B2').isMerged).toBe(true);
  });
});

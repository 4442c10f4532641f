/** 三级指标 rows come and go; the 指标 checks, the sums and the summary follow with no formula edited by hand. */
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formLayout, formsReport, SUMMARY_SHEET } from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { finding, get, readFile, REFERENCE, set } from './forms-helpers.js';

const F2 = '自评02 2023年中央就业补助资金（第二批）';
let reference: Packet;
beforeAll(async () => {
  reference = await readFile(REFERENCE);
});

describe('inserting a 三级指标 row in a form of the reference packet', () => {
  it('分值 5 on a new row makes Σ分值 105 an error until another row gives up 5; removing the row retracts its checks', () => {
    const s = new PacketSession(structuredClone(reference));
    const rules = () => s.checks().map((c) => c.rule);
    const rowRules = () => rules().filter((x) => x.startsWith(`${F2}:指标:R`)).length;
    const before = rowRules();
    // under 产出指标 / 数量指标 (row 16), inside the merged 一级指标 block
    const ins = s.insertRows(F2, 16, 1);
    expect(ins.structural).toEqual([F2]);
    expect(s.sheet(F2).merges).toContain('B16:B19');
    const r = s.apply([
      { sheet: F2, row: 16, col: 3, value: '培训人次' },
      { sheet: F2, row: 16, col: 4, value: '≥100人' },
      { sheet: F2, row: 16, col: 5, value: 120 },
      { sheet: F2, row: 16, col: 6, value: 5 },
      { sheet: F2, row: 16, col: 7, value: 5 },
    ]);
    expect(r.rejected).toEqual([]);
    // the sums in the sheet grew with the insert: 总分 row is now 24
    // 运算: the 总分 follows the form's 指标 declaration over the rows present now
    expect(s.derivedCells(F2).find((d) => d.row === 23 && d.col === 6)?.formula).toBe('N(F6)+SUM(G13:G23)');
    expect(get(s, F2, 'G24')).toBe(105);
    expect(get(s, F2, 'H24')).toBe(87);
    const f = finding(s, `${F2}:指标:分值合计`)!;
    expect(f).toMatchObject({ severity: 'error', cells: ['G24'], message: '各项分值合计 105 不等于100（含执行率分值 10）：请调整各指标的分值。' });
    expect(rules()).toEqual(expect.arrayContaining([`${F2}:指标:R17:得分`, `${F2}:指标:R17:偏差原因`, `${F2}:指标:R17:指标值`]));
    expect(rowRules()).toBe(before + 3);
    // the summary reads the moved 总分
    const row = formsReport(s).forms.findIndex((x) => x.sheet === F2);
    expect(get(s, SUMMARY_SHEET, `H${row + 4}`)).toBe(87);
    // another row gives up 5: 时效指标 20 → 15 (and its 得分 with it)
    s.apply([{ sheet: F2, row: 18, col: 6, value: 15 }, { sheet: F2, row: 18, col: 7, value: 15 }]);
    expect(finding(s, `${F2}:指标:分值合计`)).toBeUndefined();
    expect(s.findings().filter((x) => x.severity === 'error')).toEqual([]);
    // a deduction on the new row needs its 偏差原因, at the new row's cell
    set(s, F2, 'H17', 3);
    expect(finding(s, `${F2}:指标:R17:偏差原因`)).toMatchObject({ cells: ['I17'] });
    // removing the row retracts its checks; Σ分值 is 95 now, an error again
    const del = s.removeRows(F2, 16, 1);
    expect(rowRules()).toBe(before);
    expect(rules()).not.toContain(`${F2}:指标:R23:得分`);
    expect(del.removed.map((x) => x.rule)).toContain(`${F2}:指标:R17:偏差原因`);
    expect(finding(s, `${F2}:指标:分值合计`)!.message).toContain('各项分值合计 95');
    expect(s.derivedCells(F2).find((d) => d.row === 22 && d.col === 6)?.formula).toBe('N(F6)+SUM(G13:G22)');
    expect(get(s, F2, 'G23')).toBe(95);
  });

  it('undo takes the insert back; the saved packet reopens with the row, its checks and the same findings', async () => {
    const s = new PacketSession(structuredClone(reference));
    s.insertRows(F2, 13, 1);
    s.apply([{ sheet: F2, row: 13, col: 3, value: '人均成本' }, { sheet: F2, row: 13, col: 6, value: 5 }, { sheet: F2, row: 13, col: 7, value: 5 }]);
    expect(finding(s, `${F2}:指标:分值合计`)).toBeDefined();
    const saved = await writePacket(s.toPacket());
    s.undo();
    s.undo();
    expect(finding(s, `${F2}:指标:分值合计`)).toBeUndefined();
    expect(get(s, F2, 'D14')).toBeNull();
    expect(get(s, F2, 'C14')).toBe('社会成本指标');

    const reopened = new PacketSession(await readPacket(saved));
    const l = formLayout(reopened.sheet(F2));
    if (typeof l === 'string') throw new Error(l);
    expect(l.indRows).toHaveLength(11);
    expect(get(reopened, F2, 'D14')).toBe('人均成本');
    expect(finding(reopened, `${F2}:指标:分值合计`)!.message).toContain('105');
    expect(reopened.checks().map((c) => c.rule)).toContain(`${F2}:指标:R14:得分`);
    // the 公式 checks of the fund rows and the grade were written back shifted
    expect(reopened.packet.checks.find((c) => c.id === `${F2}:等级`)!.formula).toContain('$G25');
  });

  it('the 总分 row and the fund rows cannot be deleted', () => {
    const s = new PacketSession(structuredClone(reference));
    expect(() => s.removeRows(F2, 22, 1)).toThrow(/不能删除/);
    expect(() => s.removeRows(F2, 5, 1)).toThrow(/不能删除/);
  });
});

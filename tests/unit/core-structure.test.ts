import { beforeEach, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import { writePacket, readPacket } from '../../shared/xlsx.js';
import { PacketSession as Session } from '../../shared/engine.js';
import { openSession, rowOfCode, set, valueAt } from '../helpers/packets.js';

let session: PacketSession;
beforeEach(async () => {
  session = await openSession();
});
const rules = () => session.checks().map((c) => c.rule);
const finding = (rule: string) => session.findings().find((f) => f.rule === rule);

describe('inserting and deleting a 科目 row in 03表', () => {
  it('extends the 层级 checks to the new 项 with no formula edited by hand, and retracts them on delete', () => {
    const at = rowOfCode(session, '公开03表', '2010301') + 1;
    expect(rules()).not.toContain('03-H:行:2010302:C=D+E+F+G+H');
    const ins = session.insertRows('公开03表', at, 1);
    expect(ins.structural).toEqual(['公开03表']);
    const r = session.apply([
      { sheet: '公开03表', row: at, col: 0, value: '2010302' },
      { sheet: '公开03表', row: at, col: 1, value: '一般行政管理事务' },
      { sheet: '公开03表', row: at, col: 2, value: 5 },
      { sheet: '公开03表', row: at, col: 4, value: 5 },
    ]);
    expect(rules()).toContain('03-H:行:2010302:C=D+E+F+G+H');
    // the 款 20103 now misses 5.00 against its two 项
    const f = finding('03-H:20103:C')!;
    expect(f.severity).toBe('error');
    expect(f.message).toBe('公开03表 20103 政府办公厅（室）及相关机构事务（款）「本年支出合计」39.45 与所属各项之和 44.45 不等，差额 -5.00。');
    expect(r.added.map((x) => x.rule)).toContain('03-H:20103:C');
    // the new row's own identity holds: 5 = 0 + 5
    expect(finding('03-H:行:2010302:C=D+E+F+G+H')).toBeUndefined();
    // a 基本支出 typed with an 本年支出合计 that does not match it: the new row's identity is checked
    session.apply([{ sheet: '公开03表', row: at, col: 3, value: 1 }, { sheet: '公开03表', row: at, col: 2, value: 7 }]);
    expect(finding('03-H:行:2010302:C=D+E+F+G+H')?.severity).toBe('error');
    session.undo();
    // cross-table ties written as plain formulas shifted with the insert: 01表 still ties to the 合计 row
    expect(finding('X-02')).toBeUndefined();
    const del = session.removeRows('公开03表', at, 1);
    expect(rules()).not.toContain('03-H:行:2010302:C=D+E+F+G+H');
    // 2010302 is not in the set's 科目 catalog (科目.xlsx lists only verified codes): its 提示 goes with the row
    expect(del.removed.map((x) => x.rule).sort()).toEqual(['03-H:20103:C', '03-H:20103:E', 'K-01:2010302:编码']);
    expect(session.findings().filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('undo and redo walk back and forth through cell edits and row inserts', () => {
    const at = rowOfCode(session, '公开03表', '2010301') + 1;
    session.insertRows('公开03表', at, 1);
    session.apply([{ sheet: '公开03表', row: at, col: 0, value: '2010302' }, { sheet: '公开03表', row: at, col: 2, value: 7 }]);
    expect(finding('03-H:20103:C')?.severity).toBe('error');
    session.undo(); // the two cells
    expect(finding('03-H:20103:C')).toBeUndefined();
    expect(session.getValue('公开03表', at, 0)).toBeNull();
    session.undo(); // the insert
    expect(valueAt(session, '公开03表', `A${at + 1}`)).toBe('20123');
    expect(rules()).not.toContain('03-H:行:2010302:C=D+E+F+G+H');
    session.redo();
    session.redo();
    expect(session.getValue('公开03表', at, 0)).toBe('2010302');
    expect(finding('03-H:20103:C')?.severity).toBe('error');
    expect(session.canRedo()).toBe(false);
  });

  it('saves a packet whose checks and formulas follow the inserted row, and reopens it with the same findings', async () => {
    const at = rowOfCode(session, '公开03表', '2010301') + 1;
    session.insertRows('公开03表', at, 1);
    session.apply([{ sheet: '公开03表', row: at, col: 0, value: '2010302' }, { sheet: '公开03表', row: at, col: 2, value: 5 }]);
    const before = session.findings().map((f) => `${f.rule}|${f.severity}|${f.sheet}|${f.cells}|${f.message}`).sort();
    const reopened = new Session(await readPacket(await writePacket(session.toPacket())));
    const after = reopened.findings().map((f) => `${f.rule}|${f.severity}|${f.sheet}|${f.cells}|${f.message}`).sort();
    expect(after).toEqual(before);
    expect(reopened.getValue('公开03表', at, 0)).toBe('2010302');
  });

  it('keeps the print setup through a write and a read: A4, orientation, repeated header rows', async () => {
    const back = await readPacket(await writePacket(session.toPacket()));
    const t01 = back.sheets.find((s) => s.name === '公开01表')!;
    expect(t01.print).toMatchObject({ orientation: 'landscape', fitToWidth: true, titleRows: [1, 6] });
    expect(back.sheets.find((s) => s.name === '公开09表')!.print.orientation).toBe('portrait');
  });

  it('refuses to delete a template row (the 合计 line)', () => {
    const total = session.sheet('公开03表').cells.findIndex((r) => r[1]?.v === '合计');
    expect(() => session.removeRows('公开03表', total, 1)).toThrow(/不能删除/);
  });
});

describe('checks that are not money equalities', () => {
  it('名称一致: fixing the name clears the warning, a new mismatch raises one', () => {
    const r02 = rowOfCode(session, '公开02表', '2130804');
    set(session, '公开02表', `B${r02 + 1}`, '创业担保贷款贴息及奖补');
    expect(finding('X-N:2130804')).toBeUndefined();
    const r05 = rowOfCode(session, '公开05表', '2101301');
    set(session, '公开05表', `B${r05 + 1}`, '城乡医疗救助支出');
    const f = finding('X-N:2101301')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('公开05表「城乡医疗救助支出」');
    expect(f.cells).toContain(`B${rowOfCode(session, '公开02表', '2101301') + 1}`);
  });

  it('概况: a missing unit name is an error; head counts that do not add up are a warning', () => {
    set(session, '概况', 'B2', null);
    expect(finding('G-01')?.severity).toBe('error');
    set(session, '概况', 'B2', '某某乡人民政府');
    expect(finding('G-01')).toBeUndefined();
    expect(valueAt(session, '公开01表', 'A3')).toBe('部门：某某乡人民政府');
    set(session, '概况', 'B11', 20);
    expect(finding('G-02')?.message).toBe('概况：离退休人员 24 人，而单位发放 20 人与养老保险基金发放 0 人之和不等。');
    set(session, '概况', 'B11', 24);
    expect(finding('G-02')).toBeUndefined();
  });

  it('text typed into an amount cell is refused with the cell named, not stored as a silent zero', () => {
    const r = set(session, '公开09表', 'E11', '一点七四');
    expect(r.rejected).toEqual([{ sheet: '公开09表', row: 10, col: 4, code: 'bad-value', reason: '公开09表 E11 是金额单元格，应填金额（数字，如 1,234.56 或 (12.00)）；「一点七四」未填入。' }]);
    expect(valueAt(session, '公开09表', 'E11')).toBe(1.7409);
    expect(r.changed).toEqual([]);
    set(session, '公开09表', 'E11', '1.74');
    expect(valueAt(session, '公开09表', 'E11')).toBe(1.74);
    expect(session.findings().filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('pasted figures in accountant notation are read as numbers', () => {
    set(session, '公开09表', 'E11', '1,001.74');
    expect(valueAt(session, '公开09表', 'E11')).toBe(1001.74);
    set(session, '公开09表', 'E11', '(12.00)');
    expect(valueAt(session, '公开09表', 'E11')).toBe(-12);
    set(session, '公开09表', 'E11', '-');
    expect(valueAt(session, '公开09表', 'E11')).toBeNull();
  });

  it('rejects edits of cells that are not inputs and says why', () => {
    const r = set(session, '公开01表', 'A7', '改标题');
    expect(r.rejected[0]).toMatchObject({ code: 'not-input', reason: expect.stringContaining('不是填报单元格') });
    expect(valueAt(session, '公开01表', 'A7')).toBe('一、一般公共预算财政拨款收入');
  });

  it('text that looks like a formula stays text', () => {
    set(session, '概况', 'B6', "=cmd|' /C calc'!A0");
    expect(valueAt(session, '概况', 'B6')).toBe("=cmd|' /C calc'!A0");
  });
});

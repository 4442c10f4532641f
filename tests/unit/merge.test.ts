/**
 * 汇总: the reference packet split into three units (amounts divided to the cent, an internal
 * 上级补助收入 / 对附属单位补助支出 pair) and merged back gives the reference figures, lists the elimination
 * in 汇总说明, and the same findings. Real files, real engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formSheets } from '../../shared/forms/collection.js';
import { mergePackets, MERGE_SHEET, type MergeResult } from '../../shared/merge/merge.js';
import { parseMergeRules } from '../../shared/merge/rules.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { addCode, splitReference, TRANSFER, UNIT_NAMES } from '../helpers/merge-fixtures.js';

const sheet = (p: Packet, n: string) => p.sheets.find((s) => s.name === n)!;
const v = (p: Packet, n: string, addr: string) => {
  const m = /^([A-Z]+)(\d+)$/.exec(addr)!;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return sheet(p, n).cells[Number(m[2]) - 1]?.[col - 1]?.v ?? null;
};
const key = (f: { rule: string; severity: string; rounding: boolean }) => `${f.rule}|${f.severity}|${f.rounding}`;
const textOf = (p: Packet, n: string) => sheet(p, n).cells.map((r) => r.map((c) => (c?.v ?? '')).join('\t')).join('\n');

let cached: { result: MergeResult; reference: Packet; units: Packet[]; unitBytes: Uint8Array[] } | null = null;
async function merged() {
  if (cached) return cached;
  const { reference, units, rules } = await splitReference();
  const unitBytes = await Promise.all(units.map((u) => writePacket(u)));
  const result = await mergePackets(unitBytes.map((bytes, i) => ({ label: `unit${i + 1}.xlsx`, bytes })), rules);
  cached = { result, reference, units, unitBytes };
  return cached;
}

describe('汇总 of the split reference packet', () => {
  it('the split units really differ from the reference and carry the internal pair', async () => {
    const { units, reference } = await merged();
    expect(v(units[0], '公开01表', 'C33')).not.toBe(v(reference, '公开01表', 'C33'));
    expect(v(units[1], '公开01表', 'C10')).toBe(TRANSFER.amount); // 上级补助收入 of 下属单位
    const row = sheet(units[0], '公开03表').cells.findIndex((r) => r[0]?.v === TRANSFER.code);
    expect(sheet(units[0], '公开03表').cells[row][7]?.v).toBe(TRANSFER.amount); // 对附属单位补助支出 of 本级
  }, 600_000);

  it('gives back every reference figure of the summed sheets, to the cent', async () => {
    const { result, reference } = await merged();
    const back = await readPacket(result.bytes);
    const rules = parseMergeRules(JSON.parse(readFileSync('templates/jiangxi-2024/merge.json', 'utf8')));
    let compared = 0;
    for (const name of rules.sumSheets) {
      const a = sheet(reference, name);
      const b = sheet(back, name);
      a.cells.forEach((row, r) => row.forEach((c, col) => {
        if (!c?.input) return;
        const want = c.v ?? null;
        const got = b.cells[r]?.[col]?.v ?? null;
        if (typeof want === 'number') {
          expect(typeof got, `${name} r${r + 1} c${col + 1}`).toBe('number');
          expect(Math.abs((got as number) - want), `${name} r${r + 1} c${col + 1}: ${String(got)} vs ${want}`).toBeLessThan(1e-6);
          compared++;
        } else expect(got === null || got === '' ? null : got, `${name} r${r + 1} c${col + 1}`).toEqual(want === '' ? null : want);
      }));
    }
    expect(compared).toBeGreaterThan(800);
    // the eliminated pair is gone from the department figures
    expect(v(back, '公开01表', 'C10')).toBe(0);
    expect(v(back, '公开01表', 'C33')).toBeCloseTo(3966.62, 6);
  }, 120_000);

  it('lists the elimination in 汇总说明 and in the result', async () => {
    const { result } = await merged();
    const e = result.eliminations.filter((x) => x.eliminated > 0);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ code: TRANSFER.code, eliminated: TRANSFER.amount, incomeLeft: 0, expenseLeft: 0 });
    expect(e[0].income).toEqual([{ unit: UNIT_NAMES[1], amount: TRANSFER.amount }]);
    expect(e[0].expense).toEqual([{ unit: UNIT_NAMES[0], amount: TRANSFER.amount }]);
    const back = await readPacket(result.bytes);
    const text = textOf(back, MERGE_SHEET);
    expect(text).toContain('上级补助收入与对附属单位补助支出');
    expect(text).toMatch(new RegExp(`${TRANSFER.code}\\t其他一般公共服务支出\\t${UNIT_NAMES[1].replace(/[()（）]/g, '.')}\\t50\\t${UNIT_NAMES[0].replace(/[()（）]/g, '.')}\\t50\\t50\\t0\\t0`));
    for (const n of UNIT_NAMES) expect(text).toContain(n);
  }, 120_000);

  it('has the same findings as the reference, and the 概况 lists the units', async () => {
    const { result, reference } = await merged();
    const refFindings = new PacketSession(reference).findings();
    expect(result.findings.map(key).sort()).toEqual(refFindings.map(key).sort());
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const back = await readPacket(result.bytes);
    expect(v(back, '概况', 'B2')).toBe(UNIT_NAMES[0]);
    expect(v(back, '概况', 'B5')).toBe(3);
    expect(String(v(back, '概况', 'B6'))).toBe(`${UNIT_NAMES[0]}（本级）、${UNIT_NAMES[1]}（下属单位）、${UNIT_NAMES[2]}（下属单位）`);
    expect(v(back, '概况', 'B8')).toBe(17); // 编制内实有人数, summed back
    expect(v(back, '概况', 'B3')).toBe(2024);
    // forms of all units together, in order, under the reference's names
    expect(formSheets(back).map((s) => s.name)).toEqual(formSheets(reference).map((s) => s.name));
  }, 120_000);

  it('without the 本级 side the pair is not eliminated (both sides must be in the group)', async () => {
    const { unitBytes } = await merged();
    const { rules } = await splitReference({ transfer: false });
    // 下属单位甲 as 本级 of a group with 乙: its 上级补助收入 comes from outside the group
    const r = await mergePackets([{ label: 'b.xlsx', bytes: unitBytes[1] }, { label: 'c.xlsx', bytes: unitBytes[2] }], rules);
    expect(r.eliminations.filter((x) => x.eliminated > 0)).toEqual([]);
    const back = await readPacket(r.bytes);
    expect(v(back, '公开01表', 'C10')).toBe(TRANSFER.amount);
  }, 120_000);

  it('re-running after a unit changed updates the department packet and says what changed', async () => {
    const { result, units, unitBytes } = await merged();
    const { rules } = await splitReference({ transfer: false });
    const changed = JSON.parse(JSON.stringify(units[2])) as Packet;
    // 下属单位乙 finds 10.00 more 项目支出 under 2013299 (detail, 款, 类, 合计 and 01表 the same)
    const bump = (sheetName: string, addr: string) => {
      const m = /^([A-Z]+)(\d+)$/.exec(addr)!;
      const c = sheet(changed, sheetName).cells[Number(m[2]) - 1][m[1].charCodeAt(0) - 65]!;
      c.v = Math.round(((c.v as number) + 10) * 100) / 100;
    };
    const row = (code: string) => sheet(changed, '公开03表').cells.findIndex((r) => r[0]?.v === code) + 1;
    for (const code of ['201', '20132', '2013299']) for (const col of ['C', 'E']) bump('公开03表', `${col}${row(code)}`);
    bump('公开03表', 'C6');
    bump('公开03表', 'E6');
    const again = await mergePackets([
      { label: 'unit1.xlsx', bytes: unitBytes[0] }, { label: 'unit2.xlsx', bytes: unitBytes[1] }, { label: 'unit3.xlsx', bytes: await writePacket(changed) },
    ], rules, { previous: result.bytes });
    expect(again.changes!.units).toEqual([`有变化：${UNIT_NAMES[2]}`]);
    const cells = again.changes!.cells.filter((c) => c.sheet === '公开03表');
    expect(cells.map((c) => c.cell).sort()).toEqual(['C14', 'C16', 'C6', 'C7', 'E14', 'E16', 'E6', 'E7'].sort());
    const e16 = cells.find((c) => c.cell === 'E16')!;
    expect((e16.after as number) - (e16.before as number)).toBeCloseTo(10, 6);
    expect(textOf(await readPacket(again.bytes), MERGE_SHEET)).toContain(`有变化：${UNIT_NAMES[2]}`);
    // the department check sees the new mismatch 01表 ↔ 03表 (01表 was not changed by the unit)
    expect(again.findings.some((f) => f.severity === 'error' && f.rule.startsWith('X-02'))).toBe(true);
    // and an unchanged re-run says nothing changed
    const same = await mergePackets(unitBytes.map((bytes, i) => ({ label: `unit${i + 1}.xlsx`, bytes })), rules, { previous: result.bytes });
    expect(same.changes).toEqual({ units: [], cells: [], totalCells: 0 });
  }, 180_000);

  it('refuses packets of another year with a Chinese message', async () => {
    const { units, unitBytes } = await merged();
    const { rules } = await splitReference({ transfer: false });
    const other = JSON.parse(JSON.stringify(units[1])) as Packet;
    sheet(other, '概况').cells[2][1]!.v = 2023;
    await expect(mergePackets([{ label: 'a.xlsx', bytes: unitBytes[0] }, { label: '2023.xlsx', bytes: await writePacket(other) }], rules))
      .rejects.toThrow(/「2023\.xlsx」的决算年度是「2023」，本级是「2024」/);
  }, 120_000);

  it('sides that do not match: the smaller is eliminated, the rest listed as 未抵销', async () => {
    const { units, unitBytes } = await merged();
    const { rules } = await splitReference({ transfer: false });
    // 本级 paid 10.00 more 对附属单位补助支出 than its 下属单位 recorded (e.g. to a unit outside the group)
    const main = JSON.parse(JSON.stringify(units[0])) as Packet;
    addCode(main, '公开03表', TRANSFER.code, ['C', 'H'], 10);
    const r = await mergePackets([{ label: 'a.xlsx', bytes: await writePacket(main) }, { label: 'b.xlsx', bytes: unitBytes[1] }, { label: 'c.xlsx', bytes: unitBytes[2] }], rules);
    const e = r.eliminations.find((x) => x.code === TRANSFER.code)!;
    expect(e).toMatchObject({ eliminated: 50, incomeLeft: 0, expenseLeft: 10 });
    const back = await readPacket(r.bytes);
    const row = sheet(back, '公开03表').cells.findIndex((x) => x[0]?.v === TRANSFER.code);
    expect(sheet(back, '公开03表').cells[row][7]?.v).toBe(10); // what was not eliminated stays
    expect(textOf(back, MERGE_SHEET)).toMatch(new RegExp(`${TRANSFER.code}\\t其他一般公共服务支出\\t${UNIT_NAMES[1].replace(/[()（）]/g, '.')}\\t50\\t${UNIT_NAMES[0].replace(/[()（）]/g, '.')}\\t60\\t50\\t0\\t10`));
  }, 120_000);

  it('a broken 汇总规则 is refused with a Chinese message', () => {
    const good = JSON.parse(readFileSync('templates/jiangxi-2024/merge.json', 'utf8')) as Record<string, unknown>;
    expect(() => parseMergeRules({ ...good, 格式: '汇总规则/9' })).toThrow(/不是本软件认识的「汇总规则\/1」/);
    const bad = JSON.parse(JSON.stringify(good)) as { 内部往来: { 收入: { 列: string } }[] };
    bad.内部往来[0].收入.列 = 'E1';
    expect(() => parseMergeRules(bad)).toThrow(/内部往来\[1\]\.收入\.列」应为列字母/);
    expect(() => parseMergeRules([])).toThrow(/汇总规则有误/);
  });
});

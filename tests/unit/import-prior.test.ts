/**
 * Import as 上年数: last year's package goes into an empty copy of the template; each 上年数 row takes its
 * figure from its 取数公式 evaluated there. Only column B of the packet's 上年数 sheet changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { applyImport, PRIOR_SHEET, planImport, sheetsOf } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { otherRegion, reportSoftware, toBytes } from '../fixtures/import/build.js';
import { EMPTY_TABLES, loadPacket, openSession, REFERENCE, VOCABULARY } from '../helpers/packets.js';

let ref: Packet;
let template: Packet;
let source: Uint8Array;
beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
  template = await loadPacket(EMPTY_TABLES);
  source = await toBytes(otherRegion(ref));
});

/** What each 上年数 row should get: its 取数公式 evaluated on the reference packet itself. */
function expected(refSession: PacketSession, prior: Packet): Map<string, number> {
  const s = prior.sheets.find((x) => x.name === PRIOR_SHEET)!;
  const out = new Map<string, number>();
  for (let r = 1; r < s.cells.length; r++) {
    const f = String(s.cells[r]?.[2]?.v ?? '');
    if (!f) continue;
    const v = refSession.calculate(f);
    out.set(String(s.cells[r][0]!.v), Math.round(Number(v ?? 0) * 100) / 100);
  }
  return out;
}

describe('import as 上年数', () => {
  it('fills every prior-year figure the source has, and says which it could not', async () => {
    const session = await openSession(EMPTY_TABLES);
    const before = JSON.stringify(session.sheet('公开01表').cells);
    const plan = await planImport(source, session, { vocabulary: VOCABULARY, file: '2023决算.xlsx', mode: 'prior-year', template });
    expect(plan.report.mode).toBe('prior-year');
    expect(plan.report.overwrites).toEqual([]);
    const r = await applyImport(session, plan);
    const want = expected(await openSession(REFERENCE), template);
    const filled = new Map(r.report.priorYear!.filled.map((i) => [i.item, i.value]));
    expect(filled.get('本年收入合计')).toBe(3966.62);
    expect(filled.get('财政拨款“三公”经费支出决算数')).toBe(1.74);
    expect(filled.get('一般公共预算财政拨款基本支出：工资福利支出（301）')).toBe(451.82);
    for (const [item, v] of filled) expect(v, item).toBe(want.get(item));
    // an item whose 取数公式 reads the narrative's own 说明文字 sheet cannot come from a set of tables
    const prior = session.sheet(PRIOR_SHEET);
    const fromText = prior.cells.slice(1).filter((row) => String(row[2]?.v ?? '').includes('说明文字')).map((row) => String(row[0]!.v));
    expect(r.report.priorYear!.notFilled.map((i) => i.item)).toEqual(fromText);
    expect(filled.size + fromText.length).toBe(want.size);
    const sheet = session.sheet(PRIOR_SHEET);
    for (let row = 1; row < sheet.cells.length; row++) {
      const item = String(sheet.cells[row][0]?.v ?? '');
      if (filled.has(item)) expect(session.getValue(PRIOR_SHEET, row, 1), item).toBe(filled.get(item));
    }
    // this year's tables are untouched
    expect(JSON.stringify(session.sheet('公开01表').cells)).toBe(before);
  });

  it('lists the prior-year figures it would replace; keeping them leaves the packet as it was', async () => {
    const session = await openSession(REFERENCE);
    const row = session.sheet(PRIOR_SHEET).cells.findIndex((r) => r[0]?.v === '本年收入合计');
    expect(session.getValue(PRIOR_SHEET, row, 1)).toBe(4226.02);
    const plan = await planImport(source, session, { vocabulary: VOCABULARY, file: '上年.xlsx', mode: 'prior-year', template });
    expect(plan.report.overwrites.find((o) => o.row === '本年收入合计')).toMatchObject({ before: 4226.02, after: 3966.62, column: '上年数' });
    const kept = await applyImport(session, plan, { overwrite: false });
    expect(session.getValue(PRIOR_SHEET, row, 1)).toBe(4226.02);
    expect(kept.report.priorYear!.notFilled.find((i) => i.item === '本年收入合计')!.reason).toMatch(/保留原值/);
    const session2 = await openSession(REFERENCE);
    await applyImport(session2, await planImport(source, session2, { vocabulary: VOCABULARY, file: '上年.xlsx', mode: 'prior-year', template }));
    expect(session2.getValue(PRIOR_SHEET, row, 1)).toBe(3966.62);
  });

  it('a source with only some tables fills only the items those tables give', async () => {
    const session = await openSession(EMPTY_TABLES);
    const { wb } = reportSoftware(ref);
    const r = await applyImport(session, await planImport(await toBytes(wb), session, { vocabulary: VOCABULARY, file: 'z.xlsx', mode: 'prior-year', template }));
    const filled = r.report.priorYear!.filled.map((i) => i.item);
    expect(filled).toEqual(expect.arrayContaining(['收入总计', '本年收入合计', '本年支出合计']));
    expect(filled).not.toContain('财政拨款“三公”经费支出决算数');
    expect(r.report.priorYear!.notFilled.find((i) => i.item === '公务接待费')!.reason).toBe('源文件中没有公开09表的数');
  });

  it('a packet without a 上年数 sheet is told so in Chinese', async () => {
    const p = await loadPacket(EMPTY_TABLES);
    p.sheets = p.sheets.filter((s) => s.name !== PRIOR_SHEET);
    await expect(planImport(source, new PacketSession(p), { vocabulary: VOCABULARY, file: 'x.xlsx', mode: 'prior-year', template })).rejects.toThrow(/没有「上年数」工作表/);
  });

  it('reads which sheets a 取数公式 needs', () => {
    expect(sheetsOf("公开06表!C6+'公开09表'!E11", ref)).toEqual(['公开06表', '公开09表']);
    expect(sheetsOf('本年收入合计', ref)).toEqual(['公开01表']);
    expect(sheetsOf('SUMIF(公开03表!A:A,"201",公开03表!C:C)', ref)).toEqual(['公开03表']);
  });
});

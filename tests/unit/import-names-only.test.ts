/**
 * Issue 12 point 1 / issue 16: a source whose 科目 rows carry names only. Each name finds its code in the set's
 * 科目 catalog (in the context of the 类 and 款 above it: 行政运行 is 2010301 under 20103 and 2013201 under 20132);
 * a name the catalog does not know is reported by cell and counted as not placed, never guessed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { importWorkbook } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { resolveName, declaredCatalog } from '../../shared/catalog/names.js';
import { findingLines } from '../fixtures/import/compare.js';
import { namesOnlyBytes } from '../fixtures/import/variants.js';
import { EMPTY_TABLES, loadPacket, openSession, REFERENCE, rowOfCode, valueAt, VOCABULARY } from '../helpers/packets.js';

let ref: Packet;
let refFindings: string[];
const formsAside = (sheet: string) => ['form', 'summary'].includes(ref.sheets.find((s) => s.name === sheet)?.kind ?? '');

beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
  refFindings = findingLines(new PacketSession(ref), formsAside);
}, 180_000);

describe('names only', () => {
  it('resolves a shared name by the 类/款 above it, and refuses one it cannot tell', async () => {
    const c = declaredCatalog(await loadPacket(EMPTY_TABLES))!;
    expect(c.kind).toBe('功能');
    const code = (name: string, lei: string | null, kuan: string | null) => {
      const r = resolveName(c, name, { lei, kuan });
      return 'subject' in r ? r.subject.code : r.reason;
    };
    expect(code('行政运行', '201', '20103')).toBe('2010301');
    expect(code('行政运行', '201', '20132')).toBe('2013201');
    expect(code('行政运行', null, null)).toMatch(/^科目名称「行政运行」对应多个科目（2010301、2013201、2013901、2120101）/);
    expect(code('其他一般公共服务支出', '201', '20134')).toBe('20199');
    expect(code('其他一般公共服务支出', '201', '20199')).toBe('2019999');
    expect(code('其他支出', '221', '22102')).toBe('229');
    expect(code('行政事业单位离退休', '208', '20801')).toBe('20805');
    expect(code('创业担保贷款贴息及弥补', '213', '21308')).toMatch(/不在本套科目表中/);
  });

  it('places every amount the catalog can name; the one published misspelling is reported by cell, not guessed', async () => {
    const { bytes, file } = await namesOnlyBytes(ref, true);
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(bytes, session, { vocabulary: VOCABULARY, file });
    const live = session;
    const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced.filter((c) => c.amount));
    // 02表's 2130804 row: seven amount columns, its figures 3.00 / 3.00 and five 0.00
    expect(notPlaced.length).toBe(7);
    for (const c of notPlaced) expect(c.reason).toBe('科目名称「创业担保贷款贴息及弥补」不在本套科目表中，源表没有科目编码，无法确定放在哪一行');
    expect(new Set(notPlaced.map((c) => c.cell.replace(/[A-Z]+(\d+)$/, '$1'))).size).toBe(1);
    expect(r.report.summary.amountsNotPlaced).toBe(7);
    expect(r.report.summary.amountsPlaced).toBe(r.report.summary.amounts - 7);
    // its other 科目 rows got their codes: 行政运行 under 20103 and 20132, the 其他支出 类/款/项
    for (const code of ['2010301', '2013201', '229', '22999', '2299999', '20805', '2120805']) expect(() => rowOfCode(live, '公开03表', code), code).not.toThrow();
    expect(valueAt(live, '公开03表', `C${rowOfCode(live, '公开03表', '2013201') + 1}`)).toBe(400.2);
    expect(() => rowOfCode(live, '公开02表', '2130804')).toThrow();
    live.destroy();
  }, 300_000);

  it('with that one name as 03/05表 write it: every amount placed, the reference findings (less the 2130804 spelling hint)', async () => {
    const { bytes, file } = await namesOnlyBytes(ref, false);
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(bytes, session, { vocabulary: VOCABULARY, file });
    const live = session;
    const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced.map((c) => `${c.cell} ${c.value} ${c.reason}`));
    expect(notPlaced).toEqual([]);
    expect(r.report.summary.amountsNotPlaced).toBe(0);
    expect(r.report.summary.amountsPlaced).toBe(r.report.summary.amounts);
    expect(r.report.summary.amounts).toBeGreaterThan(400);
    expect(findingLines(live, formsAside)).toEqual(refFindings.filter((l) => !l.includes('X-N:2130804')));
    expect(refFindings.filter((l) => l.includes('X-N:2130804')).length).toBe(1);
    live.destroy();
  }, 300_000);
});

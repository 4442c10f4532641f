/**
 * The 科目 catalog (templates/jiangxi-2024/科目.xlsx, carried as the hidden 科目表) and its checks (审核 K-01), on
 * the real reference packet with real defects planted the way they occur in real packages: an unknown code, a
 * miscoded 减排专项支出, a 项 named like its neighbour, a former name, a 2025 code in a 2024 packet.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCatalogSheet, SubjectCatalog } from '../../shared/catalog/catalog.js';
import type { Finding, PacketSession } from '../../shared/engine.js';
import { writePacket } from '../../shared/xlsx.js';
import { juesuan } from '../helpers/cli.js';
import { loadPacket, openSession, REFERENCE, rowOfCode, set } from '../helpers/packets.js';

const catalogFindings = (s: PacketSession): Finding[] => s.findings().filter((f) => f.rule.startsWith('K-01'));

describe('the set catalog file', () => {
  it('is the same data as the packet carries, with the codes the issue names', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync('templates/jiangxi-2024/科目.xlsx') as unknown as ArrayBuffer);
    const rows = wb.worksheets[0].getSheetValues().filter(Boolean).length - 1;
    const packet = await loadPacket();
    const sheet = packet.sheets.find((s) => s.name === '科目表')!;
    expect(sheet.hidden).toBe(true);
    const c = readCatalogSheet(sheet);
    expect(c.subjects.length).toBe(rows);
    expect(c.get('2080505', '功能')?.name).toBe('机关事业单位基本养老保险缴费支出');
    expect(c.get('2111103', '功能')?.name).toBe('减排专项支出');
    const s22198 = c.get('22198', '功能')!;
    expect(SubjectCatalog.validIn(s22198, 2024)).toBe(false);
    expect(SubjectCatalog.validIn(s22198, 2025)).toBe(true);
    expect(c.named('行政事业单位离退休', '功能').map((m) => [m.subject.code, m.former])).toEqual([['20805', true]]);
    // the same name for a 功能 and a 经济 科目 is not a clash: 2210201 and 30113 are both 住房公积金
    expect(c.named('住房公积金', '功能').map((m) => m.subject.code)).toEqual(['2210201']);
    // every 科目 row of the reference packet is in the catalog
    for (const t of ['公开02表', '公开03表', '公开05表', '公开07表']) {
      for (const row of packet.sheets.find((s) => s.name === t)!.cells) {
        const code = String(row[0]?.v ?? '');
        if (/^\d{3}(\d{2}){0,2}$/.test(code)) expect(c.get(code, '功能'), `${t} ${code}`).toBeDefined();
      }
    }
  });
});

describe('catalog checks (K-01)', () => {
  let session: PacketSession;
  beforeAll(async () => {
    session = await openSession();
  });

  it('find nothing on the reference packet (its 2130804 spelling is the 名称一致 hint, not a catalog finding)', () => {
    expect(catalogFindings(session)).toEqual([]);
  });

  it('report an unknown code, a miscoded name, a neighbour\'s name and a former name; silent again once fixed', () => {
    const s03 = '公开03表';
    // a 减排专项支出 coded 2111101 (it is 2111103): rows 211 / 21111 / 2111101 inserted after the last 科目 row
    const last = rowOfCode(session, s03, '2299999');
    session.insertRows(s03, last + 1, 3, last);
    const put = (r: number, code: string, name: string) => session.apply([
      { sheet: s03, row: r, col: 0, value: code }, { sheet: s03, row: r, col: 1, value: name },
    ]);
    put(last + 1, '211', '节能环保支出');
    put(last + 2, '21111', '污染减排');
    put(last + 3, '2111101', '减排专项支出');
    // 2130706 named like its neighbour 2130705
    const r706 = rowOfCode(session, s03, '2130706');
    set(session, s03, `B${r706 + 1}`, '对村民委员会和村党支部的补助');
    // 20805 under its former name in 02表
    const r805 = rowOfCode(session, '公开02表', '20805');
    set(session, '公开02表', `B${r805 + 1}`, '行政事业单位离退休');
    // an unknown code: 2013298 (组织事务 has no such 项)
    const r299 = rowOfCode(session, '公开05表', '2013299');
    set(session, '公开05表', `A${r299 + 1}`, '2013298');

    const f = new Map(catalogFindings(session).map((x) => [x.rule, x]));
    const miscoded = f.get('K-01:公开03表:2111101:名称')!;
    expect(miscoded.severity).toBe('error');
    expect(miscoded.message).toBe('公开03表 科目 2111101 的名称「减排专项支出」是科目 2111103（减排专项支出）的名称；2111101 不在科目表中：编码或名称填错了，请核对。');
    expect(miscoded.cells).toEqual([`A${last + 4}`, `B${last + 4}`]);
    const neighbour = f.get('K-01:公开03表:2130706:名称')!;
    expect(neighbour.severity).toBe('error');
    expect(neighbour.message).toContain('是科目 2130705（对村民委员会和村党支部的补助）的名称；2130706 是「对村集体经济组织的补助」');
    const former = f.get('K-01:公开02表:20805:曾用名')!;
    expect(former.severity).toBe('warning');
    expect(former.message).toBe('公开02表 科目 20805 的名称「行政事业单位离退休」是曾用名，现行名称为「行政事业单位养老支出」：请改用现行名称。');
    expect(former.cells).toEqual([`B${r805 + 1}`]);
    for (const code of ['2013298', '2111101', '21111', '211']) {
      const u = f.get(`K-01:${code}:编码`);
      if (code === '2013298' || code === '2111101') {
        expect(u?.severity, code).toBe('warning');
        expect(u!.message).toContain(`科目编码 ${code}`);
      } else expect(u, `${code} is in the catalog`).toBeUndefined();
    }
    // a code typed wrong under its own name: the name is 2013299's, so the row is miscoded as well as unknown
    expect(f.get('K-01:公开05表:2013298:名称')!.message).toContain('是科目 2013299（其他组织事务支出）的名称；2013298 不在科目表中');
    expect([...f.keys()].sort()).toEqual(['K-01:2013298:编码', 'K-01:2111101:编码', 'K-01:公开02表:20805:曾用名', 'K-01:公开03表:2111101:名称', 'K-01:公开03表:2130706:名称', 'K-01:公开05表:2013298:名称']);

    // fixed: the right code, the right names
    set(session, s03, `A${last + 4}`, '2111103');
    set(session, s03, `B${r706 + 1}`, '对村集体经济组织的补助');
    set(session, '公开02表', `B${r805 + 1}`, '行政事业单位养老支出');
    set(session, '公开05表', `A${r299 + 1}`, '2013299');
    expect(catalogFindings(session)).toEqual([]);
  });

  it('a 2025 code in a 2024 packet is a hint that follows the 决算年度 live', async () => {
    const s = await openSession();
    const s03 = '公开03表';
    const r = rowOfCode(s, s03, '2210201');
    s.insertRows(s03, r + 1, 1, r);
    s.apply([{ sheet: s03, row: r + 1, col: 0, value: '22198' }, { sheet: s03, row: r + 1, col: 1, value: '超长期特别国债安排的支出' }]);
    const year = () => catalogFindings(s).find((x) => x.rule === 'K-01:22198:年度');
    expect(year()?.severity).toBe('warning');
    expect(year()!.message).toBe('科目 22198 超长期特别国债安排的支出（公开03表）只适用于 2025 年度起，本公开包为 2024 年度：请核对科目编码。');
    set(s, '概况', 'B3', 2025);
    expect(s.findings().find((x) => x.rule === 'G-01')).toBeUndefined();
    expect(year()).toBeUndefined();
  });
});

describe('bin/juesuan check shows the catalog findings', () => {
  it('exit 1 on a packet with an unknown code, a miscoded name and a former name, listed with the other findings', async () => {
    const s = await openSession();
    const r = rowOfCode(s, '公开03表', '2130706');
    set(s, '公开03表', `B${r + 1}`, '对村民委员会和村党支部的补助');
    const u = rowOfCode(s, '公开03表', '2060299');
    s.apply([{ sheet: '公开03表', row: u, col: 0, value: '2060298' }, { sheet: '公开03表', row: u, col: 1, value: '基础研究专项' }]);
    const f = rowOfCode(s, '公开02表', '20805');
    set(s, '公开02表', `B${f + 1}`, '行政事业单位离退休');
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-catalog-'));
    const path = join(dir, 'miscoded.xlsx');
    writeFileSync(path, await writePacket(s.toPacket()));
    const out = juesuan('check', path, '--json');
    expect(out.code).toBe(1);
    const j = JSON.parse(out.stdout) as { findings: { rule: string; severity: string; sheet: string }[] };
    expect(j.findings.filter((x) => x.rule.startsWith('K-01')).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual([
      expect.objectContaining({ rule: 'K-01:2060298:编码', severity: 'warning', sheet: '公开03表' }),
      expect.objectContaining({ rule: 'K-01:公开02表:20805:曾用名', severity: 'warning', sheet: '公开02表' }),
      expect.objectContaining({ rule: 'K-01:公开03表:2130706:名称', severity: 'error', sheet: '公开03表' }),
    ]);
    const text = juesuan('check', path);
    expect(text.stdout).toContain('[提示] 公开03表 A');
    expect(text.stdout).toContain('科目编码 2060298（公开03表）不在本模板套的科目表中');
    expect(text.stdout).toContain('[错误] 公开03表 A');
    expect(text.stdout).toContain('现行名称为「行政事业单位养老支出」');
    expect(juesuan('check', REFERENCE, '--json').stdout).not.toContain('K-01');
  }, 480_000);
});

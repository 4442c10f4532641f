/**
 * 新年度 from the 江西 reference packet (2024): a 2025 packet whose 上年数 are the 2024 figures (each 上年数 row's
 * 取数公式 evaluated over the reference itself gives the expected value), whose 概况 and forms are carried, and
 * whose narrative says 比上年 correctly once 2025 figures are typed.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import { formLayout, formSheets, type FormLayout } from '../../shared/forms.js';
import { importWorkbook } from '../../shared/import/index.js';
import { generateNarrative, narrativeText } from '../../shared/narrative/generate.js';
import { normalizeText } from '../../shared/narrative/text.js';
import { newYear, packetYear, type NewYearResult } from '../../shared/newyear/index.js';
import { template as narrativeTemplate } from '../fixtures/narrative/load.js';
import { spawnSync } from 'node:child_process';
import { bytesOf, EMPTY_TABLES, loadPacket, openSession, REFERENCE, rowOfCode, valueAt, VOCABULARY } from '../helpers/packets.js';

let r: NewYearResult;
let ref: PacketSession;
beforeAll(async () => {
  ref = await openSession(REFERENCE);
  r = await newYear(bytesOf(REFERENCE), await loadPacket(REFERENCE), { file: 'reference-packet.xlsx', template: await loadPacket(EMPTY_TABLES), vocabulary: VOCABULARY });
}, 600_000);
afterAll(() => {
  r?.session.destroy();
  ref?.destroy();
});

describe('新年度 from the reference packet', () => {
  it('is 2025, with the 概况 carried', () => {
    expect(r.year).toBe(2025);
    expect(packetYear(r.session.packet)).toBe(2025);
    expect(valueAt(r.session, '概况', 'B3')).toBe(2025);
    expect(valueAt(r.session, '概况', 'B2')).toBe('中共景德镇市昌南新区工作委员会党群工作部');
    expect(r.overview.map((o) => o.name)).toEqual(expect.arrayContaining(['单位名称', '决算年度', '部门职责', '编制内实有人数']));
  });

  it('has every 上年数 equal to the 2024 figure its 取数公式 reads from the reference', () => {
    const prior = r.session.sheet('上年数');
    let n = 0;
    for (let row = 1; row < prior.cells.length; row++) {
      const c = prior.cells[row]?.[2];
      const formula = (c?.f ?? String(c?.v ?? '')).replace(/^=/, '');
      if (!formula) continue;
      const expected = ref.calculate(formula);
      const want = typeof expected === 'number' ? Math.round(expected * 100) / 100 : expected === null || expected === '' ? 0 : expected;
      expect(r.session.getValue('上年数', row, 1), `${String(prior.cells[row]?.[0]?.v)} ${formula}`).toBe(want);
      n++;
    }
    expect(n).toBe(r.prior.priorYear!.filled.length);
    expect(r.prior.priorYear!.notFilled).toEqual([]);
    expect(n).toBeGreaterThan(15);
    // one by hand: 2024's 本年收入合计 is 3966.62
    const income = prior.cells.findIndex((x) => String(x?.[0]?.v ?? '') === '本年收入合计');
    expect(r.session.getValue('上年数', income, 1)).toBe(3966.62);
  });

  it('carries the 72 forms with their plans and 年初预算数, the year\'s amounts and results cleared', () => {
    const forms = formSheets(r.session.packet);
    expect(forms.length).toBe(72);
    const old = formSheets(ref.packet)[0];
    const f = forms[0];
    const lo = formLayout(old) as FormLayout;
    const ln = formLayout(f) as FormLayout;
    const v = (s: string, row: number, col: number) => r.session.getValue(s, row, col);
    const total = ln.fundRows[0].row;
    expect(v(f.name, ln.nameCell.row, ln.nameCell.col)).toBe(ref.getValue(old.name, lo.nameCell.row, lo.nameCell.col));
    expect(v(f.name, total, ln.fundCols.initial)).toBe(ref.getValue(old.name, lo.fundRows[0].row, lo.fundCols.initial));
    expect(ref.getValue(old.name, lo.fundRows[0].row, lo.fundCols.B)).not.toBeNull();
    for (const fr of ln.fundRows) {
      expect(r.session.sheet(f.name).cells[fr.row]?.[ln.fundCols.B]?.v ?? null).toBeNull();
    }
    const first = ln.indRows[0];
    expect(v(f.name, first, ln.indCols.target)).toBe(ref.getValue(old.name, lo.indRows[0], lo.indCols.target));
    expect(r.session.sheet(f.name).cells[first]?.[ln.indCols.actual]?.v ?? null).toBeNull();
    expect(r.session.sheet(f.name).cells[first]?.[ln.indCols.score]?.v ?? null).toBeNull();
  });

  it('says 比上年 from the carried 上年数 once the 2025 figures are typed', async () => {
    // the 2025 figures: the reference's own tables imported as this year's, then 绩效工资 up by 48.18
    const imported = await importWorkbook(bytesOf(REFERENCE), r.session, { file: 'reference-packet.xlsx', mode: 'current', vocabulary: VOCABULARY, overwrite: true });
    expect(imported.edit).toBeDefined();
    const s = r.session;
    const t = narrativeTemplate();
    const text = () => normalizeText(narrativeText(generateNarrative(s, t)));
    expect(text()).toContain(normalizeText('本年收入合计3966.62万元，与上年持平'));
    const row = rowOfCode(s, '公开06表', '30107');
    s.apply([{ sheet: '公开06表', row, col: 2, value: 276.41 }]);
    expect(valueAt(s, '公开06表', 'C6')).toBeCloseTo(500, 6);
    expect(text()).toContain(normalizeText('（一）工资福利支出500.00万元，比上年增加48.18万元，增长10.66%'));
  }, 600_000);
});


/** bin/juesuan as a user runs it; 新年度 reads, imports and writes a whole packet, so it gets longer than the helper's 2 min */
function juesuan(...args: string[]) {
  const r = spawnSync('bin/juesuan', args, { encoding: 'utf8', timeout: 540_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/juesuan new-year', () => {
  it('writes the 2025 packet and says what it carried; exit 2 with a Chinese message without --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-new-year-'));
    const out = join(dir, '2025.xlsx');
    const r = juesuan('new-year', REFERENCE, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`已新建 2025 年度公开包（模板套 jiangxi-2024）：${out}`);
    expect(r.stdout).toMatch(/上年数：按取数公式填入 \d+ 项，未填 0 项/);
    expect(r.stdout).toContain('自评表：沿用 72 张');
    const p = await loadPacket(out);
    expect(packetYear(p)).toBe(2025);
    const bad = juesuan('new-year', REFERENCE);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('缺少 --out');
    const unknownSet = juesuan('new-year', REFERENCE, '--out', join(dir, 'x.xlsx'), '--set', 'nowhere-2030');
    expect(unknownSet.code).toBe(2);
    expect(unknownSet.stderr).toContain('没有模板套「nowhere-2030」');
  }, 600_000);
});

/**
 * Issue 20: domain rules live once in shared/ and the renderer uses them — the rows a table or form may grow
 * (rowOpsOf) are the rows its checks see (checks.ts totalRow/codeRows, forms/layout.ts formLayout), the 科目 code
 * is defined once, and findings are ranked by one function.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowOpsOf } from '../../renderer/grid/layout.js';
import { codeRows, parseParams, totalRow } from '../../shared/checks.js';
import { colIndex } from '../../shared/a1.js';
import { findingRank, sortFindings, type Finding } from '../../shared/engine.js';
import { formLayout } from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { readPacket } from '../../shared/xlsx.js';

let packet: Packet;
beforeAll(async () => {
  packet = await readPacket(new Uint8Array(readFileSync('templates/jiangxi-2024/reference-packet.xlsx')));
}, 120_000);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}
const code = [...sources('shared'), ...sources('renderer'), ...sources('cli')].map((p) => ({ p, text: readFileSync(p, 'utf8') }));

describe('the renderer grows the rows the checks see', () => {
  it('a 层级 table: from the row after 合计 over every 科目 row the checks expand', () => {
    const decls = packet.checks.filter((d) => d.kind === '层级');
    expect(decls.length).toBeGreaterThanOrEqual(4);
    let withRows = 0;
    for (const d of decls) {
      const p = parseParams(d.params);
      const sheet = packet.sheets.find((s) => s.name === p['表'])!;
      const codeCol = colIndex(p['编码列'] ?? 'A');
      const nameCol = colIndex(p['名称列'] ?? 'B');
      const ops = rowOpsOf(packet, sheet)!;
      const total = totalRow(sheet, codeCol, nameCol, p['合计行'] ?? '合计')!;
      expect([sheet.name, ops.kind, ops.first]).toEqual([sheet.name, '科目', total + 1]);
      const rows = codeRows(sheet, codeCol, nameCol, total + 1).map((r) => r.row);
      // a table the unit has nothing to report in (政府性基金) has no 科目 rows: its block is still there to grow
      if (rows.length) withRows++;
      for (const r of rows) expect(r >= ops.first && r <= ops.last).toBe(true);
    }
    expect(withRows).toBeGreaterThanOrEqual(3);
  });
  it('a form: exactly the indicator rows its scoring and checks use', () => {
    const forms = packet.sheets.filter((s) => s.kind === 'form');
    expect(forms.length).toBe(72);
    for (const s of forms) {
      const l = formLayout(s);
      if (typeof l === 'string') throw new Error(l);
      expect(rowOpsOf(packet, s)).toEqual({ kind: '指标', first: l.indRows[0], last: l.indRows[l.indRows.length - 1] });
    }
  });
});

describe('one definition each', () => {
  it('the 科目 code pattern is written once (shared/subject-code.ts)', () => {
    const hits = code.filter(({ text }) => text.includes('\\d{3}(\\d{2}){0,2}')).map(({ p }) => p);
    expect(hits).toEqual(['shared/subject-code.ts']);
  });
  it('findings are ranked by one function (findingRank, shared/session/check-runner.ts), the editor sorts through sortFindings', () => {
    const hits = code.filter(({ text }) => /severity === 'error' \? 0/.test(text)).map(({ p }) => p);
    expect(hits).toEqual(['shared/session/check-runner.ts']);
    // the controller's marks index (renderer/state/marks.ts) keeps the findings list the checks panel shows
    expect(readFileSync('renderer/state/marks.ts', 'utf8')).toContain('sortFindings(');
    const f = (severity: 'error' | 'warning', rounding: boolean, sheet: string, rule: string) => ({ severity, rounding, sheet, rule }) as unknown as Finding;
    const list = [f('warning', true, '公开01表', 'A'), f('warning', false, '公开02表', 'B'), f('error', false, '公开03表', 'C'), f('warning', false, '公开01表', 'D')];
    expect(list.map(findingRank)).toEqual([2, 1, 0, 1]);
    expect(sortFindings([...list]).map((x) => x.rule)).toEqual(['C', 'D', 'B', 'A']);
    // the editor's order: the position of the sheet in the tree, not its name
    const order = new Map([['公开02表', 0], ['公开01表', 1], ['公开03表', 2]]);
    expect(sortFindings([...list], (x) => order.get(x.sheet)!).map((x) => x.rule)).toEqual(['C', 'B', 'D', 'A']);
  });
});

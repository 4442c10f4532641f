/** A 5,000-row source sheet: every 科目 row lands in code order, the 层级 checks hold, progress is reported. */
import { describe, expect, it } from 'vitest';
import { applyImport, planImport, type ImportProgress } from '../../shared/import/index.js';
import { bigSource, toBytes } from '../fixtures/import/build.js';
import { EMPTY_TABLES, openSession, VOCABULARY } from '../helpers/packets.js';

describe('a 5,000-row source sheet', () => {
  it('imports with progress; rows in code order; the 层级 checks of all 5,000 rows hold', async () => {
    const bytes = await toBytes(bigSource());
    const session = await openSession(EMPTY_TABLES);
    const events: ImportProgress[] = [];
    const plan = await planImport(bytes, session, { vocabulary: VOCABULARY, file: 'big.xlsx', onProgress: (p) => events.push(p) });
    expect(plan.report.sheets[0]).toMatchObject({ table: '公开02表', rowsInserted: expect.any(Array) });
    expect(plan.report.sheets[0].rowsInserted).toHaveLength(5000);
    const r = await applyImport(session, plan, { onProgress: (p) => events.push(p) });
    expect(r.report.summary.cellsNotPlaced).toBe(0);
    expect(r.report.sheets[0].unit).toMatchObject({ unit: '元', converted: 15003 });

    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['读取文件', '识别表格', '匹配单元格', '插入科目行', '写入公开包', '完成']);
    expect(events.filter((e) => e.phase === '匹配单元格').length).toBeGreaterThanOrEqual(10);
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);

    // a large import rebuilds the packet: the result carries the session to continue with
    const s = r.session!;
    const sheet = s.sheet('公开02表');
    const codes = sheet.cells.map((row) => String(row[0]?.v ?? '')).filter((c) => /^\d{3,7}$/.test(c));
    expect(codes).toHaveLength(5000);
    expect(codes).toEqual([...codes].sort());
    expect(codes.slice(0, 3)).toEqual(['201', '20101', '2010101']);
    const findings = s.findings();
    expect(findings.filter((f) => f.rule.startsWith('02-H'))).toEqual([]);
    // only the ties to the tables this source does not have (01, 04) are open, and 01表 is named as empty
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['01-00', 'X-01', 'X-03']);
    expect(s.dirty).toBe(true);
  }, 300_000);
});

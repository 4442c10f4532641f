/**
 * A 5,000-row source sheet: every 科目 row lands in code order, the 层级 checks hold, progress is reported; the
 * import goes into the open session (no rebuild, the engine's one validation) and Ctrl+Z takes it back in one step.
 */
import { describe, expect, it } from 'vitest';
import { applyImport, planImport, type ImportProgress } from '../../shared/import/index.js';
import { bigSource, toBytes } from '../fixtures/import/build.js';
import { EMPTY_TABLES, openSession, VOCABULARY } from '../helpers/packets.js';

describe('a 5,000-row source sheet', () => {
  it('imports with progress; rows in code order; the 层级 checks of all 5,000 rows hold', async () => {
    const bytes = await toBytes(bigSource());
    const session = await openSession(EMPTY_TABLES);
    const findingsBefore = session.findings();
    const rowsBefore = session.sheet('公开02表').cells.length;
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

    // the import went into the open session: nothing rebuilt, the grid told which sheet grew
    expect(r.edit?.structural).toEqual(['公开02表']);
    const s = session;
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
    // the result's findings diff covers the whole step (rows, figures, the re-expanded 层级 checks)
    const had = new Set(findingsBefore.map((f) => f.rule));
    expect(r.edit?.added.map((f) => f.rule).sort()).toEqual(findings.map((f) => f.rule).filter((k) => !had.has(k)).sort());
    expect(r.edit?.added.map((f) => f.rule)).toContain('X-01');

    // one undo step takes back the 5,000 rows, their figures and the findings they brought
    const undone = s.undo()!;
    expect(undone.structural).toEqual(['公开02表']);
    expect(s.sheet('公开02表').cells.length).toBe(rowsBefore);
    expect(s.sheet('公开02表').cells.some((row) => /^\d{3,7}$/.test(String(row[0]?.v ?? '')))).toBe(false);
    expect(s.findings()).toEqual(findingsBefore);
    expect(s.canUndo()).toBe(false);
    // and one redo puts it all back
    s.redo();
    expect(s.sheet('公开02表').cells.map((row) => String(row[0]?.v ?? '')).filter((c) => /^\d{3,7}$/.test(c))).toEqual(codes);
    expect(s.findings().filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['01-00', 'X-01', 'X-03']);
    expect(s.findings().filter((f) => f.rule.startsWith('02-H'))).toEqual([]);
  }, 300_000);
});

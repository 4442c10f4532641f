/**
 * 出错说明 and the 审核报告 on the reference packet, with the real engine and real .xlsx round trips:
 * an explanation is written for a 提示, saved, reopened, printed in the report; the export gate counts the
 * 提示 as answered; changing a figure of the finding flags the 说明 待复核; errors cannot be explained.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { PacketSession, type Finding } from '../../shared/engine.js';
import { writePacket, readPacket } from '../../shared/xlsx.js';
import { reviewPacket } from '../../shared/merge/review.js';
import { auditReportHtml, auditReportXlsx, buildAuditReport, explainFindings, exportGate, setExplanation } from '../../shared/report/index.js';
import { loadPacket } from '../helpers/packets.js';

const NAME_RULE = (f: Finding) => f.severity === 'warning' && !f.rounding && f.message.includes('2130804');
const FORM_RULE = (f: Finding) => f.sheet.startsWith('自评23') && f.cells.includes('H22');

async function reopen(session: PacketSession): Promise<PacketSession> {
  return new PacketSession(await readPacket(await writePacket(session.toPacket())));
}

describe('出错说明', () => {
  it('is stored in the packet, survives save and reopen, answers the 提示 in the export gate, and is flagged 待复核 when a figure changes', async () => {
    const s1 = new PacketSession(await loadPacket());
    const before = exportGate(s1);
    expect(before.errors).toEqual([]);
    const target = s1.findings().find(FORM_RULE)!;
    expect(target.message).toContain('实际完成值 90');
    expect(before.unexplained.map((f) => f.rule)).toContain(target.rule);

    setExplanation(s1, target, '满意度调查结果为 90%，按评分办法视同达标。');
    expect(s1.dirty).toBe(true);
    const s2 = await reopen(s1);
    s1.destroy();
    expect(s2.packet.explanations).toHaveLength(1);
    const x = explainFindings(s2).find((e) => e.finding.rule === target.rule)!;
    expect(x.state).toBe('ok');
    expect(x.explanation!.text).toBe('满意度调查结果为 90%，按评分办法视同达标。');
    const after = exportGate(s2);
    expect(after.unexplained.length).toBe(before.unexplained.length - 1);
    expect(after.explained.map((f) => f.rule)).toEqual([target.rule]);

    // 运算（全部重算） leaves the finding as it is: the 说明 still holds
    s2.recalculateAll();
    expect(explainFindings(s2).find((e) => e.finding.rule === target.rule)!.state).toBe('ok');

    // the actual value (F22) 90 → 85: the same finding with other figures, so the 说明 needs a look again
    const sheet = target.sheet;
    const r = s2.apply([{ sheet, row: 21, col: 5, value: 85 }]);
    expect(r.rejected).toEqual([]);
    const moved = explainFindings(s2).find((e) => e.finding.rule === target.rule)!;
    expect(moved.finding.message).toContain('实际完成值 85');
    expect(moved.state).toBe('stale');
    const gate = exportGate(s2);
    expect(gate.unexplained.map((f) => f.rule)).toContain(target.rule);
    expect(gate.stale.map((f) => f.rule)).toEqual([target.rule]);
    // and back to 90: the figures the 说明 was written for, so it holds again
    s2.apply([{ sheet, row: 21, col: 5, value: 90 }]);
    expect(explainFindings(s2).find((e) => e.finding.rule === target.rule)!.state).toBe('ok');
    s2.destroy();
  });

  it('cannot explain an error away, and an empty 说明 removes it', async () => {
    const s = new PacketSession(await loadPacket());
    s.apply([{ sheet: '公开01表', row: 6, col: 2, value: 3000 }]);
    const err = s.findings().find((f) => f.severity === 'error')!;
    expect(err).toBeDefined();
    expect(() => setExplanation(s, err, '就是这样。')).toThrow(/错误不能用出错说明放过/);
    expect(exportGate(s).errors.length).toBeGreaterThan(0);
    const w = s.findings().find(NAME_RULE)!;
    setExplanation(s, w, '公开文本原样如此。');
    expect(s.packet.explanations).toHaveLength(1);
    setExplanation(s, w, '  ');
    expect(s.packet.explanations).toHaveLength(0);
    s.destroy();
  });

  it('the batch review counts only unexplained 提示', async () => {
    const s = new PacketSession(await loadPacket());
    const plain = await reviewPacket(await writePacket(s.toPacket()), 'a.xlsx');
    if (!plain.ok) throw new Error('unreadable');
    setExplanation(s, s.findings().find(NAME_RULE)!, '公开文本原样如此。');
    const explained = await reviewPacket(await writePacket(s.toPacket()), 'b.xlsx');
    if (!explained.ok) throw new Error('unreadable');
    expect(plain.unexplained).toBe(plain.hints - plain.rounding);
    expect(explained.unexplained).toBe(plain.unexplained - 1);
    expect(explained.hints).toBe(plain.hints);
    s.destroy();
  });
});

describe('审核报告', () => {
  it('lists every finding grouped by table with severity, cells, message and the 出错说明 column', async () => {
    const s = new PacketSession(await loadPacket());
    const w = s.findings().find(NAME_RULE)!;
    setExplanation(s, w, '公开文本原样如此，以公开文本为准。');
    const f = s.findings().find(FORM_RULE)!;
    setExplanation(s, f, '满意度 90% 视同达标。');
    s.apply([{ sheet: f.sheet, row: 21, col: 5, value: 85 }]);
    const report = buildAuditReport(s, new Date(2025, 4, 20, 9, 30));
    const total = report.groups.reduce((a, g) => a + g.rows.length, 0);
    expect(total).toBe(s.findings().length);
    // groups follow the packet's sheet order
    const order = s.packet.sheets.map((x) => x.name);
    const idx = report.groups.map((g) => order.indexOf(g.sheet));
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(report.counts.explained).toBe(1);
    expect(report.counts.stale).toBe(1);

    const bytes = await auditReportXlsx(report);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('审核报告')!;
    expect(ws.getRow(4).values).toEqual([undefined, '序号', '级别', '编号', '单元格', '审核结果', '出错说明', '状态']);
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    const named = rows.find((r) => r[4].includes('2130804'))!;
    expect(named.slice(1, 4)).toEqual(['提示', w.rule, w.cells.join(',')]);
    expect(named[5]).toBe('公开文本原样如此，以公开文本为准。');
    expect(named[6]).toBe('已说明');
    const stale = rows.find((r) => r[2] === f.rule)!;
    expect(stale[5]).toContain('满意度 90% 视同达标。');
    expect(stale[5]).toContain('待复核');
    expect(stale[6]).toBe('待复核');
    expect(rows.some((r) => r[0] === '公开06表（1 条）' || r[0].startsWith('公开06表（'))).toBe(true);
    // print setup: title row repeated, a print area, page numbers in the footer
    expect(ws.pageSetup.printTitlesRow).toMatch(/4:\$?4/);
    expect(ws.pageSetup.printArea).toMatch(/A1:G\d+/);
    expect(ws.headerFooter.oddFooter).toContain('&P');
    // a wrapped row has a height for its lines
    const staleRow = ws.getRow(rows.indexOf(stale) + 1);
    expect(staleRow.height).toBeGreaterThan(20);

    const html = auditReportHtml(report);
    expect(html).toContain('公开文本原样如此，以公开文本为准。');
    expect(html).toContain('counter(pages)');
    s.destroy();
  });
});

/**
 * Issue 17: the 审核 sheet's own checks keep their message placeholders and locators out of the engine until a
 * row move must shift them. A failing check's finding must follow the rows exactly as it did when every
 * placeholder was an engine cell: cells, figures, the text saved back, through undo and redo.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/engine.js';
import { openSession, set, setDetailOnly } from '../helpers/packets.js';

const SHEET = '公开01表';

function rule(fs: Finding[], id: string): Finding | undefined {
  return fs.find((f) => f.rule === id);
}

describe('公式 checks: placeholders and locators follow row moves', () => {
  it('a failing check keeps its cells and figures when rows are inserted above them, and after undo/redo', async () => {
    const s = await openSession();
    // silent on the reference: 01-01 is 本年收入合计 C33 against C7:C14
    expect(rule(s.findings(), '01-01')).toBeUndefined();
    setDetailOnly(s, SHEET, 'C7', 3000);
    const before = rule(s.findings(), '01-01')!;
    expect(before.severity).toBe('error');
    expect(before.cells).toEqual(['C33']);
    expect(before.message).toBe('公开01表 本年收入合计：本年收入合计 3,966.62 与 第1—8行各项收入之和 3,681.72 不等，差额 284.90。');

    s.insertRows(SHEET, 2, 2);
    const moved = rule(s.findings(), '01-01')!;
    // the locator moved with the rows; the figures are the same cells read at their new place
    expect(moved.cells).toEqual(['C35']);
    expect(moved.message).toBe(before.message);
    const saved = s.toPacket().checks.find((c) => c.id === '01-01')!;
    expect(saved.locate).toContain('C35');
    expect(saved.message).toContain('C35');
    expect(saved.message).toContain('C9:');
    expect(saved.message).not.toContain('C33');
    expect(saved.formula).toMatch(/^APPROX\(/);
    expect(saved.formula).toContain('C35');

    // the detail at its new row: the message's sum follows it (the placeholder reads C9, not the old C7)
    setDetailOnly(s, SHEET, 'C9', 2000);
    const edited = rule(s.findings(), '01-01')!;
    expect(edited.cells).toEqual(['C35']);
    expect(edited.message).not.toBe(before.message);
    expect(edited.message).toContain('之和 2,681.72 不等，差额 1,284.90');

    s.undo(); // the edit
    expect(rule(s.findings(), '01-01')!.message).toBe(before.message);
    s.undo(); // the rows
    const back = rule(s.findings(), '01-01')!;
    expect(back.cells).toEqual(['C33']);
    expect(back.message).toBe(before.message);
    const savedBack = s.toPacket().checks.find((c) => c.id === '01-01')!;
    expect(savedBack.locate).toContain('C33');
    expect(savedBack.message).toContain('C33');

    // a figure changed after the undo still reaches the message (the check reads its text again)
    setDetailOnly(s, SHEET, 'C7', 2500);
    expect(rule(s.findings(), '01-01')!.message).toContain('之和 3,181.72 不等');
    s.undo();
    expect(rule(s.findings(), '01-01')!.message).toBe(before.message);
    s.redo();
    expect(rule(s.findings(), '01-01')!.message).toContain('之和 3,181.72 不等');
    s.destroy();
  }, 120_000);

  it('a check that holds stays silent through the move and fires at the new cells when broken there', async () => {
    const s = await openSession();
    s.insertRows(SHEET, 2, 1);
    expect(rule(s.findings(), '01-01')).toBeUndefined();
    // C8 is the old C7: a real mismatch now, and the finding points at the total's new row
    set(s, SHEET, 'C34', 1);
    const f = rule(s.findings(), '01-01');
    expect(f?.cells).toEqual(['C34']);
    expect(f?.rounding).toBe(false);
    s.destroy();
  }, 120_000);

  it('AND of APPROX calls in one engine cell: 尾数差 within the allowance, error beyond, saved back as the AND', async () => {
    const s = await openSession();
    const form = s.packet.sheets.find((x) => x.name.startsWith('自评03 '))!.name;
    const id = `${form}:资金合计`;
    expect(rule(s.findings(), id)).toBeUndefined();
    const c6 = s.getValue(form, 5, 2) as number;
    // three fund rows: 3 × 0.005 allowed
    setDetailOnly(s, form, 'C6', Math.round((c6 + 0.01) * 100) / 100);
    const warn = rule(s.findings(), id)!;
    expect(warn.severity).toBe('warning');
    expect(warn.rounding).toBe(true);
    setDetailOnly(s, form, 'C6', c6 + 1);
    const err = rule(s.findings(), id)!;
    expect(err.severity).toBe('error');
    expect(err.rounding).toBe(false);
    expect(err.message).toContain('年初预算数');
    setDetailOnly(s, form, 'C6', c6);
    expect(rule(s.findings(), id)).toBeUndefined();
    const saved = s.toPacket().checks.find((c) => c.id === id)!;
    expect(saved.formula).toMatch(/^AND\(APPROX\(ROUND\(/);
    expect(saved.formula).not.toContain('APPROXSTATE');
    expect(saved.formula).not.toContain('MAX(');
    expect(saved.formula.match(/APPROX\(/g)).toHaveLength(3);
    s.destroy();
  }, 120_000);
});

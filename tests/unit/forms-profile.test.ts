/** Scoring profiles are data chosen per packet: switching one changes 执行率得分 and 总分 exactly as expected. */
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formsReport, PROFILE_CHOICE_CELL, PROFILE_SHEET, PROFILES, scoringProfile } from '../../shared/forms.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { get, publishedForms, set, smallSession } from './forms-helpers.js';

/** The profile is the choice cell of the 评分规则 sheet (as a finance bureau sets it in Excel): one ordinary edit. */
const chooseProfile = (session: PacketSession, code: string) => session.apply([{ sheet: PROFILE_SHEET, ...PROFILE_CHOICE_CELL, value: code }]);

const all = Array.from({ length: 72 }, (_x, i) => i + 1);
const stepped = (rate: number) => (rate >= 100 ? 10 : rate >= 80 ? 7 : rate >= 60 ? 5 : 0);
const round2 = (x: number) => Math.round(x * 100) / 100;

describe('the profiles are data in the template set', () => {
  it('the 自评评分规则 sheet holds both profiles and the grade bands; the formulas read them by name', () => {
    const { session, sheets } = smallSession([2]);
    const s = session.sheet(PROFILE_SHEET);
    expect(s.hidden).toBe(true);
    expect(PROFILES.map((p) => p.code)).toEqual(['stepped', 'national']);
    expect(get(session, PROFILE_SHEET, 'A5')).toBe('stepped');
    // 下限 0/60/80/100 %, points 0/5/7/10 of 10
    expect([3, 4, 5, 6, 7, 8, 9, 10].map((c) => session.getValue(PROFILE_SHEET, 4, c))).toEqual([0, 60, 80, 100, 0, 5, 7, 10]);
    expect(get(session, PROFILE_SHEET, 'A6')).toBe('national');
    expect(get(session, PROFILE_SHEET, 'C2')).toBe('当前：分档计分（100%、80%、60%三档）');
    // the 执行率得分 is a 运算 cell: an input whose derivation is the rule's formula, reading the profile by name
    expect(session.isInput(sheets[0], 5, 7)).toBe(true);
    expect(session.derivedCells(sheets[0]).find((d) => d.row === 5 && d.col === 7)?.formula).toContain('评分方式');
    expect(scoringProfile(session)).toBe('stepped');
    // a bureau may change a step in the sheet: 80% now earns 8 of 10
    const packet = session.toPacket();
    packet.sheets.find((x) => x.name === PROFILE_SHEET)!.cells[4][9] = { v: 8 };
    const again = new PacketSession(packet);
    set(again, sheets[0], 'E6', 60); // 60 / 66.622 = 90.06 %
    expect(get(again, sheets[0], 'H6')).toBe(8);
  });
});

describe('switching the profile', () => {
  it('stepped → national on all 72 published forms: 执行率得分 = 10 × min(B/A, 1) and 总分 moves by exactly the difference', () => {
    const { session } = smallSession(all);
    const before = formsReport(session);
    const pub = publishedForms();
    before.forms.forEach((f, i) => {
      expect(f.rateScore).toBe(stepped((f.B! / f.A!) * 100));
      expect(f.rateScore).toBe(pub[i].funds[0].score);
    });
    const r = chooseProfile(session, 'national');
    expect(r.rejected).toEqual([]);
    expect(scoringProfile(session)).toBe('national');
    const after = formsReport(session);
    after.forms.forEach((f, i) => {
      const national = round2(10 * Math.min(f.B! / f.A!, 1));
      expect(f.rateScore).toBe(national);
      expect(f.total).toBeCloseTo(before.forms[i].total! - before.forms[i].rateScore! + national, 9);
    });
    // form 2: 47.56 % earns 0 in steps, 4.76 in proportion; its 总分 82 becomes 86.76
    expect(after.forms[1]).toMatchObject({ rateScore: 4.76, total: 86.76, grade: '良' });
    // form 25: 99.23 % earns 7 in steps, 9.92 in proportion
    expect(before.forms[24].rateScore).toBe(7);
    expect(after.forms[24].rateScore).toBe(9.92);
    expect(session.findings().filter((f) => f.severity === 'error')).toEqual([]);
    // and back, as one undoable edit
    session.undo();
    expect(formsReport(session).forms.map((f) => [f.rateScore, f.total])).toEqual(before.forms.map((f) => [f.rateScore, f.total]));
  });

  it('a 分值 other than 10 scales the step: 分值 × 档位得分 ÷ 10', () => {
    const { session, sheets } = smallSession([72]); // 24 / 37 = 64.86 % → step 5 of 10
    const F = sheets[0];
    expect(get(session, F, 'H6')).toBe(5);
    set(session, F, 'F6', 5);
    expect(get(session, F, 'H6')).toBe(2.5);
    set(session, F, 'F6', 15);
    expect(get(session, F, 'H6')).toBe(7.5);
    chooseProfile(session, 'national');
    expect(get(session, F, 'H6')).toBe(round2(15 * 24 / 37));
  });

  it('the choice survives save and reopen', async () => {
    const { session, sheets } = smallSession([2]);
    chooseProfile(session, 'national');
    const reopened = await readPacket(await writePacket(session.toPacket()));
    const s = new PacketSession(reopened);
    expect(scoringProfile(s)).toBe('national');
    expect(get(s, sheets[0], 'H6')).toBe(4.76);
  });
});

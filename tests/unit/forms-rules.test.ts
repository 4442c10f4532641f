/**
 * Every live check of a form, holding and failing, through PacketSession.apply on small packets built in
 * the test from published forms (form 2: A 66.622, B 31.687, 执行率 47.5, 总分 82; form 3: 0.757/0.757, 95).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formsReport, PROFILE_SHEET } from '../../shared/forms.js';
import { at, cleanMessages, finding, findingsOf, get, set, smallPacket, smallSession } from './forms-helpers.js';

let session: PacketSession;
let F2: string;
let F3: string;
beforeEach(() => {
  const s = smallSession([2, 3]);
  session = s.session;
  [F2, F3] = s.sheets;
});
const rule = (sheet: string, key: string) => finding(session, `${sheet}:${key}`);

describe('a published form holds every check', () => {
  it('no findings at all on forms 2 and 3', () => {
    expect(session.findings()).toEqual([]);
    expect(F2).toBe('自评01 2023年中央就业补助资金（第二批）');
    expect(get(session, F2, 'H6')).toBe(0);
    expect(get(session, F2, 'H23')).toBe(82);
    expect(get(session, F2, 'G24')).toBe('良');
    expect(get(session, F3, 'H6')).toBe(10);
  });
});

describe('执行率 = B/A', () => {
  it('accepts the published truncation and rounding, rejects a real difference at the 执行率 cell', () => {
    set(session, F2, 'G6', 47.6); // 47.56 rounded
    expect(rule(F2, '执行率:年度资金总额')).toBeUndefined();
    set(session, F2, 'G6', 47.7);
    const f = rule(F2, '执行率:年度资金总额')!;
    expect(f).toMatchObject({ severity: 'error', rounding: false, cells: ['G6'] });
    expect(f.message).toBe('年度资金总额：执行率 47.7 与 全年执行数B÷全年预算数A×100＝47.56 不符（执行率填百分数的数字，如 47.5；允许0.1个百分点以内的舍入差）。');
    set(session, F2, 'G6', 47.5);
    expect(rule(F2, '执行率:年度资金总额')).toBeUndefined();
  });

  it('a 其中 row is checked the same way', () => {
    set(session, F2, 'G7', 45);
    expect(rule(F2, '执行率:政府预算资金')).toMatchObject({ severity: 'error', cells: ['G7'] });
  });

  it('a 执行率 typed with a % sign is the number; text is refused at the cell; text from a file is a finding', () => {
    set(session, F2, 'G6', '47.5%');
    expect(get(session, F2, 'G6')).toBe(47.5);
    expect(rule(F2, '执行率:年度资金总额')).toBeUndefined();
    const r = session.apply([{ sheet: F2, ...at('G6'), value: '约47' }]);
    expect(r.rejected[0]).toMatchObject({ code: 'bad-value', reason: `${F2} G6 是百分比单元格，应填百分数的数字（如 96.3 或 96.3%）；「约47」未填入。` });
    expect(get(session, F2, 'G6')).toBe(47.5);
    const { packet, sheets } = smallPacket([2]);
    packet.sheets.find((x) => x.name === sheets[0])!.cells[5][6]!.v = '47.5%';
    const s = new PacketSession(packet);
    expect(finding(s, `${sheets[0]}:执行率:年度资金总额`)!.message).toContain('执行率 47.5% 与');
  });
});

describe('执行率得分 by the scoring profile', () => {
  it('holds when the score cell is the profile formula; a typed-over score (file edited elsewhere) is an error', () => {
    expect(rule(F2, '执行率得分')).toBeUndefined();
    const { packet, sheets } = smallPacket([2]);
    packet.sheets.find((s) => s.name === sheets[0])!.cells[5][7] = { v: 7, s: 0 };
    const s = new PacketSession(packet);
    const f = finding(s, `${sheets[0]}:执行率得分`)!;
    expect(f).toMatchObject({ severity: 'error', cells: ['H6'] });
    expect(f.message).toBe('执行率得分 7 与评分规则「stepped」按执行率计得的 0 不符：执行率得分应由评分规则计算。');
  });

  it('an unknown profile code is one error at the choice, and scores fall to 0 instead of #N/A', () => {
    set(session, PROFILE_SHEET, 'B2', 'provincial');
    const f = finding(session, '自评评分规则:规则代码')!;
    expect(f).toMatchObject({ severity: 'error', sheet: PROFILE_SHEET, cells: ['B2'] });
    expect(get(session, F3, 'H6')).toBe(0);
    expect(get(session, F3, 'H23')).toBe(85);
    expect(cleanMessages(session.findings())).toEqual([]);
  });
});

describe('分值 and 得分', () => {
  it('Σ分值 = 100: a changed 分值 is an error at the 总分 分值 cell until it adds up again', () => {
    set(session, F2, 'G13', 25);
    const f = rule(F2, '指标:分值合计')!;
    expect(f).toMatchObject({ severity: 'error', cells: ['G23'] });
    expect(f.message).toBe('各项分值合计 105 不等于100（含执行率分值 10）：请调整各指标的分值。');
    set(session, F2, 'G18', 15);
    expect(rule(F2, '指标:分值合计')).toBeUndefined();
  });

  it('得分 above its 分值, negative, or missing where a 分值 is set: an error at the 得分 cell', () => {
    set(session, F2, 'H18', 21);
    expect(rule(F2, '指标:R18:得分')).toMatchObject({ severity: 'error', cells: ['H18'], message: '第18行「时效指标」：得分 21 应在0与分值 20 之间（已设分值的指标须填写得分）。' });
    set(session, F2, 'H18', -1);
    expect(rule(F2, '指标:R18:得分')).toBeDefined();
    set(session, F2, 'H18', null);
    expect(rule(F2, '指标:R18:得分')!.message).toBe('第18行「时效指标」：得分 空 应在0与分值 20 之间（已设分值的指标须填写得分）。');
    set(session, F2, 'H18', 20);
    expect(rule(F2, '指标:R18:得分')).toBeUndefined();
  });

  it('总分 = Σ得分: the 总分 follows the scores; a typed-over 总分 is an error', () => {
    set(session, F2, 'H18', 19);
    expect(get(session, F2, 'H23')).toBe(81);
    expect(rule(F2, '指标:总分')).toBeUndefined();
    const { packet, sheets } = smallPacket([2]);
    packet.sheets.find((s) => s.name === sheets[0])!.cells[22][7] = { v: 90, s: 0 };
    const s = new PacketSession(packet);
    expect(finding(s, `${sheets[0]}:指标:总分`)).toMatchObject({ severity: 'error', cells: ['H23'], message: '总分 90 与执行率得分及各指标得分之和 82 不等。' });
    // the grade follows the typed 总分 (优), so the grade check holds; a typed grade that does not is an error
    expect(finding(s, `${sheets[0]}:等级`)).toBeUndefined();
  });

  it('等级 matches 总分: a typed-over grade is an error; the bands are 优 ≥ 90, 良 80–89.99, 中 60–79.99, 差 < 60', () => {
    const { packet, sheets } = smallPacket([2]);
    packet.sheets.find((s) => s.name === sheets[0])!.cells[23][6] = { v: '优', s: 0 };
    const s = new PacketSession(packet);
    expect(finding(s, `${sheets[0]}:等级`)).toMatchObject({ severity: 'error', cells: ['G24'], message: '自评等级「优」与总分 82 对应的等级「良」不符（等级按「自评评分规则」工作表中各等级的总分下限）。' });
    const grade = (scoreOfRow13: number) => {
      set(session, F2, 'H13', scoreOfRow13);
      return get(session, F2, 'G24');
    };
    // 总分 = 64 + H13 (form 2 without row 13 scores 64)
    expect(grade(20)).toBe('良'); // 84
    expect(grade(16)).toBe('良'); // 80
    expect(grade(15.99)).toBe('中'); // 79.99
    expect(grade(0)).toBe('中'); // 64
    set(session, F2, 'H18', 0);
    expect(get(session, F2, 'H23')).toBe(44);
    expect(get(session, F2, 'G24')).toBe('差');
    set(session, F3, 'H16', 20);
    expect(get(session, F3, 'G24')).toBe('优');
    expect(session.findings().filter((f) => f.rule.endsWith(':等级'))).toEqual([]);
  });
});

describe('偏差原因', () => {
  it('a deducted score with an empty 偏差原因 is an error at that empty cell; writing the reason clears it', () => {
    expect(get(session, F2, 'I18')).toBeNull();
    const r = set(session, F2, 'H18', 18);
    const f = rule(F2, '指标:R18:偏差原因')!;
    expect(r.added).toContainEqual(f);
    expect(f).toMatchObject({ severity: 'error', sheet: F2, cells: ['I18'] });
    expect(f.message).toBe('第18行「时效指标」得分 18 低于分值 20，未填写偏差原因分析及改进措施：扣分须说明原因。');
    set(session, F2, 'I18', '   ');
    expect(rule(F2, '指标:R18:偏差原因')).toBeDefined();
    const done = set(session, F2, 'I18', '个别事项完成滞后，下年度加强进度管理');
    expect(done.removed.map((x) => x.rule)).toContain(`${F2}:指标:R18:偏差原因`);
    expect(findingsOf(session, F2)).toEqual([]);
  });
});

describe('项目资金', () => {
  it('年度资金总额 = Σ sources, with the 尾数差 allowance of the 4 fund rows', () => {
    // 运算: a source row's edit moves the 年度资金总额 with it; to judge the check, the total is typed over
    set(session, F2, 'D6', 66.6125); // 66.61 vs 66.62: within 4 × 0.005
    expect(rule(F2, '资金合计')).toMatchObject({ severity: 'warning', rounding: true, cells: ['C6'] });
    set(session, F2, 'D6', 66.7);
    const f = rule(F2, '资金合计')!;
    expect(f).toMatchObject({ severity: 'error', rounding: false });
    expect(f.message).toBe('年度资金总额与其中各项资金之和不等：年初预算数 66.62／66.62，全年预算数 66.70／66.62，全年执行数 31.69／31.69。');
    // typed over beyond the allowance, the total no longer follows its sources
    set(session, F2, 'D7', 30);
    expect(get(session, F2, 'D6')).toBe(66.7);
    set(session, F2, 'D8', 36.7);
    expect(rule(F2, '资金合计')).toBeUndefined();
  });

  it('B ≤ A is a warning at B', () => {
    set(session, F3, 'E6', 0.9);
    const f = rule(F3, '执行数超预算')!;
    expect(f).toMatchObject({ severity: 'warning', rounding: false, cells: ['E6'] });
    expect(f.message).toBe('年度资金总额：全年执行数B 0.90 大于全年预算数A 0.76，执行率超过100%：请核实预算调整或执行数。');
  });

  it('A = 0 with B > 0: a clear error at A, the score is 0 (not NaN), nothing shows an Excel error', () => {
    set(session, F2, 'D6', 0);
    const f = rule(F2, '预算为零')!;
    expect(f).toMatchObject({ severity: 'error', cells: ['D6'] });
    expect(f.message).toBe('年度资金总额：全年预算数A为 0.00，全年执行数B却为 31.69，执行率无法计算：请填写全年预算数，或核对执行数。');
    expect(rule(F2, '执行率:年度资金总额')!.message).toContain('＝无法计算（全年预算数为0或空）');
    expect(get(session, F2, 'H6')).toBe(0);
    expect(get(session, F2, 'H23')).toBe(82);
    expect(formsReport(session).forms[0]).toMatchObject({ A: 0, rateScore: 0, total: 82, grade: '良' });
    expect(cleanMessages(session.findings())).toEqual([]);
    set(session, F2, 'D6', 66.622);
    expect(rule(F2, '预算为零')).toBeUndefined();
  });

  it('negative amounts are an error over the fund block', () => {
    set(session, F2, 'C8', -5);
    expect(rule(F2, '资金负数')).toMatchObject({ severity: 'error', cells: ['C6:E9'], message: '项目资金中有 1 个负数：年初预算数、全年预算数、全年执行数不能为负。' });
  });

  it('text in an amount cell (a file edited elsewhere) is the engine\'s type error at that cell, and the form keeps computing', () => {
    expect(session.apply([{ sheet: F2, ...at('E6'), value: '三十一' }]).rejected[0].code).toBe('bad-value');
    const { packet, sheets } = smallPacket([2, 3]);
    packet.sheets.find((x) => x.name === sheets[0])!.cells[5][4]!.v = '三十一';
    session = new PacketSession(packet);
    const f = finding(session, `类型:${F2}!E6`)!;
    expect(f).toMatchObject({ severity: 'error', cells: ['E6'] });
    expect(get(session, F2, 'H6')).toBe(0);
    expect(typeof get(session, F2, 'H23')).toBe('number');
    expect(cleanMessages(session.findings())).toEqual([]);
  });
});

describe('bad input in the 绩效指标', () => {
  it('text in a 分值 or 得分 cell (a file edited elsewhere): an error that counts the text cells, and the row check at the cell', () => {
    expect(session.apply([{ sheet: F2, ...at('H13'), value: '十八' }]).rejected[0]).toMatchObject({ code: 'bad-value', reason: `${F2} H13 是分数单元格，应填分数（数字）；「十八」未填入。` });
    const { packet, sheets } = smallPacket([2, 3]);
    packet.sheets.find((x) => x.name === sheets[0])!.cells[12][7]!.v = '十八';
    session = new PacketSession(packet);
    expect(rule(F2, '指标:文字')).toMatchObject({ severity: 'error', cells: ['G13:H22'], message: '绩效指标的分值、得分栏中有 1 个单元格填的是文字，不参与合计：请改为数字或清空。' });
    expect(rule(F2, '指标:R13:得分')!.message).toBe('第13行「经济成本指标」：得分 十八 应在0与分值 20 之间（已设分值的指标须填写得分）。');
    // the 总分 the file holds stays (a 运算 cell, not a formula): the 总分 check says it no longer adds up
    expect(get(session, F2, 'H23')).toBe(82);
    expect(rule(F2, '指标:总分')!.message).toBe('总分 82 与执行率得分及各指标得分之和 64 不等。');
    expect(cleanMessages(session.findings())).toEqual([]);
  });

  it('a negative 分值: an error naming it, never a NaN', () => {
    set(session, F2, 'G16', -10);
    expect(rule(F2, '指标:分值负数')).toMatchObject({ severity: 'error', cells: ['G13:G22'], message: '绩效指标中有 1 个分值为负数：分值应为不小于0的数字。' });
    expect(rule(F2, '指标:R16:得分')!.message).toBe('第16行「数量指标」：得分 8 应在0与分值 -10 之间（已设分值的指标须填写得分）。');
    expect(cleanMessages(session.findings())).toEqual([]);
  });

  it('a negative or missing 执行率 分值 is an error at that cell', () => {
    set(session, F2, 'F6', -10);
    expect(rule(F2, '资金分值')).toMatchObject({ severity: 'error', cells: ['F6'], message: '年度资金总额（执行率）的分值 -10 应为不小于0的数字（通常为10分）。' });
    expect(get(session, F2, 'H6')).toBe(0);
    set(session, F2, 'F6', null);
    expect(rule(F2, '资金分值')).toBeDefined();
  });

  it('分值 or 得分 on a row with no 三级指标 is an error until the row is named; then the row checks apply', () => {
    set(session, F2, 'G14', 5);
    expect(rule(F2, '指标:三级指标')).toMatchObject({ severity: 'error', cells: ['D13:D22'] });
    expect(rule(F2, '指标:R14:得分')).toBeUndefined();
    const r = set(session, F2, 'D14', '社会影响程度');
    expect(rule(F2, '指标:三级指标')).toBeUndefined();
    // naming the row re-expands the declaration: its own row checks now exist, and fire (no 得分 yet)
    expect(r.added.map((f) => f.rule)).toContain(`${F2}:指标:R14:得分`);
    expect(rule(F2, '指标:R14:得分')!.message).toContain('第14行「社会影响程度」');
  });

  it('项目名称 must be filled', () => {
    set(session, F2, 'B3', null);
    expect(rule(F2, '项目名称')).toMatchObject({ severity: 'error', cells: ['B3'], message: '自评表未填写项目名称。' });
  });
});

describe('年度指标值 against 实际完成值, when both are numbers', () => {
  it('met with full marks holds; missed with full marks, or met with points deducted, is a warning at the 得分', () => {
    // form 2 row 22: ≥95% / 95 / 10 / 10
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
    set(session, F2, 'F22', 90);
    const missed = rule(F2, '指标:R22:指标值')!;
    expect(missed).toMatchObject({ severity: 'warning', cells: ['H22'] });
    expect(missed.message).toBe('第22行「服务对象满意度」实际完成值 90 未达到年度指标值「≥95%」，得分 10（分值 10）：未达标却得满分，请核实得分或指标值。');
    set(session, F2, 'H22', 8);
    set(session, F2, 'I22', '满意度未达目标');
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
    set(session, F2, 'F22', 96);
    expect(rule(F2, '指标:R22:指标值')!.message).toBe('第22行「服务对象满意度」实际完成值 96 已达到年度指标值「≥95%」，得分 8（分值 10）：达标却扣分，请核实扣分理由。');
  });

  it('editing the target re-reads it: "≥85%" with 90 is met', () => {
    set(session, F2, 'F22', 90);
    expect(rule(F2, '指标:R22:指标值')).toBeDefined();
    set(session, F2, 'E22', '≥85%');
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
    set(session, F2, 'E22', '>90%');
    expect(rule(F2, '指标:R22:指标值')).toBeDefined();
    set(session, F2, 'E22', '满意');
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
  });

  it('a word as the 实际完成值 is not compared', () => {
    set(session, F2, 'F22', '基本达成目标');
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
  });
});

describe('undo', () => {
  it('undoing an edit restores the findings', () => {
    set(session, F2, 'H18', 18);
    expect(rule(F2, '指标:R18:偏差原因')).toBeDefined();
    session.undo();
    expect(rule(F2, '指标:R18:偏差原因')).toBeUndefined();
    expect(get(session, F2, 'H23')).toBe(82);
    set(session, F2, 'E22', '>95%');
    expect(rule(F2, '指标:R22:指标值')).toBeDefined();
    session.undo();
    expect(rule(F2, '指标:R22:指标值')).toBeUndefined();
  });
});

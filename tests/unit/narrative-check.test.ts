/**
 * The number checker: interval arithmetic over rounded inputs, direction words, and the seed's own
 * 第三部分 read back against the reference packet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import { checkNarrativeText, normalizeText } from '../../shared/narrative/check.js';
import { generateNarrative, narrativeText } from '../../shared/narrative/generate.js';
import { verifySlot, type DirectionWords } from '../../shared/narrative/interval.js';
import { formatNumber, parseStated, roundTo } from '../../shared/narrative/numbers.js';
import type { NarrativeTemplate, SlotSpec } from '../../shared/narrative/types.js';
import { seedText, session as openSession, template as loadTemplate } from '../fixtures/narrative/load.js';

const words: DirectionWords = { up: ['增加', '增长', '大于'], down: ['减少', '下降', '小于'], same: ['持平', '等于'] };
const ratio = (num: number, den: number): SlotSpec => ({ kind: 'ratio', fmt: 'pct', label: 'r', num, den, numLabel: '决算数', denLabel: '全年预算数' });
const growth = (cur: number | null, prior: number | null): SlotSpec => ({ kind: 'growth', label: 'g', cur, prior, curLabel: '本年', priorLabel: '上年' });
const diff = (cur: number, prior: number): SlotSpec => ({ kind: 'diff', label: 'd', cur, prior, curLabel: '本年', priorLabel: '上年' });
const dir = (cur: number, prior: number): SlotSpec => ({ kind: 'dir', label: '本年收入合计', cur, prior });
const value = (v: number, fmt: 'money' | 'int' | 'trim' = 'money'): SlotSpec => ({ kind: 'value', fmt, label: '公开01表 本年收入合计', formula: '本年收入合计', value: v });

describe('interval arithmetic over rounded inputs', () => {
  it('1.74 / 7.00 → 24.87% passes (24.76%–24.95%), as does 24.86%; 24.96% cannot come from the table', () => {
    expect(verifySlot(ratio(1.74, 7), '24.87').ok).toBe(true);
    expect(verifySlot(ratio(1.74, 7), '24.86').ok).toBe(true);
    const bad = verifySlot(ratio(1.74, 7), '24.96');
    expect(bad.ok).toBe(false);
    expect(bad.message).toBe('「24.96%」不能由表中数据得出：决算数 1.74 ÷ 全年预算数 7.00 = 24.86%，按各数 ±0.005 的尾数范围为 24.76%～24.95%');
    expect(bad.range!.lo).toBeCloseTo(1.735 / 7.005 * 100, 9);
    expect(bad.range!.hi).toBeCloseTo(1.745 / 6.995 * 100, 9);
  });

  it('a share whose interval is [71.64, 71.66] rejects 71.73% and accepts 71.65%', () => {
    expect(verifySlot(ratio(71.65, 100), '71.65').ok).toBe(true);
    expect(verifySlot(ratio(71.65, 100), '71.73').ok).toBe(false);
  });

  it('a ratio over a small rounded figure has a wide range: 39.55 / 1.62 accepts the seed’s 2434.71%', () => {
    expect(verifySlot(ratio(39.55, 1.62), '2434.71').ok).toBe(true);
    expect(verifySlot(ratio(39.55, 1.62), '2441.36').ok).toBe(true);
    expect(verifySlot(ratio(39.55, 1.62), '2460.00').ok).toBe(false);
  });

  it('differences and growth rates: 451.82 vs 413.22 → 38.60 and 9.34%', () => {
    expect(verifySlot(diff(451.82, 413.22), '38.60').ok).toBe(true);
    expect(verifySlot(diff(451.82, 413.22), '38.61').ok).toBe(true);
    expect(verifySlot(diff(451.82, 413.22), '38.62').ok).toBe(false);
    expect(verifySlot(growth(451.82, 413.22), '9.34').ok).toBe(true);
    expect(verifySlot(growth(451.82, 413.22), '9.40').ok).toBe(false);
    // the range is exact over the two inputs: 1.74 against 6.95 allows 74.87%–75.06%, so 75.10% fails
    const g = verifySlot(growth(1.74, 6.95), '74.94');
    expect(g.ok).toBe(true);
    expect(g.range!.lo).toBeCloseTo((1 - 1.745 / 6.945) * 100, 9);
    expect(g.range!.hi).toBeCloseTo((1 - 1.735 / 6.955) * 100, 9);
    expect(verifySlot(growth(1.74, 6.95), '75.10').ok).toBe(false);
    // edge: the stated precision counts — "9.3" stands for 9.25–9.35
    expect(verifySlot(growth(451.82, 413.22), '9.3').ok).toBe(true);
  });

  it('zero denominators: a growth rate over last year’s 0 cannot be checked; 0 ÷ 0 is written 0.00%', () => {
    const g = verifySlot(growth(15, 0), '100.00');
    expect(g.ok).toBe(false);
    expect(g.message).toContain('上年数为 0');
    expect(verifySlot(ratio(0, 0), '0.00').ok).toBe(true);
    expect(verifySlot(ratio(0, 0), '100.00').ok).toBe(false);
    expect(verifySlot(ratio(5, 0), '0.00').ok).toBe(false);
    expect(verifySlot(growth(null, 3), '1.00').ok).toBe(false);
  });

  it('a figure copied from a table must be that figure as rounded', () => {
    expect(verifySlot(value(1736.34), '1736.34').ok).toBe(true);
    expect(verifySlot(value(1736.34), '1,736.34').ok).toBe(true);
    expect(verifySlot(value(1736.34), '1736.35').ok).toBe(false);
    expect(verifySlot(value(1.624425), '1.62').ok).toBe(true);
    expect(verifySlot(value(900, 'trim'), '900').ok).toBe(true);
    expect(verifySlot(value(899.34, 'trim'), '900').ok).toBe(false);
    expect(verifySlot(value(17, 'int'), '17').ok).toBe(true);
    expect(verifySlot(value(17, 'int'), '71').ok).toBe(false);
  });

  it('direction words agree with the sign: 增加/增长/大于 up, 减少/下降/小于 down, 持平/等于 equal', () => {
    expect(verifySlot(dir(3966.62, 4226.02), '减少', words).ok).toBe(true);
    expect(verifySlot(dir(3966.62, 4226.02), '下降', words).ok).toBe(true);
    expect(verifySlot(dir(3966.62, 4226.02), '小于', words).ok).toBe(true);
    const wrong = verifySlot(dir(3966.62, 4226.02), '增长', words);
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toBe('「增长」与数据方向不符：本年收入合计本年 3966.62，上年 4226.02，应为「减少／下降」');
    expect(verifySlot(dir(5, 5.004), '持平', words).ok).toBe(true);
    expect(verifySlot(dir(5, 5.01), '持平', words).ok).toBe(false);
    expect(verifySlot(dir(5.01, 5), '大于', words).ok).toBe(true);
    expect(verifySlot(dir(5.01, 5), '等于', words).ok).toBe(false);
  });

  it('numbers: half-up rounding on decimals, stated precision, formats', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(2434.705, 2)).toBe(2434.71);
    expect(roundTo(-6.135, 2)).toBe(-6.14);
    expect(formatNumber(100, 'pctTrim')).toBe('100');
    expect(formatNumber(99.6, 'pctTrim')).toBe('99.6');
    expect(formatNumber(3966.62, 'money')).toBe('3966.62');
    expect(parseStated('3,966.62')).toEqual({ value: 3966.62, decimals: 2 });
    expect(parseStated('万元')).toBeNull();
  });
});

describe('narrative-check on text', () => {
  let s: PacketSession;
  let t: NarrativeTemplate;
  beforeAll(async () => {
    s = await openSession();
    t = loadTemplate();
  });

  it('the seed’s own 第三部分: every number the tables support passes; 4719.92 and 1736.34 do not', () => {
    const r = checkNarrativeText(s, t, seedText(3));
    expect(r.checks.length).toBeGreaterThan(165);
    expect(r.failed.map((c) => [c.text, c.kind, c.paragraph])).toEqual([
      ['4719.92', 'value', '三.绩效.2'],
      ['1736.34', 'value', '三.绩效.整体评价'],
    ]);
    expect(r.failed[0].message).toBe('「4719.92」与自评表全年预算数合计（ΣA）（自评全年预算数合计）4167.52 不符');
    expect(r.failed[1].message).toBe('「1736.34」与公开04表 一般公共预算财政拨款本年支出（一般公共预算本年支出）3284.90 不符');
    // the packet's 元-precision 三公 figures (1.7409 against 7.00 and 6.947) give the seed's own percentages
    const sangong = r.checks.filter((c) => c.paragraph === '三.三公.1' && (c.kind === 'ratio' || c.kind === 'growth'));
    expect(sangong.map((c) => [c.text, c.ok, c.expected])).toEqual([['24.87', true, '24.87'], ['74.94', true, '74.94']]);
    expect(r.checks.filter((c) => c.kind === 'untied')).toEqual([]);
  });

  it('a 目录 ahead of the text (as in the seed) is read as the list of parts, not as numbers without a source', () => {
    const contents = [
      '## 目 录', '### 第一部分 中共景德镇市昌南新区工作委员会党群工作部概况', '- 一、部门主要职责', '### 第二部分 2024 年度部门决算表',
      '- 一、收入支出决算总表', '### 第三部分 2024 年度部门决算情况说明', '- 一、收入决算情况说明', '- 九、预算绩效情况说明', '#### **第四部分 名词解释**', '',
    ].join('\n');
    const plainRun = checkNarrativeText(s, t, seedText(3));
    const withContents = checkNarrativeText(s, t, contents + seedText(3));
    expect(withContents.failed.map((c) => c.text)).toEqual(['4719.92', '1736.34']);
    expect(withContents.checks.filter((c) => c.kind === 'untied')).toEqual([]);
    expect(withContents.checks.length).toBeGreaterThanOrEqual(plainRun.checks.length);
    // without a 目录 line the template sentences do not account for the headings: the reader judges their years
    const stray = checkNarrativeText(s, t, contents.replace('## 目 录', '## 说明') + seedText(3));
    expect(stray.checks.filter((c) => c.via === 'reader').map((c) => [c.kind, c.text, c.ok])).toEqual([['year', '2024', true], ['year', '2024', true]]);
    const lastYear = checkNarrativeText(s, t, contents.replace('## 目 录', '## 说明').replace('第二部分 2024 年度', '第二部分 2023 年度') + seedText(3));
    expect(lastYear.failed.filter((c) => c.via === 'reader').map((c) => [c.kind, c.text, c.message])).toEqual([['year', '2023', '「2023年度」与公开包的决算年度 2024 不符（像是沿用了往年的文字）']]);
  });

  it('the generated narrative read back passes every number', () => {
    const r = checkNarrativeText(s, t, narrativeText(generateNarrative(s, t)));
    expect(r.failed).toEqual([]);
    expect(r.checks.length).toBeGreaterThan(170);
  });

  it('a wrong direction word, a share off the table, a mistyped prior-year difference and a stray number are listed', () => {
    let text = seedText(3)
      .replace('比上年减少 259.40 万元，下降 6.14%，主要原因：政策', '比上年减少 259.40 万元，增长 6.14%，主要原因：政策')
      .replace('占 14.81%', '占 14.91%')
      .replace('比上年增加 38.60 万元', '比上年增加 38.66 万元');
    text += '\n另外，本部门接受捐赠收入 123.45 万元，全部用于公益事业。';
    const r = checkNarrativeText(s, t, text);
    const bad = r.failed.map((c) => `${c.kind}:${c.text}`);
    expect(bad).toEqual(['dir:增长', 'ratio:14.91', 'diff:38.66', 'value:4719.92', 'value:1736.34', 'untied:123.45']);
    const stray = r.failed.find((c) => c.kind === 'untied')!;
    expect(stray.sentence).toBe('另外，本部门接受捐赠收入123.45万元，全部用于公益事业。');
    // neither a template sentence nor the reader knows 捐赠收入: said so, not guessed
    expect(stray.message).toBe('未能读懂这个数字：句中没有能在表中找到的科目或项目名称');
    expect(r.notUnderstood).toEqual([stray]);
    expect(r.coverage).toEqual({ numbers: r.checks.length, tied: r.checks.length - 6, mismatched: 5, notUnderstood: 1 });
  });

  it('a sentence reworded beyond the template is read by the reader; what it cannot read keeps the template hint', () => {
    const text = normalizeText(seedText(3)).replace('本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%', '本年收入合计3966.62万元，较上年少了259.40万元，降幅6.14%');
    const r = checkNarrativeText(s, t, text);
    expect(r.checks.filter((c) => c.via === 'reader').map((c) => [c.text, c.kind, c.ok, c.subject])).toEqual([
      ['3966.62', 'value', true, '本年收入合计'],
      ['259.40', 'diff', true, '本年收入合计'],
      ['6.14', 'growth', true, '本年收入合计'],
    ]);
    const wrong = checkNarrativeText(s, t, text.replace('较上年少了259.40万元，降幅6.14%', '较上年少了295.40万元，降幅6.41%'));
    expect(wrong.failed.filter((c) => c.via === 'reader').map((c) => c.text)).toEqual(['295.40', '6.41']);
    const odd = checkNarrativeText(s, t, normalizeText(seedText(3)).replace('本年收入合计3966.62万元，比上年减少259.40万元', '本年收入合计3966.62万元，环比少了259.40'));
    const untied = odd.failed.filter((c) => c.kind === 'untied');
    expect(untied.map((c) => c.text)).toEqual(['259.40', '6.14']);
    expect(untied[0].message).toContain('相近的句子应为：「本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%，主要原因：政策压减非急需非刚性支出。」');
  });
});

/** The import's reading rules, cell by cell: amounts as written, units, codes, labels, headers. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/import/layout.js';
import { withVocabulary } from '../../shared/import/vocabulary.js';
import { VOCABULARY } from '../helpers/packets.js';
import {
  codePart, detectUnit, headerAlias, headerCanon, labelKey, parseAmount, parseCode, round2, toWan, unitNameIn, yearIn,
} from '../../shared/import/text.js';

describe('amounts written as text', () => {
  it.each([
    [1234.56, 1234.56],
    ['1,234.56', 1234.56],
    ['17,363,437.25', 17363437.25],
    ['(12.00)', -12],
    ['-12', -12],
    ['¥1,000', 1000],
    ['１２３．５', 123.5],
    [' 0.00 ', 0],
    ['0', 0],
  ])('%j is the number %j', (raw, n) => {
    expect(parseAmount(raw)).toEqual({ kind: 'number', n });
  });

  it.each([null, '', '   ', '-', '—', '--', '---', '/'])('%j is blank, not 0', (raw) => {
    expect(parseAmount(raw)).toEqual({ kind: 'blank' });
  });

  it.each(['12%', '见附表', '1.2.3', '#DIV/0!', '一百'])('%j is text (not placed as a number)', (raw) => {
    expect(parseAmount(raw).kind).toBe('text');
  });

  it('0 and blank stay apart', () => {
    expect(parseAmount(0)).not.toEqual(parseAmount(null));
    expect(parseAmount('0.00')).toEqual({ kind: 'number', n: 0 });
  });
});

describe('元 → 万元 with rounding to 0.01', () => {
  it('rounds half away from zero on the cent', () => {
    expect(toWan(17363437.25, '元')).toBe(1736.34);
    expect(toWan(17363450, '元')).toBe(1736.35);
    expect(toWan(17363449.99, '元')).toBe(1736.34);
    expect(toWan(-17363450, '元')).toBe(-1736.35);
    expect(toWan(49.99, '元')).toBe(0);
    expect(toWan(50, '元')).toBe(0.01);
  });
  it('千元 divides by 10 and rounds; 万元 is taken as written, to the 分 (float noise gone)', () => {
    expect(toWan(173634.37, '千元')).toBe(17363.44);
    expect(toWan(1736.345, '万元')).toBe(1736.345);
    expect(toWan(1.7409, '万元')).toBe(1.7409);
    expect(toWan(0.1 + 0.2, '万元')).toBe(0.3);
    expect(toWan(1.23456789, '万元')).toBe(1.234568);
    expect(round2(0.285)).toBe(0.29);
  });
  it('a wrong factor would fail: 元 is not 万元', () => {
    expect(toWan(17363437.25, '万元')).not.toBe(1736.34);
  });
});

describe('金额单位, 单位名称 and 年度 from title lines', () => {
  it.each([
    ['金额单位：元', '元'],
    ['金额单位:万元', '万元'],
    ['单位：千元', '千元'],
    ['（单位：元）', '元'],
    ['决算数（元）', '元'],
    ['金额单位：　万元', '万元'],
  ])('%s → %s', (text, unit) => {
    expect(detectUnit(text)).toBe(unit);
  });
  it.each(['单位：台、辆、套', '收入决算表', '单位名称：某某局'])('%s states no money unit', (text) => {
    expect(detectUnit(text)).toBeNull();
  });
  it('reads the unit name, not the money unit', () => {
    expect(unitNameIn('编制单位：中共某某工作部')).toBe('中共某某工作部');
    expect(unitNameIn('部门：某某局    金额单位：元')).toBe('某某局');
    expect(unitNameIn('金额单位：万元')).toBeNull();
    expect(unitNameIn('单位：台、辆、套')).toBeNull();
    expect(yearIn('2024年度')).toBe(2024);
    expect(yearIn('收入决算表')).toBeNull();
  });
});

describe('科目编码', () => {
  it('joined codes as numbers or text, with or without the name', () => {
    expect(parseCode(2010301)).toEqual({ code: '2010301', rest: '' });
    expect(parseCode('20103')).toEqual({ code: '20103', rest: '' });
    expect(parseCode('2010301 行政运行')).toEqual({ code: '2010301', rest: '行政运行' });
    expect(parseCode('201一般公共服务支出')).toEqual({ code: '201', rest: '一般公共服务支出' });
  });
  it('rejects what is not a 3/5/7-digit code', () => {
    for (const v of [20, '2010', '201030', 201.5, '合计', '1,234', null]) expect(parseCode(v as never)).toBeNull();
  });
  it('split levels are padded: 款 3 is "03"', () => {
    expect(codePart(3, 2)).toBe('03');
    expect(codePart('01', 2)).toBe('01');
    expect(codePart(201, 3)).toBe('201');
    expect(codePart('', 2)).toBeNull();
    expect(codePart('合计', 2)).toBeNull();
  });
});

describe('labels and headers', () => {
  it('row labels lose their numbering', () => {
    expect(labelKey('一、一般公共预算财政拨款收入')).toBe('一般公共预算财政拨款收入');
    expect(labelKey('（一）一般公共预算财政拨款收入')).toBe('一般公共预算财政拨款收入');
    expect(labelKey('（1）公务用车购置费')).toBe('公务用车购置费');
    expect(labelKey('其中：外事接待费')).toBe('外事接待费');
    expect(labelKey('1.因公出国（境）费')).toBe('因公出国(境)费');
    expect(labelKey('财政拨款“三公”经费支出')).toBe('财政拨款三公经费支出');
    expect(labelKey('项    目')).toBe('项目');
  });
  it('headers lose units and spaces; aliases meet (the set\'s 表头同义词)', async () => {
    expect(headerAlias('小计')).toBe('小计');
    await withVocabulary(VOCABULARY, async () => {
    expect(headerCanon('金 额')).toBe('金额');
    expect(headerCanon('决算数（元）')).toBe('决算数');
    expect(headerAlias(headerCanon('本年收入合计'))).toBe(headerAlias('合计'));
    expect(headerAlias('小计')).toBe('合计');
    expect(headerAlias('决算数')).toBe('金额');
    expect(headerAlias('本年收入')).not.toBe(headerAlias('本年支出'));
    expect(headerAlias('预算数')).toBe('全年预算数');
    expect(labelKey('七、文化体育与传媒支出')).toBe('文化旅游体育与传媒支出');
    expect(labelKey('（五）行政事业单位离退休')).toBe('行政事业单位养老支出');
    });
  });
  it('column roles from header words', () => {
    expect(classify(['支出功能分类科目编码']).role).toBe('code');
    expect(classify(['科目编码', '款'])).toEqual({ role: 'code', level: 1 });
    expect(classify(['科目名称']).role).toBe('label');
    expect(classify(['项目(按功能分类)']).role).toBe('label');
    expect(classify(['项目支出']).role).toBe('value');
    expect(classify(['行次']).role).toBe('index');
  });
});

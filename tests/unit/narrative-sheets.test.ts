/**
 * The narrative's input sheets in the packet (上年数, 年初预算, 说明文字, 名词解释, 附件) — the contract the
 * import relies on — and the validation of a narrative template set.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import type { Packet } from '../../shared/model.js';
import { loadNarrativeTemplate } from '../../shared/narrative/template.js';
import type { NarrativeInputs } from '../../shared/narrative/sheets.js';
import { EMPTY, packet as readRef, templateJson } from '../fixtures/narrative/load.js';
import { PacketSession as Session } from '../../shared/engine.js';

const inputs = JSON.parse(readFileSync('templates/jiangxi-2024/narrative/inputs.json', 'utf8')) as NarrativeInputs;
let ref: Packet;
let s: PacketSession;
let empty: Packet;

beforeAll(async () => {
  ref = await readRef();
  s = new Session(ref);
  empty = await readRef(EMPTY);
});

function names(p: Packet): Map<string, string> {
  return new Map(p.names.map((n) => [n.name, n.ref]));
}

describe('上年数: the contract with the import', () => {
  it('a visible sheet: header 项目 / 上年数 / 取数公式, then one row per item, B an input #,##0.00 named 上年_<item>', () => {
    for (const p of [ref, empty]) {
      const sh = p.sheets.find((x) => x.name === '上年数')!;
      expect(sh.hidden).toBe(false);
      expect(sh.cells[0].map((c) => c?.v)).toEqual(['项目', '上年数', '取数公式']);
      const n = names(p);
      inputs.上年数.forEach((it, i) => {
        const row = sh.cells[i + 1];
        expect(row[0]?.v).toBe(it.label);
        expect(row[1]?.input).toBe(true);
        expect(p.styles[row[1]!.s!].numFmt).toBe('#,##0.00');
        expect(row[2]?.v).toBe(it.formula);
        expect(row[2]?.input).toBeFalsy();
        expect(n.get(`上年_${it.name}`)).toBe(`'上年数'!$B$${i + 2}`);
      });
    }
  });

  it('holds at least what the narrative compares with last year', () => {
    const items = inputs.上年数.map((x) => x.name);
    for (const need of ['本年收入合计', '本年支出合计', '年初结转和结余', '使用非财政拨款结余', '结余分配', '年末结转和结余',
      '工资福利支出', '商品和服务支出', '对个人和家庭的补助', '债务利息及费用支出', '资本性支出', '基本支出其他支出',
      '三公经费', '因公出国费', '公务用车购置及运行维护费', '公务用车购置费', '公务用车运行维护费', '公务接待费', '机关运行经费']) {
      expect(items).toContain(need);
    }
    // and every prior-year figure a sentence uses is one of its rows
    const t = templateJson() as { facts: Record<string, { prior?: string }> };
    for (const f of Object.values(t.facts)) if (f.prior) expect(items.map((x) => `上年_${x}`)).toContain(f.prior);
  });

  it('each 取数公式 evaluates over the current layout (a blank source cell counts as 0): on this year\'s tables it gives this year\'s figure', () => {
    const byName = Object.fromEntries(inputs.上年数.map((it) => [it.name, s.calculate(it.formula)]));
    for (const v of Object.values(byName)) expect(typeof v).toBe('number');
    expect(byName.结余分配).toBe(0);
    expect(byName.本年收入合计).toBeCloseTo(3966.62, 9);
    expect(byName.工资福利支出).toBeCloseTo(451.82, 9);
    expect(byName.商品和服务支出).toBeCloseTo(41.63, 9);
    expect(byName.对个人和家庭的补助).toBeCloseTo(93.91, 9);
    // the reference holds 三公 at 元 precision (17,409 元), shown as 1.74
    expect(byName.三公经费).toBeCloseTo(1.7409, 9);
    expect(byName.公务接待费).toBeCloseTo(1.7409, 9);
    expect(byName.机关运行经费).toBeCloseTo(41.63, 9);
    // every 取数公式 reads the tables only (last year's package has no 说明文字 to read from)
    expect(inputs.上年数.map((it) => it.formula).filter((f) => /原因_|机关运行经费|说明文字/.test(f))).toEqual([]);
  });

  it('the reference packet carries the prior-year figures the seed\'s text implies; the empty template none', () => {
    expect(s.calculate('上年_本年收入合计')).toBeCloseTo(3966.62 + 259.4, 9);
    expect(s.calculate('上年_工资福利支出')).toBeCloseTo(451.82 - 38.6, 9);
    // 69,470 元: with this year's 17,409 元 it gives the seed's 减少5.21万元 and 下降74.94% (see build-templates)
    expect(s.calculate('上年_三公经费')).toBeCloseTo(6.947, 9);
    expect(s.calculate('上年_机关运行经费')).toBeCloseTo(41.63 + 8.27, 9);
    const sh = empty.sheets.find((x) => x.name === '上年数')!;
    expect(sh.cells.slice(1).every((r) => r[1]?.v === undefined)).toBe(true);
  });

  it('typing into 上年数 goes through the one edit path; text in its 金额 cells is refused, naming the cell', () => {
    const r = s.apply([{ sheet: '上年数', row: 1, col: 1, value: '4,226.02' }]);
    expect(r.rejected).toEqual([]);
    expect(s.getValue('上年数', 1, 1)).toBe(4226.02);
    // the cell is declared 金额 by the template: text is refused at the door and the figure stays
    const bad = s.apply([{ sheet: '上年数', row: 1, col: 1, value: '不详' }]);
    expect(bad.rejected.map((x) => [x.code, x.reason])).toEqual([['bad-value', expect.stringMatching(/^上年数 B2 .*金额.*「不详」/)]]);
    expect(bad.added).toEqual([]);
    expect(s.getValue('上年数', 1, 1)).toBe(4226.02);
    s.undo();
    const locked = s.apply([{ sheet: '上年数', row: 1, col: 2, value: 'SUM(1)' }]);
    expect(locked.rejected).toHaveLength(1);
  });
});

describe('年初预算 and 说明文字', () => {
  it('年初预算: the 26 classes beside their 公开04表 决算数, a 合计 that is the sum', () => {
    const sh = ref.sheets.find((x) => x.name === '年初预算')!;
    expect(sh.cells.slice(1, 27).map((r) => r[0]?.v)).toEqual(inputs.年初预算.classes.map((c) => c.code));
    expect(sh.cells[1][3]?.f).toMatch(/^N\('?公开04表'?!F\d+\)$/); // N(): a 04表 合计 left blank, as published, reads as 0
    expect(s.calculate('年初预算合计')).toBeCloseTo(3670.41, 2);
    expect(s.getValue('年初预算', 1, 3)).toBe(1736.34);
    expect(s.getValue('年初预算', 1, 4)).toBe(103.19);
    expect(s.getValue('年初预算', 6, 4)).toBe(''); // 206: 年初预算 0, no rate
    expect(sh.cells[1][2]?.input && sh.cells[1][5]?.input).toBe(true);
  });

  it('说明文字: every row a named input (computed rows excepted); 机关运行经费 defaults to 公用经费合计 until typed over', () => {
    const n = names(ref);
    const sh = ref.sheets.find((x) => x.name === '说明文字')!;
    inputs.说明文字.forEach((it, i) => {
      expect(n.get(it.key)).toBe(`'说明文字'!$C$${i + 2}`);
      expect(!!sh.cells[i + 1][2]?.input).toBe(!it.computed);
    });
    expect(sh.cells.find((r) => r[1]?.v?.toString().startsWith('机关运行经费支出'))![2]?.f).toBe('公用经费合计');
    expect(s.calculate('机关运行经费')).toBe(41.63);
    expect(s.calculate('原因_公务接待预算')).toBe('厉行节约，严格按照要求接待');
    s.apply([{ sheet: '说明文字', row: 1 + inputs.说明文字.findIndex((x) => x.key === '政府采购货物支出'), col: 2, value: 12.5 }]);
    expect(s.calculate('政府采购支出总额')).toBe(12.5);
    s.undo();
  });

  it('the packet still has no errors, and the narrative sheets add no warnings', () => {
    const f = s.findings();
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(f.filter((x) => ['上年数', '年初预算', '说明文字', '名词解释', '附件'].includes(x.sheet))).toEqual([]);
  });

  it('名词解释 and 附件: editable lists with room to add, the seed\'s in the reference packet', () => {
    const g = ref.sheets.find((x) => x.name === '名词解释')!;
    expect(g.cells[1].map((c) => c?.v)).toEqual(['一、收入科目', '财政拨款收入', inputs.名词解释.reference[0][2]]);
    expect(g.cells.length - 1).toBe(inputs.名词解释.reference.length + 5);
    expect(g.cells.every((r, i) => i === 0 || r.every((c) => c?.input))).toBe(true);
    const e = empty.sheets.find((x) => x.name === '名词解释')!;
    expect(e.cells[1][1]?.v).toBe(inputs.名词解释.default[0][1]);
    const a = ref.sheets.find((x) => x.name === '附件')!;
    expect(a.cells[1].map((c) => c?.v)).toEqual(['标题', '景德镇市昌南新区党群工作部人力资源服务费项目部门评价报告']);
  });
});

describe('a narrative template set is validated when loaded', () => {
  const base = () => JSON.parse(JSON.stringify(templateJson())) as { facts: Record<string, unknown>; phrases: Record<string, unknown>; parts: { sections?: { paragraphs: unknown[] }[] }[]; version: number };
  const withText = (text: string) => {
    const t = base();
    t.parts[1].sections![0].paragraphs.push(text);
    return t;
  };
  it('accepts the shipped set', () => {
    expect(() => loadNarrativeTemplate(templateJson())).not.toThrow();
  });
  it.each([
    ['{不存在的数}万元', '「{不存在的数}」既不是事实也不是字段'],
    ['{@比上年 本年收入合计 本年支出合计}', '短语「{@比上年}」需要 1 个参数'],
    ['{@不存在 本年收入合计}', '短语「{@不存在}」未定义'],
    ['{本年收入合计|万元}', '格式「万元」无法识别'],
    ['本年收入合计{本年收入合计', '未闭合的「{」'],
    ['[[，主要原因：{原因_本年收入合计}', '未闭合的「[[」'],
    ['{*不存在}', '集合「{*不存在}」未定义'],
  ])('rejects %s', (text, msg) => {
    expect(() => loadNarrativeTemplate(withText(text))).toThrow(msg);
  });
  it('rejects a wrong version and a fact without a formula', () => {
    const v = base();
    v.version = 2;
    expect(() => loadNarrativeTemplate(v)).toThrow('版本 2 不受支持');
    const f = base();
    f.facts['空'] = { type: 'money' };
    expect(() => loadNarrativeTemplate(f)).toThrow('事实「空」没有取数公式');
  });
});

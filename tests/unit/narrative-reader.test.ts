/**
 * The wording-independent reader: narratives written the way other units write them (four wordings, clean
 * and with planted mistakes), against the real reference packet, its real engine and the template set's
 * catalog (templates/jiangxi-2024/narrative/template.json, "reader").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import { SubjectCatalog } from '../../shared/narrative/catalog.js';
import { checkNarrativeText } from '../../shared/narrative/check.js';
import { NarrativeContext } from '../../shared/narrative/facts.js';
import { paragraphs } from '../../shared/narrative/reader.js';
import { loadNarrativeTemplate } from '../../shared/narrative/template.js';
import type { NarrativeTemplate } from '../../shared/narrative/types.js';
import { corpus, PLANTED } from '../fixtures/narrative/corpus.js';
import { seedText, session as openSession, template as loadTemplate, templateJson } from '../fixtures/narrative/load.js';

let s: PacketSession;
let t: NarrativeTemplate;
beforeAll(async () => {
  s = await openSession();
  t = loadTemplate();
});

describe('a corpus of four wordings, clean', () => {
  for (const templates of [true, false]) {
    const how = templates ? 'template sentences first, then the reader' : 'the reader alone';
    it(`${how}: no 不符, no findings, ≥ 90 % of the numbers tied in each wording`, () => {
      const rates: Record<string, string> = {};
      for (const w of corpus()) {
        const r = checkNarrativeText(s, t, w.text, { templates });
        expect(r.failed.filter((c) => c.kind !== 'untied'), `${w.id}: 不符 on a clean text`).toEqual([]);
        expect(r.findings, `${w.id}: findings on a clean text`).toEqual([]);
        expect(r.coverage.numbers).toBeGreaterThan(40);
        expect(r.coverage.tied / r.coverage.numbers, `${w.id}: ${JSON.stringify(r.coverage)}`).toBeGreaterThanOrEqual(0.9);
        expect(r.coverage.tied + r.coverage.mismatched + r.coverage.notUnderstood).toBe(r.coverage.numbers);
        rates[w.id] = `${r.coverage.tied}/${r.coverage.numbers}`;
      }
      // the figures as measured: a change to the reader that reads less shows here
      expect(rates).toEqual(templates ? { reference: '172/172', nine: '103/104', hand: '57/57', copied: '53/53' } : { reference: '166/166', nine: '103/104', hand: '57/57', copied: '53/53' });
    });
  }

  it('what it could not read is listed with its sentence and why, not guessed', () => {
    const nine = corpus().find((w) => w.id === 'nine')!;
    const r = checkNarrativeText(s, t, nine.text);
    expect(r.notUnderstood.map((c) => [c.text, c.sentence, c.message.split('；')[0]])).toEqual([
      ['91.41', '6.住房保障支出（类）住房改革支出（款）住房公积金（项）支出决算为37.32万元，完成年初预算的91.41%。', '未能读懂这个数字：表中没有「住房公积金（项）」的年初预算数'],
    ]);
  });

  it('the other wordings are read by the reader, with what each number was taken to be said of', () => {
    const hand = corpus().find((w) => w.id === 'hand')!;
    const r = checkNarrativeText(s, t, hand.text);
    const said = (text: string) => r.checks.filter((c) => c.text === text).map((c) => [c.kind, c.subject, c.via]);
    // 元 with thousands separators, 同比 without a difference, 比2023年, counts after their number
    expect(said('416,300')).toEqual([['value', '商品和服务支出（类）', 'reader']]); // 06表 302: the 经济分类 类 row
    expect(said('65,160')).toEqual([['diff', '商品和服务支出', 'reader']]);
    expect(r.checks.find((c) => c.text === '17,409' && c.kind === 'value')!.message).toBe('17,409元 折合 1.74万元，与公开09表 “三公”经费决算数 1.74万元 相符');
    expect(said('70,000')).toEqual([['value', '公务接待费', 'reader']]);
    expect(said('8.27')).toEqual([['diff', '机关运行经费', 'reader']]);
    expect(said('172')).toEqual([['value', '国内公务接待人次', 'reader']]);
    expect(said('18')).toEqual([['value', '国内公务接待批次', 'reader']]);
    expect(said('36')).toEqual([['value', '项目评价结果为“优”', 'reader'], ['value', '项目评价结果为“良”', 'reader']]);
    const nine = checkNarrativeText(s, t, corpus().find((w) => w.id === 'nine')!.text);
    // under 一般公共预算 the (类) shares are of 公开05表's total; a (项) path resolves to its 项 row
    expect(nine.checks.find((c) => c.text === '52.86')!.message).toContain('公开05表 一般公共服务支出（类）本年支出合计 1736.34 ÷ 公开05表 本年支出合计 3284.90 = 52.86%');
    expect(nine.checks.find((c) => c.text === '153.79')!.subject).toBe('其他群众团体事务支出（项）');
  });
});

describe('planted mistakes: each one flagged with the finding it calls for', () => {
  const texts = () => new Map(corpus().map((w) => [w.id, w.text]));
  for (const p of PLANTED) {
    it(`${p.wording}: ${p.what}`, () => {
      const clean = texts().get(p.wording)!;
      expect(clean.includes(p.from), `the corpus still has「${p.from}」`).toBe(true);
      const r = checkNarrativeText(s, t, clean.replace(p.from, p.to));
      if (p.number) {
        const hit = r.failed.filter((c) => c.kind !== 'untied' && c.text === p.number!.text);
        expect(hit.map((c) => c.message).join('\n')).toContain(p.number.says);
      }
      if (p.finding) expect(r.findings.filter((f) => f.kind === p.finding!.kind).map((f) => f.message).join('\n')).toContain(p.finding.says);
      // the mistake is what is new: the clean text has no 不符 and no findings (see above)
      expect(r.failed.filter((c) => c.kind !== 'untied').length + r.findings.length).toBeGreaterThan(0);
    });
  }

  it('the messages say what the reader gets wrong, in the accountant’s terms', () => {
    const texts = new Map(corpus().map((w) => [w.id, w.text]));
    const run = (id: string) => {
      const p = PLANTED.find((x) => x.what === id)!;
      return checkNarrativeText(s, t, texts.get(p.wording)!.replace(p.from, p.to));
    };
    expect(run('a figure of another table (03表 项目支出 in the 一般公共预算 section)').failed.find((c) => c.text === '3379.27')!.message).toBe(
      '「3379.27万元」与公开05表 项目支出合计 2697.55万元 不符；它与公开03表 项目支出合计 3379.27相同，像是取自别处',
    );
    expect(run('完成年初预算 when 年初预算 is 0').failed.find((c) => c.text === '100')!.message).toBe('「科学技术支出（类）」年初预算数为 0，不应写「完成年初预算的100%」（决算数 15.00）');
    expect(run('a (项) name not in the tables').findings.map((f) => f.message)).toEqual(['「其他群众团体事物支出（项）」不是公开表中的项级科目，最相近的是「其他群众团体事务支出（项）」']);
    expect(run('an amount in 元 where the tables say 万元').failed.find((c) => c.text === '1.74')!.message).toMatch(/^「1\.74元」单位有误：表中公开09表 公务接待费决算数为 1\.74万元，不是 1\.74元/);
    expect(run('增长100% on a zero base').failed.find((c) => c.text === '100')!.message).toBe('「因公出国（境）费」上年数为 0，不能写「增长100%」：从 0 起算没有增长率（本年 0.00）');
    expect(run('last year’s figure left in').failed.find((c) => c.text === '4226.02')!.message).toContain('它与公开01表 本年收入合计的上年数 4226.02');
    expect(run('shares that do not add to 100%').findings.map((f) => f.message)).toEqual([
      '占一般公共预算财政拨款基本支出的各项比例合计为 101.00%，这些项目之和就是总数，比例合计应为 100%（人员经费 93.91%，公用经费 7.09%）',
    ]);
  });

  it('a share list that is not complete and stays under 100% is not a finding; one over 100% is', () => {
    const hand = corpus().find((w) => w.id === 'hand')!.text;
    // 一般公共预算 82.81% alone (政府性基金 left out) is fine; 82.81% + 27.19% is more than the whole
    const partial = checkNarrativeText(s, t, hand.replace('；政府性基金预算财政拨款收入681.72万元，占17.19%', ''));
    expect(partial.findings).toEqual([]);
    const over = checkNarrativeText(s, t, hand.replace('占17.19%', '占27.19%'));
    expect(over.findings.map((f) => f.kind)).toEqual(['shares']);
  });
});

describe('the reference', () => {
  it('the seed’s 第三部分: 169 of 171 tied, the same two 不符; the reader alone finds the same two', () => {
    const r = checkNarrativeText(s, t, seedText(3));
    expect(r.coverage).toEqual({ numbers: 171, tied: 169, mismatched: 2, notUnderstood: 0 });
    expect(r.failed.map((c) => c.text)).toEqual(['4719.92', '1736.34']);
    const alone = checkNarrativeText(s, t, seedText(3), { templates: false });
    expect(alone.failed.filter((c) => c.kind === 'value').map((c) => c.text)).toEqual(['4719.92', '1736.34']);
    expect(alone.notUnderstood).toEqual([]);
  });

  it('the seed’s 概况 names the unit 「…工作委员会会党群工作部」: reported against the tables’ 部门', () => {
    const r = checkNarrativeText(s, t, seedText(1));
    expect(r.findings.map((f) => [f.kind, f.text])).toEqual([['unitName', '中共景德镇市昌南新区工作委员会会党群工作部']]);
    expect(r.failed).toEqual([]);
  });
});

describe('reading text as people lay it out', () => {
  it('a line without 。 that looks like a heading stays a heading; a line broken mid-sentence runs on', () => {
    const p = paragraphs('一、收入情况\n本年收入合计3966.62万元，比上年减少\n259.40万元。\n（一）工资福利支出\n二、支出情况');
    expect(p.map((x) => [x.heading, x.text])).toEqual([
      [true, '一、收入情况'],
      [false, '本年收入合计3966.62万元，比上年减少259.40万元。'],
      [true, '（一）工资福利支出'],
      [true, '二、支出情况'],
    ]);
    // a list item with a figure is not a heading even without 。
    expect(paragraphs('（一）一般公共服务支出（类）1736.34万元，占43.77%')[0].heading).toBe(false);
  });

  it('list markers, dates, document numbers and names with digits are not figures', () => {
    const r = checkNarrativeText(s, t, '截至2024年12月31日，单价100万元以上设备0台（套）。\n1.本年收入合计3966.62万元。\n依据景财社指(2021)93号文件。', { templates: false });
    expect(r.checks.map((c) => [c.text, c.kind, c.ok])).toEqual([
      ['2024', 'year', true],
      ['0', 'value', true],
      ['3966.62', 'value', true],
    ]);
  });
});

describe('untrusted text', () => {
  it('one paragraph of 8,000 figures without a full stop is read to the end, each figure judged once', () => {
    const text = '本年收入合计' + Array.from({ length: 2000 }, (_, i) => `${i}.5万元，占3.25%，比上年增加1.00万元`).join('，') + '。';
    const r = checkNarrativeText(s, t, text);
    expect(r.coverage.numbers).toBe(8000);
    expect(r.coverage.tied + r.coverage.mismatched + r.coverage.notUnderstood).toBe(8000);
    // 「0.5万元」 is not 本年收入合计: every amount is a 不符, not a guess
    expect(r.checks.filter((c) => c.kind === 'value' && c.ok)).toEqual([]);
  });
});

describe('the catalog is data of the template set', () => {
  it('name variants come from template.json: without the variant the name is unknown', async () => {
    const ctx = new NarrativeContext(s, t);
    const cat = new SubjectCatalog(ctx, t.reader!);
    // the item (with last year's figure) and 06表's 303 row
    expect(cat.lookup('对个人和家庭补助支出').map((f) => [f.label, f.value, f.prior])).toEqual([
      ['公开06表 对个人和家庭的补助（类）金额', 93.91, undefined],
      ['公开06表 对个人和家庭的补助（303）', 93.91, 74.788],
    ]);
    expect(cat.lookup('一般公共服务支出（类）').map((f) => f.label)).toContain('公开05表 一般公共服务支出（类）本年支出合计');
    expect(cat.lookup('统计信息事务')).toEqual([]);
    const json = templateJson() as { reader: { variants: string[][] } };
    json.reader.variants = json.reader.variants.filter((g) => !g.includes('对个人和家庭补助支出'));
    const bare = loadNarrativeTemplate(json);
    expect(new SubjectCatalog(new NarrativeContext(s, bare), bare.reader!).lookup('对个人和家庭补助支出')).toEqual([]);
    const text = '一般公共预算财政拨款基本支出587.35万元，其中：对个人和家庭补助支出93.91万元，比上年增加19.12万元。';
    expect(checkNarrativeText(s, t, text, { templates: false }).coverage).toEqual({ numbers: 4, tied: 4, mismatched: 0, notUnderstood: 0 });
    expect(checkNarrativeText(s, bare, text, { templates: false }).coverage.notUnderstood).toBeGreaterThan(0);
  });

  it('a catalog entry that names a fact the set does not have is refused when the set is loaded', () => {
    const json = templateJson() as { reader: { items: { names: string[]; fact?: string }[] } };
    json.reader.items[0].fact = '没有这个事实';
    expect(() => loadNarrativeTemplate(json)).toThrow('reader 条目「收入总计」引用的事实「没有这个事实」未定义');
  });
});

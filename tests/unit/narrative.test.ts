/**
 * The 情况说明 generator on the reference packet: the seed's own sentences, number for number, and the
 * narrative following live edits of the tables, the 上年数 and the 年初预算.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PacketSession } from '../../shared/engine.js';
import { checkNarrativeText, normalizeText } from '../../shared/narrative/check.js';
import { generateNarrative, narrativeText, plain } from '../../shared/narrative/generate.js';
import type { NarrativeDoc, NarrativeTemplate } from '../../shared/narrative/types.js';
import { narrativeView } from '../../shared/narrative/view.js';
import { PacketSession as Session } from '../../shared/engine.js';
import { packet as readPacket, seedText, session as openSession, template as loadTemplate, EMPTY } from '../fixtures/narrative/load.js';

let s: PacketSession;
let t: NarrativeTemplate;

beforeAll(async () => {
  s = await openSession();
  t = loadTemplate();
});

function partText(doc: NarrativeDoc, id: string): string {
  const p = doc.parts.find((x) => x.id === id)!;
  return [p.heading, ...p.paragraphs.map((q) => plain(q.segments))].join('\n');
}

/** Sentences as the reviewer reads them: whitespace, line breaks and quote styles do not count. */
function sentences(text: string): string[] {
  return normalizeText(text).split(/(?<=。)/).filter((x) => x);
}

const NUMS = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;

/** Compare two texts sentence by sentence; return the numbers that differ in sentences whose words agree. */
function compare(seed: string[], generated: string[]) {
  expect(generated.length).toBe(seed.length);
  const numberDiffs: string[] = [];
  const textDiffs: { seed: string; generated: string }[] = [];
  seed.forEach((a, i) => {
    const b = generated[i];
    if (a === b) return;
    if (a.replace(NUMS, '#') !== b.replace(NUMS, '#')) {
      textDiffs.push({ seed: a, generated: b });
      return;
    }
    const na = a.match(NUMS) ?? [];
    const nb = b.match(NUMS) ?? [];
    na.forEach((x, k) => {
      if (x !== nb[k]) numberDiffs.push(`${x}→${nb[k]}`);
    });
  });
  return { numberDiffs, textDiffs };
}

describe('第三部分 reproduces the seed sentence by sentence', () => {
  it('every sentence of the seed, number for number, except where the published tables cannot give it', () => {
    const doc = generateNarrative(s, t);
    const { numberDiffs, textDiffs } = compare(sentences(seedText(3)), sentences(partText(doc, '三')));
    expect(textDiffs).toEqual([]);
    // the seed's own two mistakes: 4719.92 is no sum of the forms (ΣA 4,167.52, ΣB 3,379.27); 1736.34 is the
    // 201 class, not 一般公共预算 支出. Its 24.87% and 74.94% come out because the packet holds the 三公 figures
    // at 元 precision (1.7409, 上年 6.947): from the two-decimal 1.74 ÷ 7.00 they would read 24.86% / 74.96%.
    expect(numberDiffs).toEqual(['4719.92→4167.52', '1736.34→3284.90']);
  });

  it('the sentences the issue names, as generated', () => {
    const text = normalizeText(partText(generateNarrative(s, t), '三'));
    for (const want of [
      '本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%',
      '基本支出587.35万元，占14.81%',
      '项目支出3379.27万元，占85.19%',
      '财政拨款本年支出年初预算数3670.41万元，决算数3966.62万元，完成年初预算的108.07%。',
      '（一）一般公共服务支出（类）年初预算数1682.61万元，决算数1736.34万元，完成年初预算的103.19%。',
      '（三）文化旅游体育与传媒支出（类）年初预算数1.62万元，决算数39.55万元，完成年初预算的2434.71%。',
      '（八）住房保障支出（类）年初预算数40.83万元，决算数37.32万元，完成年初预算的91.41%。',
      '（九）其他支出（类）年初预算数3.00万元，决算数2.33万元，完成年初预算的77.76%。',
      '（一）工资福利支出451.82万元，比上年增加38.60万元，增长9.34%',
      '“三公”经费支出全年预算数7.00万元，决算数1.74万元，完成全年预算的24.87%；决算数比上年减少5.21万元，下降74.94%',
      '机关运行经费支出41.63万元',
      '二级项目72个',
      '其中，36个项目评价结果为"优"，36个项目评价结果为"良"。',
    ]) expect(text).toContain(normalizeText(want));
    // 年初预算 0: no 完成年初预算 clause
    expect(text).toContain('（二）科学技术支出（类）年初预算数0.00万元，决算数15.00万元，预决算差异主要原因：年中追加科学技术资金预算。');
    // one sentence per non-empty 类: nine, none for the 17 empty classes
    expect(text.match(/（类）年初预算数/g)).toHaveLength(9);
    // 307 and 399 are 0 this year and last: left out; 310 is 0 now but 1.75 last year: kept
    expect(text).not.toContain('债务利息及费用支出');
    expect(text).toContain('（四）资本性支出0.00万元，比上年减少1.75万元，下降100.00%');
  });

  it('第一部分 概况 as the seed has it', () => {
    const { numberDiffs, textDiffs } = compare(sentences(seedText(1)), sentences(partText(generateNarrative(s, t), '一')));
    // the PDF's heading repeats 会 across a line break ("工作委员会 会党群"); the 单位名称 has it once
    expect(textDiffs).toHaveLength(1);
    expect(textDiffs[0].seed).toContain('第一部分中共景德镇市昌南新区工作委员会会党群工作部概况');
    expect(textDiffs[0].generated).toContain('第一部分中共景德镇市昌南新区工作委员会党群工作部概况');
    expect(numberDiffs).toEqual([]);
  });

  it('every generated number carries a passing check on the reference packet', () => {
    const v = narrativeView(s, t);
    expect(v.failed).toEqual([]);
    expect(v.numbers).toBeGreaterThan(170);
  });
});

describe('the narrative follows the packet', () => {
  const sentence = (doc: NarrativeDoc, starts: string) => {
    const all = sentences(partText(doc, '三'));
    return all.find((x) => x.includes(normalizeText(starts))) ?? '';
  };

  it('上年数 edits change 比上年 wording: 持平, 增加, blank → 【未填】 and a failing check', () => {
    const cell = { sheet: '上年数', row: 2, col: 1 }; // 上年_本年收入合计
    expect(s.getValue('上年数', 2, 0)).toBe('本年收入合计');
    const get = () => sentence(generateNarrative(s, t), '本年收入合计3966.62万元');
    expect(get()).toContain('比上年减少259.40万元，下降6.14%');
    s.apply([{ ...cell, value: 3966.62 }]);
    expect(get()).toContain('本年收入合计3966.62万元，与上年持平，主要原因');
    s.apply([{ ...cell, value: 3000 }]);
    expect(get()).toContain('比上年增加966.62万元，增长32.22%');
    s.apply([{ ...cell, value: null }]);
    expect(get()).toContain('本年收入合计3966.62万元，【未填】');
    const failed = narrativeView(s, t).failed;
    expect(failed.map((f) => f.message)).toEqual(['上年数未填：「上年数」工作表中「上年_本年收入合计」为空']);
    s.apply([{ ...cell, value: 4226.02 }]);
    expect(get()).toContain('比上年减少259.40万元，下降6.14%');
    expect(narrativeView(s, t).failed).toEqual([]);
  });

  it('年初预算 0 drops 完成年初预算; a 类 with neither figure has no sentence; the total follows', () => {
    const r201 = 1; // 年初预算!C2 is 201
    expect(s.getValue('年初预算', r201, 0)).toBe('201');
    s.apply([{ sheet: '年初预算', row: r201, col: 2, value: 0 }]);
    let doc = generateNarrative(s, t);
    expect(sentence(doc, '（一）一般公共服务支出（类）')).toMatch(/（一）一般公共服务支出（类）年初预算数0\.00万元，决算数1736\.34万元，预决算差异主要原因：年中追加了预算资金。$/);
    expect(sentence(doc, '财政拨款本年支出年初预算数')).toContain('年初预算数1987.80万元，决算数3966.62万元，完成年初预算的199.55%');
    s.undo();
    // 住房保障 (221) with both figures 0 has no sentence, and the numbering closes up
    const r221 = 19;
    expect(s.getValue('年初预算', r221, 0)).toBe('221');
    const row04 = s.sheet('公开04表').cells.findIndex((r) => String(r?.[3]?.v ?? '') === '十九、住房保障支出');
    s.apply([{ sheet: '年初预算', row: r221, col: 2, value: 0 }]);
    s.apply([{ sheet: '公开04表', row: row04, col: 6, value: 0 }]);
    doc = generateNarrative(s, t);
    expect(sentence(doc, '住房保障支出（类）')).toBe('');
    expect(sentence(doc, '其他支出（类）')).toMatch(/（八）其他支出（类）年初预算数3\.00万元/);
    s.undo();
    s.undo();
    expect(sentence(generateNarrative(s, t), '住房保障支出（类）')).toMatch(/（八）住房保障支出（类）年初预算数40\.83万元/);
  });

  it('国（境）外接待 gets its sentence only when 09表 has it, and the checker ties its figures', () => {
    expect(sentence(generateNarrative(s, t), '国（境）外公务接待')).toBe('');
    // E14 国（境）外接待费, E24 批次, E25 人次 (0-based rows 13, 23, 24)
    s.apply([{ sheet: '公开09表', row: 13, col: 4, value: 0.5 }, { sheet: '公开09表', row: 23, col: 4, value: 2 }, { sheet: '公开09表', row: 24, col: 4, value: 15 }]);
    const doc = generateNarrative(s, t);
    expect(sentence(doc, '国（境）外公务接待')).toBe('全年国（境）外公务接待2批，累计接待15人次，支出0.50万元。');
    expect(checkNarrativeText(s, t, narrativeText(doc)).failed).toEqual([]);
    const typo = checkNarrativeText(s, t, narrativeText(doc).replace('国（境）外公务接待2批', '国（境）外公务接待3批'));
    expect(typo.failed.map((c) => c.text)).toEqual(['3']);
    s.undo();
    expect(sentence(generateNarrative(s, t), '国（境）外公务接待')).toBe('');
  });

  it('a table figure changes every sentence that uses it (公开09表 公务接待费)', () => {
    const e11 = { sheet: '公开09表', row: 10, col: 4 };
    const e6 = { sheet: '公开09表', row: 5, col: 4 };
    expect(s.isInput(e11.sheet, e11.row, e11.col)).toBe(true);
    s.apply([{ ...e11, value: 7 }, { ...e6, value: 7 }, { sheet: '公开09表', row: 11, col: 4, value: 7 }]);
    const doc = generateNarrative(s, t);
    expect(sentence(doc, '（三）公务接待费')).toBe('（三）公务接待费全年预算数7.00万元，决算数7.00万元，完成全年预算的100.00%，主要原因：厉行节约，严格按照要求接待。');
    // 7.00 against last year's 6.947 (shown 6.95): +0.053 → 0.05万元, 0.76%
    expect(sentence(doc, '“三公”经费支出全年预算数')).toContain('决算数比上年增加0.05万元，增长0.76%');
    s.undo();
    expect(sentence(generateNarrative(s, t), '“三公”经费支出全年预算数')).toContain('完成全年预算的24.87%；决算数比上年减少5.21万元，下降74.94%');
  });

  it('a 主要原因 left blank drops its clause, not the sentence', () => {
    const at = { sheet: '说明文字', row: 1, col: 2 };
    expect(s.getValue(at.sheet, at.row, at.col)).toBe('政策压减非急需非刚性支出');
    s.apply([{ ...at, value: '' }]);
    expect(sentence(generateNarrative(s, t), '本年收入合计3966.62万元')).toMatch(/下降6\.14%。$/);
    s.undo();
  });

  it('the live view names the input cells behind each paragraph', () => {
    const v = narrativeView(s, t);
    const p = v.parts.find((x) => x.id === '三')!.paragraphs.find((x) => x.id === '三.收入.1')!;
    const names = p.inputs.map((i) => i.name);
    expect(names).toContain('上年_本年收入合计');
    expect(names).toContain('原因_本年收入合计');
    const reason = p.inputs.find((i) => i.name === '原因_本年收入合计')!;
    expect([reason.sheet, reason.row, reason.col]).toEqual(['说明文字', 1, 2]);
    const cls = v.parts.find((x) => x.id === '三')!.paragraphs.find((x) => x.id === '三.财政拨款.类.201')!;
    expect(cls.inputs.map((i) => `${i.sheet}!${i.row},${i.col}`)).toEqual(['年初预算!1,2', '年初预算!1,5']);
  });
});

describe('a paragraph the accountant rewrote (情况说明改写) is checked like any other', () => {
  const id = { sheet: '情况说明改写', row: 1, col: 0 };
  const txt = { sheet: '情况说明改写', row: 1, col: 1 };
  const seedLead = '本部门 2024 年度财政拨款“三公”经费支出全年预算数 7.00 万元，决算数 1.74 万元，完成全年预算的 24.87%；决算数比上年减少 5.21 万元，下降 74.94%，其中：';

  it('the seed\'s own wording replaces the generated one; its 24.87% and 74.94% pass the intervals', () => {
    s.apply([{ ...id, value: '三.三公.1' }, { ...txt, value: seedLead }]);
    const v = narrativeView(s, t);
    const p = v.parts[1].paragraphs.find((x) => x.id === '三.三公.1')!;
    expect(p.rewritten).toBe(true);
    expect(plain(p.segments)).toBe(normalizeText(seedLead));
    const nums = p.segments.filter((x) => x.t === 'num');
    expect(nums.map((x) => x.text)).toEqual(['2024', '7.00', '1.74', '24.87', '减少', '5.21', '下降', '74.94']);
    expect(nums.every((x) => x.t === 'num' && x.check.ok)).toBe(true);
    expect(p.inputs.find((i) => i.name === '改写')).toMatchObject({ sheet: '情况说明改写', row: 1, col: 1 });
    expect(v.failed).toEqual([]);
    // with it, 第三部分 equals the seed in that sentence too
    const seedSentence = sentences(seedText(3)).find((x) => x.includes('“三公”经费支出全年预算数'.replace(/“|”/g, '"')))!;
    expect(sentences(partText(generateNarrative(s, t), '三'))).toContain(seedSentence);
  });

  it('a figure typed wrong, a wrong direction, or a number the template does not know is marked', () => {
    s.apply([{ ...txt, value: seedLead.replace('24.87%', '34.87%').replace('下降 74.94%', '增长 74.94%') + '另有 3 个团组。' }]);
    const failed = narrativeView(s, t).failed.filter((f) => f.paragraph === '三.三公.1');
    expect(failed.map((f) => f.text)).toEqual(['34.87', '增长', '3']);
    expect(failed[0].message).toContain('不能由表中数据得出');
    expect(failed[1].message).toContain('应为「减少／下降」');
    expect(failed[2].message).toContain('未能与情况说明的模板句对应');
  });

  it('cleared, the generated text is back', () => {
    s.apply([{ ...txt, value: null }, { ...id, value: null }]);
    const p = narrativeView(s, t).parts[1].paragraphs.find((x) => x.id === '三.三公.1')!;
    expect(p.rewritten).toBeUndefined();
    expect(plain(p.segments)).toContain('完成全年预算的24.87%');
  });
});

describe('the empty template', () => {
  it('generates with every missing figure marked, and never throws', async () => {
    const e = await openSession(EMPTY);
    const v = narrativeView(e, t);
    expect(v.failed.length).toBeGreaterThan(0);
    expect(v.failed.every((f) => f.text === '【未填】')).toBe(true);
    // a blank 上年数 is reported as such
    expect(v.failed.some((f) => f.message.startsWith('上年数未填'))).toBe(true);
    e.destroy();
  });
});

describe('九 reads the 自评表', () => {
  it('from the 绩效自评汇总 names, or from the forms themselves when the packet has no such names', async () => {
    const want = normalizeText('二级项目72个全面开展绩效自评，共涉及资金4167.52万元，占项目支出总额的100%。其中，36个项目评价结果为“优”，36个项目评价结果为“良”。');
    expect(normalizeText(partText(generateNarrative(s, t), '三'))).toContain(want);
    const p = await readPacket();
    const summaryNames = ['自评项目数', '自评等级1数', '自评等级2数', '自评等级3数', '自评等级4数', '自评全年预算数合计', '自评全年执行数合计'];
    expect(p.names.filter((n) => summaryNames.includes(n.name))).toHaveLength(summaryNames.length);
    p.names = p.names.filter((n) => !summaryNames.includes(n.name));
    const bare = new Session(p);
    expect(normalizeText(partText(generateNarrative(bare, t), '三'))).toContain(want);
    // a form's 全年预算数 changes the total the narrative states
    const form = p.sheets.find((x) => x.kind === 'form')!;
    const row = form.cells.findIndex((r) => r.some((c) => String(c?.v ?? '').startsWith('年度资金总额')));
    const col = form.cells.findIndex((r) => r.some((c) => String(c?.v ?? '').includes('全年预算数')));
    const colA = form.cells[col].findIndex((c) => String(c?.v ?? '').includes('全年预算数'));
    expect(bare.isInput(form.name, row, colA)).toBe(true);
    bare.apply([{ sheet: form.name, row, col: colA, value: 100 }]);
    expect(normalizeText(partText(generateNarrative(bare, t), '三'))).toContain('共涉及资金4222.20万元');
    bare.destroy();
  });
});

describe('cost of the live view (printed and written to tests/artifacts/narrative/timing.json, never asserted)', () => {
  it('edit → narrativeView, generate, and the check of the seed text, medians of 25 runs', () => {
    const time = (f: (i: number) => void, n = 25) => {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = performance.now();
        f(i);
        xs.push(performance.now() - a);
      }
      xs.sort((a, b) => a - b);
      return { median: +xs[n >> 1].toFixed(2), min: +xs[0].toFixed(2), p95: +xs[Math.floor(n * 0.95)].toFixed(2) };
    };
    // an edit of a table figure the narrative uses, then the view: the view's own time is measured apart
    const cell = { sheet: '公开09表', row: 10, col: 4 };
    const viewOnly: number[] = [];
    const view = time((i) => {
      s.apply([{ ...cell, value: 1.74 + (i % 2) }]);
      const a = performance.now();
      narrativeView(s, t);
      viewOnly.push(performance.now() - a);
    });
    viewOnly.sort((a, b) => a - b);
    s.apply([{ ...cell, value: 1.74 }]);
    const generate = time(() => generateNarrative(s, t));
    const seed = seedText(3);
    const check = time(() => checkNarrativeText(s, t, seed), 10);
    const result = { 'edit + narrativeView (ms)': view, 'narrativeView alone (ms)': { median: +viewOnly[12].toFixed(2), min: +viewOnly[0].toFixed(2) }, 'generateNarrative (ms)': generate, 'checkNarrativeText seed 第三部分 (ms)': check, packet: 'reference-packet.xlsx (72 forms)', at: new Date().toISOString() };
    console.log('narrative timing', JSON.stringify(result));
    mkdirSync('tests/artifacts/narrative', { recursive: true });
    writeFileSync('tests/artifacts/narrative/timing.json', JSON.stringify(result, null, 1));
    expect(narrativeView(s, t).failed).toEqual([]);
  });
});


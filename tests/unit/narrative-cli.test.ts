/** bin/juesuan narrative / narrative-check: outputs, messages and exit codes (0 ok, 1 findings, 2 unreadable). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docxText } from '../../shared/narrative/docx-text.js';
import { EMPTY, REFERENCE } from '../fixtures/narrative/load.js';

const dir = mkdtempSync(join(tmpdir(), 'narrative-cli-'));
function juesuan(...args: string[]) {
  const r = spawnSync('bin/juesuan', args, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('bin/juesuan narrative', () => {
  it('writes 情况说明.docx (and the text) for the reference packet; every number backed → exit 0', async () => {
    const out = join(dir, '情况说明.docx');
    const r = juesuan('narrative', REFERENCE, '--out', out, '--text', join(dir, '情况说明.txt'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('第一部分、第三部分、第四部分、第五部分');
    expect(r.out).toContain('正文：仿宋_GB2312（缺少时用 仿宋');
    expect(r.out).toContain('文中每个数字都已与公开包核对。');
    const text = await docxText(new Uint8Array(readFileSync(out)));
    expect(text).toContain('本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%');
    expect(readFileSync(join(dir, '情况说明.txt'), 'utf8')).toContain('二级项目72个');
  });

  it('the empty template: figures missing → marked 【未填】, listed, exit 1', () => {
    const r = juesuan('narrative', EMPTY, '--out', join(dir, 'empty.docx'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[缺数\] 三\.收入\.1 {2}上年数未填：「上年数」工作表中「上年_年初结转和结余」为空/);
  });

  it('usage and unreadable input → exit 2 with a Chinese message', () => {
    expect(juesuan('narrative', REFERENCE).code).toBe(2);
    const bad = join(dir, 'bad.xlsx');
    writeFileSync(bad, 'not a workbook');
    const r = juesuan('narrative', bad, '--out', join(dir, 'x.docx'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('不是 Excel 工作簿');
  });
});

describe('bin/juesuan narrative-check', () => {
  it('the seed\'s 第三部分: lists the two numbers the tables do not support, exit 1', () => {
    const r = juesuan('narrative-check', REFERENCE, 'tests/fixtures/narrative/seed-part3.txt');
    expect(r.code).toBe(1);
    expect(r.out.split('\n').filter((l) => l.startsWith('['))).toEqual([
      '[不符] 「4719.92」与自评表全年预算数合计（ΣA）（自评全年预算数合计）4167.52 不符',
      '[不符] 「1736.34」与公开04表 一般公共预算财政拨款本年支出（一般公共预算本年支出）3284.90 不符',
      // the seed's 自评工作情况 names the unit differently from its own tables
      '[单位名称] 单位名称「中共景德镇市昌南新区党群工作委员会党群工作部」与公开表的部门「中共景德镇市昌南新区工作委员会党群工作部」不一致',
    ]);
    expect(r.out).toContain('    句子：组织开展部门整体支出绩效评价，涉及一般公共预算支出1736.34万元');
    expect(r.out).toContain('共核对 171 个数字：169 个与公开包相符，2 个不符，0 个未能读懂（未核对）；另有 1 处文字问题。');
  });

  it('--json on the generated .docx: every number tied; the packet’s own two spellings of the unit are reported', () => {
    const out = join(dir, 'g.docx');
    expect(juesuan('narrative', REFERENCE, '--out', out).code).toBe(0);
    const r = juesuan('narrative-check', REFERENCE, out, '--json');
    const j = JSON.parse(r.out) as { summary: { numbers: number; ok: number; mismatched: number; untied: number; notUnderstood: unknown[]; findings: number }; findings: { kind: string; text: string }[] };
    expect(j.summary.mismatched + j.summary.untied).toBe(0);
    expect(j.summary.notUnderstood).toEqual([]);
    expect(j.summary.ok).toBe(j.summary.numbers);
    // 概况 单位构成 and 说明文字 自评工作情况 of the reference packet (as published) spell the unit otherwise
    expect(j.findings.map((f) => [f.kind, f.text])).toEqual([
      ['unitName', '中共景德镇市昌南新区工作委员会会党群工作部'],
      ['unitName', '中共景德镇市昌南新区党群工作委员会党群工作部'],
    ]);
    expect(r.code).toBe(1);
  }, 180_000); // two CLI runs (generate, then check), each loading the packet: slow on a shared machine

  it('a .doc or a broken .docx → exit 2', () => {
    const doc = join(dir, 'old.doc');
    writeFileSync(doc, 'x');
    const r = juesuan('narrative-check', REFERENCE, doc);
    expect(r.code).toBe(2);
    expect(r.err).toContain('另存为 .docx');
    const docx = join(dir, 'broken.docx');
    writeFileSync(docx, 'PK\u0003\u0004broken');
    const b = juesuan('narrative-check', REFERENCE, docx);
    expect(b.code).toBe(2);
    expect(b.err).toContain('不是 Word 文档');
  });
});

/**
 * bin/juesuan validate-template: the shipped sets hold part by part, and a set folder a bureau is writing is told
 * exactly which part does not (a missing name, a published sheet that does not exist, a reference packet with an
 * error) — by a real CLI run on real files.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { juesuan } from '../helpers/cli.js';

describe('bin/juesuan validate-template', () => {
  it('passes both shipped sets, every part named', () => {
    for (const set of ['jiangxi-2024', 'shanghai-putuo-2025']) {
      const r = juesuan('validate-template', set, '--json');
      expect(r.code, r.stderr).toBe(0);
      const v = JSON.parse(r.stdout) as { ok: boolean; parts: { part: string; ok: boolean; detail: string }[] };
      expect(v.ok).toBe(true);
      expect(v.parts.map((p) => p.part)).toEqual(expect.arrayContaining(['set.json', 'tables.xlsx', 'reference-packet.xlsx', 'narrative/template.json', 'import/vocabulary.json']));
      expect(v.parts.find((p) => p.part === 'reference-packet.xlsx')!.detail).toMatch(/^0 个错误/);
      expect(v.parts.find((p) => p.part === 'narrative/template.json')!.detail).toBe('情况说明中的每个数字都与参考公开包相符');
    }
  }, 240_000);

  it('names each broken part of a set folder outside templates/, and exits 1', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'juesuan-validate-')), 'shanghai-putuo-2025');
    cpSync('templates/shanghai-putuo-2025', dir, { recursive: true });
    writeFileSync(join(dir, 'set.json'), JSON.stringify({ 地区: '上海' }));
    const publish = JSON.parse(readFileSync(join(dir, 'publish.json'), 'utf8')) as { 公开工作表: string[] };
    publish.公开工作表.push('国有资产占用情况表');
    writeFileSync(join(dir, 'publish.json'), JSON.stringify(publish));
    // one published figure changed: 收入支出决算总表's 本年收入合计 no longer ties
    const ref = await readPacket(new Uint8Array(readFileSync(join(dir, 'reference-packet.xlsx'))));
    const total = ref.sheets.find((s) => s.name === '收入支出决算总表')!;
    const row = total.cells.findIndex((r) => r?.some((c) => typeof c?.v === 'string' && c.v.replace(/\s/g, '') === '本年收入合计'));
    expect(row).toBeGreaterThan(0);
    // the first amount the accountant fills in that row (the 行次 beside it is a label, not an amount)
    const amount = total.cells[row]!.findIndex((c) => !!c?.input && typeof c.v === 'number');
    (total.cells[row]![amount] as { v: number }).v += 100;
    writeFileSync(join(dir, 'reference-packet.xlsx'), await writePacket(ref));

    const r = juesuan('validate-template', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ set.json：set.json 缺少「名称」');
    expect(r.stdout).toMatch(/✗ publish\.json：publish\.json 列出的工作表在 tables\.xlsx 中不存在：国有资产占用情况表/);
    expect(r.stdout).toMatch(/✗ reference-packet\.xlsx：参考公开包有 \d+ 个错误/);
    expect(r.stdout).toContain('✓ tables.xlsx');
    expect(r.stderr).toContain('模板套 shanghai-putuo-2025 有 3 处问题');
  }, 240_000);
});

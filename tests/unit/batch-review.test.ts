/**
 * 批量审核: a folder of generated packets (planted errors, a planted 尾数差, unreadable files) through the real
 * command (`juesuan check <folder> --summary`, worker threads) → the 审核汇总 workbook lists every planted
 * error at its unit, the 尾数差 as a hint only, and every unreadable file. The 300-packet run is the bench.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approxArgs } from '../../shared/merge/review.js';
import { juesuan } from '../helpers/cli.js';
import { batchPackets, type BatchFixture } from '../helpers/merge-fixtures.js';

let dir = '';
let fx: BatchFixture;
let run: ReturnType<typeof juesuan>;
const rows: Record<string, Record<string, unknown>[]> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'batch-'));
  fx = await batchPackets(12, { plantEvery: 2, unreadableEvery: 4 });
  for (const f of fx.files) {
    mkdirSync(dirname(join(dir, 'in', f.path)), { recursive: true });
    writeFileSync(join(dir, 'in', f.path), f.bytes);
  }
  run = juesuan('check', join(dir, 'in'), '--summary', join(dir, '审核汇总.xlsx'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(join(dir, '审核汇总.xlsx')) as unknown as ArrayBuffer);
  for (const ws of wb.worksheets) {
    const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    rows[ws.name] = [];
    ws.eachRow((r, n) => {
      if (n === 1) return;
      const vals = (r.values as unknown[]).slice(1);
      rows[ws.name].push(Object.fromEntries(head.map((h, i) => [h, vals[i] ?? null])));
    });
  }
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('juesuan check <folder> --summary', () => {
  it('the fixture has what the test needs', () => {
    expect(fx.planted.map((p) => p.kind)).toEqual(['error', 'error', 'error', 'error', 'rounding']);
    expect(fx.unreadable).toHaveLength(3);
    expect(fx.clean.length).toBeGreaterThanOrEqual(4);
  });

  it('exits 1 (findings) and says so in Chinese, never stopping at an unreadable file', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('审核 12 个文件');
    expect(run.stdout).toContain('9 个公开包，其中 4 个有错误；3 个文件无法读取');
  });

  it('a row per unit, with errors only where one was planted', () => {
    const units = rows['单位'].filter((r) => typeof r['文件'] === 'string' && !String(r['文件']).startsWith('合计'));
    expect(units.map((r) => r['文件']).sort()).toEqual([...fx.planted.map((p) => p.file), ...fx.clean].sort());
    for (const r of units) expect(r['单位名称']).toBe(`测试单位${String(r['文件']).match(/(\d{4})-/)![1]}`);
    const byFile = new Map(units.map((r) => [r['文件'], r]));
    for (const f of fx.clean) expect(byFile.get(f)!['错误'], f).toBe(0);
    const cleanRounding = byFile.get(fx.clean[0])!['其中尾数差'] as number;
    for (const p of fx.planted) {
      const r = byFile.get(p.file)!;
      if (p.kind === 'error') expect(r['错误'], p.what).toBeGreaterThan(0);
      else {
        // a 尾数差 is a hint, never an error, and it is counted as one
        expect(r['错误'], p.what).toBe(0);
        expect(r['其中尾数差'] as number, p.what).toBeGreaterThan(cleanRounding);
      }
    }
  });

  it('every planted error is in the findings sheet at its unit, sheet and amount', () => {
    const findings = rows['审核结果'];
    for (const p of fx.planted.filter((x) => x.kind === 'error')) {
      const mine = findings.filter((f) => f['文件'] === p.file && f['级别'] === '错误');
      expect(mine.length, p.what).toBeGreaterThan(0);
      const hit = mine.find((f) => f['工作表'] === p.sheet && typeof f['差额'] === 'number' && Math.abs((f['差额'] as number) - Math.abs(p.delta)) < 0.02); // the reference's own 尾数差 may add a cent
      expect(hit, `${p.what}: ${JSON.stringify(mine)}`).toBeTruthy();
    }
    // no error at all at a clean unit or at the 尾数差 unit
    const noisy = new Set([...fx.clean, ...fx.planted.filter((x) => x.kind === 'rounding').map((x) => x.file)]);
    expect(findings.filter((f) => noisy.has(f['文件'] as string) && f['级别'] === '错误')).toEqual([]);
  });

  it('lists every unreadable file with a Chinese reason', () => {
    const bad = rows['无法读取'];
    expect(bad.map((r) => r['文件']).sort()).toEqual([...fx.unreadable].sort());
    for (const r of bad) expect(String(r['原因'])).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('approxArgs', () => {
  it('splits only a whole APPROX call at its top-level commas', () => {
    expect(approxArgs('APPROX(公开01表!C33,SUM(公开01表!C7:C14),9)')).toEqual(['公开01表!C33', 'SUM(公开01表!C7:C14)']);
    expect(approxArgs('APPROX(SUMIF(A:A,"2,01",C:C),B1,2)')).toEqual(['SUMIF(A:A,"2,01",C:C)', 'B1']);
    expect(approxArgs('AND(APPROX(a,b,2),c)')).toBeNull();
    // the guard of a breakdown that may be unreported: the check fails only when the tie does
    expect(approxArgs('OR(COUNTA(公开09表!E12,公开09表!E14)=0,APPROX(公开09表!E11,公开09表!E12+公开09表!E14,3))')).toEqual(['公开09表!E11', '公开09表!E12+公开09表!E14']);
    expect(approxArgs('OR(APPROX(a,b,2),c)')).toBeNull();
    expect(approxArgs('APPROX(a,b)')).toBeNull();
  });
});

/** bin/juesuan import: exit 0 imported, 1 with cells not placed, 2 unreadable; atomic output; JSON report. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/import/index.js';
import { readPacket } from '../../shared/xlsx.js';
import { otherRegion, reportSoftware, toBytes } from '../fixtures/import/build.js';
import { juesuan } from '../helpers/cli.js';
import { VARIANTS, variantBytes } from '../fixtures/import/variants.js';
import { TABLES, tableWorkbook } from '../fixtures/import/compare.js';
import { bytesOf, EMPTY_TABLES, loadPacket, REFERENCE } from '../helpers/packets.js';

let dir: string;
let other: string;
let software: string;
let plain: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-import-'));
  const ref = await loadPacket(REFERENCE);
  other = join(dir, '其他地区.xlsx');
  writeFileSync(other, await toBytes(otherRegion(ref)));
  software = join(dir, '报表软件.xlsx');
  writeFileSync(software, await toBytes(reportSoftware(ref).wb));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('通讯录');
  ws.addRow(['姓名', '电话']);
  ws.addRow(['张三', 13800000000]);
  plain = join(dir, '通讯录.xlsx');
  writeFileSync(plain, await toBytes(wb));
});

describe('bin/juesuan import', () => {
  it('exit 0: every cell placed; the output packet opens and holds the figures; no temp file left', async () => {
    const out = join(dir, 'out.xlsx');
    const rep = join(dir, 'report.json');
    const r = juesuan('import', other, '--into', EMPTY_TABLES, '--out', out, '--report', rep);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('【表7】→ 公开09表');
    const p = await readPacket(new Uint8Array(readFileSync(out)));
    expect(p.sheets.find((s) => s.name === '公开01表')!.cells[32][2]!.v).toBe(3966.62);
    const j = JSON.parse(readFileSync(rep, 'utf8')) as ImportReport;
    expect(j.summary).toMatchObject({ cellsNotPlaced: 0, tables: 9 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const check = juesuan('check', out, '--json');
    expect(check.code).toBe(0);
  });

  it('exit 1: imported, and the JSON report names each cell not placed', () => {
    const out = join(dir, 'out2.xlsx');
    const rep = join(dir, 'report2.json');
    const r = juesuan('import', software, '--into', EMPTY_TABLES, '--out', out, '--report', rep);
    expect(r.code).toBe(1);
    const j = JSON.parse(readFileSync(rep, 'utf8')) as ImportReport;
    expect(j.sheets.flatMap((s) => s.notPlaced.map((c) => c.cell))).toHaveLength(5);
    expect(r.stdout).toContain('未放入 5 个');
    expect(readFileSync(out).length).toBeGreaterThan(1000);
  });

  it('--as prior-year fills 上年数 from the template set named in the packet', async () => {
    const out = join(dir, 'prior.xlsx');
    const r = juesuan('import', other, '--into', REFERENCE, '--as', 'prior-year', '--out', out);
    // every 上年数 item of this template set is computed from the tables (机关运行经费 = 06表 公用经费合计)
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/上年数：填入 2\d 项/);
    expect(r.stdout).not.toMatch(/未填 [1-9]/);
    expect(r.stdout).toContain('已覆盖');
    const p = await readPacket(new Uint8Array(readFileSync(out)));
    const prior = p.sheets.find((s) => s.name === '上年数')!;
    expect(prior.cells.find((row) => row[0]?.v === '本年收入合计')![1]!.v).toBe(3966.62);
  });

  const bad = (name: string, bytes: Uint8Array | string) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it.each([
    ['a text file named .xls', () => bad('notes.xls', '这不是表格'), /不是可识别的表格文件/],
    ['a truncated .xlsx', () => bad('cut.xlsx', bytesOf(REFERENCE).subarray(0, 5000)), /已损坏或不完整/],
    ['a missing file', () => join(dir, 'nope.xlsx'), /找不到文件/],
    ['a workbook with no disclosure table', () => plain, /没有识别出任何公开表/],
  ])('exit 2 for %s, with a Chinese message and no output packet', (_n, path, msg) => {
    const out = join(dir, `never-${Math.random().toString(36).slice(2)}.xlsx`);
    const r = juesuan('import', path(), '--into', EMPTY_TABLES, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(readdirSync(dir)).not.toContain(out.split('/').pop());
  });

  it('issue 12: a GBK HTML ".xls" of another office: exit 0, stderr empty; an ambiguous number: exit 1 and one Chinese line on stderr', async () => {
    const ref = await loadPacket(REFERENCE);
    const spec = VARIANTS.find((v) => v.format === 'html-gbk')!;
    const { bytes } = await variantBytes(ref, spec);
    const html = bad('网页导出.xls', bytes);
    const ok = juesuan('import', html, '--into', EMPTY_TABLES, '--out', join(dir, 'html.xlsx'));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/金额：共 \d+ 个，放入 \d+，未放入 0。/);
    const csv = bad('歧义.csv', '国有资本经营预算财政拨款支出决算表\r\n金额单位：万元\r\n科目编码,科目名称,本年支出合计,基本支出,项目支出\r\n,合计,"1 234,56",,"1 234,56"\r\n');
    const r = juesuan('import', csv, '--into', EMPTY_TABLES, '--out', join(dir, 'csv.xlsx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('导入完成，但源文件共 2 个金额，2 个未放入（CSV 2 个）：逐个原因见导入报告。\n');
    expect(r.stdout).toContain('CSV!C4「1 234,56」（合计 / 本年支出合计）：数字写法有歧义');
  }, 240_000);

  it('the report names the tables of the set the source had no source for (one table exported alone)', async () => {
    const ref = await loadPacket(REFERENCE);
    const one = bad('支出决算表.xlsx', await tableWorkbook(ref, '公开03表'));
    const rep = join(dir, 'one-table.json');
    const r = juesuan('import', one, '--into', EMPTY_TABLES, '--out', join(dir, 'one.xlsx'), '--report', rep);
    // a table missing from the source is not an amount left behind: exit 0, and the report says which
    expect(r.code).toBe(0);
    const others = TABLES.filter((t) => t !== '公开03表');
    expect(r.stdout).toContain(`源文件中没有这些表（未导入，保持原样）：${others.join('、')}`);
    const j = JSON.parse(readFileSync(rep, 'utf8')) as ImportReport;
    expect(j.tablesWithoutSource).toEqual(others);
    expect(j.summary.amountsNotPlaced).toBe(0);
  }, 240_000);

  it('exit 2 for bad usage', () => {
    expect(juesuan('import', other, '--out', join(dir, 'x.xlsx')).code).toBe(2);
    const r = juesuan('import', other, '--into', EMPTY_TABLES, '--out', join(dir, 'x.xlsx'), '--as', 'budget');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prior-year');
  });
});

/**
 * bin/juesuan export as a user runs it: the reference packet gives the workbook, 情况说明.docx and 公开包.pdf;
 * a packet with an error is refused (exit 1, errors listed, nothing written) unless --force; no Chromium gives
 * a Chinese message and exit 2; no temporary file is left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPdfOutline } from '../../shared/export/pdf-dests.js';
import { bytesOf, REFERENCE } from '../helpers/packets.js';

function juesuan(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bin/juesuan', args, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let wrong: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-export-'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytesOf(REFERENCE) as unknown as ArrayBuffer);
  wb.getWorksheet('公开01表')!.getCell('C7').value = 3000;
  wrong = join(dir, 'wrong.xlsx');
  writeFileSync(wrong, new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
});

describe('bin/juesuan export', () => {
  it('exports the reference packet: workbook, 情况说明.docx, 公开包.pdf with its 目录', async () => {
    const out = join(dir, 'ok');
    const r = juesuan(['export', REFERENCE, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['公开包.pdf', '决算公开表.xlsx', '情况说明.docx'].sort());
    // the public packet: the ten tables and the 72 forms, nothing else, nothing hidden
    const pub = new ExcelJS.Workbook();
    await pub.xlsx.load(readFileSync(join(out, '决算公开表.xlsx')) as unknown as ArrayBuffer);
    expect(pub.worksheets.filter((w) => /^公开\d\d表$/.test(w.name))).toHaveLength(10);
    expect(pub.worksheets).toHaveLength(82);
    expect(pub.worksheets.filter((w) => w.state !== 'visible')).toEqual([]);
    expect(pub.getWorksheet('上年数')).toBeUndefined();
    expect(r.stdout).toContain('公开包：只含公开的表');
    expect(r.stdout).toMatch(/有 7 个提示没有出错说明/);
    const docx = await JSZip.loadAsync(readFileSync(join(out, '情况说明.docx')));
    expect(await docx.file('word/document.xml')!.async('string')).toContain('部门决算情况说明');
    const pdf = readPdfOutline(new Uint8Array(readFileSync(join(out, '公开包.pdf'))));
    expect(pdf.pageCount).toBeGreaterThan(100);
    expect(r.stdout).toContain(`共 ${pdf.pageCount} 页`);
    expect(r.stdout).toMatch(/一、收入支出决算总表 …… \d+/);
    expect(r.stdout).toContain(`  第二部分 2024年度部门决算表 …… ${pdf.dests.get('part-2')}`);
    expect(r.stdout).not.toContain('缺少以下内容');
  }, 300_000);

  it('refuses a packet with an error: exit 1, the errors listed, nothing written', () => {
    const out = join(dir, 'refused');
    const r = juesuan(['export', wrong, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[错误\] 公开01表 C33/);
    expect(r.stdout).toMatch(/公开包还有 \d+ 个错误，未导出。.*--force/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);

  it('--force exports it anyway, with --per-table and --full --no-checks (every sheet but the hidden ones)', async () => {
    const out = join(dir, 'forced');
    const r = juesuan(['export', wrong, '--out', out, '--force', '--per-table', '--full', '--no-checks']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[错误\] 公开01表/);
    expect(r.stdout).toContain('已按 --force 继续导出');
    expect(readdirSync(out).sort()).toEqual(['公开包.pdf', '决算公开表.xlsx', '分表', '情况说明.docx'].sort());
    expect(readdirSync(join(out, '分表'))).toHaveLength(10);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(out, '决算公开表.xlsx')) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('审核')).toBeUndefined();
    expect(wb.getWorksheet('上年数')).toBeDefined();
    expect(wb.getWorksheet('公开01表')!.getCell('C7').value).toBe(3000);
    // written through temporary files that were renamed: none left behind
    const all = [...readdirSync(out), ...readdirSync(join(out, '分表'))];
    expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 300_000);

  it('says in Chinese when Chromium cannot be found (exit 2), after writing what it could', () => {
    const out = join(dir, 'nochrome');
    const r = juesuan(['export', REFERENCE, '--out', out], { JUESUAN_CHROMIUM: '/nonexistent/chromium' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^错误：找不到 Chromium 浏览器/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(join(out, '决算公开表.xlsx'))).toBe(true);
    expect(existsSync(join(out, '公开包.pdf'))).toBe(false);
  }, 300_000);

  it('rejects bad usage with exit 2', () => {
    expect(juesuan(['export', REFERENCE]).code).toBe(2);
    expect(juesuan(['export', REFERENCE, '--out', join(dir, 'x'), '--bogus']).stderr).toContain('不认识的选项「--bogus」');
    expect(juesuan(['export', join(dir, 'missing.xlsx'), '--out', join(dir, 'y')]).stderr).toContain('找不到文件');
  }, 300_000);
});

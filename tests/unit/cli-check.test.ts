import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, REFERENCE } from '../helpers/packets.js';
import { juesuan } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-cli-'));
});

describe('bin/juesuan check', () => {
  it('passes the reference packet: exit 0, no errors, the 尾数差 and the name warning listed', () => {
    const r = juesuan('check', REFERENCE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/共 0 个错误/);
    expect(r.stdout).toContain('[尾数差] 公开03表 C7');
    expect(r.stdout).toContain('2130804');
  });

  it('--json prints only JSON on stdout in the documented shape', () => {
    const r = juesuan('check', REFERENCE, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; summary: { error: number; warning: number } };
    expect(j.summary.error).toBe(0);
    expect(j.summary.warning).toBe(j.findings.length);
    const f = j.findings.find((x) => x.rule === '06-01')!;
    expect(f).toEqual({ rule: '06-01', severity: 'warning', rounding: true, sheet: '公开06表', cells: ['C34'], message: expect.stringContaining('545.72') });
  });

  it('exits 1 when a figure is wrong', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytesOf(REFERENCE) as unknown as ArrayBuffer);
    wb.getWorksheet('公开01表')!.getCell('C7').value = 3000;
    const path = join(dir, 'wrong.xlsx');
    writeFileSync(path, new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    const r = juesuan('check', path, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[]; summary: { error: number } };
    expect(j.findings.filter((f) => f.severity === 'error').map((f) => f.rule).sort()).toEqual(['01-01', 'X-04']);
  });

  const bad = (name: string, bytes: Uint8Array | string) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('a file that is not xlsx: exit 2 and a Chinese message, no stack trace', () => {
    const r = juesuan('check', bad('notes.xlsx', '这不是表格'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不是 Excel 工作簿');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(r.stdout).toBe('');
  });

  it('a truncated xlsx: exit 2, says it is damaged', () => {
    const whole = bytesOf(REFERENCE);
    const r = juesuan('check', bad('cut.xlsx', whole.slice(0, Math.floor(whole.length / 2))));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/已损坏或不完整/);
  });

  it('an xlsx that is not a packet: exit 2, says to import it instead', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = '收入支出决算总表';
    const p = bad('plain.xlsx', new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    const r = juesuan('check', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不是决算公开包');
    expect(r.stderr).toContain('导入');
  });

  it('a missing file and a bad command line: exit 2', () => {
    expect(juesuan('check', join(dir, 'none.xlsx')).stderr).toContain('找不到文件');
    expect(juesuan('check').code).toBe(2);
    expect(juesuan('frobnicate').code).toBe(2);
  });
});

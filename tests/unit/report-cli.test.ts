/** bin/juesuan check <packet> --report 审核报告.xlsx: the report file beside the usual listing; bad names refused. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { juesuan } from '../helpers/cli.js';
import { REFERENCE } from '../helpers/packets.js';

describe('bin/juesuan check --report', () => {
  it('writes the 审核报告 workbook with every finding and says so on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-report-'));
    const path = join(dir, '审核报告.xlsx');
    const r = juesuan('check', REFERENCE, '--report', path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`已写出审核报告 ${path}：错误 0 个；提示 26 个（其中尾数差 19 个，已写出错说明 0 个，待复核 0 个，未说明 7 个）。`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('审核报告')!;
    const numbered: unknown[] = [];
    ws.eachRow((row) => {
      if (typeof row.getCell(1).value === 'number') numbered.push(row.getCell(3).value);
    });
    expect(numbered).toHaveLength(26);
    expect(numbered).toContain('06-01');
  }, 240_000);

  it('refuses a report name that is neither .xlsx nor .pdf (exit 2)', () => {
    const r = juesuan('check', REFERENCE, '--report', join(tmpdir(), 'r.txt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--report 的文件名应以 .xlsx 或 .pdf 结尾');
  }, 60_000);
});

/**
 * Issue 20: one number formatter. The grid (renderer/grid/layout.ts + format.ts), the printed tables
 * (export/sheet-html.ts) and the check messages (format.ts formatMoney) all show a number through
 * shared/numfmt.ts; for every number format the templates use, the grid text equals the printed text.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayText } from '../../renderer/grid/format.js';
import { lookOf } from '../../renderer/grid/layout.js';
import { formatMoney } from '../../shared/format.js';
import type { CellValue } from '../../shared/model.js';
import { formatCellText } from '../../shared/numfmt.js';
import { loadWorkbook } from '../../shared/xlsx.js';

const TEMPLATES = ['templates/jiangxi-2024/tables.xlsx', 'templates/jiangxi-2024/form.xlsx', 'templates/jiangxi-2024/reference-packet.xlsx'];
const VALUES: CellValue[] = [66.622, -1234.5, 0, null, 0.963, 96.3, 1736.345, -0.001, 12345678.9, 0.1 + 0.2, 2024, 'text', true];

let formats: string[] = [];
beforeAll(async () => {
  const found = new Set<string>();
  for (const path of TEMPLATES) {
    const wb = await loadWorkbook(new Uint8Array(readFileSync(path)), path);
    for (const ws of wb.worksheets) {
      ws.eachRow({ includeEmpty: true }, (row) => row.eachCell({ includeEmpty: true }, (cell) => {
        if (cell.numFmt) found.add(cell.numFmt);
      }));
    }
  }
  formats = [...found].sort();
}, 120_000);

const grid = (v: CellValue, numFmt: string | undefined) => displayText(v, lookOf(numFmt ? { numFmt } : undefined, false, false, v));

describe('one number formatter for grid, print and messages', () => {
  it('the templates use the formats this test expects to see (collected from the .xlsx files)', () => {
    // the form amounts print with one policy per column now (#,##0.00); #,##0.00#### stays covered by the cases below
    expect(formats).toEqual(expect.arrayContaining(['#,##0.00', '0', '@']));
    expect(formats.length).toBeGreaterThanOrEqual(3);
  });

  it('for every format the templates use (and General), the grid shows what the print shows', () => {
    for (const f of [...formats, undefined]) {
      for (const v of VALUES) {
        const { numFmt } = lookOf(f ? { numFmt: f } : undefined, false, false, v);
        expect([f, v, grid(v, f)]).toEqual([f, v, formatCellText(v, numFmt)]);
        // an input cell of the same format reads the same
        expect(displayText(v, lookOf(f ? { numFmt: f } : undefined, true, false, v))).toBe(formatCellText(v, f));
      }
    }
  });

  it('shows the values an accountant checks, as Excel does', () => {
    expect(grid(66.622, '#,##0.00####')).toBe('66.622');
    expect(grid(66.6, '#,##0.00####')).toBe('66.60');
    expect(grid(-1234.5, '#,##0.00')).toBe('-1,234.50');
    expect(grid(0, '#,##0.00')).toBe('0.00');
    expect(grid(null, '#,##0.00')).toBe('');
    expect(grid(-0.001, '#,##0.00')).toBe('0.00');
    expect(grid(1736.345, '#,##0.00')).toBe('1,736.35');
    expect(grid(0.963, '0.00%')).toBe('96.30%');
    expect(grid(-1234.5, '0')).toBe('-1235');
    expect(grid(0.1 + 0.2, undefined)).toBe('0.3');
    expect(grid('≥95%', '#,##0.00')).toBe('≥95%');
  });

  it('a message writes an amount as the table prints it', () => {
    for (const v of [66.622, -1234.5, 0, 1736.345, -0.001, 12345678.9]) expect(formatMoney(v)).toBe(formatCellText(v, '#,##0.00'));
  });
});

/**
 * The set's 科目 catalog in its packets: templates/<set>/科目.xlsx (the data a bureau replaces) becomes the hidden
 * sheet 科目表 of tables.xlsx and of the reference packet, and the 审核 sheet gets the 科目 declaration that checks
 * the 科目 rows against it (shared/catalog). A packet carries its catalog like it carries its checks, so the CLI,
 * the app and batch review judge it alike, and a packet made from last year's set keeps last year's catalog.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { readCatalogSheet } from '../shared/catalog/catalog.js';
import type { Cell, CheckDef, SheetModel } from '../shared/model.js';

export const CATALOG_SHEET = '科目表';

/** 科目.xlsx's first sheet as a hidden packet sheet, every cell as text (a code must stay 2010301, not a number). */
export async function loadCatalogSheet(dir: string): Promise<SheetModel> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(`${dir}/科目.xlsx`) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const cells: (Cell | null)[][] = [];
  let width = 0;
  ws.eachRow({ includeEmpty: true }, (row, r) => {
    const line: (Cell | null)[] = [];
    row.eachCell({ includeEmpty: true }, (c, col) => {
      const v = c.value === null || c.value === undefined ? null : String(c.text ?? c.value).trim();
      line[col - 1] = v ? { v } : null;
    });
    cells[r - 1] = line;
    width = Math.max(width, line.length);
  });
  for (let r = 0; r < cells.length; r++) {
    cells[r] = cells[r] ?? [];
    for (let c = 0; c < width; c++) cells[r][c] = cells[r][c] ?? null;
  }
  const sheet: SheetModel = {
    name: CATALOG_SHEET, kind: 'other', hidden: true, cells, merges: [],
    colWidths: [12, 34, 6, 6, 10, 10, 28, 30], rowHeights: [], frozenRows: 1,
    print: { orientation: 'portrait', fitToWidth: true },
  };
  readCatalogSheet(sheet); // refuse a malformed catalog here, not in every packet built from it
  return sheet;
}

export function catalogBuildHook(o: { sheets: SheetModel[]; checks: CheckDef[]; catalog: SheetModel; tables: string[] }): void {
  o.sheets.push(structuredClone(o.catalog));
  o.checks.push({
    id: 'K-01', severity: 'error', kind: '科目', formula: '', locate: '',
    message: '科目编码与名称按本套科目表核对',
    params: `表=${o.tables.join(',')}; 编码列=A; 名称列=B; 科目表=${CATALOG_SHEET}; 分类=功能; 年度=决算年度; 未知编码=提示; 名称错配=错误; 曾用名=提示; 年度不符=提示`,
  });
}

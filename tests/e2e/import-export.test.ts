/**
 * 导入, 导出 and 打印预览 in Chromium: another region's .xls goes into the empty template through the report
 * dialog and the grid and checks follow the core's own import of the same file; 打印预览 shows the whole
 * printable packet; 导出 downloads a workbook that opens again with the reference figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPacket, PacketSession } from '../../shared/index';
import { importWorkbook } from '../../shared/import/index';
import { VOCABULARY } from '../helpers/packets';
import { BASE_URL, findings, launch, openEditor, shot, shown, showSheet, value } from './browser';

const XLS = join(process.cwd(), 'tests', 'fixtures', 'import', 'other-region.xls');

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function publicWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
  return wb;
}

/** A number as the public workbook holds it: a value, or a formula's cached result. */
function cellNumber(wb: ExcelJS.Workbook, sheet: string, ref: string): unknown {
  const v = wb.getWorksheet(sheet)!.getCell(ref).value;
  return v && typeof v === 'object' && 'result' in v ? v.result : v;
}

async function fetchPacket(name: string) {
  const res = await fetch(`${BASE_URL}packets/${name}`);
  return readPacket(new Uint8Array(await res.arrayBuffer()));
}

async function pickImport(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.click('button[data-cmd="import"]');
  await (await chooser).setFiles(file);
}

describe('导入', () => {
  it('imports other-region.xls into the empty tables: report dialog, then the grid and the checks update', async () => {
    // what the core makes of the same file and the same template, in Node
    const session = new PacketSession(await fetchPacket('tables.xlsx'));
    const before = session.findings().map((f) => f.rule).sort();
    const expected = await importWorkbook(readFileSync(XLS), session, { vocabulary: VOCABULARY, file: 'other-region.xls' });
    const after = session.findings().map((f) => f.rule).sort();
    const s = expected.report.summary;
    expect(s.cellsPlaced).toBeGreaterThan(500);

    const { page, errors } = await openEditor(browser, '?packet=tables');
    expect((await findings(page)).map((f) => f.rule).sort()).toEqual(before);
    await showSheet(page, '公开01表');
    expect(await value(page, 'C7')).toBeNull();

    await pickImport(page, XLS);
    const dialog = page.locator('[data-testid="import-dialog"]');
    await page.waitForSelector('[data-testid="import-dialog"][data-stage="review"]', { timeout: 60_000 });
    const summary = await page.locator('[data-testid="import-summary"]').textContent();
    expect(summary).toContain(`金额 ${s.amounts} 个：放入 ${s.amounts}，未放入 0`);
    expect(summary).toContain(`新增科目行 ${s.rowsInserted} 行`);
    // issue 12: every amount accounted for, per source table
    const amounts = await page.locator('[data-testid="import-amounts"]').allTextContents();
    expect(amounts).toEqual(expected.report.sheets.filter((x) => x.amounts!.total > 0).map((x) => `金额 ${x.amounts!.total} 个：放入 ${x.amounts!.total}，未放入 0`));
    expect(amounts.length).toBe(8);
    expect(summary).toContain(`识别 ${s.tables} 张表`);
    // the tables of the set the source had nothing for (this region's package has nine tables)
    expect(expected.report.tablesWithoutSource).toHaveLength(1);
    await expect(page.locator('[data-testid="import-no-source"]').textContent()).resolves.toBe(`源文件中没有这些表（未导入，保持原样）：${expected.report.tablesWithoutSource!.join('、')}`);
    // per source sheet: the table it was taken for, and the 元 → 万元 conversion
    const targets = await page.locator('[data-testid="import-target"]').allTextContents();
    expect(targets.some((t) => t.includes('公开01表'))).toBe(true);
    expect(targets.length).toBe(expected.report.sheets.filter((x) => x.table).length);
    await expect(dialog.textContent()).resolves.toContain('已换算为万元');
    await shot(page, 'import-report.png');

    // nothing changes before 确认导入
    expect(await value(page, 'C7')).toBeNull();
    await page.click('[data-testid="import-confirm"]');
    await page.waitForSelector('[data-testid="import-dialog"]', { state: 'detached', timeout: 60_000 });

    expect(await value(page, 'C7')).toBe(3284.9);
    expect(await value(page, 'C33')).toBe(3966.62);
    expect(await shown(page, 'C7')).toBe('3,284.90');
    expect((await findings(page)).map((f) => f.rule).sort()).toEqual(after);
    expect(await page.evaluate(() => window.__juesuan!.ui.getState().dirty)).toBe(true);
    await shot(page, 'import-done.png');
    // one undoable step: 撤销 brings the empty table back
    await page.click('button[data-cmd="undo"]');
    await page.waitForFunction(() => window.__juesuan!.controller.value('公开01表', 6, 2) === null);
    expect(errors).toEqual([]);
    await page.context().close();
    session.destroy();
  });

  it('imports the same file as 上年数 of the reference packet: the overwrites listed, then the narrative follows', async () => {
    const { page, errors } = await openEditor(browser);
    await pickImport(page, XLS);
    await page.waitForSelector('[data-testid="import-dialog"][data-stage="review"]', { timeout: 60_000 });
    await page.click('text=作为上年数');
    await page.waitForFunction(() => {
      const d = document.querySelector('[data-testid="import-dialog"]');
      return d?.getAttribute('data-stage') === 'review' && (d.textContent ?? '').includes('上年数：填入');
    }, undefined, { timeout: 60_000 });
    const dialog = (await page.locator('[data-testid="import-dialog"]').textContent()) ?? '';
    expect(dialog).toMatch(/上年数：填入 \d+ 项/);
    // the reference packet's 上年数 are last year's; the file's figures would replace them, and the dialog says so
    const row = page.locator('[data-testid="import-overwrites"] tr', { hasText: '上年数!B3' });
    await expect(row.textContent()).resolves.toContain('4226.02');
    await expect(row.textContent()).resolves.toContain('3966.62');
    await shot(page, 'import-prior-year.png');
    await page.click('[data-testid="import-confirm"]');
    await page.waitForSelector('[data-testid="import-dialog"]', { state: 'detached', timeout: 60_000 });
    expect(await value(page, 'B3', '上年数')).toBe(3966.62);
    await page.click('.tree-item[data-sheet="__情况说明"]');
    const text = (await page.locator('.nv-row[data-paragraph="三.收入.1"] [data-testid="nv-text"]').textContent()) ?? '';
    expect(text).toContain('本年收入合计3966.62万元，与上年持平');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('取消 leaves the packet as it was; a file that is no workbook says why', async () => {
    const { page, errors } = await openEditor(browser);
    await showSheet(page, '公开01表');
    await pickImport(page, XLS);
    await page.waitForSelector('[data-testid="import-dialog"][data-stage="review"]', { timeout: 60_000 });
    await page.click('[data-testid="import-cancel"]');
    await page.waitForSelector('[data-testid="import-dialog"]', { state: 'detached' });
    expect(await page.evaluate(() => window.__juesuan!.ui.getState().dirty)).toBe(false);
    expect(await value(page, 'C7')).toBe(3284.9);

    await pickImport(page, join(process.cwd(), 'tests', 'fixtures', 'import', 'README.md'));
    await page.waitForSelector('[data-testid="import-dialog"][data-stage="error"]', { timeout: 30_000 });
    expect((await page.locator('[data-testid="import-error"]').textContent())?.length).toBeGreaterThan(5);
    await expect(page.locator('[data-testid="import-confirm"]').isDisabled()).resolves.toBe(true);
    await page.click('[data-testid="import-cancel"]');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('导出 and 打印预览', () => {
  it('打印预览 shows the cover, the 目录 and 公开01表 with 3,966.62', async () => {
    const { page, errors } = await openEditor(browser);
    await page.click('button[data-cmd="print"]');
    await page.waitForSelector('[data-testid="print-preview"] iframe');
    const frame = page.frameLocator('[data-testid="print-frame"]');
    const cover = (await frame.locator('.cover').first().textContent()) ?? '';
    expect(cover).toContain('中共景德镇市昌南新区工作委员会党群工作部');
    expect(cover).toContain('2024年度部门决算');
    const toc = await frame.getByText('目录', { exact: true }).count();
    expect(toc).toBeGreaterThan(0);
    // 公开01表 as printed: its title, its code line and the 本年收入合计
    const t01 = frame.locator('section, div, table').filter({ hasText: '公开01表' }).filter({ hasText: '收入支出决算总表' }).last();
    const t01text = (await t01.textContent()) ?? '';
    expect(t01text.includes('3,966.62'), '公开01表 in the preview shows 3,966.62').toBe(true);
    expect(t01text.includes('3,284.90'), '公开01表 in the preview shows 3,284.90').toBe(true);
    // the narrative parts are printed from the generator, not left as "not generated" pages
    const all = (await frame.locator('body').textContent()) ?? '';
    expect(all).toContain('本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%');
    expect(all).not.toContain('尚未生成');
    await shot(page, 'print-preview.png');
    await page.click('[data-testid="preview-close"]');
    await page.waitForSelector('[data-testid="print-preview"]', { state: 'detached' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('导出 downloads a workbook that opens again with the reference figures', async () => {
    const { page, errors } = await openEditor(browser);
    // the reference packet has no errors but 7 提示 without an 出错说明: the gate asks first
    await page.click('button[data-cmd="export"]');
    await page.waitForSelector('[data-testid="export-confirm"]');
    expect(await page.locator('[data-testid="export-error-count"]').textContent()).toBe('0');
    expect(await page.locator('[data-testid="export-unexplained-count"]').textContent()).toBe('7');
    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-anyway"]');
    const d = await download;
    expect(d.suggestedFilename()).toContain('导出');
    // 导出 gives the public packet (issue 14): the published sheets with the reference figures, no working or hidden sheet
    const wb = await publicWorkbook(await d.path());
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `公开${String(i + 1).padStart(2, '0')}表`));
    expect(names).not.toContain('审核');
    expect(names).not.toContain('上年数');
    expect(wb.worksheets.filter((w) => w.state !== 'visible')).toEqual([]);
    expect(cellNumber(wb, '公开01表', 'C7')).toBe(3284.9);
    expect(cellNumber(wb, '公开01表', 'C33')).toBeCloseTo(3966.62, 2);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('with errors left, 导出 says how many and asks first', async () => {
    const { page, errors } = await openEditor(browser);
    await showSheet(page, '公开01表');
    await page.evaluate(() => {
      const c = window.__juesuan!.controller as unknown as { apply(e: { sheet: string; row: number; col: number; value: unknown }[]): void };
      c.apply([{ sheet: '公开01表', row: 6, col: 2, value: 1 }]);
    });
    const count = (await findings(page)).filter((f) => f.severity === 'error').length;
    expect(count).toBeGreaterThan(0);
    await page.click('button[data-cmd="export"]');
    await page.waitForSelector('[data-testid="export-confirm"]');
    expect(await page.locator('[data-testid="export-error-count"]').textContent()).toBe(String(count));
    await shot(page, 'export-confirm.png');
    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-anyway"]');
    const d = await download;
    expect(cellNumber(await publicWorkbook(await d.path()), '公开01表', 'C7')).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

/**
 * 出错说明 in the real renderer (Chromium, browser host): written in the checks panel for each 提示, the export
 * gate no longer counts them, 全审 writes the 审核报告 with them, Ctrl+S saves them in the packet, 打开 reads them
 * back, and changing a figure of an explained finding flags its 说明 待复核 (and the gate counts it again).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPacket } from '../../shared/index';
import { ARTIFACTS, launch, openEditor, shot } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const count = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).textContent();

async function explain(page: Page, item: ReturnType<Page['locator']>, text: string): Promise<void> {
  await item.locator('[data-testid="explain-open"]').click();
  await item.locator('[data-testid="explain-text"]').fill(text);
  await item.locator('[data-testid="explain-save"]').click();
  await expect.poll(() => item.locator('[data-testid="explain-state"]').textContent(), { timeout: 60_000 }).toBe('已说明');
}

describe('出错说明', () => {
  it('written, gated, reported, saved, reopened, and flagged 待复核 when a figure changes', async () => {
    const { page, errors } = await openEditor(browser);
    await expect.poll(() => count(page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 7');

    // the name warning of 2130804 first, through the keyboard-free path a user takes: button, text, 保存说明
    const named = page.locator('li.finding.warn', { hasText: '2130804' });
    await explain(page, named, '公开文本原样如此，以公开文本为准。');
    await expect.poll(() => count(page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 6');
    expect(await page.title()).toMatch(/^● /);
    await shot(page, 'explanation-written.png');

    // an error offers no 出错说明
    expect(await page.locator('li.finding.err [data-testid="explain-open"]').count()).toBe(0);

    // the other six 提示
    for (let i = 0; i < 6; i++) {
      // held by its rule: once explained it no longer matches :not(.explained-ok)
      const rule = await page.locator('li.finding.warn:not(.explained-ok)').first().getAttribute('data-rule');
      await explain(page, page.locator(`li.finding[data-rule="${rule}"]`), `已核实，按评分办法视同达标（${i + 1}）。`);
    }
    await expect.poll(() => count(page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 0');

    // the export gate: no errors and every 提示 explained, so 导出 goes straight to the download
    const exported = page.waitForEvent('download');
    await page.click('button[data-cmd="export"]');
    await exported;
    expect(await page.locator('[data-testid="export-confirm"]').count()).toBe(0);
    // the export goes on after its first file (the 情况说明 follows the workbook): its last download must not be taken for the report's
    await page.waitForFunction(() => /已导出/.test(window.__juesuan!.ui.getState().message), undefined, { timeout: 120_000 });

    // 全审: the 审核报告 with the 出错说明 column
    const reportDl = page.waitForEvent('download');
    await page.click('[data-testid="full-audit"]');
    const reportPath = join(ARTIFACTS, '审核报告.xlsx');
    await (await reportDl).saveAs(reportPath);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(reportPath) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('审核报告')!;
    const rows: string[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    const line = rows.find((r) => r[4]?.includes('2130804'))!;
    expect(line[1]).toBe('提示');
    expect(line[5]).toBe('公开文本原样如此，以公开文本为准。');
    expect(line[6]).toBe('已说明');
    expect(rows.filter((r) => r[6] === '已说明')).toHaveLength(7);

    // Ctrl+S: the 说明 are in the saved packet
    const [saved] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
    const file = join(ARTIFACTS, 'explained-packet.xlsx');
    await saved.saveAs(file);
    const packet = await readPacket(new Uint8Array(readFileSync(file)));
    expect(packet.explanations?.map((e) => e.text)).toContain('公开文本原样如此，以公开文本为准。');
    await page.context().close();
    expect(errors).toEqual([]);

    // a new window opens the saved file: every 提示 still explained
    const again = await openEditor(browser);
    const chooser = again.page.waitForEvent('filechooser');
    await again.page.click('button[data-cmd="open"]');
    await (await chooser).setFiles(file);
    await expect.poll(() => again.page.locator('[data-testid="doc-name"]').textContent(), { timeout: 60_000 }).toContain('explained-packet');
    await expect.poll(() => count(again.page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 0');
    const reopened = again.page.locator('li.finding.warn', { hasText: '2130804' });
    expect(await reopened.locator('[data-testid="explain-shown"]').textContent()).toBe('公开文本原样如此，以公开文本为准。');

    // 自评23's 实际完成值 90 → 85: the same 提示 with another figure, its 说明 待复核, counted again by the gate
    await again.page.evaluate(() => {
      const c = window.__juesuan!.controller as unknown as { apply(e: { sheet: string; row: number; col: number; value: unknown }[]): void };
      const sheet = window.__juesuan!.ui.getState().sheets.map((s: { name: string }) => s.name).find((n: string) => n.startsWith('自评23'))!;
      c.apply([{ sheet, row: 21, col: 5, value: 85 }]);
    });
    const stale = again.page.locator('li.finding.warn', { hasText: '实际完成值 85' });
    await expect.poll(() => stale.locator('[data-testid="explain-state"]').textContent(), { timeout: 60_000 }).toBe('待复核');
    await expect.poll(() => count(again.page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 1');
    await stale.scrollIntoViewIfNeeded();
    await shot(again.page, 'explanation-stale.png');
    await again.page.click('button[data-cmd="export"]');
    await again.page.waitForSelector('[data-testid="export-confirm"]');
    expect(await again.page.locator('[data-testid="export-error-count"]').textContent()).toBe('0');
    expect(await again.page.locator('[data-testid="export-unexplained-count"]').textContent()).toBe('1');
    // 仍适用 confirms the 说明 for the new figures
    await again.page.locator('[data-testid="export-confirm"] button', { hasText: '取消' }).click();
    await stale.locator('[data-testid="explain-confirm"]').click();
    await expect.poll(() => count(again.page, 'unexplained-count'), { timeout: 60_000 }).toBe('未说明 0');
    expect(again.errors).toEqual([]);
    await again.page.context().close();
  }, 300_000);
});

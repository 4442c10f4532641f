/**
 * The 情况说明 view in Chromium: the text generated from the reference packet, the reason fields beside it,
 * the text following an edit of 公开01表 in the grid, a reason edited in the view landing in its cell, and
 * a number that no longer agrees with the tables marked.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openEditor, shot, showSheet, typeInto, value, type OpenedPage } from './browser';

let browser: Browser;
let opened: OpenedPage;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  opened = await openEditor(browser);
  page = opened.page;
});

afterAll(async () => {
  await browser?.close();
});

const SENTENCE = '本部门2024年度收入总计3966.62万元';

async function openNarrative(): Promise<void> {
  await page.click('.tree-item[data-sheet="__情况说明"]');
  await page.waitForSelector('[data-testid="narrative-view"]');
}

function paragraph(id: string) {
  return page.locator(`.nv-row[data-paragraph="${id}"]`);
}

describe('情况说明', () => {
  it('shows the generated text with the reason fields beside it', async () => {
    await openNarrative();
    const p = paragraph('三.收入.1');
    const text = (await p.locator('[data-testid="nv-text"]').textContent()) ?? '';
    expect(text).toContain(SENTENCE);
    expect(text).toContain('本年收入合计3966.62万元，比上年减少259.40万元，下降6.14%');
    expect(text).toContain('主要原因：政策压减非急需非刚性支出');
    // the reason field of that sentence, with the packet's text
    const reason = p.locator('[data-input="原因_本年收入合计"] textarea');
    await expect(reason.inputValue()).resolves.toBe('政策压减非急需非刚性支出');
    await expect(page.locator('[data-testid="nv-status"]').textContent()).resolves.toContain('全部与公开表一致');
    expect(await page.locator('.nv-fail').count()).toBe(0);
    await shot(page, 'narrative-view.png');
  });

  it('follows an edit of 公开01表 C33 in the grid', async () => {
    await showSheet(page, '公开01表');
    await typeInto(page, 'C33', '4000');
    expect(await value(page, 'C33')).toBe(4000);
    await openNarrative();
    const text = (await paragraph('三.收入.1').locator('[data-testid="nv-text"]').textContent()) ?? '';
    expect(text).toContain('本年收入合计4000.00万元');
    expect(text).not.toContain('本年收入合计3966.62万元');
  });

  it('a reason typed in the view goes into its cell and into the sentence', async () => {
    const reason = paragraph('三.收入.1').locator('[data-input="原因_本年收入合计"] textarea');
    await reason.fill('项目结转减少');
    await reason.press('Enter');
    await expect.poll(() => paragraph('三.收入.1').locator('[data-testid="nv-text"]').textContent()).toContain('主要原因：项目结转减少');
    expect(await value(page, 'C2', '说明文字')).toBe('项目结转减少');
    expect(await page.evaluate(() => window.__juesuan!.ui.getState().dirty)).toBe(true);
    await shot(page, 'narrative-edited.png');
  });

  it('marks a number that fails its check (a missing 上年数), and clears it when the figure is back', async () => {
    const before = await page.locator('.nv-fail').count();
    await page.evaluate(() => {
      const c = window.__juesuan!.controller as unknown as { apply(e: { sheet: string; row: number; col: number; value: unknown }[]): void };
      c.apply([{ sheet: '上年数', row: 2, col: 1, value: '' }]);
    });
    await expect.poll(() => page.locator('.nv-fail').count()).toBeGreaterThan(before);
    await expect(page.locator('[data-testid="nv-status"]').textContent()).resolves.toMatch(/\d+ 个与公开表不符或缺数/);
    await shot(page, 'narrative-failed.png');
    await page.click('button[data-cmd="undo"]');
    await expect.poll(() => page.locator('.nv-fail').count()).toBe(before);
  });

  it('no page errors', () => {
    expect(opened.errors).toEqual([]);
  });
});

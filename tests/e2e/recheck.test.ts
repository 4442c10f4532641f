/**
 * 重新审核 (issue 20: recheckAll had no command): the button in the 审核结果 panel reads every check again from the
 * engine and finds exactly what the live path found — on the reference packet and after an edit that breaks a tie.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, launch, openEditor, showSheet, typeInto, value } from './browser';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = (await openEditor(browser)).page;
});

afterAll(async () => {
  await browser?.close();
});

const statusMessage = () => page.locator('[data-testid="status-message"]').textContent();
const summary = async () => {
  const list = await findings(page);
  const errors = list.filter((f) => f.severity === 'error').length;
  const rounding = list.filter((f) => f.severity !== 'error' && f.rounding).length;
  return { rules: list.map((f) => f.rule).sort(), text: `重新审核完成：错误 ${errors} 条，提示 ${list.length - errors - rounding} 条，尾数差 ${rounding} 条。` };
};

describe('重新审核', () => {
  it('on the reference packet finds what the live checks found: no error, the published hints', async () => {
    const live = await summary();
    await page.click('[data-testid="recheck"]');
    await expect.poll(statusMessage).toBe(live.text);
    expect(live.text).toMatch(/^重新审核完成：错误 0 条，提示 \d+ 条，尾数差 \d+ 条。$/);
    expect((await summary()).rules).toEqual(live.rules);
  });

  it('after a wrong figure: the same errors as the live path, and the message counts them', async () => {
    await showSheet(page, '公开01表');
    const c7 = (await value(page, 'C7')) as number;
    await typeInto(page, 'C7', String(c7 + 100));
    await page.locator('.finding[data-rule="X-01"]').waitFor();
    const live = await summary();
    expect(live.text).not.toContain('错误 0 条');
    await page.click('[data-testid="recheck"]');
    await expect.poll(statusMessage).toBe(live.text);
    expect((await summary()).rules).toEqual(live.rules);
  });
});

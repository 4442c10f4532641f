/**
 * 新年度 in Chromium: toolbar 新年度 → choose the 2024 reference packet → 新建 2025 年度. The editor then holds an
 * unsaved 2025 packet whose 上年数 are what the core computes from the same file, with its 72 forms carried.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPacket } from '../../shared/index';
import { newYear } from '../../shared/newyear/index';
import { bytesOf, VOCABULARY } from '../helpers/packets';
import { BASE_URL, launch, openEditor, shot, value } from './browser';

const REFERENCE = join(process.cwd(), 'templates', 'jiangxi-2024', 'reference-packet.xlsx');

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('新年度', () => {
  it('makes the 2025 packet from the 2024 reference: 上年数 as the core computes them, 概况 and forms carried', async () => {
    // what the core makes of the same file with the template the app serves
    const res = await fetch(`${BASE_URL}packets/tables.xlsx`);
    const template = await readPacket(new Uint8Array(await res.arrayBuffer()));
    const expected = await newYear(bytesOf(REFERENCE), await readPacket(bytesOf(REFERENCE)), { file: 'reference-packet.xlsx', template, vocabulary: VOCABULARY });
    const prior = expected.session.sheet('上年数');
    const want: { row: number; v: unknown }[] = [];
    for (let r = 1; r < prior.cells.length; r++) if (prior.cells[r]?.[2]) want.push({ row: r, v: expected.session.getValue('上年数', r, 1) });
    const filled = expected.prior.priorYear!.filled.length;
    expected.session.destroy();
    expect(filled).toBeGreaterThan(15);

    const { page, errors } = await openEditor(browser, '?packet=tables');
    await page.click('[data-testid="open-new-year"]');
    await page.waitForSelector('[data-testid="new-year-dialog"]');
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid="new-year-choose"]');
    await (await chooser).setFiles(REFERENCE);
    await expect(page.locator('[data-testid="new-year-file"]').textContent()).resolves.toContain('2024 年度');
    // the open (untitled) packet is unsaved work: the app asks before replacing it
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.click('[data-testid="new-year-create"]');
    await page.waitForSelector('[data-testid="new-year-dialog"][data-stage="done"], [data-testid="new-year-dialog"][data-stage="error"]', { timeout: 600_000 });
    expect(await page.locator('[data-testid="new-year-error"]').count(), await page.locator('[data-testid="new-year-dialog"]').textContent() ?? '').toBe(0);
    expect(asked).toEqual(['当前公开包有未保存的修改。放弃这些修改并新建下一年度吗？']);
    await expect(page.locator('[data-testid="new-year-prior"]').textContent()).resolves.toBe(`上年数：按取数公式填入 ${filled} 项，未填 0 项`);
    await expect(page.locator('[data-testid="new-year-forms"]').textContent()).resolves.toBe('自评表：沿用 72 张');
    await shot(page, 'new-year.png');
    await page.click('[data-testid="new-year-close"]');

    await expect(page.locator('[data-testid="doc-name"]').textContent()).resolves.toContain('2025年度公开包.xlsx');
    expect(await value(page, 'B3', '概况')).toBe(2025);
    expect(await value(page, 'B2', '概况')).toBe('中共景德镇市昌南新区工作委员会党群工作部');
    for (const w of want) expect(await page.evaluate(([r]) => window.__juesuan!.controller.value('上年数', r as number, 1), [w.row])).toBe(w.v);
    const forms = await page.evaluate(() => window.__juesuan!.ui.getState().sheets.filter((s) => s.kind === 'form').length);
    expect(forms).toBe(72);
    expect(errors).toEqual([]);
  }, 900_000);
});

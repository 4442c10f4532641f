/**
 * 汇总 and 批量审核 in Chromium: the three units of the split reference go through the 汇总 dialog, the result
 * opens as the department packet with the reference figures; a few packets and a broken file go through
 * 批量审核 and the table lists each unit, the planted error and the unreadable file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePacket } from '../../shared/xlsx';
import { batchPackets, splitReference, TRANSFER } from '../helpers/merge-fixtures';
import { findings, launch, openEditor, shot, value } from './browser';

let browser: Browser;

/** a 50 ms heartbeat on the page: its longest gap is how long the main thread was blocked */
async function startHeartbeat(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __beat: { last: number; maxGap: number; beats: number } };
    w.__beat = { last: performance.now(), maxGap: 0, beats: 0 };
    setInterval(() => {
      const now = performance.now();
      w.__beat.maxGap = Math.max(w.__beat.maxGap, now - w.__beat.last);
      w.__beat.last = now;
      w.__beat.beats++;
    }, 50);
  });
}

const heartbeat = (page: Page) => page.evaluate(() => (window as unknown as { __beat: { maxGap: number; beats: number } }).__beat);
let dir = '';
let unitFiles: string[] = [];
let reviewFiles: string[] = [];

beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'e2e-merge-'));
  const { units } = await splitReference();
  unitFiles = await Promise.all(units.map(async (u, i) => {
    const p = join(dir, `单位${i + 1}.xlsx`);
    writeFileSync(p, await writePacket(u));
    return p;
  }));
  const fx = await batchPackets(4, { plantEvery: 3, unreadableEvery: 4 });
  reviewFiles = fx.files.map((f, i) => {
    const p = join(dir, `review-${i}-${f.path.replace(/\//g, '_')}`);
    writeFileSync(p, f.bytes);
    return p;
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('汇总 dialog', () => {
  it('merges the three units, lists the elimination and opens the department packet', async () => {
    const { page, errors } = await openEditor(browser);
    await page.click('[data-testid="open-merge"]');
    await page.setInputFiles('[data-testid="merge-units"]', unitFiles);
    await page.waitForSelector('[data-testid="merge-unit-list"] tbody tr:nth-child(3)');
    await startHeartbeat(page);
    await page.click('[data-testid="merge-run"]');
    // the 汇总 runs in a Web Worker: the page keeps counting the seconds meanwhile
    await page.waitForFunction(() => /已用 [1-9]/.test(document.querySelector('[data-testid="merge-elapsed"]')?.textContent ?? ''), undefined, { timeout: 240_000 });
    await page.waitForSelector('[data-testid="merge-result"]', { timeout: 240_000 });
    const beat = await heartbeat(page);
    console.log(`汇总: ${beat.beats} heartbeats, longest main-thread gap ${Math.round(beat.maxGap)} ms`);
    expect(await page.getAttribute('[data-testid="merge-dialog"]', 'data-runner')).toBe('worker');
    expect(beat.maxGap).toBeLessThan(3_000);
    expect(await page.locator('[data-testid="merge-summary"]').textContent()).toContain('已汇总 3 个单位；汇总后审核：0 个错误');
    const elim = await page.locator('[data-testid="merge-eliminations"]').textContent();
    expect(elim).toContain(`上级补助收入与对附属单位补助支出 ${TRANSFER.code} 其他一般公共服务支出：抵销 50.00 万元`);
    await shot(page, 'merge-dialog.png');
    await page.click('[data-testid="merge-open"]');
    await page.waitForFunction(() => window.__juesuan!.ui.getState().sheets.some((s) => s.name === '汇总说明'), undefined, { timeout: 120_000 });
    expect(await value(page, 'C33', '公开01表')).toBeCloseTo(3966.62, 6);
    expect(await value(page, 'C10', '公开01表')).toBe(0);
    expect(String(await value(page, 'B6', '概况'))).toContain('（下属单位）');
    expect((await findings(page)).filter((f) => f.severity === 'error')).toEqual([]);
    expect(errors).toEqual([]);
  }, 300_000);
});

describe('批量审核 dialog', () => {
  it('checks the chosen files: a row per unit, the planted error first, the unreadable file listed', async () => {
    const { page, errors } = await openEditor(browser);
    await page.click('[data-testid="open-review"]');
    await startHeartbeat(page);
    await page.setInputFiles('[data-testid="review-files"]', reviewFiles);
    // the progress bar is painted while the packets are checked in workers
    await page.waitForSelector('[data-testid="review-progress"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="review-progress"]').textContent()).toMatch(/已审核 \d\/4/);
    await page.waitForFunction(() => /3 个公开包/.test(document.querySelector('[data-testid="review-summary"]')?.textContent ?? '') &&
      !document.querySelector('[data-testid="review-progress"]'), undefined, { timeout: 240_000 });
    const beat = await heartbeat(page);
    console.log(`批量审核: ${beat.beats} heartbeats, longest main-thread gap ${Math.round(beat.maxGap)} ms`);
    expect(await page.getAttribute('[data-testid="review-dialog"]', 'data-runner')).toBe('worker');
    expect(beat.maxGap).toBeLessThan(3_000);
    expect(await page.locator('[data-testid="review-summary"]').textContent()).toContain('3 个公开包，其中 1 个有错误；1 个文件无法读取');
    const rows = page.locator('[data-testid="review-table"] tbody tr');
    expect(await rows.count()).toBe(3);
    // sorted by 错误, most first: the planted 02表 error (差额 12.50) is the first row
    expect(await rows.nth(0).locator('td').nth(2).textContent()).not.toBe('0');
    expect(await rows.nth(0).textContent()).toContain('12.50');
    expect(await page.locator('[data-testid="review-unreadable"]').textContent()).toMatch(/bad-random\.xlsx：.*[\u4e00-\u9fff]/);
    // click 单位名称 to sort by name
    await page.click('[data-testid="review-table"] th:has-text("单位名称")');
    const names = await page.locator('[data-testid="review-table"] tbody tr td:nth-child(2)').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    await shot(page, 'batch-review.png');
    const download = page.waitForEvent('download');
    await page.click('[data-testid="review-save"]');
    expect((await download).suggestedFilename()).toBe('审核汇总.xlsx');
    expect(errors).toEqual([]);
  }, 300_000);
});

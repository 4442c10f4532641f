/**
 * A hostile packet opened in the app (issue 18): its formulas pass every reader budget but would keep the
 * engine computing for minutes. The page must not freeze: the packet is tried in a Web Worker under the
 * command line's time limit (LIMITS.loadTimeMs) and refused with a Chinese message, the packet that was
 * open stays open, and the main thread keeps answering throughout (a 50 ms heartbeat never stalls).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/safety/limits';
import { writePacket } from '../../shared/xlsx';
import { heavyPacket } from '../helpers/heavy-packet';
import { launch, openEditor, shot } from './browser';

let browser: Browser;
let dir = '';
let hostile = '';

beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'e2e-hostile-open-'));
  hostile = join(dir, '异常公式.xlsx');
  // 600 walks of 520,000 cells: minutes of computing even on a fast machine (100 took 45 s here once the engine got faster)
  writeFileSync(hostile, await writePacket(heavyPacket(600)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openThroughDialog(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.click('button[data-cmd="open"]');
  await (await chooser).setFiles(file);
}

describe('opening a packet whose formulas would compute for minutes', () => {
  it('is tried in a worker, refused after the time limit in Chinese, and the page never freezes', async () => {
    const { page, errors } = await openEditor(browser);
    const before = await page.evaluate(() => window.__juesuan!.ui.getState().fileName);
    expect(before).not.toBe('');
    // the main thread's silences (end time, length) while the hostile packet is being tried
    await page.evaluate(() => {
      const w = window as unknown as { __beat: { last: number; gaps: [number, number][]; from: number; to: number } };
      w.__beat = { last: performance.now(), gaps: [], from: Infinity, to: Infinity };
      setInterval(() => {
        const now = performance.now();
        w.__beat.gaps.push([now, now - w.__beat.last]);
        w.__beat.last = now;
      }, 50);
      // the trial: from the progress line to the refusal
      window.__juesuan!.ui.subscribe((s) => {
        if (s.status === 'loading' && s.message && w.__beat.from === Infinity) w.__beat.from = performance.now();
        if (s.messageKind === 'error' && w.__beat.to === Infinity) w.__beat.to = performance.now();
      });
    });
    await openThroughDialog(page, hostile);
    await page.waitForSelector('[data-testid="load-progress"]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid="load-progress"]')).toMatch(/公式计算量很大（约 [\d,]+ 万次单元格读取），正在后台试算，最多 60 秒/);
    await shot(page, 'hostile-open-trial.png');
    const t0 = Date.now();
    await page.waitForFunction(() => window.__juesuan!.ui.getState().messageKind === 'error', undefined, { timeout: LIMITS.loadTimeMs + 60_000 });
    const waited = Date.now() - t0;
    const st = await page.evaluate(() => {
      const s = window.__juesuan!.ui.getState();
      return { status: s.status, message: s.message, fileName: s.fileName };
    });
    expect(st.message).toMatch(/^文件「异常公式\.xlsx」的公式与审核计算用时超过 60 秒仍未完成，已停止打开（计算量最大的一处：工作表「公开01表」C6）。/);
    expect(st.message).not.toMatch(/[A-Za-z]{6,}/);
    // the packet that was open is still the open one, ready to edit
    expect(st.status).toBe('ready');
    expect(st.fileName).toBe(before);
    expect(waited).toBeLessThan(LIMITS.loadTimeMs + 30_000);
    const beat = await page.evaluate(() => {
      const b = (window as unknown as { __beat: { gaps: [number, number][]; from: number; to: number } }).__beat;
      const during = b.gaps.filter(([end, gap]) => end - gap >= b.from && end <= b.to).map(([, gap]) => gap);
      return { trialMs: b.to - b.from, beats: during.length, maxGap: Math.max(0, ...during) };
    });
    console.log(`hostile open: trial ${Math.round(beat.trialMs)} ms, ${beat.beats} heartbeats, longest main-thread gap ${Math.round(beat.maxGap)} ms`);
    // a page building the engine itself would be silent for the whole trial (60 s); it beats all along instead
    expect(beat.trialMs).toBeGreaterThan(LIMITS.loadTimeMs - 1_000);
    expect(beat.beats).toBeGreaterThan(100);
    expect(beat.maxGap).toBeLessThan(3_000);
    await shot(page, 'hostile-open-refused.png');
    expect(errors).toEqual([]);
  }, LIMITS.loadTimeMs + 180_000);
});

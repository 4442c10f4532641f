/**
 * Autosave and recovery in Chromium, with a real crash: the browser keeps a profile on disk, the
 * accountant edits the reference packet, the autosave writes the recovery file, and the whole browser is
 * killed with SIGKILL (as a power cut or a frozen machine would end it). A fresh browser on the same
 * profile offers the work back; 恢复 brings the edited figures and their findings back as unsaved work.
 * Then: 放弃 removes the file, a save removes it, and a second open tab does not offer the first tab's work.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../node/pdf';
import { BASE_URL, findings, showSheet, shot, typeInto, value } from './browser';

const profiles: string[] = [];
let context: BrowserContext | null = null;

function newProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'juesuan-e2e-profile-'));
  profiles.push(dir);
  return dir;
}

function startBrowser(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1600, height: 900 },
    acceptDownloads: true,
    locale: 'zh-CN',
  });
}

function browserPids(profile: string): number[] {
  try {
    // the pattern must not start with "--": pgrep would read it as an option
    return execFileSync('pgrep', ['-f', `user-data-dir=${profile}`], { encoding: 'utf8' }).trim().split(/\s+/).map(Number).filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * SIGKILL every process of the browser on this profile: nothing gets to run an unload handler or flush.
 * Returns how many were killed, once all are gone (the next browser on the profile checks they are).
 */
async function killBrowser(profile: string): Promise<number> {
  const pids = browserPids(profile);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const until = Date.now() + 10_000;
  while (browserPids(profile).length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return pids.length;
}

async function openApp(ctx: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(BASE_URL);
  await page.waitForFunction(() => (window.__juesuanPerf?.loadedAt ?? 0) > 0, undefined, { timeout: 60_000 });
  return { page, errors };
}

/** The recovery dialog, once the start has asked for recovery files (the browser host waits 300 ms for live tabs). */
async function recoveryOffers(page: Page): Promise<string[]> {
  await page.waitForTimeout(1_000);
  return page.locator('[data-testid="recovery-offer"]').allTextContents();
}

async function autosaveWrites(page: Page): Promise<number> {
  return page.evaluate(() => window.__juesuan!.controller.autosaveWrites);
}

/** Edit 公开01表 C7 (一般公共预算财政拨款收入, 3,284.90) to 3000 and wait until the autosave has written the recovery file. */
async function editAndAutosave(page: Page): Promise<void> {
  await showSheet(page, '公开01表');
  await typeInto(page, 'C7', '3000');
  expect(await value(page, 'C7')).toBe(3000);
  // the autosave writes within its 5 s interval of the first unsaved change; no blur, no flush forced
  await expect.poll(() => autosaveWrites(page), { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(1);
  // and says so in the status bar
  await expect.poll(() => page.locator('[data-testid="autosaved"]').textContent()).toMatch(/^已自动保存 \d{1,2}:\d{2}:\d{2}$/);
}

afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = null;
});

afterAll(() => {
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

describe('autosave and recovery', () => {
  it('a browser killed after an edit offers the work at the next start; 恢复 brings it back as unsaved work', async () => {
    const profile = newProfile();
    context = await startBrowser(profile);
    const first = await openApp(context);
    expect(await recoveryOffers(first.page)).toEqual([]);
    await editAndAutosave(first.page);
    await shot(first.page, 'autosaved-status.png');
    // 本年收入合计 follows C7 (运算): the error the edit really causes is the tie with 公开02表
    expect((await findings(first.page)).filter((f) => f.severity === 'error').map((f) => f.rule)).toContain('X-01');
    expect(await killBrowser(profile)).toBeGreaterThan(0);
    context = null;

    context = await startBrowser(profile);
    const { page, errors } = await openApp(context);
    const offers = await recoveryOffers(page);
    expect(offers).toHaveLength(1);
    expect(offers[0]).toContain('reference-packet.xlsx');
    expect(offers[0]).toMatch(/自动保存于 \d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}:\d{2}/);
    // the packet the start opened is the untouched reference, until 恢复
    expect(await value(page, 'C7', '公开01表')).toBe(3284.9);
    await shot(page, 'recovery-dialog.png');
    await page.locator('[data-testid="recovery-offer"] button', { hasText: '恢复' }).click();
    // reopening reads the recovered packet and builds its engine: seconds on a loaded machine, not vitest's 1 s default
    await expect.poll(() => value(page, 'C7', '公开01表'), { timeout: 30_000, interval: 250 }).toBe(3000);
    await expect.poll(() => page.locator('[data-testid="recovery-dialog"]').count(), { timeout: 30_000, interval: 250 }).toBe(0);
    // unsaved work: the title carries the mark and the error the edit raised is back in the checks
    await expect.poll(() => page.title(), { timeout: 30_000, interval: 250 }).toMatch(/^● reference-packet\.xlsx/);
    const errorRules = (await findings(page)).filter((f) => f.severity === 'error').map((f) => f.rule);
    expect(errorRules).toContain('X-01');
    expect(await page.locator('[data-testid="status-message"]').textContent()).toContain('已恢复「reference-packet.xlsx」');
    expect(errors).toEqual([]);

    // the recovered work keeps its recovery file: a second crash before saving loses nothing either
    expect(await killBrowser(profile)).toBeGreaterThan(0);
    context = await startBrowser(profile);
    const again = await openApp(context);
    expect(await recoveryOffers(again.page)).toHaveLength(1);
  });

  it('放弃 (after a confirm) deletes the recovery file; 以后再说 keeps it for the next start', async () => {
    const profile = newProfile();
    context = await startBrowser(profile);
    await editAndAutosave((await openApp(context)).page);
    await killBrowser(profile);

    context = await startBrowser(profile);
    let { page } = await openApp(context);
    expect(await recoveryOffers(page)).toHaveLength(1);
    await page.getByRole('button', { name: '以后再说' }).click();
    expect(await page.locator('[data-testid="recovery-dialog"]').count()).toBe(0);
    await page.close();

    ({ page } = await openApp(context));
    expect(await recoveryOffers(page)).toHaveLength(1);
    // the confirm is answered 取消 first (nothing happens), then 确定
    page.once('dialog', (d) => void d.dismiss());
    await page.locator('[data-testid="recovery-offer"] button', { hasText: '放弃' }).click();
    expect(await page.locator('[data-testid="recovery-offer"]').count()).toBe(1);
    page.once('dialog', (d) => {
      expect(d.message()).toContain('将无法找回');
      void d.accept();
    });
    await page.locator('[data-testid="recovery-offer"] button', { hasText: '放弃' }).click();
    await expect.poll(() => page.locator('[data-testid="recovery-dialog"]').count(), { timeout: 30_000, interval: 250 }).toBe(0);
    expect(await value(page, 'C7', '公开01表')).toBe(3284.9);
    await page.close();

    ({ page } = await openApp(context));
    expect(await recoveryOffers(page)).toEqual([]);
  });

  it('a damaged recovery file is refused with a message; the open packet stays and is autosaved again', async () => {
    const profile = newProfile();
    context = await startBrowser(profile);
    const first = await openApp(context);
    // what a disk error could leave: an entry whose bytes are no workbook
    await first.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('juesuan-recovery', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('documents', { keyPath: 'id' });
          open.onsuccess = () => {
            const tx = open.result.transaction('documents', 'readwrite');
            tx.objectStore('documents').put({ id: 'f'.repeat(32), title: '损坏的公开包.xlsx', savedAt: new Date().toISOString(), bytes: new Uint8Array([1, 2, 3, 4]) });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await first.page.close();
    const { page, errors } = await openApp(context);
    const offers = await recoveryOffers(page);
    expect(offers).toHaveLength(1);
    expect(offers[0]).toContain('损坏的公开包.xlsx');
    await page.locator('[data-testid="recovery-offer"] button', { hasText: '恢复' }).click();
    // the bytes are read in a new core worker (renderer/core/), which loads its modules first: more than poll's default second
    await expect.poll(() => page.locator('[data-testid="status-message"]').textContent(), { timeout: 30_000 }).toMatch(/损坏的公开包\.xlsx/);
    expect(await page.locator('[data-testid="status-message"]').getAttribute('class')).toContain('error');
    expect(await value(page, 'C7', '公开01表')).toBe(3284.9);
    await editAndAutosave(page);
    expect(errors).toEqual([]);
  });

  it('a save removes the recovery file; a second tab that is still open is never offered', async () => {
    const profile = newProfile();
    context = await startBrowser(profile);
    const a = await openApp(context);
    await editAndAutosave(a.page);
    // tab B opens while tab A runs: A's work is A's, not a crash
    const b = await openApp(context);
    expect(await recoveryOffers(b.page)).toEqual([]);
    await b.page.close();

    // A saves (a download in the browser): its recovery file goes
    await Promise.all([a.page.waitForEvent('download'), a.page.keyboard.press('Control+s')]);
    await expect.poll(() => a.page.title()).not.toMatch(/^● /);
    await expect.poll(() => a.page.locator('[data-testid="autosaved"]').count()).toBe(0);
    await killBrowser(profile);
    context = await startBrowser(profile);
    const c = await openApp(context);
    expect(await recoveryOffers(c.page)).toEqual([]);
  });
});

/**
 * Playwright helpers for the e2e tests: Debian's Chromium against the built renderer served by
 * scripts/run-e2e.mjs (E2E_BASE_URL). Values are read through the grid and the session, because
 * Handsontable has no DOM for rows off screen.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// the same Chromium flags the PDF printer uses (STACK-NOTES)
import { CHROMIUM_ARGS } from '../../node/pdf';
import { PRINT_OPTIONS } from '../../shared/export/pdf';

export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:5173/';
export const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });


export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  /** uncaught page errors and console errors, checked at the end of each test */
  errors: string[];
}

export function openEditor(browser: Browser, query = ''): Promise<OpenedPage> {
  return openEditorAt(browser, BASE_URL + query);
}

/** The editor served from another address (the real `npm start` browser mode, say). */
export async function openEditorAt(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    if (process.env.E2E_DEBUG) console.log('page:', m.type(), m.text());
  });
  await page.goto(url);
  await page.waitForFunction(() => (window.__juesuanPerf?.loadedAt ?? 0) > 0, undefined, { timeout: 60_000 });
  return { page, errors };
}

export async function showSheet(page: Page, name: string): Promise<void> {
  await page.click(`.tree-item[data-sheet="${name}"]`);
  await page.waitForFunction((n) => {
    const j = window.__juesuan!;
    return j.ui.getState().activeSheet === n && j.controller.gridPort()?.sheet === n && !!j.hot();
  }, name);
}

/** row/col (0-based) of an A1 address */
export function rc(addr: string): [number, number] {
  const m = /^([A-Z]+)(\d+)$/.exec(addr)!;
  let col = 0;
  for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]) - 1, col - 1];
}

export async function select(page: Page, from: string, to = from): Promise<void> {
  const [r1, c1] = rc(from);
  const [r2, c2] = rc(to);
  await page.evaluate(([a, b, c, d]) => {
    const hot = window.__juesuan!.hot()!;
    hot.selectCell(a, b, c, d, true);
    hot.listen();
  }, [r1, c1, r2, c2]);
}

/**
 * Type into a cell the way an accountant does: select it, type, Enter. Chinese text arrives as an input
 * method composition (CDP), which is what opens the grid's editor for a Chinese IME.
 */
export async function typeInto(page: Page, addr: string, text: string): Promise<void> {
  await select(page, addr);
  if (/^[\x20-\x7e]*$/.test(text)) await page.keyboard.type(text);
  else {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    await cdp.send('Input.insertText', { text });
    await cdp.detach();
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !window.__juesuan!.hot()!.getActiveEditor()?.isOpened());
  await settled(page);
}

/**
 * Wait until every change asked of the core worker so far is answered and shown: edits apply in the worker
 * (renderer/core/), so a read right after a key or a click must wait for them, as the accountant's eye does.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() => window.__juesuan!.controller.settled());
}

/** The session's value of a cell on the visible sheet (or `sheet`). */
export async function value(page: Page, addr: string, sheet?: string): Promise<unknown> {
  const [r, c] = rc(addr);
  await settled(page);
  return page.evaluate(([row, col, s]) => {
    const j = window.__juesuan!;
    return j.controller.value((s as string) || j.ui.getState().activeSheet, row as number, col as number);
  }, [r, c, sheet ?? ''] as const);
}

/** What the grid shows in a cell (scrolled into view first). */
export async function shown(page: Page, addr: string): Promise<string> {
  const [r, c] = rc(addr);
  await settled(page);
  return page.evaluate(([row, col]) => {
    const hot = window.__juesuan!.hot()!;
    hot.scrollViewportTo({ row, col });
    hot.render();
    return hot.getCell(row, col, true)?.textContent ?? '';
  }, [r, c]);
}

export interface UiFinding {
  rule: string;
  severity: string;
  rounding: boolean;
  sheet: string;
  message: string;
}

export async function findings(page: Page): Promise<UiFinding[]> {
  await settled(page);
  return page.evaluate(() =>
    window.__juesuan!.ui.getState().findings.map((f) => ({ rule: f.rule, severity: f.severity, rounding: f.rounding, sheet: f.sheet, message: f.message })),
  );
}

export async function selection(page: Page): Promise<{ sheet: string; cell: string } | null> {
  return page.evaluate(() => {
    const j = window.__juesuan!;
    const hot = j.hot();
    const s = hot?.getSelectedLast();
    if (!hot || !s) return null;
    const [r, c] = s;
    let letters = '';
    for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    return { sheet: j.controller.gridPort()!.sheet, cell: `${letters}${r + 1}` };
  });
}

/** Put tab-separated text on a paste event at the grid, as Ctrl+V with Excel's clipboard does. */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    (document.activeElement ?? document.body).dispatchEvent(ev);
  }, text);
  await settled(page);
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  return path;
}

/**
 * Lend the page Chromium's printer as `window.juesuanPdfPrinter`, printing as node/pdf.ts does (one printing
 * page, reused by every pass); `calls` records each pass's options.
 */
export async function lendPdfPrinter(page: Page): Promise<{ calls: { pageRanges?: string; scale?: number }[] }> {
  const printing = await page.context().browser()!.newContext();
  let pp: Page | undefined;
  const calls: { pageRanges?: string; scale?: number }[] = [];
  await page.exposeFunction('juesuanPdfPrinter', async (html: string, opts: { pageRanges?: string; scale?: number }) => {
    calls.push(opts);
    pp ??= await printing.newPage();
    await pp.setContent(html, { waitUntil: 'load', timeout: 90_000 });
    await pp.evaluate(() => document.fonts.ready.then(() => undefined));
    const buf = await pp.pdf({ ...PRINT_OPTIONS, ...(opts.pageRanges ? { pageRanges: opts.pageRanges } : {}), ...(opts.scale ? { scale: opts.scale } : {}) });
    return Buffer.from(buf).toString('base64');
  });
  page.on('close', () => void printing.close());
  return { calls };
}

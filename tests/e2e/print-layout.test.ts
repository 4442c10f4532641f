/**
 * The print dialog's paper, orientation per part and 审核报告, and 下载 PDF / 情况说明 .docx in the browser host:
 * - with the e2e harness's lent printer (as print.test.ts): A3, 公开01表 turned, the 审核报告 chosen → the
 *   downloaded PDF has exactly those pages at those sizes (pdfinfo), the report bookmarked, the page count the
 *   dialog shows; the .docx button gives the 情况说明;
 * - under the real `npm start` browser mode (scripts/start.mjs, JUESUAN_BROWSER=1, serving the renderer
 *   run-e2e.mjs built) with no lent printer: the page prints through start.mjs's 127.0.0.1 endpoint
 *   (node/print-server.ts → node/pdf.ts), and 下载 PDF gives a PDF whose page count is the dialog's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPdfOutline } from '../../shared/export/pdf-dests';
import { readPdfBookmarks } from '../../shared/export/pdf-outline';
import { pageSizes, paperOf } from '../helpers/pdf-pages';
import { ARTIFACTS, BASE_URL, launch, lendPdfPrinter, openEditorAt, shot } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const paperSizes = (file: string, pages: number): string[] => pageSizes(file, pages).map((x, i) => (i ? paperOf(x) : ''));
const pdftext = (file: string, p: number) => execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' });
const norm = (s: string) => s.replace(/\s+/g, '');

async function uncheckAll(page: Page): Promise<void> {
  for (const g of ['front', 'overview', 'tables', 'narrative', 'back', 'report']) {
    const box = page.locator(`[data-testid="print-group-${g}"]`);
    if ((await box.count()) && (await box.isChecked())) await box.uncheck();
  }
  for (const k of ['forms', 'forms-summary']) {
    const box = page.locator(`input[data-part="${k}"]`);
    if ((await box.count()) && (await box.isChecked())) await box.uncheck();
  }
}

const count = async (page: Page) => Number(await page.textContent('[data-testid="preview-page-count"]'));

async function download(page: Page, testid: string, name: string): Promise<{ file: string; suggested: string }> {
  const d = page.waitForEvent('download');
  await page.click(`[data-testid="${testid}"]`);
  const got = await d;
  const file = join(ARTIFACTS, name);
  await got.saveAs(file);
  return { file, suggested: got.suggestedFilename() };
}

describe('打印: paper, orientation per part, the 审核报告', () => {
  it('A3, 公开01表 turned and the 审核报告: the PDF has exactly those pages at those sizes', async () => {
    const { page, errors } = await openEditorAt(browser, BASE_URL);
    await lendPdfPrinter(page);
    // an 出错说明 written in the checks panel is printed in the 审核报告 part
    const named = page.locator('li.finding.warn', { hasText: '2130804' });
    await named.locator('[data-testid="explain-open"]').click();
    await named.locator('[data-testid="explain-text"]').fill('公开文本原样如此，以公开文本为准。');
    await named.locator('[data-testid="explain-save"]').click();
    await expect.poll(() => named.locator('[data-testid="explain-state"]').textContent(), { timeout: 60_000 }).toBe('已说明');
    await page.click('button[data-cmd="print"]');
    await page.waitForSelector('[data-testid="preview-page-count"]', { timeout: 300_000 });
    const full = await count(page);
    // every part offers 纵向/横向 with the template's choice selected; the 审核报告 is offered, not chosen
    const declared = await page.$$eval('select[data-orient]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-orient')!, (e as HTMLSelectElement).value])));
    expect(declared.cover).toBe('portrait');
    expect(declared.report).toBe('landscape');
    expect(['portrait', 'landscape']).toContain(declared['t-1']);
    expect(Object.keys(declared)).toEqual(expect.arrayContaining(['cover', 'toc', 'part-1', 't-1', 't-10', 'narrative', 'forms', 'part-4', 'part-5', 'report']));
    expect(await page.locator('input[data-part="report"]').isChecked()).toBe(false);
    expect(await page.inputValue('[data-testid="print-paper"]')).toBe('');

    await uncheckAll(page);
    for (const k of ['cover', 't-1', 'report']) await page.locator(`input[data-part="${k}"]`).check();
    const turned = declared['t-1'] === 'portrait' ? 'landscape' : 'portrait';
    await page.selectOption('select[data-orient="t-1"]', turned);
    await page.selectOption('[data-testid="print-paper"]', 'A3');
    await page.click('[data-testid="preview-update"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="print-progress"]') && !!document.querySelector('[data-testid="pdf-button"]:not([disabled])'), undefined, { timeout: 300_000 });
    const n = await count(page);
    expect(n).toBeGreaterThan(2);
    expect(n).toBeLessThan(full);
    await shot(page, 'print-dialog-a3-report.png');

    const { file } = await download(page, 'pdf-button', 'print-a3-report.pdf');
    const bytes = new Uint8Array(readFileSync(file));
    expect(readPdfOutline(bytes).pageCount).toBe(n);
    const sizes = paperSizes(file, n);
    const labels = await page.$$eval('[data-testid="preview-pages"] button', (bs) => bs.map((b) => b.querySelector('span')!.textContent!));
    expect(labels).toHaveLength(n);
    expect(sizes[1]).toBe('A3 portrait');
    expect(labels[0]).toBe('封面');
    const reportTitle = labels.at(-1)!;
    expect(reportTitle).toMatch(/审核报告$/);
    for (let p = 2; p <= n; p++) {
      const want = labels[p - 1] === reportTitle ? 'A3 landscape' : `A3 ${turned}`;
      expect(sizes[p], `page ${p} (${labels[p - 1]})`).toBe(want);
    }
    // the 公开01表 pages, then the report, which carries its findings and its bookmark
    expect(norm(pdftext(file, 2))).toContain('收入支出决算总表');
    const firstReport = labels.indexOf(reportTitle) + 1;
    expect(norm(pdftext(file, firstReport))).toContain(norm(reportTitle));
    const reportText = norm(Array.from({ length: n - firstReport + 1 }, (_, i) => pdftext(file, firstReport + i)).join(''));
    expect(reportText).toContain('已写出错说明1个');
    expect(reportText).toContain('公开文本原样');
    expect(reportText).toContain('已说明');
    expect(readPdfBookmarks(bytes).find((b) => b.title === reportTitle)?.page).toBe(firstReport);

    // 情况说明 .docx from the dialog
    const docx = await download(page, 'docx-button', 'print-narrative.docx');
    expect(docx.suggested).toBe('reference-packet情况说明.docx');
    const zip = await JSZip.loadAsync(readFileSync(docx.file));
    expect(await zip.file('word/document.xml')!.async('string')).toContain('部门决算情况说明');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 900_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('npm start in browser mode prints PDFs through its own 127.0.0.1 endpoint', () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('preview, page count and 下载 PDF work with no lent printer; the endpoint refuses foreign requests', async () => {
    const port = await freePort();
    // the renderer run-e2e.mjs built is served as npm start serves it (no second build)
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, JUESUAN_BROWSER: '1', JUESUAN_START_NO_BUILD: '1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d) => (out += d));
    await expect.poll(() => out, { timeout: 120_000, interval: 250 }).toMatch(/已在浏览器模式启动/);
    const base = `http://127.0.0.1:${port}`;

    // the endpoint: answers the probe, refuses a request without its marker or from another origin
    expect(await (await fetch(`${base}/__juesuan/pdf`)).json()).toMatchObject({ ok: true });
    const html = '<!DOCTYPE html><html><body><p>x</p></body></html>';
    const bare = await fetch(`${base}/__juesuan/pdf`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ html }) });
    expect(bare.status).toBe(403);
    const foreign = await fetch(`${base}/__juesuan/pdf`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Juesuan-Print': '1', Origin: 'http://evil.example' }, body: JSON.stringify({ html }) });
    expect(foreign.status).toBe(403);
    const bad = await fetch(`${base}/__juesuan/pdf`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Juesuan-Print': '1' }, body: JSON.stringify({ html, scale: 9 }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('缩放');

    const { page, errors } = await openEditorAt(browser, `${base}/`);
    expect(await page.evaluate(() => typeof (window as unknown as { juesuanPdfPrinter?: unknown }).juesuanPdfPrinter)).toBe('undefined');
    await page.click('button[data-cmd="print"]');
    await page.waitForSelector('[data-testid="preview-page-count"]', { timeout: 400_000 });
    expect(await page.locator('[data-testid="print-frame"]').count()).toBe(0);
    const full = await count(page);
    expect(full).toBeGreaterThan(100);
    // only the ten 公开表
    await uncheckAll(page);
    await page.locator('[data-testid="print-group-tables"]').check();
    await page.locator('input[data-part="part-2"]').uncheck();
    await page.click('[data-testid="preview-update"]');
    await page.waitForFunction((f) => {
      const c = Number(document.querySelector('[data-testid="preview-page-count"]')?.textContent);
      return c > 0 && c < f && !document.querySelector('[data-testid="print-progress"]');
    }, full, { timeout: 400_000 });
    const n = await count(page);
    const { file, suggested } = await download(page, 'pdf-button', 'print-npm-start-tables.pdf');
    expect(suggested).toMatch(/^reference-packet公开包（第\d+-\d+页选印）\.pdf$/);
    const pdf = readPdfOutline(new Uint8Array(readFileSync(file)));
    expect(pdf.pageCount).toBe(n);
    expect(norm(pdftext(file, 1))).toContain('收入支出决算总表');
    expect(norm(pdftext(file, n))).toContain('国有资产占用情况表');
    await shot(page, 'print-npm-start.png');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 900_000);
});

/**
 * Node-only: print the packet's HTML to PDF with Chromium driven by playwright-core (the CLI and the tests).
 * Electron prints the same HTML with webContents.printToPDF(PRINT_OPTIONS) and needs none of this.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PacketError } from '../shared/errors.js';
import { PRINT_OPTIONS, type PdfPrinter } from '../shared/export/pdf.js';

/** Flags known to work for headless printing on these machines (STACK-NOTES). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/microsoft-edge',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
];

/** The Chromium to print with: $JUESUAN_CHROMIUM if set, else the first one installed. */
export function findChromium(env: Record<string, string | undefined> = process.env): string {
  const wanted = env.JUESUAN_CHROMIUM?.trim();
  if (wanted) {
    if (existsSync(wanted)) return wanted;
    throw new PacketError(
      `找不到 Chromium 浏览器：环境变量 JUESUAN_CHROMIUM 指向的「${wanted}」不存在。请改为 Chromium、Chrome 或 Edge 可执行文件的完整路径，或删除该变量以自动查找。`,
    );
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new PacketError(
    '找不到 Chromium 浏览器，无法生成公开包 PDF。请安装 Chromium（Debian/Ubuntu：apt-get install chromium fonts-noto-cjk），' +
      '或安装 Chrome / Edge，或用环境变量 JUESUAN_CHROMIUM 指定浏览器可执行文件的完整路径。',
  );
}

export interface NodePdfPrinter extends PdfPrinter {
  close(): Promise<void>;
}

/** Launch Chromium once; print() may be called many times (the two passes of the packet). */
export async function openPdfPrinter(opts: { executablePath?: string } = {}): Promise<NodePdfPrinter> {
  const executablePath = opts.executablePath ?? findChromium();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    throw new PacketError(`无法启动浏览器「${executablePath}」以生成 PDF：${String((e as Error).message).split('\n')[0]}`);
  }
  let page: Page | undefined;
  return {
    async print(html: string): Promise<Uint8Array> {
      page ??= await browser.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: 120_000 });
      // fonts are local, but wait for them: a fallback font measured first would move page breaks
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      page.setDefaultTimeout(300_000);
      const buf = await page.pdf({ ...PRINT_OPTIONS });
      return new Uint8Array(buf);
    },
    async close(): Promise<void> {
      await browser.close();
    },
  };
}

/** One-shot print of one HTML document. */
export async function htmlToPdf(html: string, opts: { executablePath?: string } = {}): Promise<Uint8Array> {
  const p = await openPdfPrinter(opts);
  try {
    return await p.print(html);
  } finally {
    await p.close();
  }
}

/**
 * Node-only: print the packet's HTML to PDF with Chromium driven by playwright-core (the CLI and the tests).
 * Electron prints the same HTML with webContents.printToPDF(PRINT_OPTIONS) and needs none of this.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PacketError } from '../shared/errors.js';
import { PRINT_OPTIONS, type PdfPrinter, type PrintPassOptions } from '../shared/export/pdf.js';

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

/**
 * Wall-clock limit on one print (setting the HTML, fonts, page.pdf). The reference packet prints in about
 * 3 s per pass; page.pdf itself has no timeout, and a document Chromium cannot lay out (a 1 MB 单位名称 in
 * every running header) would otherwise hang the export until it is killed. JUESUAN_PRINT_LIMIT_MS changes it.
 */
export const PRINT_LIMIT_MS = Number(process.env.JUESUAN_PRINT_LIMIT_MS) || 90_000;

/** Launch Chromium once; print() may be called many times (the two passes of the packet). */
export async function openPdfPrinter(opts: { executablePath?: string; printLimitMs?: number } = {}): Promise<NodePdfPrinter> {
  const limitMs = opts.printLimitMs ?? PRINT_LIMIT_MS;
  const executablePath = opts.executablePath ?? findChromium();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    throw new PacketError(`无法启动浏览器「${executablePath}」以生成 PDF：${String((e as Error).message).split('\n')[0]}`);
  }
  let page: Page | undefined;
  return {
    async print(html: string, pass: PrintPassOptions = {}): Promise<Uint8Array> {
      const work = (async () => {
        page ??= await browser.newPage();
        await page.setContent(html, { waitUntil: 'load', timeout: limitMs });
        // fonts are local, but wait for them: a fallback font measured first would move page breaks
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        const buf = await page.pdf({ ...PRINT_OPTIONS, ...(pass.pageRanges ? { pageRanges: pass.pageRanges } : {}), ...(pass.scale ? { scale: pass.scale } : {}) });
        return new Uint8Array(buf);
      })();
      // a late failure of the abandoned print (the browser closed under it) must not surface unhandled
      work.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          const s = `${Math.round(limitMs / 1000)} 秒`;
          reject(new PacketError(
            `生成 PDF 超时：浏览器排版打印超过 ${s}仍未完成，已停止（已写出的工作簿和情况说明不受影响）。` +
              '公开包中可能有过长的文字（如单位名称、说明），请检查后重新导出。',
          ));
        }, limitMs);
      });
      try {
        return await Promise.race([work, limit]);
      } catch (e) {
        // Chromium stuck in layout does not stop for a closed page: end the browser, so nothing keeps running
        if (e instanceof PacketError) await browser.close().catch(() => undefined);
        else throw new PacketError(`生成 PDF 失败：浏览器打印出错（${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)}）。请重新导出；若仍失败请将此信息反馈给开发者。`);
        throw e;
      } finally {
        clearTimeout(timer);
      }
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

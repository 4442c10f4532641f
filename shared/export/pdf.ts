/**
 * The submission packet PDF in two passes over one HTML document: print once to learn on which page each
 * 目录 target landed (the PDF's named destinations), then print again with those numbers in the 目录.
 * Printing is the caller's: Playwright's page.pdf() in Node (node/pdf.ts), webContents.printToPDF() in
 * Electron. Both must use PRINT_OPTIONS.
 */
import { PacketError } from '../errors.js';
import { buildPacketHtml, type PacketDocument, type PacketDocumentInput, type PageMap, type TocEntry } from './document.js';
import { readPdfOutline } from './pdf-dests.js';
import { addPdfOutline } from './pdf-outline.js';

/** Turns one HTML document into PDF bytes. */
export interface PdfPrinter {
  print(html: string): Promise<Uint8Array>;
}

/**
 * The print options the HTML is written for. Playwright: page.pdf({ preferCSSPageSize, printBackground }).
 * Electron: webContents.printToPDF({ preferCSSPageSize: true, printBackground: true }) — page size,
 * orientation and margins come from the document's @page rules, page numbers from its @page margin boxes,
 * so neither caller passes a size, margins or a header/footer template.
 */
export const PRINT_OPTIONS = { preferCSSPageSize: true, printBackground: true } as const;

export interface ExportProgress {
  /** 0…1 over the whole PDF export */
  fraction: number;
  /** what is happening, for the progress bar */
  message: string;
}

export interface PacketPdf {
  pdf: Uint8Array;
  /** every 目录 entry with the page it lists (1-based PDF page; the cover is page 1) */
  toc: (TocEntry & { page: number })[];
  pageCount: number;
  /** the final document (for a print preview in the app) */
  html: string;
  document: PacketDocument;
  passes: number;
}

const MAX_PASSES = 3;

function pagesOf(doc: PacketDocument, pdf: Uint8Array): { map: PageMap; count: number; missing: string[] } {
  const outline = readPdfOutline(pdf);
  const map: PageMap = {};
  const missing: string[] = [];
  for (const e of doc.toc) {
    const p = outline.dests.get(e.id);
    if (p === undefined) missing.push(e.label);
    else map[e.id] = p;
  }
  return { map, count: outline.pageCount, missing };
}

function samePages(a: PageMap, b: PageMap): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export async function printPacketPdf(
  input: PacketDocumentInput,
  printer: PdfPrinter,
  onProgress: (p: ExportProgress) => void = () => {},
): Promise<PacketPdf> {
  onProgress({ fraction: 0.02, message: '正在排版公开包…' });
  let doc = buildPacketHtml(input);
  onProgress({ fraction: 0.1, message: '正在计算目录页码（第一遍打印）…' });
  let pdf = await printer.print(doc.html);
  let pages = pagesOf(doc, pdf);
  if (pages.missing.length) {
    throw new PacketError(
      `无法确定目录页码：打印结果中找不到以下各部分的位置：${pages.missing.slice(0, 5).join('、')}${pages.missing.length > 5 ? ' 等' : ''}。` +
        '请确认使用的是 Chromium 内核的打印功能。',
    );
  }
  let passes = 1;
  for (;;) {
    onProgress({ fraction: passes === 1 ? 0.55 : 0.85, message: `正在生成公开包 PDF（第${passes + 1}遍打印）…` });
    doc = buildPacketHtml(input, pages.map);
    pdf = await printer.print(doc.html);
    passes++;
    const again = pagesOf(doc, pdf);
    // the numbers sit in fixed-width boxes, so the second print lands where the first did; check anyway
    if (!again.missing.length && samePages(again.map, pages.map)) {
      pages = again;
      break;
    }
    if (passes >= MAX_PASSES) {
      throw new PacketError('目录页码无法稳定：两次排版的分页不一致。请将此公开包反馈给开发者。');
    }
    pages = again;
  }
  // bookmarks for the parts and the tables, pointing at the same destinations as the 目录
  pdf = addPdfOutline(pdf, doc.toc.map((e) => ({ dest: e.id, title: e.label, level: e.level === 1 ? 1 : 2 })));
  onProgress({ fraction: 1, message: `公开包 PDF 已生成，共 ${pages.count} 页。` });
  return {
    pdf,
    toc: doc.toc.map((e) => ({ ...e, page: pages.map[e.id] })),
    pageCount: pages.count,
    html: doc.html,
    document: doc,
    passes,
  };
}

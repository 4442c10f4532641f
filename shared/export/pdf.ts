/**
 * The submission packet PDF in two passes over one HTML document: print once to learn on which page each
 * 目录 target landed (the PDF's named destinations), then print again with those numbers in the 目录.
 * Printing is the caller's: Playwright's page.pdf() in Node (node/pdf.ts), webContents.printToPDF() in
 * Electron. Both must use PRINT_OPTIONS.
 */
import { PacketError } from '../errors.js';
import { buildPacketHtml, type AppendixSection, type PacketDocument, type PacketDocumentInput, type PacketLayout, type PageMap, type TocEntry } from './document.js';
import { readPdfOutline } from './pdf-dests.js';
import { addPdfOutline } from './pdf-outline.js';
import { printParts, rangesText, sectionAnchors, selectedPages, type PrintPart, type PrintSelection } from './print.js';

/** How one print differs from the whole document at its own size (both optional). */
export interface PrintPassOptions {
  /** the pages to output, "1-3, 8" (Chromium lays out the whole document, so page numbers stay the packet's) */
  pageRanges?: string;
  /** 0.1…2, Chromium's print scale (1 = as the templates declare) */
  scale?: number;
}

/** Turns one HTML document into PDF bytes. */
export interface PdfPrinter {
  print(html: string, opts?: PrintPassOptions): Promise<Uint8Array>;
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
  /** the printed pages: the whole packet, or only the selected pages when a selection narrows it */
  pdf: Uint8Array;
  /** every 目录 entry with the page it lists (1-based PDF page; the cover is page 1) */
  toc: (TocEntry & { page: number })[];
  /** pages in `pdf` */
  pageCount: number;
  /** pages of the whole packet */
  fullPageCount: number;
  /** the packet's page number of each page in `pdf`, in order */
  printedPages: number[];
  /** the choosable parts with their pages in the whole packet */
  parts: PrintPart[];
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

export interface PacketPrintOptions {
  /** which parts / pages to output (default: all) */
  selection?: PrintSelection;
  /** Chromium's print scale, 0.1…2 (default 1) */
  scale?: number;
  /** paper and per-part orientation (default: as the template set declares) */
  layout?: PacketLayout;
  /** a section printed after the packet (the 审核报告), bookmarked, not in the 目录 */
  appendix?: AppendixSection;
}

export async function printPacketPdf(
  input: PacketDocumentInput,
  printer: PdfPrinter,
  onProgress: (p: ExportProgress) => void = () => {},
  opts: PacketPrintOptions = {},
): Promise<PacketPdf> {
  const pass: PrintPassOptions = opts.scale !== undefined && opts.scale !== 1 ? { scale: Math.min(2, Math.max(0.1, opts.scale)) } : {};
  input = { ...input, ...(opts.layout ? { layout: opts.layout } : {}), ...(opts.appendix ? { appendix: opts.appendix } : {}) };
  onProgress({ fraction: 0.02, message: '正在排版公开包…' });
  let doc = buildPacketHtml(input);
  onProgress({ fraction: 0.1, message: '正在计算目录页码（第一遍打印）…' });
  let pdf = await printer.print(sectionAnchors(doc), pass);
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
    pdf = await printer.print(sectionAnchors(doc), pass);
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
  const parts = printParts(doc, readPdfOutline(pdf).dests, pages.count);
  let printedPages = Array.from({ length: pages.count }, (_, i) => i + 1);
  if (opts.selection) {
    const chosen = selectedPages(parts, pages.count, opts.selection);
    if (!chosen.length) throw new PacketError('没有选中任何要打印的页：请至少选择一个部分，并检查页码范围。');
    if (chosen.length < pages.count) {
      onProgress({ fraction: 0.92, message: `正在输出选中的 ${chosen.length} 页…` });
      // the same document again, only the chosen pages output: their footers keep the packet's page numbers
      pdf = await printer.print(sectionAnchors(doc), { ...pass, pageRanges: rangesText(chosen) });
      passes++;
      const got = readPdfOutline(pdf).pageCount;
      if (got !== chosen.length) throw new PacketError(`打印所选页失败：应输出 ${chosen.length} 页，实际 ${got} 页。请将此公开包反馈给开发者。`);
      printedPages = chosen;
    }
  }
  // bookmarks for the parts and the tables, pointing at the same destinations as the 目录 (the ones printed)
  pdf = addPdfOutline(pdf, doc.toc.map((e) => ({ dest: e.id, title: e.label, level: e.level === 1 ? 1 : 2 })));
  onProgress({ fraction: 1, message: `公开包 PDF 已生成，共 ${printedPages.length} 页。` });
  return {
    pdf,
    toc: doc.toc.map((e) => ({ ...e, page: pages.map[e.id] })),
    pageCount: printedPages.length,
    fullPageCount: pages.count,
    printedPages,
    parts,
    html: sectionAnchors(doc),
    document: doc,
    passes,
  };
}

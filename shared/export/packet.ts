/**
 * The whole export of a live packet in one call, for the CLI and the editor alike: the workbook, the
 * per-table workbooks on request, 情况说明.docx (through the narrative module) and the 公开包 PDF (through the
 * caller's printer), each handed to `onArtifact` as soon as it is ready, with one progress bar over it all.
 * The errors gate is the caller's: ask (app) or refuse (CLI) when exportErrors() is not empty.
 */
import type { Finding, PacketSession } from '../engine.js';
import { PacketError } from '../errors.js';
import { generateNarrative, narrativeDocx, type NarrativeDoc, type NarrativeTemplate } from '../narrative/index.js';
import { printNarrative, type PacketNarrative } from './narrative.js';
import { printPacketPdf, type ExportProgress, type PacketPdf, type PacketPrintOptions, type PdfPrinter } from './pdf.js';
import { coverDate } from './cover.js';
import { exportTableWorkbooks, exportWorkbook } from './workbook.js';
import { exportPublicWorkbook, publicPrintPacket, type PublishDeclaration } from './public.js';

export const EXPORT_FILES = { workbook: '决算公开表.xlsx', narrative: '情况说明.docx', pdf: '公开包.pdf', perTableDir: '分表' } as const;

export type ExportArtifact =
  | { kind: 'workbook'; name: string; bytes: Uint8Array }
  | { kind: 'table'; name: string; sheet: string; bytes: Uint8Array }
  | { kind: 'narrative'; name: string; bytes: Uint8Array }
  | { kind: 'pdf'; name: string; bytes: Uint8Array; pdf: PacketPdf };

export type ClosablePrinter = PdfPrinter & { close?(): Promise<void> };

export interface PacketExportOptions {
  /** keep the hidden 审核 and 公开包信息 sheets in the workbook (default true; ignored for a public export) */
  includeChecks?: boolean;
  /**
   * 导出公开包: the workbook holds only the published sheets (public.ts), with print areas and page-number
   * footers. The value is the template set's publish.json, used when the packet itself declares nothing.
   */
  public?: { fallback?: PublishDeclaration };
  /** also one workbook per table (公开01表.xlsx …) */
  perTable?: boolean;
  /** the template set's 情况说明 template; without it there is no .docx and the PDF says the parts are missing */
  narrativeTemplate?: NarrativeTemplate;
  /** prints the packet HTML; a function is called only when the PDF is due (and its printer closed after) */
  printer?: PdfPrinter | (() => Promise<ClosablePrinter>);
  /** the cover date (default: the packet's stored 封面日期, else today) */
  date?: Date;
  /** only the PDF: no workbook, no .docx (the app's print dialog) */
  pdfOnly?: boolean;
  /** which parts / pages of the PDF, and its scale (default: the whole packet at 100%) */
  print?: PacketPrintOptions;
  onProgress?: (p: ExportProgress) => void;
  /** each file as soon as it is ready (the CLI writes it at once, so a failing PDF keeps the workbook) */
  onArtifact?: (a: ExportArtifact) => void | Promise<void>;
}

export interface PacketExport {
  artifacts: ExportArtifact[];
  pdf?: PacketPdf;
  narrative?: NarrativeDoc;
  /** numbers of the narrative that lack data (printed as 【未填】) */
  narrativeGaps: number;
  /** what the user should know, in Chinese (a narrative that could not be generated, missing parts …) */
  notices: string[];
}

/** The errors that should stop an export (the app asks before going on, the CLI needs --force). */
export function exportErrors(session: PacketSession): Finding[] {
  return session.findings().filter((f) => f.severity === 'error');
}

export async function exportPacket(session: PacketSession, opts: PacketExportOptions = {}): Promise<PacketExport> {
  const progress = opts.onProgress ?? (() => {});
  const artifacts: ExportArtifact[] = [];
  const notices: string[] = [];
  const emit = async (a: ExportArtifact) => {
    artifacts.push(a);
    await opts.onArtifact?.(a);
  };

  progress({ fraction: 0, message: '正在导出工作簿…' });
  const packet = session.toPacket();
  if (!opts.pdfOnly) {
    const workbook = opts.public ? await exportPublicWorkbook(packet, opts.public.fallback) : await exportWorkbook(packet, { includeChecks: opts.includeChecks ?? true });
    await emit({ kind: 'workbook', name: EXPORT_FILES.workbook, bytes: workbook });
  }

  if (opts.perTable && !opts.pdfOnly) {
    progress({ fraction: 0.08, message: '正在导出分表工作簿…' });
    for (const b of await exportTableWorkbooks(packet)) await emit({ kind: 'table', name: `${EXPORT_FILES.perTableDir}/${b.fileName}`, sheet: b.sheet, bytes: b.bytes });
  }

  let narrative: PacketNarrative | undefined;
  let doc: NarrativeDoc | undefined;
  let gaps = 0;
  if (opts.narrativeTemplate) {
    progress({ fraction: 0.12, message: '正在生成情况说明…' });
    try {
      doc = generateNarrative(session, opts.narrativeTemplate);
      narrative = printNarrative(doc);
      if (!opts.pdfOnly) await emit({ kind: 'narrative', name: EXPORT_FILES.narrative, bytes: await narrativeDocx(doc, opts.narrativeTemplate) });
      for (const part of doc.parts) for (const p of part.paragraphs) for (const s of p.segments) if (s.t === 'num' && !s.check.ok) gaps++;
      if (gaps) notices.push(`情况说明中有 ${gaps} 处数字缺少数据，已标为【未填】。`);
    } catch (e) {
      if (!(e instanceof PacketError)) throw e;
      notices.push(`未能生成情况说明（${e.message}），未导出${EXPORT_FILES.narrative}；公开包 PDF 中的第一、三、四、五部分将注明缺失。`);
    }
  } else {
    notices.push(`没有情况说明模板，未导出${EXPORT_FILES.narrative}；公开包 PDF 中的第一、三、四、五部分将注明缺失。`);
  }

  let pdf: PacketPdf | undefined;
  if (opts.printer) {
    progress({ fraction: 0.18, message: '正在准备打印…' });
    const own = typeof opts.printer === 'function';
    const printer: ClosablePrinter = typeof opts.printer === 'function' ? await opts.printer() : opts.printer;
    try {
      const printed = opts.public ? publicPrintPacket(packet, opts.public.fallback) : packet;
      const date = opts.date ?? coverDate(packet);
      pdf = await printPacketPdf({ packet: printed, narrative, date }, printer, (p) => progress({ fraction: 0.2 + p.fraction * 0.8, message: p.message }), opts.print);
    } finally {
      if (own) await printer.close?.();
    }
    await emit({ kind: 'pdf', name: EXPORT_FILES.pdf, bytes: pdf.pdf, pdf });
    if (pdf.document.missing.length) notices.push(`公开包 PDF 缺少以下内容，已在相应页面注明：${pdf.document.missing.join('、')}。`);
  }
  progress({ fraction: 1, message: '导出完成。' });
  return { artifacts, pdf, narrative: doc, narrativeGaps: gaps, notices };
}

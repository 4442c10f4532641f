/**
 * Paper and orientation per part, and the 审核报告 as a part of a packet print, through the real Chromium
 * (node/pdf.ts) and read back with poppler (pdfinfo page sizes, pdftotext): by default every page has the size
 * the template set declares for its part; the print dialog's layout (A3, a part turned) changes exactly those
 * pages; the 审核报告 appended is the same text as `check --report x.pdf`, bookmarked, not in the 目录.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateFor } from '../../cli/narrative.js';
import { openPdfPrinter, type NodePdfPrinter } from '../../node/pdf.js';
import { printNarrative } from '../../shared/export/narrative.js';
import { printPacketPdf, type PacketPdf } from '../../shared/export/pdf.js';
import { readPdfBookmarks } from '../../shared/export/pdf-outline.js';
import type { PrintPart } from '../../shared/export/print.js';
import { pageSizes, paperOf } from '../helpers/pdf-pages.js';
import type { Packet } from '../../shared/model.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { auditReportHtml, auditReportSection, buildAuditReport, reportTitle, type AuditReport } from '../../shared/report/report.js';
import { openSession } from '../helpers/packets.js';

const ART = 'tests/artifacts/print-layout';
function write(name: string, bytes: Uint8Array): string {
  const f = join(ART, name);
  writeFileSync(f, bytes);
  return f;
}

/** The part each packet page belongs to. */
function partOfPage(parts: PrintPart[]): Map<number, PrintPart> {
  const m = new Map<number, PrintPart>();
  for (const p of parts) for (const [a, b] of p.spans) for (let i = a; i <= b; i++) m.set(i, p);
  return m;
}

const text = (file: string, from?: number, to?: number) =>
  execFileSync('pdftotext', ['-layout', ...(from ? ['-f', String(from), '-l', String(to)] : []), file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });

let printer: NodePdfPrinter;
let packet: Packet;
let report: AuditReport;
let plain: PacketPdf;
let plainFile: string;
let laid: PacketPdf;
let laidFile: string;
const flip = (o: 'portrait' | 'landscape') => (o === 'portrait' ? 'landscape' : 'portrait');

beforeAll(async () => {
  mkdirSync(ART, { recursive: true });
  const s = await openSession();
  packet = s.toPacket();
  const narrative = printNarrative(generateNarrative(s, templateFor(packet)));
  report = buildAuditReport(s, new Date(2025, 4, 20, 9, 30));
  s.destroy();
  printer = await openPdfPrinter();
  const date = new Date(2025, 4, 20);
  // as declared, with the 审核报告 appended
  plain = await printPacketPdf({ packet, narrative, date }, printer, undefined, { appendix: auditReportSection(report) });
  plainFile = write('declared.pdf', plain.pdf);
  // the dialog's choices: A3, the cover landscape, 公开01表 turned, every 自评表 landscape; a few parts only
  const t1 = plain.parts.find((p) => p.key === 't-1')!;
  laid = await printPacketPdf({ packet, narrative, date }, printer, undefined, {
    appendix: auditReportSection(report),
    layout: { paper: 'A3', orientation: { cover: 'landscape', 't-1': flip(t1.orientation), forms: 'landscape' } },
    selection: { parts: ['cover', 't-1', 't-2', 'f-1', 'f-2', 'report'] },
  });
  laidFile = write('a3-selected.pdf', laid.pdf);
}, 600_000);

afterAll(async () => {
  await printer?.close();
});

describe('paper and orientation as the template set declares them', () => {
  it('every page has its part\'s declared size, and the set declares both orientations', () => {
    const sizes = pageSizes(plainFile, plain.pageCount);
    const part = partOfPage(plain.parts);
    const wrong: string[] = [];
    for (let p = 1; p <= plain.pageCount; p++) {
      const d = part.get(p)!;
      if (paperOf(sizes[p]) !== `${d.paper} ${d.orientation}`) wrong.push(`page ${p} (${d.label}): ${paperOf(sizes[p])}, declared ${d.paper} ${d.orientation}`);
    }
    expect(wrong).toEqual([]);
    const orientations = new Set(plain.parts.map((p) => p.orientation));
    expect([...orientations].sort()).toEqual(['landscape', 'portrait']);
    expect(plain.parts.find((p) => p.key === 'cover')!.orientation).toBe('portrait');
    expect(plain.parts.find((p) => p.key === 'report')!.orientation).toBe('landscape');
  });

  it('the 审核报告 is the last part, bookmarked, not listed in the 目录, numbered on with the packet', () => {
    const r = plain.parts.at(-1)!;
    expect(r.key).toBe('report');
    expect(r.label).toBe(reportTitle(report));
    expect(r.spans.at(-1)![1]).toBe(plain.pageCount);
    const marks = readPdfBookmarks(plain.pdf);
    expect(marks.find((m) => m.title === reportTitle(report))).toEqual({ title: reportTitle(report), page: r.spans[0][0], level: 1 });
    const toc = text(plainFile, 2, plain.parts.find((p) => p.key === 'toc')!.spans[0][1]).replace(/\s+/g, '');
    expect(toc).toContain('第五部分');
    expect(toc).not.toContain(reportTitle(report).replace(/\s+/g, ''));
    const first = text(plainFile, r.spans[0][0], r.spans[0][0]).replace(/\s+/g, '');
    expect(first).toContain(`—${r.spans[0][0]}—`);
  });

  it('the 审核报告 part carries the same text as check --report x.pdf (one road: shared/report)', async () => {
    const alone = write('report-alone.pdf', await printer.print(auditReportHtml(report)));
    const r = plain.parts.at(-1)!;
    // the footers differ (第 n 页，共 m 页 alone, — n — in the packet); everything else must be the same
    const body = (t: string) => t.replace(/第\s*\d+\s*页，共\s*\d+\s*页/g, '').replace(/—\s*\d+\s*—/g, '').replace(/\s+/g, '');
    const inPacket = body(text(plainFile, r.spans[0][0], r.spans[0][1]));
    const standalone = body(text(alone));
    expect(inPacket.length).toBeGreaterThan(200);
    expect(inPacket).toBe(standalone);
    // every finding is there, numbered in order with its level (columns interleave in pdftotext, these do not)
    let at = 0;
    let n = 0;
    for (const g of report.groups) {
      for (const row of g.rows) {
        const i = inPacket.indexOf(`${++n}${row.level}`, at);
        expect(i, `${n}${row.level}`).toBeGreaterThan(at);
        at = i;
      }
    }
    expect(n).toBe(26);
  });
});

describe('paper and orientation chosen in the print dialog', () => {
  it('prints exactly the chosen parts, A3, with the turned parts turned and the others as declared', () => {
    const part = partOfPage(laid.parts);
    const sizes = pageSizes(laidFile, laid.pageCount);
    const t1 = plain.parts.find((p) => p.key === 't-1')!;
    const t2 = plain.parts.find((p) => p.key === 't-2')!;
    const want: Record<string, string> = {
      cover: 'A3 landscape',
      't-1': `A3 ${flip(t1.orientation)}`,
      't-2': `A3 ${t2.orientation}`,
      'f-1': 'A3 landscape',
      'f-2': 'A3 landscape',
      report: 'A3 landscape',
    };
    const got = laid.printedPages.map((n, i) => `${part.get(n)!.key}: ${paperOf(sizes[i + 1])}`);
    expect(new Set(got.map((g) => g.split(':')[0]))).toEqual(new Set(Object.keys(want)));
    for (const g of got) {
      const [key, size] = g.split(': ');
      expect(size, g).toBe(want[key]);
    }
    // the declared orientations the dialog shows are the template's, whatever this print turned
    expect(laid.parts.find((p) => p.key === 't-1')!.orientation).toBe(t1.orientation);
  });

  it('the footers keep the numbers of the whole (A3) packet', () => {
    laid.printedPages.forEach((n, i) => {
      if (n === 1) return;
      expect(text(laidFile, i + 1, i + 1).replace(/\s+/g, ''), `page ${i + 1}`).toContain(`—${n}—`);
    });
  });
});

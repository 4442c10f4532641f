/**
 * The submission packet PDF, printed by the real Chromium and read back page by page with poppler
 * (pdftotext, pdfinfo): cover, 目录 whose page numbers are right, all ten tables, every 自评表, repeated
 * header rows, page numbers on every page. Page images go to tests/artifacts/export/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateFor } from '../../cli/narrative.js';
import { findChromium, openPdfPrinter, type NodePdfPrinter } from '../../node/pdf.js';
import { buildPacketHtml } from '../../shared/export/document.js';
import { missingPartText, printNarrative } from '../../shared/export/narrative.js';
import { exportPacket, type ExportArtifact } from '../../shared/export/packet.js';
import { printPacketPdf, type PacketPdf } from '../../shared/export/pdf.js';
import { readPdfOutline } from '../../shared/export/pdf-dests.js';
import { PacketError } from '../../shared/errors.js';
import type { Packet, SheetModel } from '../../shared/model.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { openSession } from '../helpers/packets.js';

const ART = 'tests/artifacts/export';
const PDF = join(ART, '公开包.pdf');

/** Text of each page (1-based index → text), in poppler's layout mode. */
function pageTexts(file: string, pages: number): string[] {
  const out = [''];
  for (let p = 1; p <= pages; p++) out.push(execFileSync('pdftotext', ['-layout', '-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' }));
  return out;
}

const norm = (s: string) => s.replace(/\s+/g, '');

/** Page sizes in points from pdfinfo, 1-based. */
function pageSizes(file: string, pages: number): { w: number; h: number }[] {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', String(pages), file], { encoding: 'utf8' });
  const out = [{ w: 0, h: 0 }];
  for (const m of info.matchAll(/Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)/g)) out[Number(m[1])] = { w: Number(m[2]), h: Number(m[3]) };
  return out;
}

/**
 * The title opens a line of the page (a heading, not a mention inside a sentence); a heading may wrap onto up
 * to three lines, and a table title shares its line with the 公开NN表 label.
 */
function hasTitleLine(text: string, title: string): boolean {
  const t = norm(title);
  const lines = text.split('\n').map(norm).filter(Boolean);
  for (let i = 0; i < lines.length; i++) {
    let joined = '';
    for (let k = i; k < Math.min(lines.length, i + 3); k++) {
      joined += lines[k];
      if (joined === t || (k === i && joined.startsWith(t))) return true;
      if (!t.startsWith(joined)) break;
    }
  }
  return false;
}

/**
 * For each 目录 entry, the first page after the 目录 where its title stands as a heading; returns the entries
 * whose listed page is not that page ("label: listed N, found M").
 */
function tocMismatches(texts: string[], toc: { label: string; title: string; page: number }[], afterPage: number): string[] {
  const bad: string[] = [];
  for (const e of toc) {
    let found = -1;
    for (let p = afterPage + 1; p < texts.length; p++) {
      if (hasTitleLine(texts[p], e.title)) {
        found = p;
        break;
      }
    }
    if (found !== e.page) bad.push(`${e.label}: listed ${e.page}, found ${found}`);
  }
  return bad;
}

let session: Awaited<ReturnType<typeof openSession>>;
let packet: Packet;
let printer: NodePdfPrinter;
let result: PacketPdf;
let texts: string[];
let tocEnd: number;

beforeAll(async () => {
  rmSync(ART, { recursive: true, force: true });
  mkdirSync(ART, { recursive: true });
  session = await openSession();
  packet = session.toPacket();
  const narrative = printNarrative(generateNarrative(session, templateFor(packet)));
  printer = await openPdfPrinter();
  result = await printPacketPdf({ packet, narrative, date: new Date(2025, 4, 20) }, printer);
  writeFileSync(PDF, result.pdf);
  writeFileSync(join(ART, '公开包.html'), result.html);
  texts = pageTexts(PDF, result.pageCount);
  tocEnd = result.toc[0].page - 1;
  // page images for people to look at
  execFileSync('pdftoppm', ['-r', '50', '-png', PDF, join(ART, 'page')]);
}, 600_000);

afterAll(async () => {
  await printer?.close();
});

describe('the reference packet PDF', () => {
  it('is printed in two passes and poppler agrees on the page count', () => {
    const info = execFileSync('pdfinfo', [PDF], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBe(result.pageCount);
    expect(result.passes).toBe(2);
    expect(result.pageCount).toBeGreaterThan(100);
    expect(readdirSync(ART).filter((f) => f.endsWith('.png'))).toHaveLength(result.pageCount);
  });

  it('opens with the cover (单位, 年度, 日期), without a page number', () => {
    const cover = norm(texts[1]);
    expect(cover).toContain('中共景德镇市昌南新区工作委员会党群工作部');
    expect(cover).toContain('2024年度部门决算');
    expect(cover).toContain('2025年5月20日');
    expect(cover).not.toMatch(/—\d+—/);
  });

  it('has the 目录 next, listing every part, table and section with its page number', () => {
    expect(norm(texts[2])).toContain('目录');
    expect(tocEnd).toBeGreaterThanOrEqual(2);
    const tocText = norm(texts.slice(2, tocEnd + 1).join('\n').replace(/—\d+—/g, ''));
    for (const e of result.toc) expect(tocText, e.label).toContain(`${norm(e.label)}${e.page}`);
    const labels = result.toc.map((e) => e.label);
    for (const part of ['第一部分', '第二部分', '第三部分', '第四部分', '第五部分']) expect(labels.some((l) => l.startsWith(part)), part).toBe(true);
    expect(labels.filter((l) => /^[一二三四五六七八九十]+、.*表$/.test(l))).toHaveLength(10);
    expect(labels).toContain('项目支出绩效自评表（共72张）');
  });

  it('each 目录 title is found on the page the 目录 lists (and a wrong 目录 is caught)', () => {
    expect(tocMismatches(texts, result.toc, tocEnd)).toEqual([]);
    const shifted = result.toc.map((e, i) => (i === 5 ? { ...e, page: e.page + 1 } : e));
    expect(tocMismatches(texts, shifted, tocEnd)).toEqual([`${result.toc[5].label}: listed ${result.toc[5].page + 1}, found ${result.toc[5].page}`]);
  });

  it('numbers every page after the cover "— N —" with its place in the PDF', () => {
    for (let p = 2; p <= result.pageCount; p++) expect(norm(texts[p]), `page ${p}`).toContain(`—${p}—`);
  });

  it('has all ten tables, each starting on its listed page with its title and 公开NN表 label', () => {
    for (const t of result.document.tables) {
      const page = result.toc.find((e) => e.id === t.id)!.page;
      const text = norm(texts[page]);
      expect(text, t.sheet).toContain(norm(t.title));
      expect(text, t.sheet).toContain(t.sheet);
    }
  });

  it('repeats the header rows when a table runs onto the next page (03表) and prints its 注 once, under it', () => {
    const t3 = result.toc.find((e) => e.id === 't-3')!.page;
    const t4 = result.toc.find((e) => e.id === 't-4')!.page;
    expect(t4 - t3).toBeGreaterThanOrEqual(2);
    for (let p = t3; p < t4; p++) {
      const text = norm(texts[p]);
      expect(text, `page ${p}`).toContain('支出决算表');
      expect(text, `page ${p}`).toContain('科目名称');
      expect(text, `page ${p}`).toContain('类/款/项');
    }
    const note = norm(packet.sheets.find((s) => s.name === '公开03表')!.cells.flat().find((c) => typeof c?.v === 'string' && c.v.startsWith('注'))!.v as string);
    const pagesWithNote = texts.map((t, i) => (norm(t).includes(note.slice(0, 20)) ? i : -1)).filter((i) => i >= 0);
    expect(pagesWithNote).toEqual([t4 - 1]);
  });

  it('prints landscape tables on landscape pages and portrait ones on portrait pages', () => {
    const sizes = pageSizes(PDF, result.pageCount);
    const landscape = (p: number) => sizes[p].w > sizes[p].h;
    expect(landscape(1)).toBe(false);
    expect(landscape(2)).toBe(false);
    for (const t of result.document.tables) {
      const s = packet.sheets.find((x) => x.name === t.sheet)!;
      const page = result.toc.find((e) => e.id === t.id)!.page;
      expect(landscape(page), t.sheet).toBe(s.print.orientation === 'landscape');
      expect(Math.round(Math.max(sizes[page].w, sizes[page].h))).toBe(842);
    }
  });

  it('has every 项目支出绩效自评表, one after another, each with its project', () => {
    const forms = packet.sheets.filter((s: SheetModel) => s.kind === 'form' && !s.hidden);
    expect(forms).toHaveLength(72);
    const formPages = texts
      .map((t, i) => (t.split('\n').some((line) => line.trim() === '项目支出绩效自评表') ? i : -1))
      .filter((i) => i > tocEnd);
    expect(formPages).toHaveLength(forms.length);
    forms.forEach((s, i) => {
      const name = String(s.cells[2]?.[1]?.v ?? '');
      expect(name, s.name).not.toBe('');
      expect(norm(texts[formPages[i]]), s.name).toContain(norm(name).slice(0, 8));
    });
    const first = result.toc.find((e) => e.id === 'forms')!.page;
    expect(formPages[0]).toBeGreaterThan(first - 1);
  });

  it('prints the narrative parts with their text (第三部分 一、收入决算情况说明 …)', () => {
    const p3 = result.toc.find((e) => e.id === 'part-3')!.page;
    expect(norm(texts[p3])).toContain('一、收入决算情况说明');
    expect(norm(texts[p3])).toMatch(/本年收入合计3966\.62万元/);
    expect(result.document.missing).toEqual([]);
  });
});

describe('printing', () => {
  it('never splits a table row across pages and repeats the header on every page', async () => {
    /** 14 rows of 7 lines each; `tall` rows get 80 lines, more than a page holds */
    const rowsOf = (tall: number[]) =>
      Array.from({ length: 14 }, (_x, i) => [
        { v: `第${i + 1}行`, s: 1 },
        { v: Array.from({ length: 7 }, (_y, k) => `行${i + 1}段${k + 1}`).join(tall.includes(i + 1) ? '\n'.repeat(13) : '\n'), s: 1 },
      ]);
    const rows = rowsOf([]);
    const styles = [
      { font: { size: 10, bold: true }, align: { h: 'center' as const }, border: { t: true, r: true, b: true, l: true } },
      { font: { size: 10 }, align: { h: 'left' as const, wrap: true }, border: { t: true, r: true, b: true, l: true } },
    ];
    const sheet: SheetModel = {
      name: '公开01表', kind: 'table', hidden: false,
      cells: [[{ v: '表头甲', s: 0 }, { v: '表头乙', s: 0 }], ...rows],
      merges: [], colWidths: [20, 40], rowHeights: [], frozenRows: 1,
      print: { orientation: 'portrait', fitToWidth: true },
    };
    const p: Packet = { sheets: [sheet], styles, checks: [], names: [], meta: {} };
    const doc = buildPacketHtml({ packet: p });
    const withRows = (r: typeof rows) => buildPacketHtml({ packet: { ...p, sheets: [{ ...sheet, cells: [sheet.cells[0], ...r] }] } }).html;
    const print = async (html: string, name: string) => {
      const bytes = await printer.print(html);
      writeFileSync(join(ART, name), bytes);
      return pageTexts(join(ART, name), readPdfOutline(bytes).pageCount).map(norm);
    };
    /** rows whose first and last line land on different pages */
    const split = (t: string[]) =>
      Array.from({ length: 14 }, (_x, k) => k + 1).filter((i) => t.findIndex((x) => x.includes(`行${i}段1`)) !== t.findIndex((x) => x.includes(`行${i}段7`)));
    const t = await print(doc.html, 'rows.pdf');
    const start = t.findIndex((x) => x.includes('第1行'));
    const end = t.findIndex((x) => x.includes('第14行'));
    expect(end).toBeGreaterThan(start);
    expect(split(t)).toEqual([]);
    for (let pg = start; pg <= end; pg++) expect(t[pg], `page ${pg}`).toContain('表头甲表头乙');
    expect(doc.html).toContain('table.grid tr { break-inside: avoid; }');
    // a row taller than a page has to split, and the check says so: it can fail
    const tall = await print(withRows(rowsOf([5])), 'rows-tall.pdf');
    expect(split(tall)).toEqual([5]);
  }, 300_000);

  it('exportPacket without a narrative: every artifact in order, one rising progress bar, and the PDF says what is missing', async () => {
    const seen: number[] = [];
    const kinds: ExportArtifact['kind'][] = [];
    const res = await exportPacket(session, {
      perTable: true,
      printer,
      date: new Date(2025, 4, 20),
      onProgress: (p) => seen.push(p.fraction),
      onArtifact: (a) => void kinds.push(a.kind),
    });
    expect(kinds).toEqual(['workbook', ...Array.from({ length: 10 }, () => 'table'), 'pdf']);
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    expect(res.notices.join('\n')).toMatch(/没有情况说明模板，未导出情况说明\.docx/);
    expect(res.notices.join('\n')).toContain('公开包 PDF 缺少以下内容');
    const file = join(ART, '公开包-无情况说明.pdf');
    writeFileSync(file, res.pdf!.pdf);
    const t = pageTexts(file, res.pdf!.pageCount);
    const p3 = res.pdf!.toc.find((e) => e.id === 'part-3')!.page;
    expect(norm(t[p3])).toContain(norm(missingPartText('explanation')));
    expect(tocMismatches(t, res.pdf!.toc, res.pdf!.toc[0].page - 1)).toEqual([]);
  }, 300_000);

  it('says in Chinese where Chromium is missing', () => {
    expect(() => findChromium({ JUESUAN_CHROMIUM: '/nonexistent/chromium' })).toThrow(PacketError);
    expect(() => findChromium({ JUESUAN_CHROMIUM: '/nonexistent/chromium' })).toThrow(/找不到 Chromium 浏览器.*JUESUAN_CHROMIUM/);
    expect(findChromium({})).toBe('/usr/bin/chromium');
  });
});

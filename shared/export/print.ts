/**
 * Which pages of the 公开包 to print. A selection is a set of parts (封面, 目录, each 公开表, 情况说明, 自评表 …)
 * plus an optional page range; it is resolved against the full packet as printed, so the chosen pages keep
 * the page numbers they have in the packet and agree with its 目录 (a reprinted table slots into the bound
 * packet). Chromium prints only those pages (page.pdf / printToPDF `pageRanges`), after laying out the whole
 * document, so the footers stay the packet's own numbers.
 *
 * Where each part starts comes from the PDF's named destinations: printPacketPdf adds a hidden link to every
 * section start (Chromium writes a destination only for a link target), see sectionAnchors().
 */
import { PacketError } from '../errors.js';
import type { Orientation, PacketDocument } from './document.js';
import type { PaperSize } from './sheet-html.js';

/** One choosable part of the packet, with the pages it occupies in the full packet (1-based, inclusive). */
export interface PrintPart {
  /** stable key: 'cover', 'toc', 'part-1', 'part-2', 't-3', 'narrative', 'forms-summary', 'f-12', 'part-4', 'part-5', 'report' */
  key: string;
  /** Chinese label for the print dialog */
  label: string;
  group: 'front' | 'overview' | 'tables' | 'narrative' | 'forms' | 'back' | 'report';
  /** the page spans of the part, in order (情况说明 is split around the 自评表) */
  spans: [number, number][];
  /** the page the template set declares for it (the print dialog's default) */
  orientation: Orientation;
  paper: PaperSize;
}

export interface PrintSelection {
  /** part keys to print; absent = every part */
  parts?: string[];
  /** a page range over the full packet, as typed: "3-5, 8" (absent or blank = all of the selected parts) */
  pages?: string;
}

/** Section starts that are not 目录 entries, by element id (the rest are PacketDocument.toc ids). */
const EXTRA_STARTS = ['toc', 'overview-sheet', 'p3-cont'];

/** Every id a printed section starts at: each must be a link target so that the PDF records its page. */
export function sectionIds(doc: PacketDocument): string[] {
  const ids = new Set<string>(EXTRA_STARTS);
  for (const e of doc.toc) if (e.level === 1 || /^t-\d+$|^forms$/.test(e.id)) ids.add(e.id);
  for (const t of doc.tables) ids.add(t.id);
  for (const f of doc.forms) ids.add(f.id);
  // the 汇总 sheets of the forms: 'forms' (the first) and forms-summary-N
  for (let i = 2; doc.html.includes(`id="forms-summary-${i}"`); i++) ids.add(`forms-summary-${i}`);
  return [...ids].filter((id) => doc.html.includes(`id="${id}"`));
}

/** The document with a hidden link to each section start, so that the printed PDF names their pages. */
export function sectionAnchors(doc: PacketDocument): string {
  const links = sectionIds(doc).map((id) => `<a href="#${id}"></a>`).join('');
  return doc.html.replace(/<\/body>/, `<div hidden>${links}</div></body>`);
}

/**
 * The packet's parts with their pages, from where each section landed (`dests`: id → 1-based page) in a print
 * of the whole document of `pageCount` pages.
 */
export function printParts(doc: PacketDocument, dests: Map<string, number>, pageCount: number): PrintPart[] {
  const starts = sectionIds(doc)
    .map((id) => ({ id, page: dests.get(id) }))
    .filter((s): s is { id: string; page: number } => s.page !== undefined)
    .sort((a, b) => a.page - b.page);
  // a section ends where the next one (on a later page) starts
  const span = (id: string): [number, number] | null => {
    const at = starts.findIndex((s) => s.id === id);
    if (at < 0) return null;
    const from = starts[at].page;
    const next = starts.slice(at + 1).find((s) => s.page > from);
    return [from, next ? next.page - 1 : pageCount];
  };
  const parts: PrintPart[] = [];
  const declared = (key: string) => doc.declared[key] ?? { orientation: 'portrait' as const, paper: 'A4' as const };
  const add = (key: string, label: string, group: PrintPart['group'], ...ids: string[]) => {
    const spans = ids.map(span).filter((s): s is [number, number] => !!s);
    if (spans.length) parts.push({ key, label, group, spans, ...declared(key) });
  };
  parts.push({ key: 'cover', label: '封面', group: 'front', spans: [[1, 1]], ...declared('cover') });
  add('toc', '目录', 'front', 'toc');
  const title = (id: string) => doc.toc.find((e) => e.id === id)?.title ?? id;
  add('part-1', title('part-1'), 'overview', 'part-1', 'overview-sheet');
  add('part-2', `${title('part-2')}（扉页）`, 'tables', 'part-2');
  for (const t of doc.tables) add(t.id, `${t.sheet} ${t.title}`, 'tables', t.id);
  add('narrative', title('part-3'), 'narrative', 'part-3', 'p3-cont');
  const summaries = sectionIds(doc).filter((id) => id === 'forms' || id.startsWith('forms-summary-'));
  const firstIsForm = doc.forms[0]?.id === 'forms';
  if (!firstIsForm) add('forms-summary', '自评表汇总', 'forms', ...summaries);
  doc.forms.forEach((f, i) => add(`f-${i + 1}`, `${f.sheet}`, 'forms', f.id));
  add('part-4', title('part-4'), 'back', 'part-4');
  add('part-5', title('part-5'), 'back', 'part-5');
  const appendix = doc.toc.find((e) => e.unlisted);
  if (appendix) add(appendix.id, appendix.title, 'report', appendix.id);
  return parts;
}

/** "3-5, 8" → [3,4,5,8] within 1…max; a clear Chinese error for anything else. */
export function parsePageRange(text: string, max: number): number[] {
  const out = new Set<number>();
  const t = text
    .replace(/[—–~～至到－]/g, '-')
    .replace(/\s*-\s*/g, '-')
    .replace(/[,，、；;\s]+/g, ',')
    .replace(/^,|,$/g, '');
  if (!t) return [];
  for (const item of t.split(',')) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    if (!m) throw new PacketError(`页码范围「${text}」无法识别：请写成「3-5, 8」这样的页码或页码范围。`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < a) throw new PacketError(`页码范围「${item}」不正确：起始页应不小于 1，且不大于结束页。`);
    if (a > max) throw new PacketError(`页码范围「${item}」超出了公开包的页数（共 ${max} 页）。`);
    for (let p = a; p <= Math.min(b, max); p++) out.add(p);
  }
  return [...out].sort((x, y) => x - y);
}

/** The pages (1-based, ascending) a selection prints; every page when nothing narrows it. */
export function selectedPages(parts: PrintPart[], pageCount: number, sel: PrintSelection): number[] {
  let pages: number[];
  if (sel.parts) {
    const want = new Set(sel.parts);
    const set = new Set<number>();
    for (const p of parts) if (want.has(p.key)) for (const [a, b] of p.spans) for (let i = a; i <= b; i++) set.add(i);
    pages = [...set].sort((x, y) => x - y);
  } else pages = Array.from({ length: pageCount }, (_, i) => i + 1);
  if (sel.pages?.trim()) {
    const range = new Set(parsePageRange(sel.pages, pageCount));
    pages = pages.filter((p) => range.has(p));
  }
  return pages;
}

/** [3,4,5,8] → "3-5, 8" (the pageRanges syntax of Chromium's page.pdf and Electron's printToPDF). */
export function rangesText(pages: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < pages.length; ) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
    out.push(i === j ? String(pages[i]) : `${pages[i]}-${pages[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

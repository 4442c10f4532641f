/**
 * Choosing what to print (shared/export/print.ts) over the real reference packet document: the parts and
 * their pages come from where the sections landed, a selection of parts and a typed page range give the
 * pages of the whole packet (so they keep its numbers), and bad page ranges are refused in Chinese.
 * The Chromium side (those pages printed with their footers) is tests/e2e/print.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPacketHtml, type PacketDocument } from '../../shared/export/document.js';
import { parsePageRange, printParts, rangesText, sectionAnchors, sectionIds, selectedPages, type PrintPart } from '../../shared/export/print.js';
import { COVER_DATE_KEY } from '../../shared/model.js';
import { formatCoverDate, storedCoverDate } from '../../shared/export/cover.js';
import { PacketError } from '../../shared/errors.js';
import { printNarrative } from '../../shared/export/narrative.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { templateFor } from '../../cli/narrative.js';
import { openSession } from '../helpers/packets.js';

let doc: PacketDocument;
let parts: PrintPart[];
const pageCount = 121;

beforeAll(async () => {
  const s = await openSession();
  doc = buildPacketHtml({ packet: s.toPacket(), narrative: printNarrative(generateNarrative(s, templateFor(s.packet))) });
  // where Chromium put each section in the reference print (tests/e2e/print.test.ts prints it for real)
  const dests = new Map<string, number>([['toc', 2], ['part-1', 4], ['part-2', 6], ['part-3', 26], ['forms', 32], ['p3-cont', 109], ['part-4', 110], ['part-5', 112]]);
  const tablePages = [7, 9, 12, 15, 17, 20, 22, 23, 24, 25];
  doc.tables.forEach((t, i) => dests.set(t.id, tablePages[i]));
  doc.forms.forEach((f, i) => dests.set(f.id, 37 + i));
  parts = printParts(doc, dests, pageCount);
  s.destroy();
});

describe('the parts of the packet and their pages', () => {
  it('every section start is a link target, so the printed PDF names its page', () => {
    const ids = sectionIds(doc);
    expect(ids).toEqual(expect.arrayContaining(['toc', 'part-1', 'part-2', 't-1', 't-10', 'part-3', 'forms', 'f-1', 'f-72', 'p3-cont', 'part-4', 'part-5']));
    const html = sectionAnchors(doc);
    for (const id of ids) expect(html).toContain(`<a href="#${id}"></a>`);
    expect(html.indexOf('<div hidden>')).toBeGreaterThan(html.indexOf('<body>'));
  });

  it('each part spans from its start to the next section', () => {
    const by = new Map(parts.map((p) => [p.key, p]));
    expect(by.get('cover')!.spans).toEqual([[1, 1]]);
    expect(by.get('toc')!.spans).toEqual([[2, 3]]);
    expect(by.get('part-1')!.spans).toEqual([[4, 5]]);
    expect(by.get('part-2')!.spans).toEqual([[6, 6]]);
    expect(by.get('t-1')!.spans).toEqual([[7, 8]]);
    expect(by.get('t-1')!.label).toBe('公开01表 收入支出决算总表');
    expect(by.get('t-10')!.spans).toEqual([[25, 25]]);
    // the 情况说明 is split around the 自评表 it carries
    expect(by.get('narrative')!.spans).toEqual([[26, 31], [109, 109]]);
    expect(by.get('forms-summary')!.spans).toEqual([[32, 36]]);
    expect(by.get('f-1')!.spans).toEqual([[37, 37]]);
    expect(by.get('f-72')!.spans).toEqual([[108, 108]]);
    expect(by.get('part-5')!.spans).toEqual([[112, 121]]);
    // every page belongs to exactly one part
    const seen = new Map<number, string>();
    for (const p of parts) for (const [a, b] of p.spans) for (let i = a; i <= b; i++) {
      expect(seen.get(i), `page ${i}: ${p.key} and ${seen.get(i)}`).toBeUndefined();
      seen.set(i, p.key);
    }
    expect(seen.size).toBe(pageCount);
  });
});

describe('a selection gives pages of the whole packet', () => {
  it('only 公开01–10表: pages 7–25', () => {
    const pages = selectedPages(parts, pageCount, { parts: doc.tables.map((t) => t.id) });
    expect(pages).toEqual(Array.from({ length: 19 }, (_, i) => 7 + i));
    expect(rangesText(pages)).toBe('7-25');
  });

  it('cover, 目录, the 情况说明 and 自评表 3–5; then narrowed by a page range', () => {
    const sel = { parts: ['cover', 'toc', 'narrative', 'f-3', 'f-4', 'f-5'] };
    const pages = selectedPages(parts, pageCount, sel);
    expect(rangesText(pages)).toBe('1-3, 26-31, 39-41, 109');
    expect(rangesText(selectedPages(parts, pageCount, { ...sel, pages: '2-30，40' }))).toBe('2-3, 26-30, 40');
    // a page range alone, over everything
    expect(selectedPages(parts, pageCount, { pages: '120-121' })).toEqual([120, 121]);
    expect(selectedPages(parts, pageCount, {})).toHaveLength(121);
  });

  it('page ranges as typed: 3-5, 8 / 3～5、8 / 3至5; bad ones refused in Chinese', () => {
    expect(parsePageRange('3-5, 8', 121)).toEqual([3, 4, 5, 8]);
    expect(parsePageRange(' 3～5、8 ', 121)).toEqual([3, 4, 5, 8]);
    expect(parsePageRange('3至5', 121)).toEqual([3, 4, 5]);
    expect(parsePageRange('3 - 5 ,8', 121)).toEqual([3, 4, 5, 8]);
    expect(parsePageRange('', 121)).toEqual([]);
    expect(parsePageRange('120-200', 121)).toEqual([120, 121]);
    expect(() => parsePageRange('5-3', 121)).toThrow(PacketError);
    expect(() => parsePageRange('0', 121)).toThrow(/起始页应不小于 1/);
    expect(() => parsePageRange('130', 121)).toThrow(/共 121 页/);
    expect(() => parsePageRange('abc', 121)).toThrow(/无法识别/);
  });
});

describe('the cover date stored in the packet', () => {
  it('reads a real YYYY-MM-DD only', () => {
    expect(formatCoverDate(storedCoverDate({ meta: { [COVER_DATE_KEY]: '2025-04-18' } })!)).toBe('2025-04-18');
    expect(storedCoverDate({ meta: {} })).toBeUndefined();
    expect(storedCoverDate({ meta: { [COVER_DATE_KEY]: '2025-02-30' } })).toBeUndefined();
    expect(storedCoverDate({ meta: { [COVER_DATE_KEY]: '明天' } })).toBeUndefined();
  });
});

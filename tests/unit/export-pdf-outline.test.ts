/**
 * PDF bookmarks: a real Chromium print with named destinations, the outline appended as an incremental update,
 * read back by our reader and by poppler (pdftohtml), which a viewer's 书签 pane shows the same way.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPdfOutline, readPdfBookmarks } from '../../shared/export/pdf-outline.js';
import { readPdfOutline } from '../../shared/export/pdf-dests.js';
import { htmlToPdf } from '../../node/pdf.js';

const page = (id: string, text: string) => `<div id="${id}" style="break-before: page"><h1>${text}</h1></div>`;
const HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<p><a href="#part-1">一</a> <a href="#t-1">表一</a> <a href="#t-2">表二</a> <a href="#part-3">三</a></p>
${page('part-1', '第一部分 概况')}${page('t-1', '收入支出决算总表')}${page('t-2', '收入决算表')}${page('part-3', '第三部分 情况说明')}
</body></html>`;

describe('PDF bookmarks', () => {
  it('adds parts and their tables as a two-level outline that poppler reads with the right pages', async () => {
    const pdf = await htmlToPdf(HTML);
    const before = readPdfOutline(pdf);
    expect(before.pageCount).toBe(5);
    expect(readPdfBookmarks(pdf)).toEqual([]);
    const out = addPdfOutline(pdf, [
      { dest: 'part-1', title: '第一部分 概况', level: 1 },
      { dest: 't-1', title: '一、收入支出决算总表', level: 2 },
      { dest: 't-2', title: '二、收入决算表', level: 2 },
      { dest: 'missing', title: '不存在', level: 2 },
      { dest: 'part-3', title: '第三部分 情况说明', level: 1 },
    ]);
    // the printed bytes are kept; the update is appended
    expect(Buffer.from(out.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    expect(readPdfOutline(out).pageCount).toBe(5);
    expect(readPdfBookmarks(out)).toEqual([
      { title: '第一部分 概况', page: 2, level: 1 },
      { title: '一、收入支出决算总表', page: 3, level: 2 },
      { title: '二、收入决算表', page: 4, level: 2 },
      { title: '第三部分 情况说明', page: 5, level: 1 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-outline-'));
    writeFileSync(join(dir, 'o.pdf'), out);
    const xml = execFileSync('pdftohtml', ['-xml', '-i', '-q', '-stdout', '-l', '1', join(dir, 'o.pdf')], { encoding: 'utf8' });
    const items = [...xml.matchAll(/<item page="(\d+)">([^<]*)<\/item>/g)].map((m) => [m[2], Number(m[1])]);
    expect(items).toEqual([['第一部分 概况', 2], ['一、收入支出决算总表', 3], ['二、收入决算表', 4], ['第三部分 情况说明', 5]]);
    // a second outline is not stacked on the first
    expect(addPdfOutline(out, [{ dest: 't-1', title: 'x', level: 1 }])).toBe(out);
  }, 120_000);
});

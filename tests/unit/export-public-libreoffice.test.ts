/**
 * The public workbook (导出公开包) printed by LibreOffice, as an accountant's WPS/LibreOffice would print it:
 * soffice --convert-to pdf, then every word's box on every page from poppler (pdftotext -bbox-layout); no two
 * words of a page may overlap (the issue: wrapped rows without heights printed text over text). The detector
 * is shown to fire on the same sheet with its row heights squeezed. Page images go to
 * tests/artifacts/public-libreoffice/ for people to look at.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { exportPublicWorkbook } from '../../shared/export/index.js';
import { loadPacket } from '../helpers/packets.js';

const ART = 'tests/artifacts/public-libreoffice';
const lo = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' }).stdout.trim();

interface Word { page: number; text: string; x0: number; y0: number; x1: number; y1: number }

/** Every word box of a PDF, by poppler. */
function words(pdf: string): Word[] {
  const xml = execFileSync('pdftotext', ['-bbox-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const out: Word[] = [];
  let page = 0;
  for (const m of xml.matchAll(/<page\b|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[0] === '<page') {
      page++;
      continue;
    }
    out.push({ page, text: m[5], x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]) });
  }
  return out;
}

/** Pairs of words on one page whose boxes overlap by more than a quarter of the smaller one. */
function overlaps(ws: Word[]): string[] {
  const bad: string[] = [];
  const byPage = new Map<number, Word[]>();
  for (const w of ws) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  for (const [page, list] of byPage) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (w <= 0 || h <= 0) continue;
        const smaller = Math.min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0));
        if (w * h > 0.25 * smaller) bad.push(`page ${page}: 「${a.text}」 over 「${b.text}」`);
      }
    }
  }
  return bad;
}

function convert(xlsx: string, outDir: string, profile: string): string {
  const r = spawnSync(lo, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', outDir, xlsx], { encoding: 'utf8', timeout: 400_000 });
  if (r.status !== 0) throw new Error(`soffice failed: ${r.stderr}`);
  return join(outDir, xlsx.replace(/^.*\//, '').replace(/\.xlsx$/, '.pdf'));
}

let dir = '';
let publicPdf = '';
let squeezedPdf = '';
let pages = 0;

beforeAll(async () => {
  if (!lo) return;
  dir = mkdtempSync(join(tmpdir(), 'juesuan-public-lo-'));
  rmSync(ART, { recursive: true, force: true });
  mkdirSync(ART, { recursive: true });
  const s = new PacketSession(await loadPacket());
  const bytes = await exportPublicWorkbook(s.toPacket());
  s.destroy();
  const xlsx = join(dir, '公开包.xlsx');
  writeFileSync(xlsx, bytes);
  // the defect the check must catch: 公开01表 alone, every row squeezed to 4 pt
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  for (const ws of [...wb.worksheets]) if (ws.name !== '公开01表') wb.removeWorksheet(ws.id);
  const one = wb.getWorksheet('公开01表')!;
  one.eachRow({ includeEmpty: true }, (row) => (row.height = 4));
  const squeezed = join(dir, 'squeezed.xlsx');
  writeFileSync(squeezed, new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
  const profile = join(dir, 'profile');
  publicPdf = convert(xlsx, join(dir, 'out'), profile);
  squeezedPdf = convert(squeezed, join(dir, 'out'), profile);
  pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [publicPdf], { encoding: 'utf8' }))![1]);
  execFileSync('pdftoppm', ['-r', '40', '-png', publicPdf, join(ART, 'page')]);
}, 900_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!lo)('the public workbook printed by LibreOffice', () => {
  it('prints every published sheet, with no word over another on any page', () => {
    const ws = words(publicPdf);
    // ten tables and 72 forms: at least one page each, with the tables' titles and the forms' figures
    expect(pages).toBeGreaterThanOrEqual(82);
    const text = ws.map((w) => w.text).join('');
    for (const t of ['收入支出决算总表', '国有资产占用情况表', '项目支出绩效自评表', '3,966.62']) expect(text).toContain(t);
    expect(overlaps(ws)).toEqual([]);
  });

  it('the check fires on the same sheet with its rows squeezed (text printed over text)', () => {
    const bad = overlaps(words(squeezedPdf));
    expect(bad.length).toBeGreaterThan(5);
  });
});

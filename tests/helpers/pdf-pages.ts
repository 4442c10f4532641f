/** What poppler says of a PDF's pages: their sizes, and which paper and orientation each is. */
import { execFileSync } from 'node:child_process';
import { PAPER_MM } from '../../shared/export/sheet-html';

const PT_PER_MM = 72 / 25.4;

/** Page sizes in points from pdfinfo, 1-based (index 0 unused). */
export function pageSizes(file: string, pages: number): { w: number; h: number }[] {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', String(pages), file], { encoding: 'utf8' });
  const out = [{ w: 0, h: 0 }];
  for (const m of info.matchAll(/Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)/g)) out[Number(m[1])] = { w: Number(m[2]), h: Number(m[3]) };
  return out;
}

/** "A4 portrait" / "A3 landscape" of a page size (within 1.5 pt), or the size itself when it is neither. */
export function paperOf(s: { w: number; h: number }): string {
  for (const [name, mm] of Object.entries(PAPER_MM)) {
    const short = mm.short * PT_PER_MM;
    const long = mm.long * PT_PER_MM;
    if (Math.abs(s.w - short) < 1.5 && Math.abs(s.h - long) < 1.5) return `${name} portrait`;
    if (Math.abs(s.w - long) < 1.5 && Math.abs(s.h - short) < 1.5) return `${name} landscape`;
  }
  return `${s.w}x${s.h}`;
}

/**
 * The print dialog's cost on the reference packet, warm Chromium: the whole packet (two passes, which also
 * tell where every part lands) against only 公开01–10表 (the same two passes plus one pass that outputs the
 * chosen pages with their packet page numbers), and the page range parser over a long typed range.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { templateFor } from '../../cli/narrative.js';
import { openPdfPrinter } from '../../node/pdf.js';
import { PacketSession } from '../../shared/engine.js';
import { printNarrative } from '../../shared/export/narrative.js';
import { printPacketPdf } from '../../shared/export/pdf.js';
import { parsePageRange } from '../../shared/export/print.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { readPacket } from '../../shared/xlsx.js';
import { timeRuns, writeResults } from './stats.js';

const RUNS = 3;

export async function run(): Promise<void> {
  const loadBefore = loadavg()[0];
  const session = new PacketSession(await readPacket(new Uint8Array(readFileSync('templates/jiangxi-2024/reference-packet.xlsx'))));
  const packet = session.toPacket();
  const narrative = printNarrative(generateNarrative(session, templateFor(packet)));
  const printer = await openPdfPrinter();
  try {
    const full = await timeRuns(RUNS, () => printPacketPdf({ packet, narrative }, printer));
    const tables = full.last.parts.filter((p) => /^t-\d+$/.test(p.key)).map((p) => p.key);
    const chosen = await timeRuns(RUNS, () => printPacketPdf({ packet, narrative }, printer, undefined, { selection: { parts: tables } }));
    const typed = Array.from({ length: 500 }, (_, i) => `${i * 2 + 1}-${i * 2 + 2}`).join(', ');
    const parse = await timeRuns(RUNS, () => parsePageRange(typed, 1000));
    writeResults('print', {
      'load average (1 min) before / after': `${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}`,
      'whole packet PDF (2 passes) ms': full.median,
      'whole packet runs': full.runs,
      'whole packet pages': full.last.pageCount,
      '公开01–10表 only (3 passes) ms': chosen.median,
      '公开01–10表 runs': chosen.runs,
      '公开01–10表 pages': chosen.last.pageCount,
      '公开01–10表 packet page numbers': `${chosen.last.printedPages[0]}–${chosen.last.printedPages.at(-1)}`,
      'parse a 500-item page range ms': parse.median,
    });
  } finally {
    await printer.close();
    session.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

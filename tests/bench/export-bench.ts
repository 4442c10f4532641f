/**
 * Export benchmark on the reference packet: the workbook, the per-table workbooks, the packet HTML, the PDF
 * (two Chromium passes) and the whole export as the CLI does it — beside LibreOffice headless converting the
 * same exported .xlsx to PDF in the same run (Debian libreoffice-calc-nogui; reported as missing if absent).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { templateFor } from '../../cli/narrative.js';
import { openPdfPrinter } from '../../node/pdf.js';
import { PacketSession } from '../../shared/engine.js';
import { buildPacketHtml } from '../../shared/export/document.js';
import { printNarrative } from '../../shared/export/narrative.js';
import { printPacketPdf } from '../../shared/export/pdf.js';
import { exportTableWorkbooks, exportWorkbook } from '../../shared/export/workbook.js';
import { narrativeDocx } from '../../shared/narrative/docx.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { readPacket } from '../../shared/xlsx.js';
import { round, timeRuns, writeResults } from './stats.js';

const RUNS = 3;
const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';

function soffice(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'juesuan-export-bench-'));
  // other work on the machine slows Chromium and LibreOffice alike; say how busy it was
  const loadBefore = loadavg()[0];
  const bytes = new Uint8Array(readFileSync(REFERENCE));
  const session = new PacketSession(await readPacket(bytes));
  const packet = session.toPacket();
  const template = templateFor(packet);
  const narrativeDoc = generateNarrative(session, template);
  const narrative = printNarrative(narrativeDoc);

  const workbook = await timeRuns(RUNS, () => exportWorkbook(packet));
  const xlsxPath = join(dir, '决算公开表.xlsx');
  writeFileSync(xlsxPath, workbook.last);
  const perTable = await timeRuns(RUNS, () => exportTableWorkbooks(packet));
  const html = await timeRuns(RUNS, () => buildPacketHtml({ packet, narrative }));

  const launch = await timeRuns(1, () => openPdfPrinter());
  const printer = launch.last;
  const pdfRuns = await timeRuns(RUNS, () => printPacketPdf({ packet, narrative }, printer));
  const onePrint = await timeRuns(RUNS, () => printer.print(html.last.html));
  await printer.close();
  const pdf = pdfRuns.last;

  // everything the CLI does after reading the file: engine, narrative, workbook, docx, Chromium, two prints
  const whole = await timeRuns(RUNS, async () => {
    const s = new PacketSession(await readPacket(bytes));
    const p = s.toPacket();
    const doc = generateNarrative(s, template);
    await exportWorkbook(p);
    await narrativeDocx(doc, template);
    const pr = await openPdfPrinter();
    try {
      return await printPacketPdf({ packet: p, narrative: printNarrative(doc) }, pr);
    } finally {
      await pr.close();
    }
  });

  // LibreOffice headless: the same exported workbook to PDF (its own print setup: print titles, fit to width)
  const lo = soffice();
  let libreoffice: Record<string, unknown> = { available: false, note: 'soffice not found: apt-get install -y --no-install-recommends libreoffice-calc-nogui' };
  if (lo) {
    const profile = join(dir, 'lo-profile');
    mkdirSync(profile, { recursive: true });
    const outDir = join(dir, 'lo');
    const convert = () => {
      rmSync(outDir, { recursive: true, force: true });
      const r = spawnSync(lo, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', outDir, xlsxPath], { encoding: 'utf8', timeout: 300_000 });
      if (r.status !== 0) throw new Error(`soffice failed: ${r.stderr}`);
      return join(outDir, '决算公开表.pdf');
    };
    const first = await timeRuns(1, convert);
    const warm = await timeRuns(RUNS, convert);
    const loPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [warm.last], { encoding: 'utf8' }))?.[1] ?? 0);
    libreoffice = {
      available: true,
      'first conversion (new profile)': first.median,
      'conversion median': warm.median,
      runs: warm.runs,
      pages: loPages,
      'PDF bytes': statSync(warm.last).size,
      note: 'tables and forms only: LibreOffice has no cover, 目录, narrative or page numbers',
    };
  }
  rmSync(dir, { recursive: true, force: true });

  writeResults('export', {
    'load average (1 min) before / after': `${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}`,
    'reference packet: sheets / forms': `${packet.sheets.length} / ${packet.sheets.filter((s) => s.kind === 'form').length}`,
    'workbook .xlsx (all sheets)': workbook.median,
    'workbook bytes': workbook.last.length,
    'per-table workbooks (10)': perTable.median,
    'packet HTML build': html.median,
    'packet HTML bytes': html.last.html.length,
    'Chromium launch': launch.median,
    'one Chromium print of the packet': onePrint.median,
    'packet PDF (two passes, warm Chromium)': pdfRuns.median,
    'packet PDF pages': pdf.pageCount,
    'packet PDF bytes': pdf.pdf.length,
    'whole export (engine + narrative + xlsx + docx + launch + PDF)': whole.median,
    'whole export runs': whole.runs,
    'LibreOffice headless xlsx → PDF (same workbook)': libreoffice,
    'ratio: whole export / LibreOffice conversion': lo && typeof libreoffice['conversion median'] === 'number' ? round(whole.median / (libreoffice['conversion median'] as number)) : null,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

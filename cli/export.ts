/**
 * bin/juesuan export <packet.xlsx> --out <目录> [--force] [--per-table] [--no-checks]
 * Writes 决算公开表.xlsx (every table and form, template formatting and print setup, formulas with cached
 * results), 情况说明.docx and 公开包.pdf (cover, 目录 with page numbers, all parts) into the folder; with
 * --per-table also 分表/公开01表.xlsx …. Refuses (exit 1) while the packet has errors, unless --force.
 * Every file is written to a temporary file in the same folder and renamed into place.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PacketError } from '../shared/errors.js';
import { exportErrors, exportPacket } from '../shared/export/packet.js';
import type { ExportProgress } from '../shared/export/pdf.js';
import type { NarrativeTemplate } from '../shared/narrative/types.js';
import { saveAtomic } from '../node/atomic-save.js';
import { openPdfPrinter } from '../node/pdf.js';
import { findingsText } from './check.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, fail, openPacket, parseArgs, UsageError } from './io.js';
import { templateFor } from './narrative.js';

const SWITCHES = ['force', 'per-table', 'no-checks'];


function size(bytes: Uint8Array): string {
  return bytes.length >= 1048576 ? `${(bytes.length / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes.length / 1024))} KB`;
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['out'], SWITCHES);
  if (positional.length !== 1) throw new UsageError('export 需要一个公开包文件');
  if (typeof flags.out !== 'string') throw new UsageError('export 需要 --out <目录>');
  const outDir = flags.out;
  const out = (line: string) => process.stdout.write(line + '\n');

  const packet = await openPacket(positional[0]);
  const session = await buildSession(packet);
  const findings = session.findings();
  const errors = exportErrors(session);
  if (errors.length) {
    // the error lines as `check` prints them, without its summary line (which would count only these)
    out(findingsText(errors).split('\n').slice(0, -1).join('\n'));
    out(`共 ${errors.length} 个错误（另有 ${findings.length - errors.length} 个提示，不影响导出）。`);
    if (!flags.force) {
      out(`公开包还有 ${errors.length} 个错误，未导出。请改正后重新导出；确需按现状导出时加 --force。`);
      return EXIT_FINDINGS;
    }
    out(`公开包还有 ${errors.length} 个错误，已按 --force 继续导出。`);
  }

  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    fail(`无法创建输出目录 ${outDir}：${(e as Error).message}`);
  }
  if (!statSync(outDir).isDirectory()) fail(`--out 应为目录：${outDir} 是一个文件。`);

  let narrativeTemplate: NarrativeTemplate | undefined;
  try {
    narrativeTemplate = templateFor(packet);
  } catch (e) {
    if (!(e instanceof PacketError)) throw e;
    out(`注意：${e.message}`);
  }

  const progress = process.stderr.isTTY ? (p: ExportProgress) => process.stderr.write(`[${Math.round(p.fraction * 100)}%] ${p.message}\n`) : undefined;
  const result = await exportPacket(session, {
    includeChecks: !flags['no-checks'],
    perTable: !!flags['per-table'],
    narrativeTemplate,
    printer: () => openPdfPrinter(),
    onProgress: progress,
    onArtifact: async (a) => {
      const path = join(outDir, a.name);
      mkdirSync(dirname(path), { recursive: true });
      await saveAtomic(path, a.bytes, { backup: false });
      if (a.kind === 'workbook') out(`已写出 ${path}（${size(a.bytes)}${flags['no-checks'] ? '，不含审核表' : ''}）`);
      else if (a.kind === 'pdf') out(`已写出 ${path}（共 ${a.pdf.pageCount} 页，${size(a.bytes)}）`);
      else out(`已写出 ${path}（${size(a.bytes)}）`);
    },
  });
  if (result.pdf) {
    out('目录：');
    for (const e of result.pdf.toc) out(`  ${e.level === 2 ? '  ' : ''}${e.label} …… ${e.page}`);
  }
  for (const n of result.notices) out(`注意：${n}`);
  return EXIT_OK;
}

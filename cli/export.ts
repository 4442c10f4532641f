/**
 * bin/juesuan export <packet.xlsx> --out <目录> [--force] [--per-table] [--full [--no-checks]]
 * Writes the public packet: 决算公开表.xlsx (only the sheets the template set declares as published — the ten
 * tables and the forms — with print areas and page-number footers, no working or hidden sheets), 情况说明.docx
 * and 公开包.pdf (cover, 目录 with page numbers, all parts) into the folder; with --per-table also
 * 分表/公开01表.xlsx …; with --full the workbook keeps every sheet (as 保存 does; --no-checks leaves out the
 * hidden 审核 sheets). Refuses (exit 1) while the packet has errors, unless --force; lists the 提示 that have
 * no 出错说明 (they do not stop the command line: the reviewer sees them in the 审核报告).
 * Every file is written to a temporary file in the same folder and renamed into place.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PacketError } from '../shared/errors.js';
import { exportPacket } from '../shared/export/packet.js';
import { exportGate } from '../shared/report/explanations.js';
import { publishFor } from './publish.js';
import type { ExportProgress } from '../shared/export/pdf.js';
import type { NarrativeTemplate } from '../shared/narrative/types.js';
import { saveAtomic } from '../node/atomic-save.js';
import { openPdfPrinter } from '../node/pdf.js';
import { findingsText } from './check.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, fail, openPacket, parseArgs, UsageError } from './io.js';
import { templateFor } from './narrative.js';

const SWITCHES = ['force', 'per-table', 'no-checks', 'full'];


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
  const gate = exportGate(session, findings);
  const errors = gate.errors;
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

  if (gate.unexplained.length) {
    out(`注意：有 ${gate.unexplained.length} 个提示没有出错说明${gate.stale.length ? `（其中 ${gate.stale.length} 个的说明因数字变化待复核）` : ''}，报送前请在「审核结果」中写明，或用 check --report 查看：`);
    for (const f of gate.unexplained) out(`  [提示] ${f.sheet}${f.cells.length ? ' ' + f.cells.join(',') : ''}  ${f.message}`);
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
  const full = !!flags.full;
  if (flags['no-checks'] && !full) throw new UsageError('--no-checks 只能与 --full 一起用（公开包本来就不含审核表）');
  const result = await exportPacket(session, {
    includeChecks: !flags['no-checks'],
    ...(full ? {} : { public: { fallback: publishFor(packet) } }),
    perTable: !!flags['per-table'],
    narrativeTemplate,
    printer: () => openPdfPrinter(),
    onProgress: progress,
    onArtifact: async (a) => {
      const path = join(outDir, a.name);
      mkdirSync(dirname(path), { recursive: true });
      await saveAtomic(path, a.bytes, { backup: false });
      if (a.kind === 'workbook') out(`已写出 ${path}（${size(a.bytes)}，${full ? `全部工作表${flags['no-checks'] ? '，不含审核表' : ''}` : '公开包：只含公开的表'}）`);
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

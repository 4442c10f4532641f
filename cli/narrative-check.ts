/**
 * bin/juesuan narrative-check <packet.xlsx> <narrative.docx|.txt> [--json]
 * Ties every number of a narrative written elsewhere (Word, WPS, a text file) to the packet: lists each
 * number that does not follow from the tables or that no sentence of the template accounts for, with its
 * sentence and what the tables say. Exit 0 all tied, 1 some not, 2 unreadable.
 */
import { checkNarrativeText, type NumberCheck } from '../shared/narrative/check.js';
import { docxText } from '../shared/narrative/docx-text.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, fail, openPacket, parseArgs, readBytes, UsageError } from './io.js';
import { templateFor } from './narrative.js';

/** UTF-8 (with or without BOM), else GB18030 as Windows Notepad and older WPS save Chinese text. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export async function readNarrative(path: string): Promise<string> {
  const bytes = readBytes(path);
  if (/\.docx$/i.test(path)) return docxText(bytes, `文件 ${path} `);
  if (/\.(txt|md)$/i.test(path)) return decodeText(bytes);
  if (/\.doc$/i.test(path)) fail(`${path} 是旧版 Word 文档（.doc）：请先用 Word/WPS 另存为 .docx 再核对。`);
  fail(`无法识别 ${path} 的格式：请提供 .docx 或 .txt 文件。`);
}

function line(c: NumberCheck): string {
  const head = c.kind === 'untied' ? `[无法对应] 「${c.text}」${c.message}` : `[不符] ${c.message}`;
  return `${head}\n    句子：${c.sentence}`;
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, [], ['json']);
  if (positional.length !== 2) throw new UsageError('narrative-check 需要公开包文件和情况说明文件');
  // the narrative first: a wrong file type is reported before the packet is loaded
  const text = await readNarrative(positional[1]);
  const packet = await openPacket(positional[0]);
  const template = templateFor(packet);
  const report = checkNarrativeText(await buildSession(packet), template, text);
  const untied = report.failed.filter((c) => c.kind === 'untied').length;
  const summary = { numbers: report.checks.length, ok: report.checks.length - report.failed.length, mismatched: report.failed.length - untied, untied, clauses: report.clauses };
  if (flags.json) {
    process.stdout.write(JSON.stringify({ checks: report.checks, summary }, null, 1) + '\n');
  } else {
    const out = report.failed.map(line);
    out.push(`共核对 ${summary.numbers} 个数字：${summary.ok} 个与公开包相符，${summary.mismatched} 个不符，${summary.untied} 个无法对应到表中数据。`);
    process.stdout.write(out.join('\n') + '\n');
  }
  return report.failed.length ? EXIT_FINDINGS : EXIT_OK;
}

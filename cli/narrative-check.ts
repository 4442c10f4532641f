/**
 * bin/juesuan narrative-check <packet.xlsx> <narrative.docx|.txt> [--json]
 * Ties every number of a narrative written elsewhere (Word, WPS, a text file) to the packet: lists each
 * number that does not follow from the tables, each number that could not be read (so was not checked),
 * and what the text gets wrong beyond single numbers (shares, a figure given twice, the unit's name, a 科目
 * the tables do not have), each with its sentence. Exit 0 all tied, 1 some not, 2 unreadable.
 */
import { checkNarrativeText, type NumberCheck, type TextFinding } from '../shared/narrative/check.js';
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
  const head = c.kind === 'untied' ? `[未读懂] 「${c.text}」${c.message}` : `[不符] ${c.message}`;
  return `${head}\n    句子：${c.sentence}`;
}

const FINDING: Record<TextFinding['kind'], string> = { shares: '占比合计', duplicate: '前后不一', unitName: '单位名称', subject: '科目名称' };

function findingLine(f: TextFinding): string {
  return `[${FINDING[f.kind]}] ${f.message}\n    句子：${f.sentence}`;
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, [], ['json']);
  if (positional.length !== 2) throw new UsageError('narrative-check 需要公开包文件和情况说明文件');
  // the narrative first: a wrong file type is reported before the packet is loaded
  const text = await readNarrative(positional[1]);
  const packet = await openPacket(positional[0]);
  const template = templateFor(packet);
  const report = checkNarrativeText(await buildSession(packet), template, text);
  const { coverage } = report;
  const summary = {
    numbers: coverage.numbers,
    ok: coverage.tied,
    mismatched: coverage.mismatched,
    untied: coverage.notUnderstood,
    notUnderstood: report.notUnderstood.map((c) => ({ text: c.text, sentence: c.sentence, message: c.message })),
    findings: report.findings.length,
    clauses: report.clauses,
  };
  if (flags.json) {
    process.stdout.write(JSON.stringify({ checks: report.checks, findings: report.findings, summary }, null, 1) + '\n');
  } else {
    // mismatches first, then what could not be read (not checked), then what is wrong with the text itself
    const out = [...report.failed.filter((c) => c.kind !== 'untied').map(line), ...report.notUnderstood.map(line), ...report.findings.map(findingLine)];
    const extra = report.findings.length ? `；另有 ${report.findings.length} 处文字问题` : '';
    out.push(`共核对 ${coverage.numbers} 个数字：${coverage.tied} 个与公开包相符，${coverage.mismatched} 个不符，${coverage.notUnderstood} 个未能读懂（未核对）${extra}。`);
    process.stdout.write(out.join('\n') + '\n');
  }
  return report.failed.length || report.findings.length ? EXIT_FINDINGS : EXIT_OK;
}

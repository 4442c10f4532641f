/**
 * juesuan import <源文件.xlsx|.xls> --into <packet.xlsx> [--as prior-year] --out <packet.xlsx> [--report r.json]
 *   [--template <tables.xlsx>] [--keep-existing]
 * Exit 0: every amount of the source placed (or verified against a computed total); 1: imported, but amounts (or
 * 上年数 items) were not placed — a one-line Chinese summary on stderr; 2: unreadable source or packet,
 * or nothing in the source could be recognised (then no packet is written).
 */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketError } from '../shared/errors.js';
import { importWorkbook, loadVocabulary, reportText, summaryLine, type ImportReport, type Vocabulary } from '../shared/import/index.js';
import type { Packet } from '../shared/model.js';
import { readPacket, writePacket } from '../shared/xlsx.js';
import { acquireWriteLock, saveAtomic } from '../node/atomic-save.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, openPacket, parseArgs, readBytes, UsageError } from './io.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));


async function templateFor(packet: Packet, explicit: string | undefined): Promise<Packet> {
  if (explicit) return readPacket(readBytes(explicit), `模板 ${explicit} `);
  const set = packet.meta['模板套'];
  if (!set || !/^[\w.-]+$/.test(set)) {
    throw new PacketError('公开包没有注明模板套（公开包信息 › 模板套），无法找到空白模板：请用 --template <tables.xlsx> 指定。');
  }
  const path = join(TEMPLATES, set, 'tables.xlsx');
  return readPacket(readBytes(path), `模板 ${path} `);
}

/** The import vocabulary of the packet's template set (templates/<set>/import/vocabulary.json). */
function vocabularyFor(packet: Packet): Vocabulary {
  const id = packet.meta['模板套'];
  if (!id || !/^[\w.-]+$/.test(id)) {
    throw new PacketError('公开包没有注明模板套（公开包信息 › 模板套），无法找到导入词表：请在「公开包信息」工作表中填写模板套（templates 下的文件夹名）。');
  }
  const path = join(TEMPLATES, id, 'import', 'vocabulary.json');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readBytes(path)));
  } catch (e) {
    if (e instanceof PacketError) throw e;
    throw new PacketError(`模板套 ${id} 的导入词表 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  return loadVocabulary(json, `导入词表 ${path} `);
}

/** Amounts of the source not placed (labels, 栏次 numbers and code fragments are not amounts), and 上年数 items not filled. */
function notPlacedCount(r: ImportReport): number {
  return r.summary.amountsNotPlaced + (r.priorYear?.notFilled.length ?? 0);
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['into', 'out', 'report', 'as', 'template'], ['keep-existing']);
  if (positional.length !== 1) throw new UsageError('import 需要一个源文件（.xlsx 或 .xls）');
  const into = flags.into;
  const out = flags.out;
  if (typeof into !== 'string') throw new UsageError('缺少 --into <公开包.xlsx>：要导入到哪个公开包');
  if (typeof out !== 'string') throw new UsageError('缺少 --out <公开包.xlsx>：导入后的公开包写到哪里');
  const as = flags.as;
  if (as !== undefined && as !== 'prior-year') throw new UsageError(`--as 只能是 prior-year（作为上年数导入），而不是「${String(as)}」`);
  const mode = as === 'prior-year' ? 'prior-year' : 'current';

  // the --out file is this command's from the start: a second import to the same file refuses at once instead
  // of both succeeding and the last one winning (with the first one's output as its .bak)
  const lock = await acquireWriteLock(out);
  try {
    return await importInto(positional[0], out, mode, flags);
  } finally {
    await lock.release();
  }
}

async function importInto(sourcePath: string, out: string, mode: 'prior-year' | 'current', flags: Record<string, string | true>): Promise<number> {
  const into = flags.into as string;
  const positional = [sourcePath];
  const source = readBytes(positional[0]);
  const packet = await openPacket(into);
  const template = mode === 'prior-year' ? await templateFor(packet, typeof flags.template === 'string' ? flags.template : undefined) : undefined;
  const session = await buildSession(packet);
  const result = await importWorkbook(source, session, {
    file: basename(positional[0]),
    mode,
    vocabulary: vocabularyFor(packet),
    ...(template ? { template } : {}),
    overwrite: !flags['keep-existing'],
  });
  const report = result.report;
  process.stdout.write(reportText(report) + '\n');
  if (report.summary.tables === 0) {
    process.stderr.write(`错误：源文件 ${positional[0]} 中没有识别出任何公开表（见上方各工作表的原因），未写出 ${out}${typeof flags.report === 'string' ? ' 和导入报告' : ''}。\n`);
    return EXIT_UNREADABLE;
  }
  const bytes = await writePacket(session.toPacket());
  // the packet written over keeps its previous version as a backup beside it
  await saveAtomic(out, bytes);
  // the report describes the packet on disk: written only once the packet was (a failed save leaves neither)
  if (typeof flags.report === 'string') await saveAtomic(flags.report, new TextEncoder().encode(JSON.stringify(report, null, 1) + '\n'), { backup: false });
  if (notPlacedCount(report) > 0) {
    process.stderr.write(summaryLine(report) + '\n');
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

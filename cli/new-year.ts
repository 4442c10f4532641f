/**
 * juesuan new-year <上年公开包.xlsx> --out <新公开包.xlsx> [--set <模板套>]
 * 新年度: a packet of year N+1 from the packet of year N, in the chosen template set (default: the old packet's
 * own), its 上年数 filled through each row's 取数公式 (shared/newyear). Exit 0: every 上年数 item filled;
 * 1: written, but some items could not be filled (listed, one-line summary on stderr); 2: unreadable input.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketError } from '../shared/errors.js';
import { loadVocabulary } from '../shared/import/index.js';
import { newYear } from '../shared/newyear/index.js';
import { templateSetId } from '../shared/safety/template-set.js';
import { readPacket, writePacket } from '../shared/xlsx.js';
import { acquireWriteLock, saveAtomic } from '../node/atomic-save.js';
import { EXIT_FINDINGS, EXIT_OK, parseArgs, readBytes, timed, UsageError } from './io.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

/** The template sets this build ships: folders of templates/ with a tables.xlsx. */
export function shippedSets(): string[] {
  return readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(TEMPLATES, d.name, 'tables.xlsx')))
    .map((d) => d.name)
    .sort();
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['out', 'set'], []);
  if (positional.length !== 1) throw new UsageError('new-year 需要一个上一年度的公开包文件');
  const out = flags.out;
  if (typeof out !== 'string') throw new UsageError('缺少 --out <新公开包.xlsx>：新年度的公开包写到哪里');
  const src = positional[0];
  const bytes = readBytes(src);
  const old = await timed(`读取 ${src}`, () => readPacket(bytes, `文件 ${src} `));
  const sets = shippedSets();
  const wanted = typeof flags.set === 'string' ? flags.set : templateSetId(old.meta);
  if (!wanted) throw new PacketError(`公开包 ${src} 没有注明模板套：请用 --set 选择新年度的模板套（可选：${sets.join('、')}）。`);
  if (!sets.includes(wanted)) throw new PacketError(`没有模板套「${wanted}」（可选：${sets.join('、')}）。`);
  const dir = join(TEMPLATES, wanted);
  const template = await readPacket(readBytes(join(dir, 'tables.xlsx')), `模板 ${wanted} `);
  let vocabularyJson: unknown;
  try {
    vocabularyJson = JSON.parse(new TextDecoder().decode(readBytes(join(dir, 'import', 'vocabulary.json'))));
  } catch (e) {
    if (e instanceof PacketError) throw e;
    throw new PacketError(`模板套 ${wanted} 的导入词表不是有效的 JSON：${(e as Error).message}`);
  }
  const lock = await acquireWriteLock(out);
  try {
    const r = await timed('新建下一年度', () => newYear(bytes, old, { file: basename(src), template, vocabulary: loadVocabulary(vocabularyJson, `模板套 ${wanted} 的导入词表 `) }));
    try {
      await saveAtomic(out, await writePacket(r.session.toPacket()));
      const p = r.prior.priorYear ?? { filled: [], notFilled: [] };
      const lines = [
        `已新建 ${r.year} 年度公开包（模板套 ${wanted}）：${out}`,
        `概况：沿用 ${r.overview.filter((o) => o.name !== '决算年度').map((o) => o.name).join('、') || '（无）'}；决算年度改为 ${r.year}`,
        `自评表：沿用 ${r.forms.length} 张（项目、绩效目标、分值和年初预算数保留，全年预算数、执行数、完成值、得分和偏差原因已清空）`,
        `上年数：按取数公式填入 ${p.filled.length} 项，未填 ${p.notFilled.length} 项`,
        ...p.notFilled.map((i) => `  未填：${i.item}（${i.reason ?? ''}）`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      if (p.notFilled.length) {
        process.stderr.write(`新年度公开包已写出，但有 ${p.notFilled.length} 项上年数未能按取数公式填入，请在「上年数」表中补填。\n`);
        return EXIT_FINDINGS;
      }
      return EXIT_OK;
    } finally {
      r.session.destroy();
    }
  } finally {
    await lock.release();
  }
}

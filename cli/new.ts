/**
 * bin/juesuan sets                         the template sets under templates/ (a folder with set.json and tables.xlsx)
 * bin/juesuan new --set <set> --out <packet.xlsx> [--force]
 *   a new, empty packet of that set: a copy of its tables.xlsx (the packet names its 模板套 itself).
 * The CLI knows no set: it lists what it finds, so a set added as files only is offered at once.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPacket } from '../shared/xlsx.js';
import { EXIT_OK, fail, parseArgs, readBytes, UsageError } from './io.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

export interface SetListing {
  id: string;
  name: string;
}

/** Every folder of templates/ with a set.json and a tables.xlsx, by id. */
export function listSets(): SetListing[] {
  return readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(TEMPLATES, d.name, 'set.json')) && existsSync(join(TEMPLATES, d.name, 'tables.xlsx')))
    .map((d) => {
      let name = d.name;
      try {
        const j = JSON.parse(readFileSync(join(TEMPLATES, d.name, 'set.json'), 'utf8')) as Record<string, unknown>;
        if (typeof j['名称'] === 'string') name = j['名称'];
      } catch {
        // a broken set.json still lists the set by its id; `new` then reads its tables.xlsx, which decides
      }
      return { id: d.name, name };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function runSets(args: string[]): Promise<number> {
  const { flags } = parseArgs(args, [], ['json']);
  const sets = listSets();
  // stdout through process.stdout like every command (the worker's console is not flushed before exit)
  if (flags.json) process.stdout.write(JSON.stringify(sets, null, 1) + '\n');
  else process.stdout.write(sets.map((s) => `${s.id}\t${s.name}`).join('\n') + '\n');
  return EXIT_OK;
}

export async function run(args: string[]): Promise<number> {
  const { flags } = parseArgs(args, ['set', 'out'], ['force']);
  const sets = listSets();
  if (typeof flags.out !== 'string') throw new UsageError('new 需要 --out <公开包.xlsx>');
  const id = typeof flags.set === 'string' ? flags.set : '';
  const set = sets.find((s) => s.id === id);
  if (!set) fail(`${id ? `没有模板套「${id}」` : 'new 需要 --set <模板套>'}。可用的模板套：${sets.map((s) => `${s.id}（${s.name}）`).join('、') || '无'}。`);
  if (existsSync(flags.out) && !flags.force) fail(`${flags.out} 已存在：换一个文件名，或加 --force 覆盖。`);
  const bytes = readBytes(join(TEMPLATES, set.id, 'tables.xlsx'));
  const packet = await readPacket(bytes, `模板套 ${set.id} 的 tables.xlsx `);
  if (packet.meta['模板套'] !== set.id) fail(`模板套 ${set.id} 的 tables.xlsx 在「公开包信息」中写的模板套是「${packet.meta['模板套'] ?? ''}」，应为「${set.id}」。`);
  try {
    writeFileSync(flags.out, bytes);
  } catch (e) {
    fail(`无法写入 ${flags.out}：${(e as Error).message}`);
  }
  process.stdout.write(`已新建 ${flags.out}（${set.name}）\n`);
  return EXIT_OK;
}

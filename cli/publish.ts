/** The template set's publish.json (which sheets 导出公开包 carries), for packets that do not declare it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishDeclaration } from '../shared/export/public.js';
import type { Packet } from '../shared/model.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function publishFor(packet: Packet): PublishDeclaration | undefined {
  const set = packet.meta['模板套'];
  if (!set || !/^[A-Za-z0-9_-]+$/.test(set)) return undefined;
  const path = resolve(ROOT, 'templates', set, 'publish.json');
  if (!existsSync(path)) return undefined;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { 公开工作表?: unknown };
    const list = json.公开工作表;
    return Array.isArray(list) && list.every((x) => typeof x === 'string') ? { 公开工作表: list as string[] } : undefined;
  } catch {
    return undefined;
  }
}

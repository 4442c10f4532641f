/**
 * A template set copied under another name the way a bureau would make its own: every file of the folder
 * copied, the tables renamed and put in another order. References follow the rename everywhere a set writes
 * them — cell formulas, 审核 rows (公式, 说明 {…}, 定位, 表=), defined names, 表角色 in 公开包信息, the 取数公式
 * texts of 上年数 and every formula string of the set's JSON files — exactly what Excel does not do for text,
 * and what the set README tells a bureau to do.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renameSheetRefs } from '../../shared/forms/collection.js';
import type { Packet } from '../../shared/model.js';
import { TABLE_ROLE_KEY } from '../../shared/roles.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';

function renameText(text: string, map: Record<string, string>): string {
  let out = text;
  for (const [from, to] of Object.entries(map)) out = renameSheetRefs(out, from, to);
  return out;
}

function renameList(params: string, map: Record<string, string>): string {
  return params.replace(/(^|[;；\n])(\s*表\s*[=＝])([^;；\n]*)/, (_m, lead: string, key: string, list: string) =>
    lead + key + list.split(/([,，、])/).map((p) => map[p.trim()] ?? p).join(''));
}

/** Rename sheets (old → new) in a packet, references following, then order the sheets as `order` says. */
export function renameAndReorder(packet: Packet, map: Record<string, string>, order: string[]): Packet {
  for (const sh of packet.sheets) {
    for (const row of sh.cells) {
      for (const c of row) {
        if (!c) continue;
        if (c.f) c.f = renameText(c.f, map);
        if (typeof c.v === 'string' && c.v.includes('!')) c.v = renameText(c.v, map);
      }
    }
  }
  for (const c of packet.checks) {
    c.formula = renameText(c.formula, map);
    c.locate = renameText(c.locate, map);
    c.message = c.message.replace(/\{([^{}]*)\}/g, (_m, e: string) => `{${renameText(e, map)}}`);
    c.params = renameList(c.params, map);
  }
  for (const n of packet.names) n.ref = renameText(n.ref, map);
  for (const k of Object.keys(packet.meta)) if (k.startsWith(TABLE_ROLE_KEY) && map[packet.meta[k]]) packet.meta[k] = map[packet.meta[k]];
  for (const sh of packet.sheets) sh.name = map[sh.name] ?? sh.name;
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  // the named ones in `order`, then every other sheet where it was (narrative inputs, forms, summary)
  const named = packet.sheets.filter((s) => rank(s.name) < order.length).sort((a, b) => rank(a.name) - rank(b.name));
  const rest = packet.sheets.filter((s) => rank(s.name) === order.length);
  packet.sheets = [...named, ...rest];
  return packet;
}

function renameJson(v: unknown, map: Record<string, string>): unknown {
  if (typeof v === 'string') return map[v] ?? renameText(v, map);
  if (Array.isArray(v)) return v.map((x) => renameJson(x, map));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renameJson(x, map)]));
  return v;
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, base) : [p.slice(base.length + 1)];
  });
}

/** Copy the set folder `src` to `dst` as set `id`, its tables renamed (`map`) and in the order `order`. */
export async function copySet(src: string, dst: string, id: string, map: Record<string, string>, order: string[]): Promise<void> {
  cpSync(src, dst, { recursive: true });
  for (const f of files(dst)) {
    const p = join(dst, f);
    // 科目.xlsx is the set's 科目 catalog, a plain list and no packet: copied as it is
    if (f.endsWith('.xlsx') && f !== '科目.xlsx') {
      const packet = await readPacket(new Uint8Array(readFileSync(p)));
      if (packet.meta['模板套']) packet.meta['模板套'] = id;
      writeFileSync(p, await writePacket(renameAndReorder(packet, map, order)));
    } else if (f.endsWith('.json')) {
      writeFileSync(p, JSON.stringify(renameJson(JSON.parse(readFileSync(p, 'utf8')), map), null, 2));
    }
  }
}

/**
 * A 科目 named without its code (a source table with names only): the code comes from the set's catalog — by its
 * current name or a former one, the set's name variants already applied by the caller — in the context of the
 * 类 and 款 above it, since many 项 share a name (行政运行 is 2010101, 2010301, 2013201 …). A name that fits no
 * code, or several, is not placed: never guessed.
 */
import { sheetByName, type Packet } from '../model.js';
import { parseParams } from '../checks.js';
import { catalogOf, type Subject, type SubjectCatalog } from './catalog.js';

export interface NameContext {
  lei: string | null;
  kuan: string | null;
}

export type NameResolution = { subject: Subject } | { reason: string };

/** The catalog and classification the set declares for its 科目 tables (its 科目 check), or null when it has none. */
export function declaredCatalog(packet: Packet): { catalog: SubjectCatalog; kind?: string } | null {
  const decl = packet.checks.find((c) => c.kind === '科目');
  if (!decl) return null;
  const p = parseParams(decl.params);
  const sheet = sheetByName(packet, p['科目表'] ?? '');
  if (!sheet) return null;
  return { catalog: catalogOf(sheet), ...(p['分类'] ? { kind: p['分类'] } : {}) };
}

export function resolveName(c: { catalog: SubjectCatalog; kind?: string }, name: string, ctx: NameContext): NameResolution {
  const all = [...new Set(c.catalog.named(name, c.kind).map((m) => m.subject))];
  if (!all.length) return { reason: `科目名称「${name}」不在本套科目表中，源表没有科目编码，无法确定放在哪一行` };
  if (all.length === 1) return { subject: all[0] };
  // the 项 of the 款 above, then the 款 of the 类 above, then a 类
  const steps: Subject[][] = [
    ctx.kuan ? all.filter((s) => s.code.length === 7 && s.code.startsWith(ctx.kuan!)) : [],
    ctx.lei ? all.filter((s) => s.code.length === 5 && s.code.startsWith(ctx.lei!)) : [],
    all.filter((s) => s.code.length === 3),
  ];
  for (const step of steps) {
    if (step.length === 1) return { subject: step[0] };
    if (step.length > 1) break;
  }
  const codes = all.map((s) => s.code);
  return { reason: `科目名称「${name}」对应多个科目（${codes.slice(0, 6).join('、')}${codes.length > 6 ? ' 等' : ''}），源表没有科目编码，上方的类、款也不能确定是哪一个` };
}

/** The context after a row of `code`: its 类, and its 款 when it is one or below one. */
export function contextAfter(code: string): NameContext {
  return { lei: code.slice(0, 3), kuan: code.length >= 5 ? code.slice(0, 5) : null };
}

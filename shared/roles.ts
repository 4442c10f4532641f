/**
 * Roles, not names: a template set says which of its sheets plays which part (收入支出总表, 三公表 …) and which
 * defined name holds which key figure (本年收入合计, 项目支出合计 …). Code asks for a role and gets the sheet or
 * the name the set declared; it never guesses from a sheet name, a table number or a province.
 *
 * Where the declarations live (templates/<set>/README.md, 「角色」):
 * - a table's role: a row of the hidden 公开包信息 sheet, key `表角色:<角色>`, value the sheet's name. The packet
 *   carries it, so a packet opened years later or on another machine still knows its tables.
 * - a figure's role: a defined name spelled as the role (`项目支出合计` → `'支出决算表'!$E$6`). Defined names follow
 *   row insertions and Excel's own sheet renames.
 *
 * A leaf module: model types only, so xlsx.ts, forms, narrative and the renderer can all use it.
 */
import type { Packet, SheetKind } from './model.js';

export const TABLE_ROLE_KEY = '表角色:';

/**
 * The table roles code knows how to use. A set declares the ones it has, in any order and under any sheet name;
 * a role it does not have (a nine-table set has no 国有资产表, no 自评表 attached) is simply absent.
 */
export const TABLE_ROLES = [
  '概况', '收入支出总表', '收入表', '支出表', '财政拨款总表', '一般公共预算支出表', '基本支出表',
  '政府性基金表', '国有资本表', '三公表', '国有资产表',
] as const;
export type TableRole = (typeof TABLE_ROLES)[number];

/** Figure roles code reads by defined name (the set may declare more for its checks and narrative). */
export const FIGURE_ROLES = ['本年收入合计', '本年支出合计', '项目支出合计', '基本支出合计', '人员经费合计', '公用经费合计'] as const;
export type FigureRole = (typeof FIGURE_ROLES)[number];

/** role → sheet name, as the packet's 公开包信息 declares them. */
export function tableRoles(meta: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(meta)) {
    if (k.startsWith(TABLE_ROLE_KEY) && v.trim()) out.set(k.slice(TABLE_ROLE_KEY.length).trim(), v.trim());
  }
  return out;
}

/** The sheet that plays `role` in this packet, or undefined when the set has no such table. */
export function sheetOfRole(packet: Pick<Packet, 'meta'>, role: TableRole): string | undefined {
  return tableRoles(packet.meta).get(role);
}

/** The role a sheet plays, or undefined. */
export function roleOfSheet(packet: Pick<Packet, 'meta'>, sheet: string): string | undefined {
  for (const [role, name] of tableRoles(packet.meta)) if (name === sheet) return role;
  return undefined;
}

/** Does the packet declare its tables by role (every set built since roles exist does)? */
export function declaresRoles(meta: Record<string, string>): boolean {
  return tableRoles(meta).size > 0;
}

/**
 * A sheet's kind from the roles: 概况 is the overview, every other declared table role is a table.
 * `undefined` when the packet declares no role for this sheet (the caller decides forms and the app's own sheets).
 */
export function kindFromRoles(roles: Map<string, string>, sheet: string): SheetKind | undefined {
  for (const [role, name] of roles) {
    if (name !== sheet) continue;
    return role === '概况' ? 'overview' : 'table';
  }
  return undefined;
}

/** The sheet a defined name points at ('支出决算表'!$E$6 → 支出决算表), for messages that say where a figure is. */
export function sheetOfName(packet: Pick<Packet, 'names'>, name: string): string | undefined {
  const ref = packet.names.find((n) => n.name === name)?.ref;
  if (!ref) return undefined;
  const m = /^'((?:[^']|'')+)'!|^([^!]+)!/.exec(ref);
  return m ? (m[1] ?? m[2]).replace(/''/g, "'") : undefined;
}

/** Keep the declarations true when a sheet is renamed in the app. */
export function renameRole(meta: Record<string, string>, from: string, to: string): void {
  for (const k of Object.keys(meta)) if (k.startsWith(TABLE_ROLE_KEY) && meta[k] === from) meta[k] = to;
}

/**
 * Packets saved before sets declared roles (格式版本 1, all of them of the first shipped set) name their tables
 * 公开NN表 and their overview 概况. Read only when a packet declares no role at all, so that such a file still
 * opens with its tables; every set built since declares its roles and never reaches this.
 */
export function legacyKindOf(name: string): SheetKind | undefined {
  if (name === '概况') return 'overview';
  if (/^公开\d+表$/.test(name)) return 'table';
  return undefined;
}

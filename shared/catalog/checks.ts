/**
 * The 科目 declaration (审核 type 科目): every 科目 row of the declared tables against the set's catalog.
 *   未知编码  a code the catalog does not have                                    (提示 unless declared otherwise)
 *   名称错配  a name that is another code's name: a miscoded row, e.g. 减排专项支出 under 2111101 (错误)
 *   曾用名    the code's former name; the message names the current one           (提示)
 *   年度      a code valid only in other years than the packet's 决算年度          (提示)
 * Code and name are read when the declaration is expanded; the engine re-expands it whenever a code or a name
 * cell of a declared table changes, so these are live like every other check. The year is a live reference.
 */
import { a1, colIndex } from '../a1.js';
import { codeRows, parseParams, registerCheckExpander, type ConcreteCheck } from '../checks.js';
import { PacketError } from '../errors.js';
import { sheetByName, type CheckDef, type Packet, type Severity } from '../model.js';
import { catalogOf, SubjectCatalog, type Subject } from './catalog.js';

const SEVERITY: Record<string, Severity> = { 错误: 'error', 提示: 'warning' };

function severityParam(p: Record<string, string>, key: string, fallback: Severity, decl: CheckDef): Severity {
  const v = p[key];
  if (v === undefined || v === '') return fallback;
  const s = SEVERITY[v];
  if (!s) throw new PacketError(`审核表 ${decl.id} 的参数「${key}=${v}」无法识别：应为 错误 或 提示。`);
  return s;
}

/** Text from the packet quoted in a message: braces would be read as a placeholder. */
function quoted(s: string): string {
  return s.replace(/\{/g, '｛').replace(/\}/g, '｝');
}

function cellRef(sheet: string, row: number, col: number): string {
  return `${sheet}!${a1(row, col)}`;
}

function years(s: Subject): string {
  if (s.from !== undefined && s.to !== undefined) return `${s.from}—${s.to} 年度`;
  if (s.from !== undefined) return `${s.from} 年度起`;
  return `${s.to} 年度及以前`;
}

/** Of several subjects carrying a name, the one nearest the row's code (same 款, then same 类). */
function nearest(code: string, list: Subject[]): Subject {
  const shared = (s: Subject) => {
    let n = 0;
    while (n < code.length && n < s.code.length && code[n] === s.code[n]) n++;
    return n;
  };
  return [...list].sort((a, b) => shared(b) - shared(a))[0];
}

export function expandCatalog(packet: Packet, decl: CheckDef): ConcreteCheck[] {
  const p = parseParams(decl.params);
  const tables = (p['表'] ?? '').split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
  const codeCol = colIndex(p['编码列'] ?? 'A');
  const nameCol = colIndex(p['名称列'] ?? 'B');
  const kind = p['分类'] || undefined;
  const yearName = p['年度'] ?? '';
  const catalogSheet = p['科目表'] ?? '';
  const sev = {
    unknown: severityParam(p, '未知编码', 'warning', decl),
    miscoded: severityParam(p, '名称错配', decl.severity, decl),
    former: severityParam(p, '曾用名', 'warning', decl),
    year: severityParam(p, '年度不符', 'warning', decl),
  };
  const sheet = sheetByName(packet, catalogSheet);
  if (!sheet) {
    return [{
      rule: `${decl.id}:科目表`, severity: 'warning', formula: 'FALSE()', source: decl.id, locate: [],
      message: `公开包中没有科目表「${quoted(catalogSheet)}」（审核 ${decl.id} 引用），未核对科目编码和名称：请用本模板套新建公开包，或把模板套的 科目.xlsx 放入公开包。`,
    }];
  }
  const catalog: SubjectCatalog = catalogOf(sheet);
  const out: ConcreteCheck[] = [];
  const byCode = new Map<string, { sheet: string; row: number }[]>();
  for (const t of tables) {
    const s = sheetByName(packet, t);
    if (!s) throw new PacketError(`审核表 ${decl.id} 引用的工作表「${t}」不存在。`);
    for (const r of codeRows(s, codeCol, nameCol, 0)) {
      const list = byCode.get(r.code) ?? [];
      list.push({ sheet: t, row: r.row });
      byCode.set(r.code, list);
      const own = catalog.get(r.code, kind);
      if (!r.name) continue;
      const matches = catalog.named(r.name, kind);
      if (own && matches.some((m) => m.subject === own && !m.former)) continue;
      const at = [cellRef(t, r.row, codeCol), cellRef(t, r.row, nameCol)];
      const others = matches.filter((m) => m.subject !== own);
      const ownFormer = own ? matches.find((m) => m.subject === own && m.former) : undefined;
      if (ownFormer) {
        out.push({
          rule: `${decl.id}:${t}:${r.code}:曾用名`, severity: sev.former, formula: 'FALSE()', source: decl.id, locate: [cellRef(t, r.row, nameCol)],
          message: `${t} 科目 ${r.code} 的名称「${quoted(r.name)}」是曾用名，现行名称为「${quoted(own!.name)}」：请改用现行名称。`,
        });
        continue;
      }
      if (others.length) {
        const current = others.filter((m) => !m.former);
        const o = nearest(r.code, (current.length ? current : others).map((m) => m.subject));
        const how = current.length ? '名称' : '曾用名';
        const should = own ? `；${r.code} 是「${quoted(own.name)}」` : `；${r.code} 不在科目表中`;
        out.push({
          rule: `${decl.id}:${t}:${r.code}:名称`, severity: sev.miscoded, formula: 'FALSE()', source: decl.id, locate: at,
          message: `${t} 科目 ${r.code} 的名称「${quoted(r.name)}」是科目 ${o.code}（${quoted(o.name)}）的${how}${should}：编码或名称填错了，请核对。`,
        });
      }
    }
  }
  for (const [code, list] of byCode) {
    const own = catalog.get(code, kind);
    const locate = list.map((o) => cellRef(o.sheet, o.row, codeCol));
    const where = [...new Set(list.map((o) => o.sheet))].join('、');
    if (!own) {
      out.push({
        rule: `${decl.id}:${code}:编码`, severity: sev.unknown, formula: 'FALSE()', source: decl.id, locate,
        message: `科目编码 ${code}（${where}）不在本模板套的科目表中：请核对编码；如是新设科目，请财政部门更新科目表。`,
      });
    } else if ((own.from !== undefined || own.to !== undefined) && yearName) {
      const y = `N(${yearName})`;
      const cond = [own.from !== undefined ? `${y}>=${own.from}` : '', own.to !== undefined ? `${y}<=${own.to}` : ''].filter(Boolean).join(',');
      out.push({
        rule: `${decl.id}:${code}:年度`, severity: sev.year, formula: `OR(${y}=0,AND(${cond}))`, source: decl.id, locate,
        message: `科目 ${code} ${quoted(own.name)}（${where}）只适用于 ${years(own)}，本公开包为 {""&${yearName}} 年度：请核对科目编码。`,
      });
    }
  }
  return out;
}

// the engine imports this module for its side effect, as it does forms/rules.ts: checks.ts depends on no domain
registerCheckExpander('科目', (packet, decl) => expandCatalog(packet, decl));

/**
 * Which table a source sheet holds: by its title first (收入支出决算总表, 三公 …), by its header words when
 * it has no title, by its sheet name only as a last resort. Never by position or by a number such as
 * "公开07表": Jiangxi's 07表 is 政府性基金, Shanghai's is 三公.
 */
import {
  buildColumns, buildPanels, hasFigure, isNumberRow, keyString, rowKey, type Grid, type Layout,
} from './layout.js';
import type { TargetTable } from './target.js';
import { vocabulary } from './vocabulary.js';
import { fold, headerAlias, headerCanon, parseAmount, parseCode, type Unit, detectUnit, unitNameIn, yearIn } from './text.js';

export const FORM = 'form' as const;

export interface Recognition {
  target: TargetTable | typeof FORM | null;
  title: string | null;
  by: '标题' | '表头' | '工作表名' | '表角色' | null;
  reason?: string;
}

/** Title-like texts near the top: short, and naming a 表 (or 三公). */
export function titleCandidates(g: Grid, limit: number): string[] {
  const out: string[] = [];
  const top = g.top ?? 0;
  for (let r = top; r < Math.min(top + limit, g.rowCount); r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (typeof v !== 'string') continue;
      const t = v.trim();
      if (t.length > 0 && t.length <= 60 && /表|三公/.test(t) && !/^注/.test(t)) out.push(t);
    }
  }
  return out;
}

function byRules(text: string, targets: TargetTable[]): { target: TargetTable | typeof FORM | null; matched: boolean } {
  const k = fold(text);
  // the set's 表签名, in order (三公 titles also say 财政拨款 …)
  for (const { source, target } of vocabulary().signatures) {
    if (!source.test(k)) continue;
    if (target === 'form') return { target: FORM, matched: true };
    const t = targets.find((x) => target.test(x.titleCanon));
    return { target: t ?? null, matched: true };
  }
  return { target: null, matched: false };
}

/** First row with at least two header words of the table (or one when the sheet has a single column). */
export function findHeaderRow(g: Grid, t: TargetTable, limit = 40): number {
  const top = g.top ?? 0;
  for (let r = top; r < Math.min(top + limit, g.rowCount); r++) {
    const seen = new Set<string>();
    for (let c = 0; c < g.colCount; c++) {
      const v = g.shown(r, c);
      if (typeof v !== 'string') continue;
      const k = headerCanon(v);
      if (k && (t.words.has(k) || t.words.has(headerAlias(k)))) seen.add(`${c}`);
    }
    if (seen.size >= 2) return r;
  }
  return -1;
}

export function ownWordScore(g: Grid, t: TargetTable, from: number, to: number): number {
  const seen = new Set<string>();
  for (let r = Math.max(0, from); r <= Math.min(to, g.rowCount - 1); r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.shown(r, c);
      if (typeof v !== 'string') continue;
      const k = headerCanon(v);
      if (t.ownWords.has(k)) seen.add(k);
    }
  }
  return seen.size;
}

/** The header block of a source sheet for table t, and where its data starts. */
export function sourceLayout(g: Grid, t: TargetTable): Layout | null {
  const h = findHeaderRow(g, t);
  if (h < 0) return null;
  const header = [h];
  // group headers above the row of column words (三公 as 合计 | 因公出国（境）费 | 公务用车… over 预算数 | 决算数):
  // rows of two or more words, no title, unit or date line, no figures
  for (let r = h - 1; r >= (g.top ?? 0) && header.length < 4; r--) {
    let words = 0;
    let other = false;
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (v === null) continue;
      if (typeof v !== 'string' || /单位|表\s*$|年度|日期|^附件/.test(v.normalize('NFKC')) || parseAmount(v).kind === 'number') other = true;
      else words++;
    }
    if (other || words < 2) break;
    header.unshift(r);
  }
  const numbers: number[] = [];
  let r = h + 1;
  let blanks = 0;
  for (; r < g.rowCount && r <= h + 8; r++) {
    if (isNumberRow(g, r)) {
      numbers.push(r);
      continue;
    }
    const cols = buildColumns(g, header);
    const codeCols = new Set(cols.filter((c) => c.role === 'code').map((c) => c.col));
    if (hasFigure(g, r, codeCols)) break;
    // a row that names a known row of the table (合计, a 科目编码, 一、… ) starts the data
    let known = false;
    for (const p of buildPanels(cols)) {
      const k = rowKey(g, p, r, { lei: null, kuan: null });
      if (k && (t.byKey.has(keyString(k)) || k.code)) known = true;
    }
    for (const c of codeCols) if (parseCode(g.raw(r, c))) known = true;
    if (known) break;
    let empty = true;
    let beyondLabels = false;
    const labelCols = new Set(cols.filter((c) => c.role === 'label').map((c) => c.col));
    for (let c = 0; c < g.colCount; c++) {
      if (g.raw(r, c) === null) continue;
      empty = false;
      if (!labelCols.has(c)) beyondLabels = true;
    }
    if (empty) {
      if (++blanks > 1) break;
      continue;
    }
    // text in the label column only is a section line of the data (收入 / 支出), not a header
    if (!beyondLabels) break;
    header.push(r);
  }
  const columns = buildColumns(g, header, numbers);
  return { headerRows: header, numberRows: numbers, dataTop: r, columns, panels: buildPanels(columns) };
}

export function recognize(g: Grid, targets: TargetTable[]): Recognition {
  const titles = titleCandidates(g, 12);
  for (const text of titles) {
    const { target, matched } = byRules(text, targets);
    if (!matched) continue;
    if (!target) return { target: null, title: text, by: '标题', reason: `标题「${text}」对应的表在公开包中不存在` };
    return { target, title: text, by: '标题' };
  }
  // no title: the table whose own header words the sheet shows most
  let best: TargetTable | null = null;
  let bestScore = 0;
  let second = 0;
  for (const t of targets) {
    const h = findHeaderRow(g, t);
    if (h < 0) continue;
    const s = ownWordScore(g, t, h, h + 3);
    if (s > bestScore) {
      second = bestScore;
      bestScore = s;
      best = t;
    } else if (s > second) second = s;
  }
  if (best && bestScore >= 2 && bestScore > second) return { target: best, title: titles[0] ?? null, by: '表头' };
  const byName = byRules(g.name, targets);
  if (byName.matched && byName.target) return { target: byName.target, title: titles[0] ?? null, by: '工作表名' };
  return {
    target: null,
    title: titles[0] ?? null,
    by: null,
    reason: titles.length
      ? `标题「${titles[0]}」不是可识别的公开表（收入支出决算总表、收入决算表、支出决算表、财政拨款收入支出决算总表、一般公共预算财政拨款支出决算表、基本支出、政府性基金、国有资本经营、三公、国有资产占用、项目支出绩效自评表）`
      : '没有找到表标题，表头也不是任何一张公开表的表头',
  };
}

/**
 * Several tables stacked on one worksheet (or in one CSV / web page): the rows where a recognisable table
 * title starts, each with the rows up to the next one. One segment (the whole sheet) when there is one title.
 */
export function segments(g: Grid, targets: TargetTable[]): { top: number; bottom: number }[] {
  const starts: number[] = [];
  let lastTarget: unknown = undefined;
  for (let r = 0; r < g.rowCount; r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (typeof v !== 'string') continue;
      const t = v.trim();
      // a title names a 表 at its end ("…决算表", "…总表（续）"); a row label such as 一、“三公”经费支出 does not
      if (!t || t.length > 60 || !/表\s*(?:[(（]续[)）])?$/.test(t.normalize('NFKC')) || /^注/.test(t)) continue;
      const { target, matched } = byRules(t, targets);
      if (!matched) continue;
      // a second title of the same table right after the first (a subtitle) is not a new table
      if (starts.length && target === lastTarget && r - starts[starts.length - 1] < 4) break;
      starts.push(r);
      lastTarget = target;
      break;
    }
  }
  if (starts.length < 2) return [{ top: 0, bottom: g.rowCount }];
  // rows above the first title (a cover line, the unit's name) belong to the first table
  starts[0] = 0;
  return starts.map((top, i) => ({ top, bottom: i + 1 < starts.length ? starts[i + 1] : g.rowCount }));
}

export interface TitleFacts {
  unit: Unit | null;
  unitText: string | null;
  unitName: string | null;
  year: number | null;
}

/** 金额单位, 单位名称 and 年度 from the lines above the header. */
export function titleFacts(g: Grid, headerTop: number): TitleFacts {
  const facts: TitleFacts = { unit: null, unitText: null, unitName: null, year: null };
  const top = g.top ?? 0;
  const last = Math.max(headerTop, Math.min(g.rowCount, top + 6));
  for (let r = top; r < last; r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (typeof v !== 'string') continue;
      const u = detectUnit(v);
      if (u && !facts.unit) {
        facts.unit = u;
        facts.unitText = v.trim();
      }
      facts.unitName ??= unitNameIn(v);
      facts.year ??= yearIn(v);
    }
  }
  return facts;
}

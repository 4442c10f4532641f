/**
 * The import vocabulary of a template set (templates/<set>/import/vocabulary.json): which source titles name
 * which of the set's tables, which header words mean the same column, which 科目 names are the same 科目 under
 * another year's or province's wording, which row labels mean the same row of a table. Knowledge, not code:
 * a finance bureau edits the file, not the program.
 *
 * The planner sets the vocabulary of the import it runs (`withVocabulary`); the text rules (headerAlias,
 * labelKey) read it. One import runs at a time in a session; the previous vocabulary is restored afterwards.
 */
import { PacketError } from '../errors.js';

export interface Signature {
  /** a source title (folded) that matches this … */
  source: RegExp;
  /** … names the set's table whose folded title matches this, or a 自评表 */
  target: RegExp | 'form';
}

export interface RowSynonyms {
  /** the set's tables (folded title) the synonyms apply to */
  table: RegExp;
  /** label key as written elsewhere → the set's label key */
  labels: Map<string, string>;
}

export interface Vocabulary {
  signatures: Signature[];
  /** canonical header word → the set's word */
  headers: Map<string, string>;
  /** 科目 name fragments: other wording → the set's wording (folded) */
  names: [string, string][];
  rows: RowSynonyms[];
  /** 表尾: words that open the lines under a table ("填表人：张三", "联系电话：…"), folded; such a line is not data */
  footers?: string[];
}

export const EMPTY_VOCABULARY: Vocabulary = { signatures: [], headers: new Map(), names: [], rows: [] };

let active: Vocabulary = EMPTY_VOCABULARY;

export function vocabulary(): Vocabulary {
  return active;
}

/** Run `fn` with `v` as the vocabulary of the text rules; restored afterwards, also when `fn` throws. */
export async function withVocabulary<T>(v: Vocabulary, fn: () => Promise<T>): Promise<T> {
  const before = active;
  active = v;
  try {
    return await fn();
  } finally {
    active = before;
  }
}

/** The folding the text rules use (kept here so this module does not depend on text.ts). */
function fold(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').replace(/[“”‘’"'「」『』]/g, '');
}

function strings(x: unknown, where: string): string[] {
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string' && s.trim())) throw new PacketError(`${where}应为非空文字的列表。`);
  return x as string[];
}

function pattern(s: unknown, where: string): RegExp {
  if (typeof s !== 'string' || !s.trim() || s.length > 400) throw new PacketError(`${where}应为不超过 400 字的文字。`);
  try {
    return new RegExp(fold(s).replace(/\(/g, '(').replace(/\)/g, ')'));
  } catch {
    throw new PacketError(`${where}「${s}」不是有效的匹配式。`);
  }
}

/**
 * Read a vocabulary file; `labelKey` canonicalises row labels the same way the importer does. Throws a
 * PacketError naming the entry when the file is not what the format says.
 */
export function parseVocabulary(json: unknown, labelKey: (s: string) => string, where = '导入词表'): Vocabulary {
  if (!json || typeof json !== 'object') throw new PacketError(`${where}不是 JSON 对象。`);
  const j = json as Record<string, unknown>;
  if (j['格式版本'] !== 1) throw new PacketError(`${where}的格式版本应为 1。`);
  const list = (k: string): Record<string, unknown>[] => {
    const x = j[k] ?? [];
    if (!Array.isArray(x) || !x.every((e) => e && typeof e === 'object')) throw new PacketError(`${where}的「${k}」应为列表。`);
    return x as Record<string, unknown>[];
  };
  const signatures = list('表签名').map((e, i): Signature => ({
    source: pattern(e['源标题'], `${where}「表签名」第 ${i + 1} 项的源标题`),
    target: e['本套'] === '自评表' ? 'form' : pattern(e['本套'], `${where}「表签名」第 ${i + 1} 项的本套`),
  }));
  const headers = new Map<string, string>();
  list('表头同义词').forEach((e, i) => {
    const to = fold(String(e['本套'] ?? ''));
    if (!to) throw new PacketError(`${where}「表头同义词」第 ${i + 1} 项缺少「本套」。`);
    headers.set(to, to);
    for (const s of strings(e['同义'], `${where}「表头同义词」第 ${i + 1} 项的同义`)) headers.set(fold(s), to);
  });
  const names: [string, string][] = [];
  list('名称变体').forEach((e, i) => {
    const to = fold(String(e['本套'] ?? ''));
    if (!to) throw new PacketError(`${where}「名称变体」第 ${i + 1} 项缺少「本套」。`);
    for (const s of strings(e['其他写法'], `${where}「名称变体」第 ${i + 1} 项的其他写法`)) names.push([fold(s), to]);
  });
  // the longer wording first: "文化体育与传媒" must not be rewritten inside "文化旅游体育与传媒"
  names.sort((a, b) => b[0].length - a[0].length);
  const rows: RowSynonyms[] = [];
  list('行名同义词').forEach((e, i) => {
    const table = pattern(e['表'], `${where}「行名同义词」第 ${i + 1} 项的表`);
    const to = labelKey(String(e['本套'] ?? ''));
    if (!to) throw new PacketError(`${where}「行名同义词」第 ${i + 1} 项缺少「本套」。`);
    let entry = rows.find((r) => r.table.source === table.source);
    if (!entry) rows.push((entry = { table, labels: new Map() }));
    for (const s of strings(e['同义'], `${where}「行名同义词」第 ${i + 1} 项的同义`)) entry.labels.set(labelKey(s), to);
  });
  const footers = j['表尾'] === undefined ? [] : strings(j['表尾'], `${where}「表尾」`).map(fold);
  return { signatures, headers, names, rows, footers };
}

/** A 科目 name in the set's wording: "文化体育与传媒支出" → "文化旅游体育与传媒支出". */
export function canonicalName(folded: string, v: Vocabulary = active): string {
  for (const [from, to] of v.names) {
    if (!folded.includes(from) || folded.includes(to)) continue;
    return folded.replace(from, to);
  }
  return folded;
}

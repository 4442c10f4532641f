/**
 * The template sets this build carries: every folder templates/<set>/ with a set.json, found at build time
 * (Vite's import.meta.glob), so a set added as files only is offered at 新建 and its narrative template,
 * import vocabulary and 汇总规则 are used for its packets — the packet's own 模板套 chooses, never a fixed set.
 */
import { loadNarrativeTemplate, type NarrativeTemplate } from '../shared/narrative/index';
import { loadVocabulary, type Vocabulary } from '../shared/import/index';

const manifests = import.meta.glob<unknown>('../templates/*/set.json', { eager: true, import: 'default' });
const narratives = import.meta.glob<unknown>('../templates/*/narrative/template.json', { eager: true, import: 'default' });
const vocabularies = import.meta.glob<unknown>('../templates/*/import/vocabulary.json', { eager: true, import: 'default' });
const mergeRules = import.meta.glob<unknown>('../templates/*/merge.json', { eager: true, import: 'default' });
const publishes = import.meta.glob<unknown>('../templates/*/publish.json', { eager: true, import: 'default' });

export interface TemplateSetInfo {
  /** the folder name, written into a packet's 公开包信息 as 模板套 */
  id: string;
  /** what 新建 shows, e.g. 江西省 2024 年度部门决算公开 */
  name: string;
}

function setIdOf(path: string): string {
  return /templates\/([^/]+)\//.exec(path)?.[1] ?? '';
}

function bySet(files: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(files).map(([p, v]) => [setIdOf(p), v]));
}

/** The sets, ordered by id (the first is the one the app opens when asked for no particular set). */
export function templateSets(): TemplateSetInfo[] {
  return [...bySet(manifests)].map(([id, m]) => {
    const name = m && typeof m === 'object' && typeof (m as Record<string, unknown>)['名称'] === 'string' ? String((m as Record<string, unknown>)['名称']) : id;
    return { id, name };
  }).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const narrativeCache = new Map<string, NarrativeTemplate>();
/** The 情况说明 template of set `id`, or null when this build has none for it. */
export function narrativeTemplateOf(id: string): NarrativeTemplate | null {
  const json = bySet(narratives).get(id);
  if (json === undefined) return null;
  if (!narrativeCache.has(id)) narrativeCache.set(id, loadNarrativeTemplate(json, `情况说明模板（${id}）`));
  return narrativeCache.get(id)!;
}

const vocabularyCache = new Map<string, Vocabulary>();
/** The import vocabulary of set `id`, or null when this build has none for it. */
export function vocabularyOf(id: string): Vocabulary | null {
  const json = bySet(vocabularies).get(id);
  if (json === undefined) return null;
  if (!vocabularyCache.has(id)) vocabularyCache.set(id, loadVocabulary(json, `导入词表（${id}）`));
  return vocabularyCache.get(id)!;
}

/** The 汇总规则 (merge.json) of set `id`, unparsed, or undefined. */
export function mergeRulesOf(id: string): unknown {
  return bySet(mergeRules).get(id);
}

/** The packet's set, with the message to show when this build does not carry it. */
export function packetSet(meta: Record<string, string>): { id: string; problem: string } {
  const id = meta['模板套'] ?? '';
  if (!id) return { id, problem: '本公开包没有注明模板套（公开包信息 › 模板套）。' };
  if (!templateSets().some((s) => s.id === id)) {
    return { id, problem: `本版本没有模板套「${id}」（带有：${templateSets().map((s) => `${s.name}（${s.id}）`).join('、') || '无'}）。` };
  }
  return { id, problem: '' };
}

/**
 * What set `id` publishes (templates/<set>/publish.json), for packets saved before they carried their own
 * 公开工作表 declaration; undefined when the set declares nothing (the packet's own declaration still counts).
 */
export function publishOf(id: string): { 公开工作表: string[] } | undefined {
  const json = bySet(publishes).get(id) as { 公开工作表?: unknown } | undefined;
  const list = json?.公开工作表;
  return Array.isArray(list) && list.every((x) => typeof x === 'string') ? { 公开工作表: list as string[] } : undefined;
}

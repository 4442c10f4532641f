/**
 * Loading a narrative template set and parsing its sentence templates.
 *
 * Template text is Chinese prose with placeholders:
 *   {name} / {name|fmt}   a fact, an item field or a phrase slot, written in its format (money, pct, int …)
 *   {@phrase a b}         a phrase (比上年, 完成年初预算 …) over facts a, b; the JSON holds its wording variants
 *   {*collection}         the items of a collection, joined by its separator
 *   [[ … ]]               kept only when every value inside is present (a 主要原因 left blank drops its clause)
 */
import { PacketError } from '../errors.js';
import type { NarrativeTemplate, ParagraphDef, ValueFormat } from './types.js';

export type Node =
  | { t: 'lit'; text: string }
  | { t: 'var'; name: string; fmt?: ValueFormat }
  | { t: 'phrase'; name: string; args: string[] }
  | { t: 'each'; name: string }
  | { t: 'opt'; body: Node[] };

const FORMATS = new Set<ValueFormat>(['money', 'int', 'year', 'pct', 'pctTrim', 'trim', 'text', 'free']);
const cache = new Map<string, Node[]>();

/** Parse template text into nodes (cached: templates are parsed once per text). */
export function parseTemplate(text: string): Node[] {
  let nodes = cache.get(text);
  if (!nodes) {
    const pos = { i: 0 };
    nodes = parseSeq(text, pos, false);
    cache.set(text, nodes);
  }
  return nodes;
}

function parseSeq(text: string, pos: { i: number }, inOpt: boolean): Node[] {
  const out: Node[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ t: 'lit', text: lit });
    lit = '';
  };
  while (pos.i < text.length) {
    if (text.startsWith(']]', pos.i) && inOpt) {
      pos.i += 2;
      flush();
      return out;
    }
    if (text.startsWith('[[', pos.i)) {
      flush();
      pos.i += 2;
      out.push({ t: 'opt', body: parseSeq(text, pos, true) });
      continue;
    }
    const ch = text[pos.i];
    if (ch === '{') {
      const end = text.indexOf('}', pos.i);
      if (end < 0) throw new PacketError(`情况说明模板有未闭合的「{」：${text.slice(pos.i, pos.i + 30)}`);
      flush();
      out.push(parsePlaceholder(text.slice(pos.i + 1, end).trim(), text));
      pos.i = end + 1;
      continue;
    }
    lit += ch;
    pos.i++;
  }
  if (inOpt) throw new PacketError(`情况说明模板有未闭合的「[[」：${text.slice(0, 40)}`);
  flush();
  return out;
}

function parsePlaceholder(body: string, whole: string): Node {
  if (body.startsWith('@')) {
    const [name, ...args] = body.slice(1).trim().split(/\s+/);
    return { t: 'phrase', name, args };
  }
  if (body.startsWith('*')) return { t: 'each', name: body.slice(1).trim() };
  const [name, fmt] = body.split('|').map((s) => s.trim());
  if (!name) throw new PacketError(`情况说明模板有空的占位符「{}」：${whole.slice(0, 40)}`);
  if (fmt !== undefined && !FORMATS.has(fmt as ValueFormat)) {
    throw new PacketError(`情况说明模板的占位符「{${body}}」格式「${fmt}」无法识别（可用：${[...FORMATS].join('、')}）。`);
  }
  return fmt ? { t: 'var', name, fmt: fmt as ValueFormat } : { t: 'var', name };
}

/** Names a phrase variant may use besides the caller's scope. */
export const PHRASE_SLOTS: Record<'change' | 'ratio', string[]> = {
  change: ['差额', '增幅', '本年', '上年'],
  ratio: ['比率', '分子', '分母'],
};

/**
 * Validate a template set read from JSON. Every fact, phrase and collection a sentence names must exist, so a
 * finance bureau's typo is reported when the set is loaded, not as a blank in someone's narrative.
 */
export function loadNarrativeTemplate(json: unknown, where = '情况说明模板'): NarrativeTemplate {
  const t = json as NarrativeTemplate;
  const bad = (msg: string): never => {
    throw new PacketError(`${where}有误：${msg}`);
  };
  if (!t || typeof t !== 'object') bad('不是 JSON 对象');
  for (const k of ['facts', 'phrases', 'collections', 'parts', 'directionWords'] as const) {
    if (!t[k]) bad(`缺少「${k}」`);
  }
  if (t.version !== 1) bad(`版本 ${String(t.version)} 不受支持（应为 1）`);
  for (const [name, f] of Object.entries(t.facts)) {
    if (!f.f && !f.source) bad(`事实「${name}」没有取数公式（f）`);
    if (f.type && !FORMATS.has(f.type)) bad(`事实「${name}」的类型「${f.type}」无法识别`);
  }
  for (const [name, p] of Object.entries(t.phrases)) {
    if (p.kind !== 'change' && p.kind !== 'ratio') bad(`短语「${name}」的 kind 应为 change 或 ratio`);
    for (const v of Object.values(p.variants)) parseTemplate(v);
  }
  const check = (text: string, scope: Set<string>, ctx: string) => {
    const walk = (nodes: Node[]) => {
      for (const n of nodes) {
        if (n.t === 'var' && !scope.has(n.name) && !t.facts[n.name]) bad(`${ctx}中的「{${n.name}}」既不是事实也不是字段`);
        if (n.t === 'phrase') {
          const p = t.phrases[n.name];
          if (!p) bad(`${ctx}中的短语「{@${n.name}}」未定义`);
          const need = p.kind === 'change' ? 1 : 2;
          if (n.args.length !== need) bad(`${ctx}中的短语「{@${n.name}}」需要 ${need} 个参数`);
          for (const a of n.args) if (!scope.has(a) && !t.facts[a]) bad(`${ctx}中短语「${n.name}」的参数「${a}」未定义`);
          const inner = new Set([...scope, ...PHRASE_SLOTS[p.kind]]);
          for (const v of Object.values(p.variants)) check(v, inner, `${ctx}（短语「${n.name}」）`);
        }
        if (n.t === 'each' && !t.collections[n.name]) bad(`${ctx}中的集合「{*${n.name}}」未定义`);
        if (n.t === 'opt') walk(n.body);
      }
    };
    walk(parseTemplate(text));
  };
  const fieldsOf = (name: string): Set<string> => {
    const c = t.collections[name];
    if (!c) bad(`集合「${name}」未定义`);
    const f = new Set<string>(['序号']);
    if (c.rows) Object.keys(c.rows.fields).forEach((k) => f.add(k));
    if (c.items) c.items.forEach((it) => Object.keys(it).forEach((k) => f.add(k)));
    if (c.formGrades) ['等级', '项目数'].forEach((k) => f.add(k));
    return f;
  };
  for (const [name, c] of Object.entries(t.collections)) {
    if (!c.rows && !c.items && !c.formGrades) bad(`集合「${name}」没有来源（rows、items 或 formGrades）`);
    if (c.item) check(c.item, fieldsOf(name), `集合「${name}」`);
  }
  if (t.reader) {
    const r = t.reader;
    const names = new Set(r.items.flatMap((it) => it.names));
    for (const k of ['unitName', 'year', 'moneyUnit'] as const) if (typeof r[k] !== 'string' || !r[k]) bad(`reader 缺少「${k}」`);
    for (const k of ['change', 'share', 'completion', 'rate', 'budget', 'fullBudget', 'prior', 'actual', 'composition'] as const) {
      if (!Array.isArray(r.words?.[k])) bad(`reader.words 缺少「${k}」`);
    }
    r.items.forEach((it, i) => {
      if (!it.names?.length) bad(`reader 第 ${i + 1} 个条目没有名称`);
      if (!it.fact && !it.f) bad(`reader 条目「${it.names[0]}」既没有 fact 也没有 f`);
      if (it.fact && !t.facts[it.fact]) bad(`reader 条目「${it.names[0]}」引用的事实「${it.fact}」未定义`);
      if (it.of && !names.has(it.of)) bad(`reader 条目「${it.names[0]}」的 of「${it.of}」不是任何条目的名称`);
    });
    for (const tb of r.tables) if (!tb.sheet || !tb.codeCol || !tb.nameCol || !Object.keys(tb.columns ?? {}).length) bad(`reader 表「${tb.sheet}」缺少 codeCol、nameCol 或 columns`);
    if (!Array.isArray(r.variants) || r.variants.some((g) => !Array.isArray(g) || g.length < 2)) bad('reader.variants 应为名称组（每组至少两个名称）');
  }
  check(t.title, new Set(), '标题');
  for (const part of t.parts) {
    check(part.heading, new Set(), `「${part.id}」标题`);
    for (const s of part.sections ?? []) {
      check(s.heading, new Set(), `「${s.id}」标题`);
      s.paragraphs.forEach((p, i) => {
        const def: ParagraphDef = typeof p === 'string' ? { text: p } : p;
        const scope = def.each ? fieldsOf(def.each) : new Set<string>();
        const text = def.text ?? (def.each ? t.collections[def.each].item : undefined);
        if (!text) return bad(`「${s.id}」第 ${i + 1} 段没有文字`);
        check(text, scope, `「${s.heading}」第 ${i + 1} 段`);
        if (def.else) check(def.else, scope, `「${s.heading}」第 ${i + 1} 段（else）`);
      });
    }
  }
  return t;
}

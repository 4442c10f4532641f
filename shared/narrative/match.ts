/**
 * Template sentences as patterns: each clause of a template (up to 。 or ；) becomes a regular expression with
 * a capture for each figure, the wording variants of each phrase and any direction word, matched against
 * normalized text in document order. Used by the narrative checker (a whole text) and by the generator
 * (a paragraph the accountant rewrote).
 */
import { isNumberFormat, type Scope, type Value } from './facts.js';
import type { Renderer } from './generate.js';
import { verifySlot } from './interval.js';
import { formatNumber } from './numbers.js';
import { parseTemplate, type Node } from './template.js';
import { escapeRe, normalizeText, NUM, NUM_RE, plain } from './text.js';
import type { NumberCheck, NumberFormat, Segment, SlotSpec } from './types.js';

const WILD = '[^。]{0,400}?';
const SERIAL = '[一二三四五六七八九十]+';

interface Group {
  idx: number;
  slot: SlotSpec;
}

export interface Clause {
  id: string;
  nodes: Node[];
  scope: Scope;
  /** a clause without figures that is matched only so the numbers inside its literal text are accounted for */
  coverage?: boolean;
}

interface Compiled {
  src: string;
  groups: Group[];
}

class PatternBuilder {
  private n = 0;
  private dirWords: string;
  private dirRe: RegExp;

  constructor(private readonly r: Renderer) {
    const w = r.words;
    const all = [...w.up, ...w.down, ...w.same].sort((a, b) => b.length - a.length);
    this.dirWords = all.map(escapeRe).join('|');
    this.dirRe = new RegExp(`(${this.dirWords})`);
  }

  compile(nodes: Node[], scope: Scope): Compiled {
    this.n = 0;
    const groups: Group[] = [];
    const src = this.nodes(nodes, scope, null, groups);
    return { src, groups };
  }

  private capture(pattern: string, slot: SlotSpec, groups: Group[]): string {
    this.n++;
    groups.push({ idx: this.n, slot });
    return `(${pattern})`;
  }

  private lit(text: string, dir: SlotSpec | null, groups: Group[]): string {
    const t = normalizeText(text);
    if (!dir) return escapeRe(t);
    return t
      .split(this.dirRe)
      .map((p, i) => (i % 2 === 1 ? this.capture(this.dirWords, dir, groups) : escapeRe(p)))
      .join('');
  }

  private nodes(nodes: Node[], scope: Scope, dir: SlotSpec | null, groups: Group[]): string {
    let src = '';
    for (const n of nodes) {
      if (n.t === 'lit') src += this.lit(n.text, dir, groups);
      else if (n.t === 'var') src += this.variable(scope.get(n.name), n.name, n.fmt, groups);
      else if (n.t === 'opt') src += `(?:${this.nodes(n.body, scope, dir, groups)})?`;
      else if (n.t === 'each') {
        const def = this.r.template.collections[n.name];
        const items = this.r.ctx.items(n.name);
        src += items.map((it) => this.nodes(parseTemplate(def.item ?? ''), it, null, groups)).join(escapeRe(normalizeText(def.sep ?? '')));
      } else {
        const def = this.r.template.phrases[n.name];
        const args = n.args.map((a) => scope.get(a));
        const p = this.r.phraseParts(def, args, scope);
        const alts = Object.entries(def.variants)
          .filter(([k]) => k !== 'missing')
          .map(([, text]) => this.nodes(parseTemplate(text), p.inner, def.kind === 'change' ? p.dir : null, groups));
        src += `(?:${alts.join('|')})`;
      }
    }
    return src;
  }

  private variable(v: Value, name: string, fmt: Value['fmt'] | undefined, groups: Group[]): string {
    const f = fmt ?? v.fmt;
    if (name === '序号') return SERIAL;
    if (v.slot) {
      const slot = v.slot.kind === 'ratio' && fmt && isNumberFormat(fmt) ? { ...v.slot, fmt: fmt as NumberFormat } : v.slot;
      return this.capture(NUM, slot, groups);
    }
    if (isNumberFormat(f)) {
      const slot: SlotSpec = { kind: 'value', fmt: f as NumberFormat, label: v.label, formula: v.formula, value: v.num, ...(v.missing ? { missing: v.missing } : {}) };
      return this.capture(NUM, slot, groups);
    }
    const t = normalizeText(v.text);
    if (f === 'free') return t ? `(?:${escapeRe(t)}|${WILD})` : WILD;
    return escapeRe(t);
  }
}

export function hasFigures(nodes: Node[]): boolean {
  return nodes.some((n) => n.t === 'phrase' || n.t === 'each' || (n.t === 'var' && n.name !== '序号') || (n.t === 'opt' && hasFigures(n.body)));
}

/** Split a paragraph's top level at 。 and ；, each clause keeping its separator. */
export function splitClauses(nodes: Node[]): Node[][] {
  const out: Node[][] = [];
  let cur: Node[] = [];
  for (const n of nodes) {
    if (n.t !== 'lit') {
      cur.push(n);
      continue;
    }
    const parts = n.text.split(/(?<=[。；])/);
    parts.forEach((p, i) => {
      if (p) cur.push({ t: 'lit', text: p });
      if (i < parts.length - 1 || /[。；]$/.test(p)) {
        if (cur.length) out.push(cur);
        cur = [];
      }
    });
  }
  if (cur.length) out.push(cur);
  return out;
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = s.replace(new RegExp(NUM, 'g'), '');
  for (let i = 0; i + 1 < t.length; i++) {
    const g = t.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  let na = 0;
  let nb = 0;
  for (const v of a.values()) na += v;
  for (const v of b.values()) nb += v;
  for (const [g, v] of a) common += Math.min(v, b.get(g) ?? 0);
  return na + nb ? (2 * common) / (na + nb) : 0;
}

export function sentenceAt(text: string, start: number, end: number): string {
  let s = start;
  while (s > 0 && !/[。；！？]/.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && !/[。；！？]/.test(text[e])) e++;
  return text.slice(s, Math.min(text.length, e + 1));
}

export interface Hit extends NumberCheck {
  start: number;
  end: number;
  slot?: SlotSpec;
}

/**
 * Match clauses against normalized text in order, judge every captured figure, and list the numbers no
 * clause accounts for (with the closest template sentence written from the tables as a hint).
 */
export function matchClauses(r: Renderer, clauses: Clause[], T: string): { hits: Hit[]; matched: number; used: [number, number][] } {
  const builder = new PatternBuilder(r);
  const used: [number, number][] = [];
  const overlaps = (a: number, b: number) => used.some(([x, y]) => a < y && x < b);
  const hits: Hit[] = [];
  const unmatched: Clause[] = [];
  let cursor = 0;
  let matched = 0;
  for (const cl of clauses) {
    const { src, groups } = builder.compile(cl.nodes, cl.scope);
    const re = new RegExp(src, 'dg');
    const find = (from: number): RegExpExecArray | null => {
      re.lastIndex = from;
      for (let m = re.exec(T); m; m = re.exec(T)) {
        if (m[0].length && !overlaps(m.index, m.index + m[0].length)) return m;
        re.lastIndex = m.index + 1;
      }
      return null;
    };
    const m = find(cursor) ?? find(0);
    if (!m) {
      if (!cl.coverage) unmatched.push(cl);
      continue;
    }
    matched++;
    used.push([m.index, m.index + m[0].length]);
    cursor = m.index + m[0].length;
    for (const g of groups) {
      const stated = m[g.idx];
      if (stated === undefined) continue;
      const [start, end] = m.indices![g.idx]!;
      const c = verifySlot(g.slot, stated, r.words);
      hits.push({ text: stated, sentence: m[0], paragraph: cl.id.split('#')[0], ok: c.ok, kind: g.slot.kind, expected: c.expected, message: c.message, start, end, slot: g.slot });
    }
  }
  const hints = unmatched.map((cl) => {
    const text = plain(r.nodes(cl.nodes, cl.scope, null).segs);
    return { cl, text, grams: bigrams(normalizeText(text)) };
  });
  // one sentence and one hint per sentence, however many numbers it holds (a pasted table is one long sentence)
  const bySentence = new Map<string, (typeof hints)[number] | null>();
  let sentenceEnd = -1;
  let sentence = '';
  for (const m of T.matchAll(NUM_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    if (start > sentenceEnd) {
      sentence = sentenceAt(T, start, end);
      sentenceEnd = T.indexOf(sentence, Math.max(0, start - sentence.length)) + sentence.length - 1;
    }
    let best = bySentence.get(sentence);
    if (best === undefined) {
      const sg = bigrams(sentence);
      best = null;
      let bestScore = 0.35;
      for (const h of hints) {
        const sc = similarity(sg, h.grams);
        if (sc > bestScore) {
          best = h;
          bestScore = sc;
        }
      }
      bySentence.set(sentence, best);
    }
    const same = r.ctx
      .knownFacts()
      .filter(([, v]) => isNumberFormat(v.fmt) && v.num !== null && /\./.test(m[0]) && formatNumber(v.num, 'money') === m[0].replace(/,/g, ''))
      .map(([, v]) => v.label);
    const parts = ['未能与情况说明的模板句对应，无法核对'];
    if (best) parts.push(`按表中数据，相近的句子应为：「${best.text}」`);
    if (same.length) parts.push(`表中「${same.slice(0, 3).join('」「')}」的数值与之相同`);
    hits.push({ text: m[0], sentence, ok: false, kind: 'untied', expected: '', message: parts.join('；'), start, end });
  }
  hits.sort((a, b) => a.start - b.start);
  return { hits, matched, used };
}

/**
 * A paragraph the accountant rewrote (情况说明改写): its text, split into segments with each number judged
 * against the paragraph's own template — so an edited sentence is held to the same figures.
 */
export function checkWritten(r: Renderer, templateText: string, scope: Scope, id: string, written: string): Segment[] {
  const T = normalizeText(written);
  const clauses: Clause[] = splitClauses(parseTemplate(templateText)).map((c, i) => ({ id: `${id}#${i + 1}`, nodes: c, scope, coverage: !hasFigures(c) }));
  const { hits } = matchClauses(r, clauses, T);
  const segs: Segment[] = [];
  let at = 0;
  for (const h of hits) {
    if (h.start < at) continue;
    if (h.start > at) segs.push({ t: 'text', text: T.slice(at, h.start) });
    const slot: SlotSpec = h.slot ?? { kind: 'value', fmt: 'money', label: '', formula: '', value: null, missing: h.message };
    segs.push({ t: 'num', text: h.text, slot, check: { ok: h.ok, expected: h.expected, message: h.message } });
    at = h.end;
  }
  if (at < T.length) segs.push({ t: 'text', text: T.slice(at) });
  return segs;
}

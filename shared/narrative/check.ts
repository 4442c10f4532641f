/**
 * The number checker for a narrative someone wrote (in Word, or edited in the app): every number in the text
 * is tied to what it stands for and judged against the packet.
 *
 * The sentence templates are turned into patterns — literal text, a capture for each figure, the wording
 * variants of each phrase, any direction word where the template has one — and matched clause by clause
 * (a clause ends at 。 or ；) in document order. A figure captured by a pattern is judged like a generated
 * one (interval arithmetic for derived figures, direction words against the sign). A number no pattern
 * accounts for is listed as untied, with its sentence, the template sentence it most resembles written
 * with the packet's figures, and any packet figure that has the same value.
 */
import type { PacketSession } from '../engine.js';
import { isNumberFormat, NarrativeContext, type Scope, type Value } from './facts.js';
import { escapeRe, itemId, plain, Renderer } from './generate.js';
import { verifySlot } from './interval.js';
import { formatNumber } from './numbers.js';
import { parseTemplate, type Node } from './template.js';
import type { NarrativeTemplate, NumberFormat, ParagraphDef, Segment, SlotSpec } from './types.js';

export interface NumberCheck {
  /** the number (or direction word) as written */
  text: string;
  sentence: string;
  /** template paragraph it was matched to; absent for an untied number */
  paragraph?: string;
  ok: boolean;
  /** what it was judged as: value, diff, growth, ratio, dir; untied when no template sentence accounts for it */
  kind: SlotSpec['kind'] | 'untied';
  expected: string;
  message: string;
}

export interface TextCheckReport {
  checks: NumberCheck[];
  /** ok === false: figures that do not follow from the packet, and numbers no sentence accounts for */
  failed: NumberCheck[];
  clauses: { total: number; matched: number };
}

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const NUM_RE = new RegExp(NUM, 'g');
const WILD = '[^。]{0,400}?';
const SERIAL = '[一二三四五六七八九十]+';

/** The same text, written the same way: no whitespace, one kind of quote, full-width punctuation, ASCII digits. */
export function normalizeText(s: string): string {
  return s
    .replace(/<\/?b>|\*\*/g, '')
    .replace(/^[ \t]*#+/gm, '')
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.')
    .replace(/％/g, '%')
    .replace(/[“”"「」『』]/g, '"')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/:/g, '：')
    .replace(/;/g, '；')
    .replace(/,(?!\d{3})/g, '，')
    .replace(/\s+/g, '');
}

interface Group {
  idx: number;
  slot: SlotSpec;
}

interface Clause {
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

function hasFigures(nodes: Node[]): boolean {
  return nodes.some((n) => n.t === 'phrase' || n.t === 'each' || (n.t === 'var' && n.name !== '序号') || (n.t === 'opt' && hasFigures(n.body)));
}

/** Split a paragraph's top level at 。 and ；, each clause keeping its separator. */
function splitClauses(nodes: Node[]): Node[][] {
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

/** Every sentence the template set can write for this packet, clause by clause, in document order. */
/** A 目录 heading on its own line, as Word documents of the package (and the seed) have one. */
const CONTENTS = /(^|\n)[ \t#*]*目[ \t\u3000]*录[ \t*]*(\r?\n|$)/;

function templateClauses(r: Renderer, withContents = false): Clause[] {
  const t = r.template;
  const root = r.ctx.root;
  const out: Clause[] = [];
  const add = (id: string, text: string, scope: Scope) => {
    const nodes = parseTemplate(text);
    splitClauses(nodes).forEach((c, i) => {
      const figures = hasFigures(c);
      const literal = c.map((n) => (n.t === 'lit' ? n.text : '')).join('');
      const freeDigits = c.some((n) => n.t === 'var' && scope.get(n.name).fmt === 'free' && /\d/.test(scope.get(n.name).text));
      if (figures || /\d/.test(literal) || freeDigits) out.push({ id: `${id}#${i + 1}`, nodes: c, scope, coverage: !figures });
    });
  };
  add('标题', t.title, root);
  // a 目录 lists the part headings (with their 年度) ahead of the parts: those lines are matched first
  if (withContents) {
    const headings = t.parts.map((p) => [p.id, p.heading]);
    if (t.tablesPart) headings.splice(1, 0, ['二', t.tablesPart]);
    for (const [id, heading] of headings) {
      splitClauses(parseTemplate(heading)).forEach((c, i) => out.push({ id: `目录.${id}#${i + 1}`, nodes: c, scope: root, coverage: true }));
    }
  }
  for (const part of t.parts) {
    add(part.id, part.heading, root);
    for (const s of part.sections ?? []) {
      add(`${part.id}.${s.id}`, s.heading, root);
      s.paragraphs.forEach((p, i) => {
        const def: ParagraphDef = typeof p === 'string' ? { text: p } : p;
        const id = `${part.id}.${s.id}.${def.id ?? i + 1}`;
        if (def.each) {
          const text = def.text ?? t.collections[def.each].item ?? '';
          r.ctx.items(def.each, true).forEach((item) => add(itemId(id, item), text, item));
        } else {
          if (def.text) add(id, def.text, root);
          if (def.else) add(`${id}.else`, def.else, root);
        }
      });
    }
    // 名词解释 and 附件 are the accountant's own text: matched literally, so their numbers count as accounted for
    const rows = part.glossary
      ? r.sheetRows(part.glossary.sheet, [part.glossary.termCol, part.glossary.textCol]).map(([a, b]) => `${a}：${b}`)
      : part.attachment ? r.sheetRows(part.attachment.sheet, [part.attachment.textCol]).map(([a]) => a) : [];
    rows.forEach((text, i) => {
      if (!/\d/.test(text)) return;
      for (const c of text.split(/(?<=[。；])/)) if (/\d/.test(c)) out.push({ id: `${part.id}.${i + 1}`, nodes: [{ t: 'lit', text: c }], scope: root, coverage: true });
    });
  }
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

function sentenceAt(text: string, start: number, end: number): string {
  let s = start;
  while (s > 0 && !/[。；！？]/.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && !/[。；！？]/.test(text[e])) e++;
  return text.slice(s, Math.min(text.length, e + 1));
}

interface Hit extends NumberCheck {
  start: number;
  end: number;
  slot?: SlotSpec;
}

/**
 * Match clauses against normalized text in order, judge every captured figure, and list the numbers no
 * clause accounts for (with the closest template sentence written from the tables as a hint).
 */
function matchClauses(r: Renderer, clauses: Clause[], T: string): { hits: Hit[]; matched: number } {
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
  for (const m of T.matchAll(NUM_RE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlaps(start, end)) continue;
    const sentence = sentenceAt(T, start, end);
    const sg = bigrams(sentence);
    let best: (typeof hints)[number] | null = null;
    let bestScore = 0.35;
    for (const h of hints) {
      const sc = similarity(sg, h.grams);
      if (sc > bestScore) {
        best = h;
        bestScore = sc;
      }
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
  return { hits, matched };
}

const strip = ({ start: _s, end: _e, slot: _slot, ...c }: Hit): NumberCheck => c;

/** Check a written narrative (plain text; paragraphs and line breaks do not matter) against the packet. */
export function checkNarrativeText(session: PacketSession, template: NarrativeTemplate, text: string): TextCheckReport {
  const r = new Renderer(new NarrativeContext(session, template));
  const normalized = normalizeText(text);
  const clauses = templateClauses(r, CONTENTS.test(text));
  const { hits, matched } = matchClauses(r, clauses, normalized);
  // figures judged in document order of their template sentence, then the untied ones
  const checks = [...hits.filter((h) => h.kind !== 'untied'), ...hits.filter((h) => h.kind === 'untied')].map(strip);
  return { checks, failed: checks.filter((c) => !c.ok), clauses: { total: clauses.filter((c) => !c.coverage).length, matched } };
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

/**
 * The generator: template set + live packet → the 情况说明 as paragraphs of text and numbers. Each number
 * carries what it stands for (a table figure, a difference, a share) and its check result, so the editor can
 * mark it and the .docx writer can write it.
 */
import type { PacketSession } from '../engine.js';
import { holds, isNumberFormat, NarrativeContext, Scope, type Value } from './facts.js';
import { directionOf, expectedText, verifySlot, type DirectionWords } from './interval.js';
import { formatNumber, roundTo } from './numbers.js';
import { checkWritten } from './match.js';
import { escapeRe, itemId, plain } from './text.js';
import { parseTemplate, type Node } from './template.js';
import type {
  NarrativeDoc, NarrativeParagraph, NarrativePart, NarrativeTemplate, NumberFormat, ParagraphDef, PartDef, PhraseDef, Segment, SlotSpec,
} from './types.js';

interface Rendered {
  segs: Segment[];
  /** false when a value inside is blank or missing: an optional group [[…]] is then left out */
  complete: boolean;
}

const MISSING_MARK = '【未填】';

export class Renderer {
  readonly words: DirectionWords;
  private dirRe: RegExp;

  constructor(readonly ctx: NarrativeContext) {
    this.words = ctx.template.directionWords;
    const all = [...this.words.up, ...this.words.down, ...this.words.same].sort((a, b) => b.length - a.length);
    this.dirRe = new RegExp(`(${all.map(escapeRe).join('|')})`);
  }

  get template(): NarrativeTemplate {
    return this.ctx.template;
  }

  render(text: string, scope: Scope): Rendered {
    return this.nodes(parseTemplate(text), scope, null);
  }

  nodes(nodes: Node[], scope: Scope, dir: SlotSpec | null): Rendered {
    const segs: Segment[] = [];
    let complete = true;
    for (const n of nodes) {
      if (n.t === 'lit') {
        if (dir) segs.push(...this.splitDirection(n.text, dir));
        else segs.push({ t: 'text', text: n.text });
      } else if (n.t === 'var') {
        const v = scope.get(n.name);
        const r = this.value(v, n.fmt);
        segs.push(r.seg);
        if (!r.present) complete = false;
      } else if (n.t === 'phrase') {
        const r = this.phrase(n.name, n.args, scope);
        segs.push(...r.segs);
        if (!r.complete) complete = false;
      } else if (n.t === 'each') {
        const def = this.template.collections[n.name];
        const items = this.ctx.items(n.name);
        items.forEach((item, i) => {
          if (i > 0 && def.sep) segs.push({ t: 'text', text: def.sep });
          const r = this.render(def.item ?? '', item);
          segs.push(...r.segs);
          if (!r.complete) complete = false;
        });
      } else {
        const r = this.nodes(n.body, scope, dir);
        if (r.complete) segs.push(...r.segs);
      }
    }
    return { segs: mergeText(segs), complete };
  }

  private splitDirection(text: string, dir: SlotSpec): Segment[] {
    const out: Segment[] = [];
    const parts = text.split(this.dirRe);
    parts.forEach((p, i) => {
      if (!p) return;
      if (i % 2 === 1) out.push({ t: 'num', text: p, slot: dir, check: verifySlot(dir, p, this.words) });
      else out.push({ t: 'text', text: p });
    });
    return out;
  }

  /** told of every value a paragraph uses (the live view lists the input cells behind a paragraph) */
  onValue: ((v: Value) => void) | null = null;

  value(v: Value, fmtOverride?: Value['fmt']): { seg: Segment; present: boolean } {
    this.onValue?.(v);
    const fmt = fmtOverride ?? v.fmt;
    if (v.slot) {
      const slot = v.slot.kind === 'ratio' && fmtOverride && isNumberFormat(fmtOverride) ? { ...v.slot, fmt: fmtOverride as NumberFormat } : v.slot;
      const exp = expectedText(slot);
      const text = exp ?? MISSING_MARK;
      return { seg: { t: 'num', text, slot, check: verifySlot(slot, text, this.words) }, present: exp !== null };
    }
    if (!isNumberFormat(fmt)) return { seg: { t: 'text', text: v.text, ...(fmt === 'free' ? { free: true } : {}) }, present: v.text !== '' };
    const nf = fmt as NumberFormat;
    const slot: SlotSpec = { kind: 'value', fmt: nf, label: v.label, formula: v.formula, value: v.num, ...(v.missing ? { missing: v.missing } : {}) };
    const text = v.num === null ? MISSING_MARK : formatNumber(v.num, nf);
    return { seg: { t: 'num', text, slot, check: verifySlot(slot, text, this.words) }, present: v.num !== null && !v.missing };
  }

  /** The variant of a phrase the figures call for, and the scope its text is rendered in. */
  phraseParts(def: PhraseDef, args: Value[], scope: Scope): { variant: string; inner: Scope; dir: SlotSpec | null; missing?: string } {
    const inner = scope.child();
    if (def.kind === 'change') {
      const [v] = args;
      const prior = v.prior;
      const missing = v.missing ?? prior?.missing ?? (prior ? undefined : `「${v.label}」没有上年数`);
      const cur = v.missing ? null : v.num;
      const pv = prior && !prior.missing ? prior.num : null;
      const base = { label: v.label, cur, prior: pv, curLabel: v.label, priorLabel: prior?.label ?? `上年${v.label}`, ...(missing ? { missing } : {}) };
      const diff: SlotSpec = { kind: 'diff', ...base };
      const growth: SlotSpec = { kind: 'growth', ...base };
      const dir: SlotSpec = { kind: 'dir', label: v.label, cur, prior: pv, ...(missing ? { missing } : {}) };
      inner.set('差额', { ...v, slot: diff, prior: undefined });
      inner.set('增幅', { ...v, fmt: 'pct', slot: growth, prior: undefined });
      inner.set('本年', v);
      if (prior) inner.set('上年', prior);
      if (missing || cur === null || pv === null) return { variant: 'missing', inner, dir, missing: missing ?? '缺少数据' };
      const d = directionOf(cur, pv);
      const variant = d === 'same' ? 'same' : d === 'up' && roundTo(pv, 2) === 0 && def.variants.upFromZero ? 'upFromZero' : d;
      return { variant, inner, dir };
    }
    const [num, den] = args;
    const missing = num.missing ?? den.missing;
    const nf: NumberFormat = 'pct';
    const slot: SlotSpec = {
      kind: 'ratio', fmt: nf, label: `${num.label}占${den.label}的比例`,
      num: num.missing ? null : num.num, den: den.missing ? null : den.num, numLabel: num.label, denLabel: den.label,
      ...(missing ? { missing } : {}),
    };
    inner.set('比率', { ...num, fmt: nf, slot, prior: undefined });
    inner.set('分子', num);
    inner.set('分母', den);
    if (missing || num.num === null || den.num === null) return { variant: 'missing', inner, dir: null, missing: missing ?? '缺少数据' };
    return { variant: roundTo(den.num, 2) === 0 ? 'zeroDen' : 'normal', inner, dir: null };
  }

  private phrase(name: string, argNames: string[], scope: Scope): Rendered {
    const def = this.template.phrases[name];
    const args = argNames.map((a) => scope.get(a));
    if (this.onValue) for (const a of args) if (a.prior) this.onValue(a.prior);
    const p = this.phraseParts(def, args, scope);
    const text = def.variants[p.variant];
    if (text === undefined) {
      if (p.variant === 'missing') {
        const slot = def.kind === 'change' ? p.inner.get('差额').slot! : p.inner.get('比率').slot!;
        return { segs: [{ t: 'num', text: MISSING_MARK, slot, check: verifySlot(slot, MISSING_MARK, this.words) }], complete: false };
      }
      return { segs: [], complete: true };
    }
    const r = this.nodes(parseTemplate(text), p.inner, def.kind === 'change' ? p.dir : null);
    return { segs: r.segs, complete: r.complete && p.variant !== 'missing' };
  }

  /** The paragraphs one paragraph definition gives (several for an `each`, none when its condition fails). */
  paragraph(def: ParagraphDef, id: string): NarrativeParagraph[] {
    const style = def.style ?? 'body';
    if (def.each) return this.ctx.items(def.each).map((item) => this.itemParagraph(def, id, item));
    const root = this.ctx.root;
    const text = holds(def.when, root) ? def.text : def.else;
    if (text === undefined) return [];
    const own = this.rewritten(id, style, text, root);
    if (own) return [own];
    const segs = this.render(text, root).segs;
    if (!segs.length || segs.every((s) => s.t === 'text' && !s.text.trim())) return [];
    return [{ id, style, segments: segs }];
  }

  /** One item of an `each` paragraph. */
  itemParagraph(def: ParagraphDef, id: string, item: Scope): NarrativeParagraph {
    const coll = this.template.collections[def.each!];
    const text = def.text ?? coll.item ?? '';
    const pid = itemId(id, item);
    return this.rewritten(pid, def.style ?? 'body', text, item) ?? { id: pid, style: def.style ?? 'body', segments: this.render(text, item).segs };
  }

  /** The accountant's wording of a paragraph, its numbers held to the paragraph's template. */
  private rewritten(id: string, style: NarrativeParagraph['style'], templateText: string, scope: Scope): NarrativeParagraph | null {
    const own = this.ctx.overrides().get(id);
    if (!own) return null;
    return { id, style, rewritten: true, segments: checkWritten(this, templateText, scope, id, own.text) };
  }

  part(def: PartDef): NarrativePart {
    const heading = plain(this.render(def.heading, this.ctx.root).segs);
    const paragraphs: NarrativeParagraph[] = [];
    for (const s of def.sections ?? []) {
      paragraphs.push({ id: `${def.id}.${s.id}`, style: 'h1', segments: this.render(s.heading, this.ctx.root).segs });
      s.paragraphs.forEach((p, i) => {
        const pd: ParagraphDef = typeof p === 'string' ? { text: p } : p;
        paragraphs.push(...this.paragraph(pd, `${def.id}.${s.id}.${pd.id ?? i + 1}`));
      });
    }
    if (def.glossary) paragraphs.push(...this.glossary(def));
    if (def.attachment) paragraphs.push(...this.attachment(def));
    return { id: def.id, heading, paragraphs };
  }

  sheetRows(sheet: string, cols: string[]): string[][] {
    const session = this.ctx.session;
    let model;
    try {
      model = session.sheet(sheet);
    } catch {
      return [];
    }
    const idx = cols.map(colIdx);
    const out: string[][] = [];
    for (let r = 1; r < model.cells.length; r++) {
      const row = idx.map((c) => {
        const v = session.getValue(sheet, r, c);
        return v === null || v === undefined ? '' : String(v).trim();
      });
      if (row.some((x) => x)) out.push(row);
    }
    return out;
  }

  private glossary(def: PartDef): NarrativeParagraph[] {
    const g = def.glossary!;
    const out: NarrativeParagraph[] = [];
    let category = '';
    this.sheetRows(g.sheet, [g.categoryCol, g.termCol, g.textCol]).forEach(([cat, term, text], i) => {
      if (cat && cat !== category) {
        category = cat;
        out.push({ id: `${def.id}.c${i + 1}`, style: 'h1', segments: [{ t: 'text', text: cat }] });
      }
      if (!term && !text) return;
      out.push({
        id: `${def.id}.t${i + 1}`,
        style: 'term',
        segments: [...(term ? [{ t: 'text' as const, text: `${term}：`, bold: true }] : []), { t: 'text', text, free: true }],
      });
    });
    return out;
  }

  private attachment(def: PartDef): NarrativeParagraph[] {
    const a = def.attachment!;
    const styles: Record<string, NarrativeParagraph['style']> = { 标题: 'subtitle', 一级: 'h1', 二级: 'h2', 三级: 'h3', 四级: 'h4', 正文: 'body' };
    return this.sheetRows(a.sheet, [a.styleCol, a.textCol])
      .filter(([, text]) => text)
      .map(([style, text], i) => ({ id: `${def.id}.${i + 1}`, style: styles[style] ?? 'body', segments: [{ t: 'text', text, free: true }] }));
  }
}

function mergeText(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (s.t === 'text' && last?.t === 'text' && !s.free && !last.free && !s.bold && !last.bold) out[out.length - 1] = { t: 'text', text: last.text + s.text };
    else if (s.t !== 'text' || s.text) out.push(s);
  }
  return out;
}

function colIdx(col: string): number {
  let n = 0;
  for (const ch of col.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Generate the whole 情况说明 from a live packet. */
export function generateNarrative(session: PacketSession, template: NarrativeTemplate): NarrativeDoc {
  const r = new Renderer(new NarrativeContext(session, template));
  return {
    title: plain(r.render(template.title, r.ctx.root).segs),
    notes: (template.notes ?? []).map((n) => plain(r.render(n, r.ctx.root).segs)),
    parts: template.parts.map((p) => r.part(p)),
  };
}

/** The whole document as plain text, one paragraph per line (what narrative-check reads back). */
export function narrativeText(doc: NarrativeDoc): string {
  const lines = [doc.title, ...doc.notes];
  for (const p of doc.parts) {
    lines.push(p.heading);
    for (const para of p.paragraphs) lines.push(plain(para.segments));
  }
  return lines.join('\n');
}

export { escapeRe, itemId, plain };

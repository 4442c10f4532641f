/**
 * The editor's live narrative view: the generated 情况说明 with each number's check, and for each paragraph
 * the input cells behind it (主要原因, 上年数, 年初预算 …) so they can be edited beside the text. Cheap enough
 * to rerun after every edit: one pass over the template, every figure read once through the packet's engine.
 */
import type { PacketSession } from '../engine.js';
import { NarrativeContext, type Value } from './facts.js';
import { plain, Renderer } from './generate.js';
import type { NarrativeDoc, NarrativeParagraph, NarrativeTemplate, ParagraphDef } from './types.js';

export interface InputCell {
  /** what the cell holds, e.g. 原因_本年收入合计 / 上年_本年收入合计 / 年初预算!C2 */
  name: string;
  label: string;
  sheet: string;
  row: number;
  col: number;
}

export interface ViewParagraph extends NarrativeParagraph {
  /** the editable cells this paragraph is written from */
  inputs: InputCell[];
}

export interface NarrativeView {
  title: string;
  notes: string[];
  parts: { id: string; heading: string; paragraphs: ViewParagraph[] }[];
  /** numbers whose check fails (missing figures, for generated text) */
  failed: { paragraph: string; text: string; message: string }[];
  numbers: number;
}

const CELL = /^'?([^'!]+)'?!\$?([A-Z]+)\$?(\d+)$/;

function colIdx(col: string): number {
  let n = 0;
  for (const ch of col) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function narrativeView(session: PacketSession, template: NarrativeTemplate): NarrativeView {
  const r = new Renderer(new NarrativeContext(session, template));
  const names = new Map(session.packet.names.map((n) => [n.name, n.ref]));
  const cells = new Map<string, { sheet: string; row: number; col: number } | null>();
  const cellOf = (formula: string): { sheet: string; row: number; col: number } | null => {
    if (cells.has(formula)) return cells.get(formula)!;
    const m = CELL.exec(names.get(formula) ?? formula);
    let at: { sheet: string; row: number; col: number } | null = m ? { sheet: m[1], row: Number(m[3]) - 1, col: colIdx(m[2]) } : null;
    try {
      if (at && !session.isInput(at.sheet, at.row, at.col)) at = null;
    } catch {
      at = null;
    }
    cells.set(formula, at);
    return at;
  };
  const parts: NarrativeView['parts'] = [];
  const failed: NarrativeView['failed'] = [];
  let numbers = 0;
  for (const def of template.parts) {
    const out: ViewParagraph[] = [];
    const collect = (make: () => NarrativeParagraph[]): void => {
      const seen = new Map<string, InputCell>();
      r.onValue = (v: Value) => {
        if (!v.formula || seen.has(v.formula)) return;
        const at = cellOf(v.formula);
        if (at) seen.set(v.formula, { name: v.formula, label: v.label, ...at });
      };
      const ps = make();
      r.onValue = null;
      const o = template.overrides;
      for (const p of ps) {
        const own = o && r.ctx.overrides().get(p.id);
        if (own && o) seen.set('改写', { name: '改写', label: '改写后的文字', sheet: o.sheet, row: own.row, col: colIdx(o.textCol) });
      }
      ps.forEach((p) => out.push({ ...p, inputs: [...seen.values()] }));
    };
    if (def.sections) {
      for (const s of def.sections) {
        out.push({ id: `${def.id}.${s.id}`, style: 'h1', segments: r.render(s.heading, r.ctx.root).segs, inputs: [] });
        s.paragraphs.forEach((p, i) => {
          const pd: ParagraphDef = typeof p === 'string' ? { text: p } : p;
          const id = `${def.id}.${s.id}.${pd.id ?? i + 1}`;
          // an `each` gives one paragraph per item, each with its own inputs
          if (pd.each) r.ctx.items(pd.each).forEach((item) => collect(() => [r.itemParagraph(pd, id, item)]));
          else collect(() => r.paragraph(pd, id));
        });
      }
    }
    const heading = plain(r.render(def.heading, r.ctx.root).segs);
    if (def.glossary || def.attachment) for (const p of r.part({ ...def, sections: [] }).paragraphs) out.push({ ...p, inputs: [] });
    parts.push({ id: def.id, heading, paragraphs: out });
  }
  for (const part of parts) {
    for (const p of part.paragraphs) {
      for (const s of p.segments) {
        if (s.t !== 'num') continue;
        numbers++;
        if (!s.check.ok) failed.push({ paragraph: p.id, text: s.text, message: s.check.message });
      }
    }
  }
  return {
    title: plain(r.render(template.title, r.ctx.root).segs),
    notes: (template.notes ?? []).map((n) => plain(r.render(n, r.ctx.root).segs)),
    parts,
    failed,
    numbers,
  };
}

/** The view as a document (for export from the editor). */
export function viewDocument(v: NarrativeView): NarrativeDoc {
  return { title: v.title, notes: v.notes, parts: v.parts.map((p) => ({ id: p.id, heading: p.heading, paragraphs: p.paragraphs })) };
}

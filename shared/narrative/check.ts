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
 *
 * The template sentences are the fast path. Every number they do not account for goes to the
 * wording-independent reader (reader.ts), which reads the words around it as people write them; the report
 * then says how many numbers were tied, how many do not follow from the tables, and which ones could not be
 * read at all, with their sentences.
 */
import type { PacketSession } from '../engine.js';
import { NarrativeContext, type Scope } from './facts.js';
import { Renderer } from './generate.js';
import { hasFigures, matchClauses, splitClauses, type Clause, type Hit } from './match.js';
import { parseTemplate } from './template.js';
import { NarrativeReader, type TextFinding } from './reader.js';
import { itemId, normalizeText } from './text.js';
import type { NarrativeTemplate, NumberCheck, ParagraphDef } from './types.js';

export type { NumberCheck } from './types.js';

export { normalizeText } from './text.js';

export type { TextFinding } from './reader.js';

export interface TextCheckReport {
  checks: NumberCheck[];
  /** ok === false: figures that do not follow from the packet, and numbers no sentence accounts for */
  failed: NumberCheck[];
  clauses: { total: number; matched: number };
  /** what the text gets wrong beyond single numbers: shares over 100%, a figure given twice, the unit's name … */
  findings: TextFinding[];
  /** honest coverage: every number (and direction word) is tied, mismatched or not understood */
  coverage: { numbers: number; tied: number; mismatched: number; notUnderstood: number };
  /** the numbers that could not be read, each with its sentence: they were not checked */
  notUnderstood: NumberCheck[];
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

const strip = ({ start: _s, end: _e, slot: _slot, ...c }: Hit): NumberCheck => c;

/** Check a written narrative (plain text; paragraphs and line breaks do not matter) against the packet. */
export interface CheckOptions {
  /** false: skip the template sentences and let the reader read every number (to measure the reader alone) */
  templates?: boolean;
}

export function checkNarrativeText(session: PacketSession, template: NarrativeTemplate, text: string, options: CheckOptions = {}): TextCheckReport {
  const r = new Renderer(new NarrativeContext(session, template));
  const normalized = normalizeText(text);
  const clauses = options.templates === false ? [] : templateClauses(r, CONTENTS.test(text));
  const { hits, matched, used } = matchClauses(r, clauses, normalized);
  const accounted = used.map(([start, end]) => ({ start, end }));
  const judged = hits.filter((h) => h.kind !== 'untied').map((h) => ({ ...h, via: 'template' as const }));
  const inside = (ranges: { start: number; end: number }[], a: number, b: number) => ranges.some((h) => a < h.end && h.start < b);
  type Placed = NumberCheck & { start: number; end: number };
  let read: Placed[] = [];
  let findings: TextFinding[] = [];
  let untied: Hit[] = hits.filter((h) => h.kind === 'untied');
  if (template.reader) {
    const reader = new NarrativeReader(r.ctx, template.reader);
    const res = reader.read(text, (a, b) => inside(accounted, a, b));
    findings = res.findings;
    // the reader's reading replaces "no template sentence"; a template hint stays with a number it cannot read either
    const untiedAt = new Map(untied.map((h) => [h.start, h]));
    read = res.checks.map((c) => {
      const t = untiedAt.get(c.start);
      const hint = t?.message.split('；').slice(1).join('；');
      return c.kind === 'untied' && hint ? { ...c, message: `${c.message}；${hint}` } : c;
    });
    const claimed = new Set([...read.map((c) => c.start), ...res.skipped.map(([start]) => start)]);
    untied = untied.filter((h) => !claimed.has(h.start));
    read.sort((x, y) => x.start - y.start);
  }
  const unplace = ({ start: _s, end: _e, ...c }: Placed): NumberCheck => c;
  const fromReader = read.map(unplace);
  // figures judged in document order of their template sentence, then the reader's, then the numbers nobody could read
  const checks = [...judged.map(strip), ...fromReader.filter((c) => c.kind !== 'untied'), ...fromReader.filter((c) => c.kind === 'untied'), ...untied.map(strip)];
  const notUnderstood = checks.filter((c) => c.kind === 'untied');
  const failed = checks.filter((c) => !c.ok);
  return {
    checks,
    failed,
    clauses: { total: clauses.filter((c) => !c.coverage).length, matched },
    findings,
    coverage: { numbers: checks.length, tied: checks.length - failed.length, mismatched: failed.length - notUnderstood.length, notUnderstood: notUnderstood.length },
    notUnderstood,
  };
}


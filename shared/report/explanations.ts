/**
 * 出错说明: the accountant's written reason for a 提示 that stays (the 决算 report software asks for one on
 * every 提示性审核 that fails before a package can be submitted). An explanation is keyed by the finding's
 * rule and cells and carries a fingerprint of the finding's figures: while the finding reads the same it is
 * 已说明 (and no longer counts against export); when a figure of it changes it is 待复核 until re-confirmed.
 * Errors cannot be explained away. Stored in the packet's hidden sheet 出错说明 (shared/xlsx.ts), so it
 * survives saving, reopening, re-importing and 运算.
 */
import type { Finding, PacketSession } from '../engine.js';
import type { Explanation } from '../model.js';

export type ExplanationState = 'none' | 'ok' | 'stale';

/** Rule plus the sheet and cells it points at: row insertions move cells, and a moved finding is a new one. */
export function findingKey(f: Pick<Finding, 'rule' | 'sheet' | 'cells'>): string {
  return `${f.rule}|${f.sheet}!${f.cells.join(',')}`;
}

function explanationKey(e: Explanation): string {
  return `${e.rule}|${e.sheet}!${e.cells}`;
}

/** FNV-1a over UTF-16 code units, 8 hex digits: short enough to read in the sheet, enough to see a change. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The finding's figures: its message (which the template fills with the compared amounts, names, scores)
 * and the values of the cells it points at. The same finding with the same figures gives the same print;
 * any changed figure (even one the message rounds away) gives another.
 */
export function findingFingerprint(f: Finding, session?: Pick<PacketSession, 'getValue'>): string {
  const parts: string[] = [f.message];
  if (session) {
    for (const ref of f.cells) {
      const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref);
      if (!m) continue;
      let col = 0;
      for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
      let v: unknown;
      try {
        v = session.getValue(f.sheet, Number(m[2]) - 1, col - 1);
      } catch {
        v = undefined;
      }
      parts.push(`${ref}=${v === null || v === undefined ? '' : String(v)}`);
    }
  }
  return fnv(parts.join('\u0001'));
}

/** Can the user explain this finding? A 提示 (a 尾数差 too); never an error. */
export function explainable(f: Finding): boolean {
  return f.severity === 'warning';
}

export interface ExplainedFinding {
  finding: Finding;
  state: ExplanationState;
  explanation?: Explanation;
}

type SessionLike = Pick<PacketSession, 'getValue' | 'findings'> & { packet: { explanations?: Explanation[] } };

/** Each current finding with its explanation and whether that explanation still matches its figures. */
export function explainFindings(session: SessionLike, findings: Finding[] = session.findings()): ExplainedFinding[] {
  const byKey = new Map((session.packet.explanations ?? []).map((e) => [explanationKey(e), e]));
  return findings.map((f) => {
    const e = explainable(f) ? byKey.get(findingKey(f)) : undefined;
    if (!e || !e.text.trim()) return { finding: f, state: 'none' };
    return { finding: f, state: e.fingerprint === findingFingerprint(f, session) ? 'ok' : 'stale', explanation: e };
  });
}

/** Stored explanations whose finding is gone (fixed, or moved by a row insertion): kept, never dropped silently. */
export function orphanExplanations(session: SessionLike, findings: Finding[] = session.findings()): Explanation[] {
  const live = new Set(findings.filter(explainable).map(findingKey));
  return (session.packet.explanations ?? []).filter((e) => !live.has(explanationKey(e)));
}

/**
 * Write (or, with empty text, remove) the 出错说明 of a finding; the fingerprint is taken now, so saving the
 * text confirms it for the figures the user sees. Returns the stored explanation, or undefined when removed.
 * Refuses an error: errors must be corrected, not explained.
 */
export function setExplanation(session: SessionLike & { dirty: boolean }, f: Finding, text: string, at: Date = new Date()): Explanation | undefined {
  if (!explainable(f)) throw new Error('错误不能用出错说明放过，请改正数字。');
  const list = [...(session.packet.explanations ?? [])];
  const key = findingKey(f);
  const i = list.findIndex((e) => explanationKey(e) === key);
  const clean = text.replace(/\r\n?/g, '\n').trim();
  let out: Explanation | undefined;
  if (!clean) {
    if (i >= 0) list.splice(i, 1);
  } else {
    out = { rule: f.rule, sheet: f.sheet, cells: f.cells.join(','), text: clean, fingerprint: findingFingerprint(f, session), message: f.message, at: stamp(at) };
    if (i >= 0) list[i] = out;
    else list.push(out);
  }
  session.packet.explanations = list;
  session.dirty = true;
  return out;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * What stands between the packet and an export: errors (corrected, never explained) and 提示 without a
 * current 出错说明 (a 尾数差 needs none: the published note covers it). A 待复核 说明 counts as missing.
 */
export interface ExportGate {
  errors: Finding[];
  /** 提示 (not 尾数差) with no 出错说明, or with one written for other figures */
  unexplained: Finding[];
  /** of `unexplained`, those whose 说明 is 待复核 */
  stale: Finding[];
  /** 提示 with a current 出错说明 */
  explained: Finding[];
}

export function exportGate(session: SessionLike, findings: Finding[] = session.findings()): ExportGate {
  const gate: ExportGate = { errors: [], unexplained: [], stale: [], explained: [] };
  for (const x of explainFindings(session, findings)) {
    const f = x.finding;
    if (f.severity === 'error') gate.errors.push(f);
    else if (x.state === 'ok') gate.explained.push(f);
    else if (!f.rounding) {
      gate.unexplained.push(f);
      if (x.state === 'stale') gate.stale.push(f);
    }
  }
  return gate;
}

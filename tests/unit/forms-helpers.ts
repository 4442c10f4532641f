/** Packets with forms for the forms tests: the real reference packet, or small packets built in the test. */
import { readFileSync } from 'node:fs';
import { parseA1 } from '../../shared/a1.js';
import { PacketSession, type Finding } from '../../shared/engine.js';
import { installForms, type FormData } from '../../shared/forms.js';
import type { CellValue, Packet } from '../../shared/model.js';
import { readPacket } from '../../shared/xlsx.js';

export const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
export const FORM_TEMPLATE = 'templates/jiangxi-2024/form.xlsx';

export interface PublishedForm extends FormData {
  index: number;
  totalWeight: number;
  totalScore: number;
}

let published: PublishedForm[] | undefined;
export function publishedForms(): PublishedForm[] {
  published ??= JSON.parse(readFileSync('templates/jiangxi-2024/source/reference-forms.json', 'utf8')) as PublishedForm[];
  return published;
}

const bytes = new Map<string, Uint8Array>();
export async function readFile(path: string): Promise<Packet> {
  if (!bytes.has(path)) bytes.set(path, new Uint8Array(readFileSync(path)));
  return readPacket(bytes.get(path)!);
}

/** A packet with no tables: the given published forms (by 1-based index), the profiles and the summary. */
export function smallPacket(indexes: number[], profile = 'stepped'): { packet: Packet; sheets: string[] } {
  const packet: Packet = { sheets: [], styles: [], checks: [], names: [], meta: { 评分规则: profile } };
  const sheets = installForms(packet, indexes.map((i) => structuredClone(publishedForms()[i - 1])), { profile });
  return { packet, sheets };
}

export function smallSession(indexes: number[], profile = 'stepped'): { session: PacketSession; sheets: string[] } {
  const { packet, sheets } = smallPacket(indexes, profile);
  return { session: new PacketSession(packet), sheets };
}

export function at(address: string): { row: number; col: number } {
  const p = parseA1(address);
  if (!p) throw new Error(`bad address ${address}`);
  return p;
}

export function set(session: PacketSession, sheet: string, address: string, value: CellValue) {
  const r = session.apply([{ sheet, ...at(address), value }]);
  if (r.rejected.length) throw new Error(`rejected: ${r.rejected.map((x) => x.reason).join('; ')}`);
  return r;
}

export function get(session: PacketSession, sheet: string, address: string): CellValue {
  const p = at(address);
  return session.getValue(sheet, p.row, p.col);
}

/** Findings on one sheet whose rule ends with `suffix` (rules are "<sheet>:<check>…"). */
export function findingsOf(session: PacketSession, sheet: string, suffix?: string): Finding[] {
  return session.findings().filter((f) => f.sheet === sheet && (suffix === undefined || f.rule.endsWith(suffix)));
}

export function ruleOf(sheet: string, key: string): string {
  return `${sheet}:${key}`;
}

export function finding(session: PacketSession, rule: string): Finding | undefined {
  return session.findings().find((f) => f.rule === rule);
}

/** No message anywhere shows NaN, an Excel error or "undefined". */
export function cleanMessages(findings: Finding[]): string[] {
  return findings.map((f) => f.message).filter((m) => /NaN|undefined|#[A-Z/0!?]+|Infinity/.test(m));
}

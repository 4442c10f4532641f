/** Loading the shipped packets for tests: real files, real engine. */
import { readFileSync } from 'node:fs';
import { PacketSession } from '../../shared/engine.js';
import { parseA1 } from '../../shared/a1.js';
import type { Packet } from '../../shared/model.js';
import { readPacket } from '../../shared/xlsx.js';
import { loadVocabulary, type Vocabulary } from '../../shared/import/index.js';

/** The jiangxi-2024 set's import vocabulary, read from the file the set ships. */
export const VOCABULARY: Vocabulary = loadVocabulary(
  JSON.parse(readFileSync('templates/jiangxi-2024/import/vocabulary.json', 'utf8')) as unknown,
  'templates/jiangxi-2024/import/vocabulary.json',
);

export const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
export const EMPTY_TABLES = 'templates/jiangxi-2024/tables.xlsx';

const cache = new Map<string, Uint8Array>();
export function bytesOf(path: string): Uint8Array {
  if (!cache.has(path)) cache.set(path, new Uint8Array(readFileSync(path)));
  return cache.get(path)!;
}

export async function loadPacket(path = REFERENCE): Promise<Packet> {
  return readPacket(bytesOf(path));
}

export async function openSession(path = REFERENCE): Promise<PacketSession> {
  return new PacketSession(await loadPacket(path));
}

/** Edit a cell by its A1 address, the way a test reads best. */
export function set(session: PacketSession, sheet: string, address: string, value: number | string | null) {
  const p = parseA1(address);
  if (!p) throw new Error(`bad address ${address}`);
  return session.apply([{ sheet, row: p.row, col: p.col, value }]);
}

/**
 * A detail changed while every 运算 total stays as it was: the totals are written with their own figures in the
 * same edit, so they are the user's (as a published or imported total is) and do not follow. Plants a mismatch
 * between a total and its lines, which typing a detail alone no longer does.
 */
export function setDetailOnly(session: PacketSession, sheet: string, address: string, value: number | string | null) {
  const p = parseA1(address);
  if (!p) throw new Error(`bad address ${address}`);
  const totals = session.packet.sheets.flatMap((s) => session.derivedCells(s.name))
    .filter((d) => !(d.sheet === sheet && d.row === p.row && d.col === p.col))
    .map((d) => ({ sheet: d.sheet, row: d.row, col: d.col, value: d.value }));
  return session.apply([{ sheet, row: p.row, col: p.col, value }, ...totals]);
}

export function valueAt(session: PacketSession, sheet: string, address: string) {
  const p = parseA1(address)!;
  return session.getValue(sheet, p.row, p.col);
}

/** Row index (0-based) of the row whose column A holds `code`. */
export function rowOfCode(session: PacketSession, sheet: string, code: string, col = 0): number {
  const s = session.sheet(sheet);
  const r = s.cells.findIndex((row) => String(row[col]?.v ?? '') === code);
  if (r < 0) throw new Error(`${code} not in ${sheet}`);
  return r;
}

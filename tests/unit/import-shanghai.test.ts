/**
 * Import into the nine-table set (issue 16): the nine tables of the shanghai-putuo-2025 reference packet as a
 * workbook of their own — Shanghai's table names and order, its twelve-column 三公 table, 国有资本 laid out like 政府性基金 — is
 * imported into that set's empty tables.xlsx with the set's own vocabulary. Every sheet lands on the table of
 * the same role and every figure comes back with the reference's findings. Shanghai's 三公 table is one
 * unlabelled line of twelve figures: it is placed by its column headers alone, and a second such line is refused
 * cell by cell rather than written over the first.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { importWorkbook, loadVocabulary } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { figureDiffs, findingLines } from '../fixtures/import/compare.js';
import { sheetOfRole } from '../../shared/roles.js';
import { valueAt } from '../helpers/packets.js';

const DIR = 'templates/shanghai-putuo-2025';
const bytes = (p: string) => new Uint8Array(readFileSync(p));
const VOCABULARY = loadVocabulary(JSON.parse(readFileSync(`${DIR}/import/vocabulary.json`, 'utf8')) as unknown, `${DIR}/import/vocabulary.json`);

let ref: Packet;
let tables: string[];
let source: Uint8Array;

beforeAll(async () => {
  ref = await readPacket(bytes(`${DIR}/reference-packet.xlsx`));
  tables = ref.sheets.filter((s) => s.kind === 'table').map((s) => s.name);
  source = await writePacket(ref, { onlySheets: tables, includeChecks: false });
}, 120_000);

describe('a Shanghai-laid-out workbook into the Shanghai set', () => {
  it('places every sheet on its own table and every figure, with the reference\'s table findings', async () => {
    expect(tables).toHaveLength(9);
    const session = new PacketSession(await readPacket(bytes(`${DIR}/tables.xlsx`)));
    const r = await importWorkbook(source, session, { vocabulary: VOCABULARY, file: '宜川路街道2025.xlsx' });
    const got = session;
    try {
      const placed = Object.fromEntries(r.report.sheets.filter((x) => x.table).map((x) => [x.sheet, x.table]));
      expect(placed).toMatchObject(Object.fromEntries(tables.map((t) => [t, t])));
      // the 注 lines under each table are 表尾 (the set's vocabulary), not data left behind
      expect(r.report.sheets.flatMap((x) => x.notPlaced)).toEqual([]);
      expect(figureDiffs(ref, got, tables)).toEqual([]);
      const sangong = sheetOfRole(ref, '三公表')!;
      // the one line of 三公 figures: 合计 预算数/决算数 and 公务接待费 决算数 where the reference has them
      expect([valueAt(got, sangong, 'A8'), valueAt(got, sangong, 'B8'), valueAt(got, sangong, 'L8')]).toEqual([31.47, 19.86, 0.3]);
      const onTables = (s: PacketSession) => findingLines(s, (sheet) => !tables.includes(sheet));
      const refSession = new PacketSession(ref);
      try {
        const mine = onTables(got);
        expect(mine).toEqual(onTables(refSession));
        // the reference's 尾数差 提示 on these tables come back too: the comparison is not of two empty lists
        expect(mine.length).toBeGreaterThan(0);
      } finally {
        refSession.destroy();
      }
      expect(got.findings().filter((f) => f.severity === 'error' && tables.includes(f.sheet))).toEqual([]);
    } finally {
      got.destroy();
    }
  }, 300_000);

  it('refuses a second unlabelled line of 三公 figures instead of writing it over the first', async () => {
    const sangong = sheetOfRole(ref, '三公表')!;
    const two = structuredClone(ref);
    const s = two.sheets.find((x) => x.name === sangong)!;
    // another office's copy: a second line of figures under the first (a 上年数 line, say), no name on either
    s.cells.splice(8, 0, s.cells[7].map((c) => (c && typeof c.v === 'number' ? { ...c, v: c.v + 1 } : c)));
    const src = await writePacket(two, { onlySheets: [sangong], includeChecks: false });
    const session = new PacketSession(await readPacket(bytes(`${DIR}/tables.xlsx`)));
    const r = await importWorkbook(src, session, { vocabulary: VOCABULARY, file: '两行三公.xlsx' });
    const got = session;
    try {
      const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced);
      expect(notPlaced.map((x) => x.cell)).toEqual(['A', 'B', 'E', 'F', 'I', 'J', 'K', 'L'].map((c) => `${sangong}!${c}9`));
      expect(notPlaced.every((x) => x.reason.includes('本表只有一行数'))).toBe(true);
      expect([valueAt(got, sangong, 'A8'), valueAt(got, sangong, 'K8')]).toEqual([31.47, 0.8]);
    } finally {
      got.destroy();
    }
  }, 300_000);
});

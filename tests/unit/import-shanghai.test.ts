/**
 * Import into the nine-table set (issue 16): the nine tables of the shanghai-putuo-2025 reference packet as a
 * workbook of their own — Shanghai's table names and order, its twelve-column 三公 table, 国有资本 laid out like 政府性基金 — is
 * imported into that set's empty tables.xlsx with the set's own vocabulary. Every sheet lands on the table of
 * the same role and every figure of the eight tables other than 三公 comes back with the reference's findings.
 * Known gap (not hidden): Shanghai's 三公 table is one unlabelled line of twelve figures, and the importer places
 * rows by 科目编码 or 项目名称, so that line is reported 未放入 cell by cell instead of being placed.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { importWorkbook, loadVocabulary } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { figureDiffs, findingLines } from '../fixtures/import/compare.js';
import { sheetOfRole } from '../../shared/roles.js';

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
    const got = r.session ?? session;
    try {
      const placed = Object.fromEntries(r.report.sheets.filter((x) => x.table).map((x) => [x.sheet, x.table]));
      expect(placed).toMatchObject(Object.fromEntries(tables.map((t) => [t, t])));
      const sangong = sheetOfRole(ref, '三公表')!;
      const rest = tables.filter((t) => t !== sangong);
      // the 注 lines under each table are 表尾 (the set's vocabulary), not data left behind
      const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced);
      expect(notPlaced.map((x) => x.cell.split('!')[0]).filter((t) => t !== sangong)).toEqual([]);
      expect(notPlaced.every((x) => x.amount && x.reason.includes('没有科目编码或项目名称'))).toBe(true);
      expect(figureDiffs(ref, got, rest)).toEqual([]);
      const onTables = (s: PacketSession) => findingLines(s, (sheet) => !rest.includes(sheet));
      const refSession = new PacketSession(ref);
      try {
        const mine = onTables(got).filter((l) => !l.includes(sangong));
        expect(mine).toEqual(onTables(refSession).filter((l) => !l.includes(sangong)));
        // the reference's 尾数差 提示 on these tables come back too: the comparison is not of two empty lists
        expect(mine.length).toBeGreaterThan(0);
      } finally {
        refSession.destroy();
      }
      expect(got.findings().filter((f) => f.severity === 'error' && rest.includes(f.sheet))).toEqual([]);
    } finally {
      got.destroy();
    }
  }, 300_000);
});

/**
 * The 科目 catalog and 新年度 (issue 16): what they add to opening a packet, what an edit that re-expands the
 * catalog check costs, and 新年度 from the reference packet end to end. Writes tests/bench/results/catalog.json.
 *   CATALOG_RUNS=5 (default)
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { expandCatalog } from '../../shared/catalog/checks.js';
import { readCatalogSheet } from '../../shared/catalog/catalog.js';
import { PacketSession } from '../../shared/engine.js';
import { loadVocabulary } from '../../shared/import/index.js';
import { newYear } from '../../shared/newyear/index.js';
import { readPacket } from '../../shared/xlsx.js';
import { timeRuns, writeResults } from './stats.js';

const REF = 'templates/jiangxi-2024/reference-packet.xlsx';

export async function run(): Promise<void> {
  const runs = Number(process.env.CATALOG_RUNS ?? 5);
  const bytes = new Uint8Array(readFileSync(REF));
  const packet = await readPacket(bytes);
  const decl = packet.checks.find((c) => c.kind === '科目')!;
  const sheet = packet.sheets.find((s) => s.name === '科目表')!;
  const read = await timeRuns(runs, () => readCatalogSheet(sheet));
  const expand = await timeRuns(runs, () => expandCatalog(packet, decl));
  // a name edit in 公开03表 re-expands the catalog check (and the other declarations over that table)
  const session = new PacketSession(await readPacket(bytes));
  const r = session.sheet('公开03表').cells.findIndex((row) => String(row[0]?.v ?? '') === '2130706');
  let flip = false;
  const edit = await timeRuns(runs, () => {
    flip = !flip;
    return session.apply([{ sheet: '公开03表', row: r, col: 1, value: flip ? '对村民委员会和村党支部的补助' : '对村集体经济组织的补助' }]);
  });
  session.destroy();
  const template = await readPacket(new Uint8Array(readFileSync('templates/jiangxi-2024/tables.xlsx')));
  const vocabulary = loadVocabulary(JSON.parse(readFileSync('templates/jiangxi-2024/import/vocabulary.json', 'utf8')) as unknown);
  const ny = await timeRuns(Math.min(runs, 3), async () => {
    const res = await newYear(bytes, await readPacket(bytes), { file: 'reference-packet.xlsx', template, vocabulary });
    res.session.destroy();
    return res.prior.priorYear?.filled.length ?? 0;
  });
  writeResults('catalog', {
    catalogRows: readCatalogSheet(sheet).subjects.length,
    readCatalogSheetMs: read.median,
    expandCatalogCheckOnReferenceMs: expand.median,
    catalogChecksOnReference: expandCatalog(packet, decl).length,
    nameEditWithReexpansionMs: edit.median,
    newYearFromReferenceMs: ny.median,
    newYearRuns: ny.runs,
    priorItemsFilled: ny.last,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();

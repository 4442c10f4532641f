/**
 * Forms imported into the open packet (issue 20): 3 new 自评表 into the open reference session (72 forms), and
 * all 72 reference forms into the tables imported from the other region's layout. The time of applyImport
 * (the plan is made once, outside the timing), median of 3; then the undo of that import (one step).
 * Never fails on timing. Run: npx tsx tests/bench/import-forms-bench.ts
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { PacketSession } from '../../shared/engine.js';
import { applyImport, importWorkbook, planImport } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { readPacket } from '../../shared/xlsx.js';
import { formsBook, otherRegion, toBytes } from '../fixtures/import/build.js';
import { VOCABULARY } from '../helpers/packets.js';
import { writeResults } from './stats.js';

const EMPTY = 'templates/jiangxi-2024/tables.xlsx';
const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
const RUNS = 3;

const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[xs.length >> 1]);

async function measure(open: () => Promise<PacketSession>, source: Uint8Array): Promise<{ apply: number[]; undo: number[]; forms: number }> {
  const apply: number[] = [];
  const undo: number[] = [];
  let forms = 0;
  for (let i = 0; i < RUNS; i++) {
    const session = await open();
    const plan = await planImport(source, session, { vocabulary: VOCABULARY, file: 'forms.xlsx' });
    const t0 = performance.now();
    const r = await applyImport(session, plan);
    apply.push(performance.now() - t0);
    // before issue 20 the import handed back a new session; now it went into the open one
    const live = (r as { session?: PacketSession }).session ?? session;
    forms = live.packet.sheets.filter((s) => s.kind === 'form').length;
    const t1 = performance.now();
    live.undo();
    undo.push(performance.now() - t1);
    live.destroy();
    if (live !== session) session.destroy();
  }
  return { apply, undo, forms };
}

export async function run(): Promise<void> {
  const ref: Packet = await readPacket(new Uint8Array(readFileSync(REFERENCE)));
  const emptyBytes = new Uint8Array(readFileSync(EMPTY));
  const picked = ref.sheets.filter((s) => s.kind === 'form').slice(0, 3).map((s) => s.name);
  const three = await formsBook(ref, (n) => picked.includes(n), (p) => {
    picked.forEach((name, i) => {
      const c = p.sheets.find((x) => x.name === name)!.cells[2][1];
      if (c) c.v = `2025年新增项目${i + 1}`;
    });
  });
  const all = await formsBook(ref);
  const tables = await toBytes(otherRegion(ref));
  const a = await measure(async () => new PacketSession(await readPacket(new Uint8Array(readFileSync(REFERENCE)))), three);
  const b = await measure(async () => {
    const s = new PacketSession(await readPacket(emptyBytes));
    const r = await importWorkbook(tables, s, { vocabulary: VOCABULARY, file: 'tables.xlsx' });
    return (r as { session?: PacketSession }).session ?? s;
  }, all);
  writeResults('import-forms', {
    'load average at end (2 cores shared with other jobs)': loadavg().map((x) => Math.round(x * 10) / 10),
    '3 new forms into the open reference session: applyImport (ms, median of 3)': median(a.apply),
    '3 new forms: runs (ms)': a.apply.map(Math.round),
    '3 new forms: undo the import (ms, median)': median(a.undo),
    '3 new forms: forms after': a.forms,
    '72 forms into the imported tables: applyImport (ms, median of 3)': median(b.apply),
    '72 forms: runs (ms)': b.apply.map(Math.round),
    '72 forms: undo the import (ms, median)': median(b.undo),
    '72 forms: forms after': b.forms,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();

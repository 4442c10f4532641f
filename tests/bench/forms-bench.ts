/**
 * Forms benchmark: the reference packet as shipped (72 forms) and with its forms multiplied to 1,000.
 * Open (read the .xlsx + build the engine + the full check) and one edit, medians of repeated runs.
 * Figures go to tests/bench/results/forms.json; timing never fails anything.
 *   npx tsx tests/bench/forms-bench.ts [runs]
 */
import { readFileSync } from 'node:fs';
import { PacketSession } from '../../shared/engine.js';
import { formSheets, installForms, type FormData } from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { median, round, writeResults } from './stats.js';

const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
const FORMS = 'templates/jiangxi-2024/source/reference-forms.json';

async function openAndCheck(bytes: Uint8Array): Promise<{ session: PacketSession; read: number; build: number; findings: number }> {
  const t0 = performance.now();
  const packet = await readPacket(bytes);
  const t1 = performance.now();
  const session = new PacketSession(packet);
  const findings = session.findings().length;
  return { session, read: t1 - t0, build: performance.now() - t1, findings };
}

/** The reference packet with its 72 forms repeated until there are `n`. */
async function multiplied(n: number): Promise<Packet> {
  const packet = await readPacket(new Uint8Array(readFileSync(REFERENCE)));
  const published = JSON.parse(readFileSync(FORMS, 'utf8')) as FormData[];
  const more = Array.from({ length: n - formSheets(packet).length }, (_x, i) => structuredClone(published[i % published.length]));
  installForms(packet, more);
  return packet;
}

/** Median time of one cell edit (a 得分, which moves the 总分, the grade, the summary and their checks). */
function editTimes(session: PacketSession, count: number): { edit: number; targetEdit: number; profileSwitch: number } {
  const forms = formSheets(session.packet);
  const times: number[] = [];
  const targetTimes: number[] = [];
  for (let i = 0; i < count; i++) {
    const sheet = forms[(i * 37) % forms.length].name;
    // H13 is the first 三级指标's 得分 in every published form
    const v = session.getValue(sheet, 12, 7);
    let t = performance.now();
    session.apply([{ sheet, row: 12, col: 7, value: typeof v === 'number' ? v - 1 : 1 }]);
    times.push(performance.now() - t);
    // the 年度指标值 column re-expands the form's 指标 declaration
    t = performance.now();
    session.apply([{ sheet, row: 12, col: 4, value: i % 2 ? '≥90%' : '≥95%' }]);
    targetTimes.push(performance.now() - t);
  }
  const t = performance.now();
  session.apply([{ sheet: '自评评分规则', row: 1, col: 1, value: 'national' }]);
  const profileSwitch = performance.now() - t;
  return { edit: round(median(times)), targetEdit: round(median(targetTimes)), profileSwitch: round(profileSwitch) };
}

export async function run(runs = Number(process.argv[2]) || 5): Promise<void> {
  const figures: Record<string, unknown> = {};

  const refBytes = new Uint8Array(readFileSync(REFERENCE));
  (await openAndCheck(refBytes)).session.destroy(); // warm-up (JIT)
  const refRuns = [];
  for (let i = 0; i < runs; i++) {
    refRuns.push(await openAndCheck(refBytes));
    if (i < runs - 1) refRuns[i].session.destroy();
  }
  const ref = refRuns[refRuns.length - 1];
  figures['reference (72 forms): read .xlsx'] = round(median(refRuns.map((r) => r.read)));
  figures['reference (72 forms): build engine + full check'] = round(median(refRuns.map((r) => r.build)));
  figures['reference (72 forms): open + full check'] = round(median(refRuns.map((r) => r.read + r.build)));
  figures['reference (72 forms): runs (open + check)'] = refRuns.map((r) => round(r.read + r.build));
  figures['reference (72 forms): findings'] = ref.findings;
  figures['reference (72 forms): one 得分 edit (median of 21)'] = editTimes(ref.session, 21).edit;
  ref.session.destroy();

  const big = await multiplied(1000);
  const t = performance.now();
  const bigBytes = await writePacket(big);
  figures['1,000 forms: write .xlsx'] = round(performance.now() - t);
  figures['1,000 forms: file size (MB)'] = round(bigBytes.length / 1048576);
  figures['1,000 forms: sheets'] = big.sheets.length;
  figures['1,000 forms: 审核 rows'] = big.checks.length;

  const bigRuns = [];
  for (let i = 0; i < runs; i++) {
    const r = await openAndCheck(bigBytes);
    bigRuns.push(r);
    if (i < runs - 1) r.session.destroy();
  }
  const last = bigRuns[bigRuns.length - 1];
  figures['1,000 forms: read .xlsx'] = round(median(bigRuns.map((r) => r.read)));
  figures['1,000 forms: build engine + full check'] = round(median(bigRuns.map((r) => r.build)));
  figures['1,000 forms: open + full check'] = round(median(bigRuns.map((r) => r.read + r.build)));
  figures['1,000 forms: runs (open + check)'] = bigRuns.map((r) => round(r.read + r.build));
  figures['1,000 forms: open + full check ÷ 5,000 ms target (target ≤ 1)'] = round(median(bigRuns.map((r) => r.read + r.build)) / 5000);
  figures['1,000 forms: concrete checks'] = last.session.checks().length;
  figures['1,000 forms: findings'] = last.findings;
  const edits = editTimes(last.session, 21);
  figures['1,000 forms: one 得分 edit (median of 21)'] = edits.edit;
  figures['1,000 forms: one 年度指标值 edit, re-expanding that form (median of 21)'] = edits.targetEdit;
  figures['1,000 forms: switch the scoring profile (1,000 scores recomputed)'] = edits.profileSwitch;
  figures.runs = runs;
  writeResults('forms', figures);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

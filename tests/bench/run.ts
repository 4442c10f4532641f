/**
 * `npm run bench`: every benchmark under tests/bench that exports run(); figures go to tests/bench/results/.
 * Then the editor benchmark in Chromium (tests/e2e/editor-bench.test.ts; BENCH_EDITOR=0 skips it), and
 * tests/bench/results/targets.json: issue 17's ratios beside their floors, all from this one run.
 *   BENCH_ONLY=core,forms,import BENCH_EDITOR=0 npm run bench   — the core targets alone
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const started = new Date().toISOString();
// BENCH_ONLY=core,forms,import: those benchmarks only (the targets below still come from this one run)
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const files = readdirSync('tests/bench').filter((f) => f.endsWith('-bench.ts') && (!only || only.includes(f.replace(/-bench\.ts$/, '')))).sort();
for (const f of files) {
  const mod = (await import(`./${f}`)) as { run?: () => Promise<void> };
  if (typeof mod.run === 'function') await mod.run();
}
if (process.env.BENCH_EDITOR !== '0') {
  const r = spawnSync(process.execPath, ['scripts/run-e2e.mjs', 'tests/e2e/editor-bench.test.ts'], { stdio: 'inherit' });
  if (r.status !== 0) console.error('editor benchmark failed (its figures are not in targets.json)');
}

/** A figure of results/<name>.json, only when that file was written by this run. */
function figure(name: string, key: string): number | undefined {
  const path = `tests/bench/results/${name}.json`;
  if (!existsSync(path)) return undefined;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { at?: string; date?: string; figures?: Record<string, unknown> } & Record<string, unknown>;
  if ((doc.at ?? doc.date ?? '') < started) return undefined;
  let v: unknown = doc.figures ?? doc;
  for (const k of key.split('/')) v = (v as Record<string, unknown> | undefined)?.[k];
  return typeof v === 'number' ? v : undefined;
}

const ratio = (a?: number, b?: number) => (a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : null);
const open = figure('core', 'open + full check (read + engine build + first findings)');
const floor = figure('core', 'floor: ExcelJS read alone + bare HyperFormula build');
const forms = figure('forms', '1,000 forms: open + full check');
const panel = figure('editor', 'editor/keystrokeToPanel_ms/median');
const bareGrid = figure('editor', 'bareHandsontableHyperFormula/keystrokeToDom_ms/median');
const imp = figure('import', 'import 5,000-row sheet, total (open + plan + apply)');
const targets = {
  at: new Date().toISOString(),
  started,
  'reference packet: open + full check (ms)': { value: open ?? null, floor: floor ?? null, ratio: ratio(open, floor), target: '≤ 1.5 × floor' },
  '1,000 forms: open + full check (ms)': { value: forms ?? null, target: '≤ 5000 ms', ratio: ratio(forms, 5000) },
  'keystroke → checks panel (ms, median)': { value: panel ?? null, floor: bareGrid ?? null, ratio: ratio(panel, bareGrid), target: '≤ 1.3 × the bare grid edit' },
  'import 5,000-row sheet, total (ms)': { value: imp ?? null, target: '≤ 1500 ms', ratio: ratio(imp, 1500) },
};
writeFileSync('tests/bench/results/targets.json', JSON.stringify(targets, null, 1) + '\n');
console.log('\n== targets (issue 17) → tests/bench/results/targets.json');
for (const [k, v] of Object.entries(targets)) if (typeof v === 'object') console.log(`  ${k.padEnd(44)} ${JSON.stringify(v)}`);

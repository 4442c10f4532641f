/**
 * 批量审核 and 汇总 at scale: 300 generated packets (every 5th with a planted defect, every 25th unreadable)
 * through the real command `juesuan check <folder> --summary` (worker threads, one per core), and the
 * three-unit merge of the split reference. Writes tests/bench/results/batch.json.
 *   BATCH_COUNT=300 (default) · BATCH_JOBS (default: the command's own choice, one per core)
 * Timing never fails; the bench does check that every planted error is listed at its unit. bin/juesuan is the
 * bundled CLI (dist-cli/): one worker thread per core reads and checks packet after packet.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergePackets } from '../../shared/merge/merge.js';
import type { UnitReview } from '../../shared/merge/review.js';
import { writePacket } from '../../shared/xlsx.js';
import { batchPackets, splitReference } from '../helpers/merge-fixtures.js';
import { median, percentile, round, timeRuns, writeResults } from './stats.js';

export async function run(): Promise<void> {
  const count = Number(process.env.BATCH_COUNT ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'batch-bench-'));
  try {
    const g0 = performance.now();
    const fx = await batchPackets(count);
    for (const f of fx.files) {
      mkdirSync(dirname(join(dir, 'in', f.path)), { recursive: true });
      writeFileSync(join(dir, 'in', f.path), f.bytes);
    }
    const generateMs = performance.now() - g0;
    const bytes = fx.files.reduce((a, f) => a + f.bytes.length, 0);

    const args = ['check', join(dir, 'in'), '--summary', join(dir, '审核汇总.xlsx'), '--json', ...(process.env.BATCH_JOBS ? ['--jobs', process.env.BATCH_JOBS] : [])];
    const t0 = performance.now();
    const r = spawnSync('bin/juesuan', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 30 * 60_000 });
    const wallMs = performance.now() - t0;
    if (r.status !== 1) throw new Error(`juesuan check exited ${r.status}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { stats: { ms: number; jobs: number; peakRssMb: number; cpuMs?: number }; units: UnitReview[]; unreadable: { file: string }[] };
    const byFile = new Map(out.units.map((u) => [u.file, u]));
    const found = fx.planted.filter((p) => {
      const u = byFile.get(p.file);
      if (!u) return false;
      if (p.kind === 'rounding') return u.errors === 0;
      return u.findings.some((f) => f.severity === 'error' && f.sheet === p.sheet && f.difference !== null && Math.abs(f.difference - Math.abs(p.delta)) < 0.02);
    }).length;
    const falseErrors = fx.clean.filter((f) => (byFile.get(f)?.errors ?? 1) > 0).length;
    const perPacket = out.units.map((u) => u.ms);

    // the 汇总 of the split reference (three units)
    const { units, rules } = await splitReference();
    const unitBytes = await Promise.all(units.map((u) => writePacket(u)));
    const merge = await timeRuns(2, () => mergePackets(unitBytes.map((b, i) => ({ label: `u${i}.xlsx`, bytes: b })), rules));

    // a smaller sample (BATCH_COUNT) is recorded beside the 300-packet figures, never over them
    writeResults(count === 300 ? 'batch' : `batch-${count}`, {
      packets: count,
      readable: out.units.length,
      unreadable: out.unreadable.length,
      plantedDefects: fx.planted.length,
      plantedDefectsListedAtTheirUnit: found,
      cleanPacketsWithAnError: falseErrors,
      jobs: out.stats.jobs,
      inputMB: round(bytes / 1048576),
      generateFixturesMs: round(generateMs),
      batchWallMs: round(wallMs),
      batchInsideCommandMs: round(out.stats.ms),
      perPacketCheckMsMedian: round(median(perPacket)),
      perPacketCheckMsP90: round(percentile(perPacket, 90)),
      throughputPacketsPerMinute: round((count / wallMs) * 60_000),
      peakRssMB: out.stats.peakRssMb,
      // CPU time does not depend on what else the machine runs: the wall time an idle machine would need
      cpuSecondsTotal: out.stats.cpuMs === undefined ? null : round(out.stats.cpuMs / 1000),
      cpuSecondsPerPacket: out.stats.cpuMs === undefined ? null : round(out.stats.cpuMs / 1000 / count),
      projectedIdleWallSeconds: out.stats.cpuMs === undefined ? null : round(out.stats.cpuMs / 1000 / out.stats.jobs),
      merge3UnitsMsMedian: merge.median,
      loadAverageAtEnd: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();

/**
 * Start-up of bin/juesuan (issue 17): the bundled CLI (dist-cli/, scripts/build-cli.mjs) against the same
 * code run from the TypeScript sources through tsx (what bin/juesuan did before), as real processes started
 * from another directory. Writes tests/bench/results/cli.json. Timing never fails.
 *   CLI_RUNS (default 9) runs of the start-up commands, CLI_CHECK_RUNS (default 3) of `check`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli } from '../../scripts/build-cli.mjs';
import { median, round, writeResults } from './stats.js';

const ROOT = resolve('.');
const REFERENCE = join(ROOT, 'templates/jiangxi-2024/reference-packet.xlsx');

function timed(cmd: string, args: string[], cwd: string, expectCode: number): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1048576 });
  const ms = performance.now() - t0;
  if (r.status !== expectCode) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, s] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms, cpuMs: (u + s) * 1000 };
}

function series(n: number, f: () => { ms: number; cpuMs: number }) {
  const xs = Array.from({ length: n }, f);
  return { wallMsMedian: round(median(xs.map((x) => x.ms))), cpuMsMedian: round(median(xs.map((x) => x.cpuMs))), wallMsMin: round(Math.min(...xs.map((x) => x.ms))) };
}

export async function run(): Promise<void> {
  const runs = Number(process.env.CLI_RUNS ?? 9);
  const checkRuns = Number(process.env.CLI_CHECK_RUNS ?? 3);
  const buildMs = await buildCli({ quiet: true });
  const away = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  const bin = join(ROOT, 'bin', 'juesuan');
  const tsx = (args: string[]): [string, string[]] => [process.execPath, ['--no-warnings', '--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args]];
  try {
    const bare = series(runs, () => timed(process.execPath, ['-e', '0'], away, 0));
    const version = series(runs, () => timed(bin, ['--version'], away, 0));
    const help = series(runs, () => timed(bin, ['--help'], away, 0));
    // tsx resolves from the cwd's node_modules: run it from the repository, as the old bin/juesuan did
    const versionTsx = series(runs, () => timed(...tsx(['--version']), ROOT, 0));
    const check = series(checkRuns, () => timed(bin, ['check', REFERENCE], away, 0));
    const checkTsx = series(checkRuns, () => timed(...tsx(['check', REFERENCE]), ROOT, 0));
    writeResults('cli', {
      buildCliMs: round(buildMs),
      nodeBareStartMs: bare,
      versionBundled: version,
      helpBundled: help,
      versionViaTsx: versionTsx,
      versionTargetMs: 300,
      versionOverBareNodeMs: round(version.wallMsMedian - bare.wallMsMedian),
      checkReferenceBundled: check,
      checkReferenceViaTsx: checkTsx,
      checkCpuSavedByBundleMs: round(checkTsx.cpuMsMedian - check.cpuMsMedian),
      loadAverageAtEnd: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    });
  } finally {
    rmSync(away, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();

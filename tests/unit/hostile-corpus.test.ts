/**
 * The hostile corpus (tests/fixtures/hostile/corpus.ts, generated here from a fixed seed): every file is
 * either refused with a Chinese PacketError or opens cleanly, within a per-file time limit; and
 * `bin/juesuan check` on every file, each in its own process with a capped heap, exits 0, 1 or 2 and never
 * dies by a signal (a hang is killed by the time limit and counts as a failure; unbounded memory aborts
 * the process and counts as one too).
 *
 * The command-line sweep runs the bundled CLI (dist-cli/, built by `pretest` or by bin/juesuan itself):
 * about 0.15 s of CPU to start a process, the rest is the file's own reading and checking, spread over one
 * process per core. In CI (CI=true) or with JUESUAN_HOSTILE_CLI=full it sweeps every file and
 * writes its wall time, per-file times and peak memory to tests/bench/results/hostile.json; otherwise it
 * sweeps a fast sample: every file of the issue-18 classes and the first two of every other category
 * (in-process, every crafted file and a quarter of the mutations). JUESUAN_JOBS sets the number of
 * processes; JUESUAN_HOSTILE_OUT=<dir> keeps the corpus.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { PacketError } from '../../shared/errors.js';
import { readPacket } from '../../shared/xlsx.js';
import { withTimeLimit } from '../../shared/safety/index.js';
import { buildCorpus, type HostileFile } from '../fixtures/hostile/corpus.js';
import { bytesOf, REFERENCE } from '../helpers/packets.js';

/** per file, in-process: generous for a loaded CI machine; a real hang never finishes at all */
const FILE_LIMIT_MS = 30_000;
/** per file, bin/juesuan check in its own process */
const CLI_LIMIT_MS = 90_000;
/** a process that needs more than this heap has an unbounded allocation somewhere */
const CLI_HEAP_MB = 1024;
/** peak resident memory of one bin/juesuan check (main thread + worker) */
const CLI_RSS_MB = 1024;
const FULL = process.env.CI === 'true' || process.env.JUESUAN_HOSTILE_CLI === 'full';
/** the classes of issue 18: always swept whole */
const NEW_CLASSES = ['untrusted-formulas', 'merges', 'text', 'comments'];

function inSample(f: HostileFile, i: number, all: HostileFile[]): boolean {
  if (FULL || NEW_CLASSES.includes(f.category)) return true;
  return all.findIndex((g) => g.category === f.category) + 2 > i;
}

let corpus: HostileFile[] = [];
let dir = '';
const outcome = new Map<string, 'opens' | 'refused'>();
const timings: { name: string; ms: number }[] = [];

beforeAll(async () => {
  const t0 = performance.now();
  corpus = await buildCorpus({ reference: bytesOf(REFERENCE) });
  dir = process.env.JUESUAN_HOSTILE_OUT || mkdtempSync(join(tmpdir(), 'juesuan-hostile-'));
  mkdirSync(dir, { recursive: true });
  for (const f of corpus) writeFileSync(join(dir, f.name), f.bytes);
  console.log(`hostile corpus: ${corpus.length} files generated in ${Math.round(performance.now() - t0)} ms → ${dir}`);
}, 300_000);

afterAll(() => {
  if (dir && !process.env.JUESUAN_HOSTILE_OUT) rmSync(dir, { recursive: true, force: true });
  if (!timings.length) return;
  const sorted = [...timings].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)].ms;
  const slow = sorted.slice(-3).map((t) => `${t.name} ${Math.round(t.ms)} ms`).join(', ');
  console.log(`in-process read + check: median ${median.toFixed(1)} ms, slowest ${slow}`);
});

function chinese(s: string): boolean {
  return /[\u4e00-\u9fff]/.test(s);
}

describe('the hostile corpus', () => {
  it('has at least 500 files of every kind', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    const kinds = new Set(corpus.map((f) => f.category));
    for (const k of ['not-xlsx', 'random', 'truncated', 'corrupted', 'zip', 'bomb', 'xml', 'cells', 'mutation']) expect(kinds).toContain(k);
    expect(new Set(corpus.map((f) => f.name)).size).toBe(corpus.length);
  });

  it('each file is refused with a Chinese message or opens and checks cleanly, within the time limit', async () => {
    const problems: string[] = [];
    for (const [i, f] of corpus.entries()) {
      if (!FULL && f.category === 'mutation' && i % 4 !== 0) continue;
      const t0 = performance.now();
      try {
        const packet = await withTimeLimit(readPacket(f.bytes, '文件'), FILE_LIMIT_MS, '文件');
        const session = new PacketSession(packet);
        session.findings();
        session.destroy();
        outcome.set(f.name, 'opens');
        if (f.expect === 'refused') problems.push(`${f.name}: expected a refusal, it opened`);
      } catch (e) {
        outcome.set(f.name, 'refused');
        if (!(e instanceof PacketError)) problems.push(`${f.name}: crashed with ${(e as Error)?.stack ?? String(e)}`);
        else if (!chinese(e.message)) problems.push(`${f.name}: message is not Chinese: ${e.message}`);
        else if (f.expect === 'opens') problems.push(`${f.name}: expected to open, refused: ${e.message}`);
        else if (f.message && !f.message.test(e.message)) problems.push(`${f.name}: message ${f.message} expected, got: ${e.message}`);
      }
      timings.push({ name: f.name, ms: performance.now() - t0 });
    }
    expect(problems).toEqual([]);
    const opened = [...outcome.values()].filter((o) => o === 'opens').length;
    console.log(`in-process: ${opened} opened, ${corpus.length - opened} refused`);
  }, 900_000);

  it('bin/juesuan check on every file exits 0, 1 or 2, never by a signal, in parallel processes', async () => {
    // each check costs about 1 s of CPU (tsx + ExcelJS + HyperFormula start-up): one process per core
    const jobs = Number(process.env.JUESUAN_JOBS) || Math.max(2, Math.min(8, availableParallelism()));
    const results: { f: HostileFile; code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number; rssMb?: number }[] = [];
    const t0 = performance.now();
    let next = 0;
    const files = corpus.filter((f, i) => inSample(f, i, corpus));
    // GNU time measures the node process (bin/juesuan execs it): its peak RSS, worker thread included
    const gnuTime = existsSync('/usr/bin/time');
    const run = (f: HostileFile) =>
      new Promise<void>((resolve) => {
        const started = performance.now();
        const args = ['check', join(dir, f.name)];
        const child = spawn(gnuTime ? '/usr/bin/time' : 'bin/juesuan', gnuTime ? ['-f', 'JUESUAN_PEAK_RSS_KB=%M', 'bin/juesuan', ...args] : args, {
          env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=${CLI_HEAP_MB}` },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), CLI_LIMIT_MS);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const m = /JUESUAN_PEAK_RSS_KB=(\d+)/.exec(stderr);
          stderr = stderr.replace(/(Command (exited with non-zero status \d+|terminated by signal \d+)\n)?JUESUAN_PEAK_RSS_KB=\d+\n?/, '');
          results.push({ f, code, signal, stderr, ms: performance.now() - started, ...(m ? { rssMb: Number(m[1]) / 1024 } : {}) });
          resolve();
        });
      });
    await Promise.all(
      Array.from({ length: jobs }, async () => {
        while (next < files.length) await run(files[next++]);
      }),
    );
    const wall = performance.now() - t0;
    const per = results.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      `bin/juesuan check on ${results.length} files with ${jobs} parallel processes: ${(wall / 1000).toFixed(1)} s wall, ` +
        `median ${Math.round(per[per.length >> 1])} ms per process, slowest ${Math.round(per[per.length - 1])} ms`,
    );
    const rss = results.map((r) => r.rssMb ?? 0);
    const peak = Math.max(0, ...rss);
    const byCategory: Record<string, { files: number; maxMs: number; maxRssMb: number }> = {};
    for (const r of results) {
      const c = (byCategory[r.f.category] ??= { files: 0, maxMs: 0, maxRssMb: 0 });
      c.files++;
      c.maxMs = Math.max(c.maxMs, Math.round(r.ms));
      c.maxRssMb = Math.max(c.maxRssMb, Math.round(r.rssMb ?? 0));
    }
    const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => ({ file: r.f.name, ms: Math.round(r.ms), rssMb: Math.round(r.rssMb ?? 0) }));
    const figures = {
      measuredAt: new Date().toISOString(),
      sweep: FULL ? 'full' : 'sample',
      files: results.length,
      jobs,
      wallSeconds: Math.round(wall / 100) / 10,
      medianMs: Math.round(per[per.length >> 1]),
      maxMs: Math.round(per[per.length - 1]),
      peakRssMb: Math.round(peak),
      byCategory,
      slowest,
    };
    console.log(`peak RSS ${Math.round(peak)} MB; ${JSON.stringify(slowest)}`);
    mkdirSync('tests/bench/results', { recursive: true });
    // the full sweep's figures are the ones kept; a sample run writes its own file
    writeFileSync(`tests/bench/results/${FULL ? 'hostile' : 'hostile-sample'}.json`, JSON.stringify(figures, null, 1) + '\n');
    const problems: string[] = [];
    for (const r of results) {
      const name = r.f.name;
      if (r.rssMb !== undefined && r.rssMb >= CLI_RSS_MB) problems.push(`${name}: peak RSS ${Math.round(r.rssMb)} MB`);
      if (r.signal || r.code === null) problems.push(`${name}: killed by ${r.signal} (hang or memory)`);
      else if (![0, 1, 2].includes(r.code)) problems.push(`${name}: exit ${r.code}`);
      else if (r.code === 2) {
        if (!chinese(r.stderr) || /\bat .*\.(ts|js):\d+/.test(r.stderr)) problems.push(`${name}: exit 2 without a clean Chinese message: ${r.stderr.slice(0, 300)}`);
        if (r.stderr.includes('程序内部出错')) problems.push(`${name}: internal error: ${r.stderr.slice(0, 300)}`);
      }
      // the command line agrees with the library: a refused file is unreadable (2), an opened one is checked (0/1)
      const o = outcome.get(name);
      if (o === 'refused' && r.code !== 2) problems.push(`${name}: refused in-process but the CLI exited ${r.code}`);
      if (o === 'opens' && r.code === 2) problems.push(`${name}: opened in-process but the CLI exited 2: ${r.stderr.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  }, 3_600_000);
});

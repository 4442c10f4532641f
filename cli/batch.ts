/**
 * bin/juesuan check <文件夹> [--summary 审核汇总.xlsx] [--jobs N] [--json]
 * 批量审核: every .xlsx/.xls in the folder and below is checked in parallel (one worker thread per core),
 * and one workbook lists a row per unit, every finding and the files that could not be read. An unreadable
 * file, a file that takes too long or a worker that dies is listed, never fatal.
 * Exit 0 when every packet was read and has no error, 1 otherwise, 2 bad usage.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PacketError } from '../shared/errors.js';
import { reviewWorkbook, type ReviewRow, type UnitReview } from '../shared/merge/review.js';
import { saveAtomic } from '../node/atomic-save.js';
import { EXIT_FINDINGS, EXIT_OK, fail, parseArgs, UsageError } from './io.js';

/** a packet that takes longer than this is listed as 审核超时 and its worker replaced */
const FILE_TIME_LIMIT_MS = 120_000;
/** a folder with more files than this is refused (a typo such as `check /`) */
const MAX_FILES = 20_000;
const WORKER_HEAP_MB = 1536;

/** The packets under `root`: .xlsx/.xls, not Office lock files (~$…), not our backups, symlinked folders not followed. */
export function listPackets(root: string, skip: string[] = []): string[] {
  const out: string[] = [];
  const skipSet = new Set(skip.map((p) => resolve(p)));
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      fail(`无法读取文件夹 ${dir}：${(e as Error).message}`);
    }
    for (const name of entries) {
      const p = join(dir, name);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if ((st.isFile() || st.isSymbolicLink()) && /\.xlsx?$/i.test(name) && !name.startsWith('~$') && !/\.bak\.xlsx$/i.test(name) && !skipSet.has(resolve(p))) {
        out.push(p);
        if (out.length > MAX_FILES) fail(`文件夹 ${root} 中的表格文件超过 ${MAX_FILES} 个，请分批审核或指定更具体的文件夹。`);
      }
    }
  };
  walk(root);
  return out;
}

export interface BatchStats {
  files: number;
  ms: number;
  jobs: number;
  /** peak resident memory of the whole process (workers included), MB */
  peakRssMb: number;
  /** CPU time of the whole process (workers included), ms: the load-independent cost */
  cpuMs: number;
}

/**
 * A worker thread running cli/batch-worker: in the bundle (scripts/build-cli.mjs) dist-cli/batch-worker.mjs
 * beside this code; run from the TypeScript sources (tsx), the worker registers tsx itself first: a worker
 * thread does not inherit the main thread's module hooks.
 */
function newWorker(): Worker {
  const limits = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./batch-worker.mjs', import.meta.url), limits);
  const entry = new URL('./batch-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...limits, eval: true });
}

/** Check every file with a pool of `jobs` worker threads; rows in the order of `files`. */
export async function reviewFiles(root: string, files: string[], jobs: number, onRow?: (row: ReviewRow, done: number) => void): Promise<{ rows: ReviewRow[]; stats: BatchStats }> {
  const t0 = performance.now();
  const rows: ReviewRow[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const label = (i: number) => relative(root, files[i]) || files[i];
  await new Promise<void>((resolveAll, rejectAll) => {
    if (!files.length) return resolveAll();
    const finish = (i: number, row: ReviewRow) => {
      if (rows[i]) return;
      rows[i] = row;
      done++;
      onRow?.(row, done);
      if (done === files.length) resolveAll();
    };
    const start = () => {
      const w = newWorker();
      let current = -1;
      let booted = false;
      let timer: NodeJS.Timeout | undefined;
      const feed = () => {
        if (next >= files.length) {
          current = -1;
          void w.terminate();
          return;
        }
        current = next++;
        timer = setTimeout(() => {
          finish(current, { file: label(current), ok: false, reason: `审核超时（超过 ${FILE_TIME_LIMIT_MS / 1000} 秒），未审核完。` });
          current = -1;
          void w.terminate();
          start();
        }, FILE_TIME_LIMIT_MS);
        w.postMessage({ id: current, path: files[current], file: label(current) });
      };
      w.on('message', (m: { id: number; row: ReviewRow }) => {
        booted = true;
        clearTimeout(timer);
        finish(m.id, m.row);
        feed();
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        if (!booted) {
          rejectAll(new PacketError(`无法启动审核进程：${e.message}`));
          return;
        }
        // out of memory or a crash inside the worker: this file is listed, the pool goes on with a new worker
        if (current >= 0) finish(current, { file: label(current), ok: false, reason: `审核时出错（${e.message}），文件可能过大或已损坏。` });
        current = -1;
        start();
      });
      w.unref();
      feed();
    };
    for (let k = 0; k < Math.min(jobs, files.length); k++) start();
  });
  const use = process.resourceUsage();
  return { rows, stats: { files: files.length, ms: performance.now() - t0, jobs, peakRssMb: Math.round(use.maxRSS / 1024), cpuMs: Math.round((use.userCPUTime + use.systemCPUTime) / 1000) } };
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['summary', 'jobs'], ['json']);
  if (positional.length !== 1) throw new UsageError('check 需要一个公开包文件或一个文件夹');
  const root = positional[0];
  let jobs = availableParallelism();
  if (typeof flags.jobs === 'string') {
    jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError('--jobs 应为 1—64 的整数');
  }
  const summary = typeof flags.summary === 'string' ? flags.summary : null;
  const files = listPackets(realpathSync(root), summary ? [summary] : []);
  if (!files.length) fail(`文件夹 ${root} 及其子文件夹中没有 .xlsx 或 .xls 文件。`);
  const showProgress = !flags.json && process.stderr.isTTY;
  const { rows, stats } = await reviewFiles(realpathSync(root), files, jobs, (_row, done) => {
    if (showProgress) process.stderr.write(`\r已审核 ${done}/${files.length}`);
  });
  if (showProgress) process.stderr.write('\n');
  if (summary) await saveAtomic(summary, await reviewWorkbook(rows));
  const ok = rows.filter((r): r is UnitReview => r.ok);
  const bad = rows.filter((r) => !r.ok);
  const withErrors = ok.filter((r) => r.errors > 0);
  if (flags.json) {
    process.stdout.write(JSON.stringify({
      stats,
      units: ok.map(({ findings, ...r }) => ({ ...r, findings: findings.filter((f) => f.severity === 'error' || !f.rounding) })),
      unreadable: bad,
      ...(summary ? { summary } : {}),
    }, null, 1) + '\n');
  } else {
    const lines = [`审核 ${files.length} 个文件，用时 ${(stats.ms / 1000).toFixed(1)} 秒（${stats.jobs} 个并行）：${ok.length} 个公开包，其中 ${withErrors.length} 个有错误；${bad.length} 个文件无法读取。`];
    for (const r of withErrors.sort((a, b) => b.errors - a.errors)) {
      lines.push(`  [错误 ${r.errors}] ${r.file}  ${r.unit}${r.largest ? `，最大差额 ${r.largest.amount.toFixed(2)}（${r.largest.sheet} ${r.largest.cells.join(',')}）` : ''}`);
    }
    for (const r of bad) if (!r.ok) lines.push(`  [无法读取] ${r.file}：${r.reason}`);
    if (summary) lines.push(`审核汇总已写入 ${summary}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return withErrors.length || bad.length ? EXIT_FINDINGS : EXIT_OK;
}

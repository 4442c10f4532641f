/** Shared by the benchmarks: medians of repeated runs, written to tests/bench/results/<name>.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export async function timeRuns<T>(runs: number, fn: () => Promise<T> | T): Promise<{ median: number; runs: number[]; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    times.push(performance.now() - t0);
  }
  return { median: round(median(times)), runs: times.map(round), last };
}

export const round = (x: number) => Math.round(x * 1000) / 1000;

export function writeResults(name: string, figures: Record<string, unknown>): void {
  mkdirSync('tests/bench/results', { recursive: true });
  const doc = { bench: name, at: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, figures };
  writeFileSync(`tests/bench/results/${name}.json`, JSON.stringify(doc, null, 1) + '\n');
  console.log(`\n== ${name} (ms, median) → tests/bench/results/${name}.json`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(44)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
}

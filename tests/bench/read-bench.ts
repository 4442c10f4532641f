/**
 * The read of a packet, part by part, on the Jiangxi and Shanghai reference packets: ExcelJS's own load, the
 * safety gate before it (inspectXlsx), loadWorkbook (gate + ExcelJS + sanitize), the packet model read fast and
 * cell by cell (the reference path the read-equivalence test compares with), and readPacket whole.
 * The variants run interleaved, round after round, so a load change on a shared machine hits them alike; the
 * minimum is printed beside the median because it is what the code costs when nothing else runs.
 *   READ_RUNS=15 (default)
 * Writes tests/bench/results/read.json.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { inspectXlsx } from '../../shared/safety/inspect.js';
import { loadWorkbook, packetFromWorkbook, readPacket } from '../../shared/xlsx.js';
import { median, round, writeResults } from './stats.js';

const PACKETS = {
  jiangxi: 'templates/jiangxi-2024/reference-packet.xlsx',
  shanghai: 'templates/shanghai-putuo-2025/reference-packet.xlsx',
};

export async function run(): Promise<void> {
  const runs = Number(process.env.READ_RUNS ?? 15);
  const figures: Record<string, unknown> = {};
  for (const [label, path] of Object.entries(PACKETS)) {
    const bytes = new Uint8Array(readFileSync(path));
    const wb = await loadWorkbook(bytes);
    const parts: Record<string, () => Promise<unknown> | unknown> = {
      'ExcelJS load alone': async () => new ExcelJS.Workbook().xlsx.load(bytes as unknown as ArrayBuffer),
      'gate before ExcelJS (inspectXlsx)': () => inspectXlsx(bytes, '公开包'),
      'loadWorkbook (gate + ExcelJS + sanitize)': () => loadWorkbook(bytes),
      'packet model, fast': () => packetFromWorkbook(wb),
      'packet model, cell by cell (reference)': () => packetFromWorkbook(wb, '公开包', { reference: true }),
      'readPacket': () => readPacket(bytes),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) {
      for (const [k, fn] of Object.entries(parts)) {
        const t0 = performance.now();
        await fn();
        times[k].push(performance.now() - t0);
      }
    }
    for (const [k, ts] of Object.entries(times)) figures[`${label}: ${k} (median / min ms)`] = `${round(median(ts))} / ${round(Math.min(...ts))}`;
    const med = (k: string) => median(times[k]);
    const min = (k: string) => Math.min(...times[k]);
    figures[`${label}: readPacket beyond ExcelJS's own load (median / min ms)`] =
      `${round(med('readPacket') - med('ExcelJS load alone'))} / ${round(min('readPacket') - min('ExcelJS load alone'))}`;
  }
  figures.runs = runs;
  figures.loadAverageAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  writeResults('read', figures);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();

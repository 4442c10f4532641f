/**
 * Core benchmark on the reference packet: read, engine build, full check, one edit → findings,
 * beside the floor measured in the same run (ExcelJS read alone; a bare HyperFormula build of the
 * same sheets without our checks and translation layer).
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { HyperFormula, type RawCellContent } from 'hyperformula';
import { PacketSession } from '../../shared/engine.js';
import { readPacket } from '../../shared/xlsx.js';
import { median, round, timeRuns, writeResults } from './stats.js';

const RUNS = 7;
const bytes = new Uint8Array(readFileSync('templates/jiangxi-2024/reference-packet.xlsx'));

export async function run(): Promise<void> {
  const exceljsRead = await timeRuns(RUNS, async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    return wb;
  });
  const read = await timeRuns(RUNS, () => readPacket(bytes));
  const packet = read.last;
  const bareSheets: Record<string, RawCellContent[][]> = {};
  for (const s of packet.sheets) {
    bareSheets[s.name] = s.cells.map((row) => row.map((c) => (c?.f ? `=${c.f.replace(/([^\s'!(),+\-*/&=<>:]+)!/gu, "'$1'!")}` : typeof c?.v === 'string' ? `'${c.v}` : c?.v ?? null)));
  }
  const bare = await timeRuns(RUNS, () => HyperFormula.buildFromSheets(bareSheets, { licenseKey: 'gpl-v3' }));
  const build = await timeRuns(RUNS, async () => new PacketSession(await readPacket(bytes)));
  // the engine build alone, on a packet already read, in CPU time too: four engineers share two cores, and a
  // process's own CPU time moves far less with the others' load than the wall clock does
  const cpuOf = (fn: () => unknown) => {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const buildCpu: number[] = [];
  const bareCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const copy = structuredClone(packet);
    buildCpu.push(cpuOf(() => new PacketSession(copy).destroy()));
    bareCpu.push(cpuOf(() => HyperFormula.buildFromSheets(bareSheets, { licenseKey: 'gpl-v3' }).destroy()));
  }
  // build includes reading; subtract the read median to report the engine build alone
  const session = build.last;
  const fullCheck = await timeRuns(RUNS, () => session.recheckAll());
  const edits: number[] = [];
  const sheet = '公开03表';
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    session.apply([{ sheet, row: 8, col: 2, value: i % 2 ? 39.45 : 40.45 }]);
    edits.push(performance.now() - t0);
  }
  // 运算: a 项's 基本支出 (D9) moves its 本年支出合计, its 款, 类 and the 合计 row (two HyperFormula steps)
  const follow: number[] = [];
  const before = session.getValue(sheet, 8, 3) as number;
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    session.apply([{ sheet, row: 8, col: 3, value: before + (i % 2 ? 0 : 1) }]);
    follow.push(performance.now() - t0);
  }
  session.apply([{ sheet, row: 8, col: 3, value: before }]);
  const recalc = await timeRuns(RUNS, () => session.recalculateAll());
  const insert = await timeRuns(RUNS, () => {
    session.insertRows(sheet, 9, 1);
    session.undo();
  });
  const floor = exceljsRead.median + bare.median;
  writeResults('core', {
    'reference packet sheets / checks': `${packet.sheets.length} / ${session.checks().length}`,
    'floor: ExcelJS read alone + bare HyperFormula build': round(floor),
    'open + full check (read + engine build + first findings)': build.median,
    'open + full check ÷ floor (target ≤ 1.5)': round(build.median / floor),
    'floor: ExcelJS read alone': exceljsRead.median,
    'read (ExcelJS + packet model)': read.median,
    'floor: bare HyperFormula build, same sheets': bare.median,
    'engine build (read + HyperFormula + checks + first findings)': build.median,
    'engine build without the read': round(build.median - read.median),
    'engine build alone, CPU ms (packet already read)': round(median(buildCpu)),
    'bare HyperFormula build, CPU ms': round(median(bareCpu)),
    'engine build ÷ bare HyperFormula build, CPU time': round(median(buildCpu) / median(bareCpu)),
    'full check (re-read every check)': fullCheck.median,
    'one edit → findings diff (median of 40)': round(median(edits)),
    'insert a 科目 row + undo (re-expands 层级)': insert.median,
    'one edit with 运算: 项 基本支出 → 项/款/类/合计 follow (median of 40)': round(median(follow)),
    '运算（全部重算） on the reference packet (nothing to change)': recalc.median,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

/**
 * The command line under hostile conditions that are not file contents (issue 18): inputs that are not
 * regular files, unknown options, a reader that goes away (EPIPE), concurrent writers, a failed save with
 * --report, broken .xls containers, the worker's memory and time limits and a print that never ends. Each
 * case: the documented exit code, a Chinese message without a stack trace or library wording, peak RSS
 * below 1 GB; the figures go to tests/bench/results/hostile-cli.json (timing never fails a test).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { PacketError } from '../../shared/errors.js';
import { findChromium } from '../../node/pdf.js';
import { smallPacket } from '../fixtures/hostile/corpus.js';
import { cleanMessage, measuredJuesuan, type Measured } from '../helpers/measured.js';
import { REFERENCE } from '../helpers/packets.js';

const XLS = 'tests/fixtures/import/other-region.xls';
const TABLES = 'templates/jiangxi-2024/tables.xlsx';
let dir = '';
const figures: { name: string; code: number | null; ms: number; rssMb?: number }[] = [];

async function run(name: string, args: string[], opts: Parameters<typeof measuredJuesuan>[1] = {}): Promise<Measured> {
  const r = await measuredJuesuan(args, opts);
  figures.push({ name, code: r.code, ms: Math.round(r.ms), ...(r.rssMb !== undefined ? { rssMb: Math.round(r.rssMb) } : {}) });
  if (r.rssMb !== undefined) expect(r.rssMb, `${name}: peak RSS`).toBeLessThan(1024);
  expect(r.signal, `${name}: killed`).toBeNull();
  return r;
}

function refused(r: Measured, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(cleanMessage(r.stderr), r.stderr).toEqual([]);
  expect(r.stderr).toMatch(message);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-hostile-cli-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (!figures.length) return;
  mkdirSync('tests/bench/results', { recursive: true });
  writeFileSync('tests/bench/results/hostile-cli.json', JSON.stringify({ measuredAt: new Date().toISOString(), runs: figures }, null, 1) + '\n');
});

describe('inputs that are not regular files', () => {
  it('a FIFO with no writer is refused at once, for check and for import', async () => {
    const fifo = join(dir, 'pipe.xlsx');
    await new Promise<void>((r, j) => spawn('mkfifo', [fifo]).on('close', (c) => (c === 0 ? r() : j(new Error('mkfifo')))));
    refused(await run('fifo-check', ['check', fifo], { limitMs: 30_000 }), /命名管道/);
    refused(await run('fifo-import', ['import', fifo, '--into', TABLES, '--out', join(dir, 'o.xlsx')], { limitMs: 30_000 }), /命名管道/);
  }, 60_000);

  it('a symlink to an endless device is refused before reading', async () => {
    const link = join(dir, 'zero.xlsx');
    symlinkSync('/dev/zero', link);
    refused(await run('device-symlink', ['check', link], { limitMs: 30_000 }), /设备文件/);
  }, 60_000);

  it('a file over the size limit is refused from its size, not read', async () => {
    const big = join(dir, 'big.xlsx');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1048576); // sparse: costs no disk
    refused(await run('oversized', ['check', big], { limitMs: 30_000 }), /过大（200\.0 MB）/);
  }, 60_000);
});

describe('the command line itself', () => {
  it('an unknown option exits 2 for every command', async () => {
    refused(await run('unknown-option-check', ['check', REFERENCE, '--bogus']), /不认识的选项「--bogus」/);
    refused(await run('unknown-option-export', ['export', REFERENCE, '--out', dir, '--bogus']), /不认识的选项/);
    refused(await run('unknown-switch-value', ['check', REFERENCE, '--json=1']), /不认识的选项/);
  }, 120_000);

  it('`--json | head` ends quietly (EPIPE) for check, forms and narrative-check', async () => {
    const txt = join(dir, 'n.txt');
    writeFileSync(txt, '本年收入合计 1.00 万元。\n'.repeat(20_000));
    for (const [name, cmd] of [
      ['epipe-check', `bin/juesuan check ${REFERENCE} --json | head -c 20 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`],
      ['epipe-forms', `bin/juesuan forms ${REFERENCE} --json | head -c 20 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`],
      ['epipe-narrative-check', `bin/juesuan narrative-check ${REFERENCE} ${txt} --json | head -c 20 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`],
    ]) {
      const r = await run(name, [], { shell: cmd });
      expect(r.stderr, name).toMatch(/^rc=[01]\s*$/);
    }
  }, 240_000);
});

describe('writers', () => {
  it('import --report writes no report when the packet could not be saved', async () => {
    const report = join(dir, 'r.json');
    const r = await run('report-after-failed-save', ['import', XLS, '--into', TABLES, '--out', join(dir, 'missing-folder', 'p.xlsx'), '--report', report]);
    refused(r, /保存失败/);
    expect(existsSync(report)).toBe(false);
  }, 120_000);

  it('a second writer to the same --out refuses while the first holds the lock; the original stays the .bak', async () => {
    const out = join(dir, 'shared.xlsx');
    copyFileSync(REFERENCE, out);
    // the lock of a live writer (this test process)
    const lock = join(dir, '.~shared.xlsx.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), at: Date.now() }));
    const report = join(dir, 'r2.json');
    refused(await run('concurrent-import', ['import', XLS, '--into', TABLES, '--out', out, '--report', report]), new RegExp(`进程 ${process.pid} 正在写入`));
    expect(readFileSync(out)).toEqual(readFileSync(REFERENCE));
    expect(existsSync(report)).toBe(false);
    // a lock left by a writer that is gone is taken over; the previous version becomes the .bak
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), at: Date.now() }));
    const ok = await run('stale-lock-import', ['import', XLS, '--into', TABLES, '--out', out]);
    expect([0, 1]).toContain(ok.code);
    expect(readFileSync(join(dir, 'shared.bak.xlsx'))).toEqual(readFileSync(REFERENCE));
    expect(existsSync(lock)).toBe(false);
  }, 240_000);
});

describe('damaged .xls containers', () => {
  it('are refused by import in Chinese without the library wording', async () => {
    const xls = readFileSync(XLS);
    const cases: [string, Buffer][] = [
      ['cfb-truncated', xls.subarray(0, 600)],
      ['cfb-sector-shift', Buffer.concat([xls.subarray(0, 30), Buffer.from([12]), xls.subarray(31)])],
      ['cfb-fat-ff', Buffer.concat([xls.subarray(0, 76), Buffer.alloc(400, 0xff), xls.subarray(476)])],
    ];
    for (const [name, bytes] of cases) {
      const f = join(dir, `${name}.xls`);
      writeFileSync(f, bytes);
      refused(await run(name, ['import', f, '--into', TABLES, '--out', join(dir, `${name}-out.xlsx`)]), /\.xls 文件已损坏|没有工作表|不是可识别的 Excel/);
    }
  }, 240_000);
});

describe('limits of the worker', () => {
  it('memory beyond the worker heap is a refusal (exit 2), never a V8 abort', async () => {
    refused(await run('worker-heap', ['check', REFERENCE], { env: { JUESUAN_HEAP_MB: '48' } }), /内存超过 48 MB 的上限/);
  }, 120_000);

  it('a phase beyond its time limit is stopped with exit 2', async () => {
    refused(await run('worker-time', ['check', REFERENCE], { env: { JUESUAN_PHASE_LIMIT_MS: '50' } }), /用时超过 50 毫秒/);
  }, 120_000);

  it('the engine refuses an oversized sheet in Chinese', () => {
    const p = smallPacket();
    const cells = p.sheets[1].cells;
    while (cells.length < 70_000) cells.push([]);
    cells.push([{ v: 1 }]);
    let err: unknown;
    try {
      new PacketSession(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacketError);
    expect((err as Error).message).toMatch(/超出计算引擎的上限.*公开01表.*70,001 行/);
  });
});

describe.skipIf(!(() => { try { return !!findChromium(); } catch { return false; } })())('printing', () => {
  it('a print beyond its time limit stops with a clear message; the workbook and narrative are written', async () => {
    const out = join(dir, 'export');
    const r = await run('print-limit', ['export', REFERENCE, '--out', out], { env: { JUESUAN_PRINT_LIMIT_MS: '1' }, limitMs: 240_000 });
    refused(r, /生成 PDF 超时/);
    expect(existsSync(join(out, '决算公开表.xlsx'))).toBe(true);
    expect(existsSync(join(out, '公开包.pdf'))).toBe(false);
  }, 300_000);
});

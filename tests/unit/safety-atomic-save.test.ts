/**
 * node/atomic-save.ts: the save that a power cut cannot break. Unit behaviour (backup, errors, stale
 * temporary files), then the kill test: a child process saving the packet over and over (alternating two
 * versions) is killed with SIGKILL at random moments, at least 200 times; every time the file on disk is
 * one of the two versions byte for byte, each of which readPacket loads, and so is the backup.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupPathOf, removeStaleTemps, saveAtomic, SaveError, tempPathOf } from '../../node/atomic-save.js';
import { PacketSession } from '../../shared/engine.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { rng } from '../fixtures/hostile/corpus.js';
import { bytesOf, REFERENCE } from '../helpers/packets.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-save-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('saveAtomic', () => {
  it('writes a new file, then replaces it keeping the previous version as <name>.bak.xlsx', async () => {
    const p = join(dir, '公开包.xlsx');
    const r1 = await saveAtomic(p, new Uint8Array([1, 2, 3]));
    expect(r1.backupPath).toBeUndefined();
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    const r2 = await saveAtomic(p, new Uint8Array([4, 5]));
    expect(r2.backupPath).toBe(join(dir, '公开包.bak.xlsx'));
    expect([...readFileSync(p)]).toEqual([4, 5]);
    expect([...readFileSync(r2.backupPath!)]).toEqual([1, 2, 3]);
    await saveAtomic(p, new Uint8Array([6]));
    expect([...readFileSync(r2.backupPath!)]).toEqual([4, 5]);
    await saveAtomic(p, new Uint8Array([7]), { backup: false });
    expect([...readFileSync(r2.backupPath!)]).toEqual([4, 5]);
    expect(readdirSync(dir).filter((n) => n.startsWith('.~'))).toEqual([]);
    expect(backupPathOf('/a/b.xlsx')).toBe('/a/b.bak.xlsx');
    expect(backupPathOf('/a/b')).toBe('/a/b.bak');
  });

  it('a save that fails leaves the old file as it was and says why in Chinese', async () => {
    const p = join(dir, 'keep.xlsx');
    await saveAtomic(p, new Uint8Array([9, 9]));
    const verify = (b: Uint8Array) => readPacket(b);
    const e = await saveAtomic(p, new Uint8Array([1, 2, 3]), { verify }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SaveError);
    expect((e as SaveError).message).toMatch(/^保存失败：要写入的内容未通过校验（.*不是 Excel 工作簿.*），原文件未改动。$/);
    expect([...readFileSync(p)]).toEqual([9, 9]);
    const missing = await saveAtomic(join(dir, 'no', 'such', 'x.xlsx'), new Uint8Array([1])).catch((x: unknown) => x);
    expect((missing as SaveError).code).toBe('ENOENT');
    expect((missing as SaveError).message).toContain('找不到');
    mkdirSync(join(dir, 'folder.xlsx'));
    const isDir = await saveAtomic(join(dir, 'folder.xlsx'), new Uint8Array([1])).catch((x: unknown) => x);
    expect((isDir as SaveError).message).toContain('是一个文件夹');
    expect(readdirSync(dir).filter((n) => n.startsWith('.~'))).toEqual([]);
    // a verified save of a real packet goes through
    await saveAtomic(p, bytesOf(REFERENCE), { verify });
    expect(same(readFileSync(p), bytesOf(REFERENCE))).toBe(true);
  });

  it('removes temporary files of interrupted saves whose writer is gone, never a live writer’s', async () => {
    const p = join(dir, 'stale.xlsx');
    const dead = join(dir, `.~stale.xlsx.999999999-0a0b0c0d.saving`);
    const live = tempPathOf(p);
    writeFileSync(dead, 'half a file');
    writeFileSync(live, 'being written');
    expect(await removeStaleTemps(p)).toEqual(['.~stale.xlsx.999999999-0a0b0c0d.saving']);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live);
  });
});

/** node/atomic-save.ts compiled to plain JS once, so each killed child starts in tens of milliseconds. */
function compileSaver(out: string): string {
  const src = readFileSync('node/atomic-save.ts', 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(out, 'atomic-save.mjs'), js);
  writeFileSync(
    join(out, 'child.mjs'),
    `import { readFileSync } from 'node:fs';
import { saveAtomic } from './atomic-save.mjs';
const [target, a, b, first] = process.argv.slice(2);
const versions = [readFileSync(a), readFileSync(b)];
let i = Number(first);
process.stdout.write('ready\\n');
// started ahead of time by the test; saves begin on its signal
await new Promise((resolve) => process.stdin.once('data', resolve));
for (;;) {
  await saveAtomic(target, versions[i++ % 2], { onStep: (s) => process.stdout.write(s[0]) });
}
`,
  );
  return join(out, 'child.mjs');
}

describe('SIGKILL during saves', () => {
  it('kills a saving process at random moments ≥ 200 times: the packet is always the old or the new one, complete', async () => {
    const work = mkdtempSync(join(tmpdir(), 'juesuan-kill-'));
    const child = compileSaver(work);
    const A = bytesOf(REFERENCE);
    const s = new PacketSession(await readPacket(A));
    s.apply([{ sheet: '概况', row: 1, col: 1, value: '已修改的单位名称' }]);
    const B = await writePacket(s.toPacket());
    // both versions load: "one of the two, byte for byte" therefore means "complete and loadable"
    await readPacket(A);
    const loadedB = await readPacket(B);
    expect(same(A, B)).toBe(false);
    const fa = join(work, 'a.xlsx');
    const fb = join(work, 'b.xlsx');
    writeFileSync(fa, A);
    writeFileSync(fb, B);
    const target = join(work, '公开包.xlsx');
    writeFileSync(target, A);
    void loadedB;

    // kill within about three saves' time, measured here, so kills land in every step of a save
    const saveMs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await saveAtomic(target, i % 2 ? B : A);
      saveMs.push(performance.now() - t);
    }
    await saveAtomic(target, A);
    const killWindow = Math.min(400, Math.max(5, 3 * saveMs.sort((x, y) => x - y)[3]));
    const KILLS = Number(process.env.JUESUAN_KILLS ?? 220);
    const random = rng(8);
    const t0 = performance.now();
    /** the last step each killed child reported: t temp written, b backup written, r renamed, d folder synced */
    const phases: Record<string, number> = {};
    let interrupted = 0;
    let deepChecks = 0;
    const problems: string[] = [];
    // the next child is started while the current one runs, so process start-up is not on the clock
    const launch = (k: number) => {
      const proc = spawn(process.execPath, [child, target, fa, fb, String(k % 2)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const state = { out: '', err: '' };
      proc.stderr.setEncoding('utf8').on('data', (d: string) => (state.err += d));
      proc.stdout.setEncoding('utf8').on('data', (d: string) => (state.out += d));
      const ready = new Promise<void>((resolve) => {
        const poll = () => (state.out.includes('ready') ? resolve() : setTimeout(poll, 2));
        poll();
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_c, signal) => resolve(signal)));
      return { proc, state, ready, exited };
    };
    let upcoming = launch(0);
    for (let k = 0; k < KILLS; k++) {
      const cur = upcoming;
      await cur.ready;
      upcoming = launch(k + 1);
      cur.state.out = 'ready\n';
      cur.proc.stdin.write('g');
      // a random moment within the first few saves
      setTimeout(() => cur.proc.kill('SIGKILL'), random() * killWindow);
      const signal = await cur.exited;
      if (signal !== 'SIGKILL') throw new Error(`child ended by itself: ${cur.state.err}`);
      const out = cur.state.out;
      const last = out.endsWith('\n') ? 'start' : out.slice(-1);
      phases[last] = (phases[last] ?? 0) + 1;
      // a temporary file exists only while a save is under way: the kill cut that save short
      if (readdirSync(work).some((n) => n.startsWith('.~'))) interrupted++;
      if (!existsSync(target)) {
        problems.push(`kill ${k}: the packet is missing`);
        continue;
      }
      const now = readFileSync(target);
      if (!same(now, A) && !same(now, B)) problems.push(`kill ${k}: the packet is neither version (${now.length} bytes)`);
      const bak = backupPathOf(target);
      if (existsSync(bak)) {
        const b = readFileSync(bak);
        if (!same(b, A) && !same(b, B)) problems.push(`kill ${k}: the backup is neither version (${b.length} bytes)`);
      }
      if (k % 55 === 0) {
        await readPacket(new Uint8Array(now));
        deepChecks++;
      }
    }
    upcoming.proc.kill('SIGKILL');
    await upcoming.exited;
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `SIGKILL test: ${KILLS} kills in ${seconds.toFixed(1)} s (a save takes ${saveMs[3].toFixed(1)} ms here; kills within ${killWindow.toFixed(0)} ms); ${interrupted} cut a save short (its temporary file was left); ` +
        `last step reported before the kill: ${JSON.stringify(phases)}; ${deepChecks} files re-read with readPacket`,
    );
    expect(problems).toEqual([]);
    expect(KILLS).toBeGreaterThanOrEqual(200);
    // the kills did land inside saves, not only between them
    expect(interrupted).toBeGreaterThan(KILLS / 10);
    // the next save clears what the killed ones left behind
    await saveAtomic(target, A);
    expect(readdirSync(work).filter((n) => n.startsWith('.~'))).toEqual([]);
    rmSync(work, { recursive: true, force: true });
  }, 600_000);
});

/**
 * Autosave and recovery: the scheduling contract (shared/safety/autosave.ts, with a controllable clock),
 * the recovery store (node/recovery.ts) on a real disk, and the whole story across a crash: a process
 * editing a real packet with autosave on is killed with SIGKILL; the next start finds its work, complete,
 * with where it came from and when, and can restore it; a normal save and close leaves nothing to offer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAtomic } from '../../node/atomic-save.js';
import { decodeRecovery, defaultRecoveryDir, newRecoveryId, RecoveryError, RecoveryStore } from '../../node/recovery.js';
import { PacketSession } from '../../shared/engine.js';
import { Autosaver } from '../../shared/safety/index.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { smallPacket } from '../fixtures/hostile/corpus.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-recovery-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clock the test advances by hand. */
class Clock {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  async advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > end) break;
      this.timers.shift();
      this.now = t.at;
      t.fn();
      // let the write it started settle
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.now = end;
  }
}

function harness(opts: { failFirst?: number; slowWrite?: () => Promise<void> } = {}) {
  const clock = new Clock();
  const log: string[] = [];
  let failures = opts.failFirst ?? 0;
  let version = 0;
  const errors: unknown[] = [];
  const saver = new Autosaver({
    intervalMs: 5000,
    timers: clock,
    snapshot: () => new Uint8Array([version]),
    write: async (b) => {
      if (opts.slowWrite) await opts.slowWrite();
      if (failures > 0) {
        failures--;
        throw new Error('disk full');
      }
      log.push(`write v${b[0]} @${clock.now}`);
    },
    discard: async () => {
      log.push(`discard @${clock.now}`);
    },
    onError: (e) => errors.push(e),
  });
  const change = () => {
    version++;
    saver.changed();
  };
  return { clock, log, saver, change, errors };
}

describe('the autosave schedule', () => {
  it('writes within the interval after the first unsaved change, and nothing without changes', async () => {
    const h = harness();
    await h.clock.advance(60_000);
    expect(h.log).toEqual([]);
    h.change();
    await h.clock.advance(4999);
    expect(h.log).toEqual([]);
    expect(h.saver.pending).toBe(true);
    await h.clock.advance(1);
    expect(h.log).toEqual(['write v1 @65000']);
    expect(h.saver.pending).toBe(false);
    await h.clock.advance(60_000);
    expect(h.log).toEqual(['write v1 @65000']);
  });

  it('keeps writing every interval while the accountant keeps typing (typing never postpones it)', async () => {
    const h = harness();
    for (let s = 0; s < 12; s++) {
      h.change();
      await h.clock.advance(1000);
    }
    await h.clock.advance(10_000);
    expect(h.log).toEqual(['write v5 @5000', 'write v10 @10000', 'write v12 @15000']);
  });

  it('a save removes the recovery file; later changes start over', async () => {
    const h = harness();
    h.change();
    await h.clock.advance(5000);
    await h.saver.saved();
    expect(h.saver.pending).toBe(false);
    h.change();
    await h.clock.advance(5000);
    expect(h.log).toEqual(['write v1 @5000', 'discard @5000', 'write v2 @10000']);
  });

  it('closing while a write is in flight removes the file after that write, and writes nothing more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = harness({ slowWrite: () => gate });
    h.change();
    await h.clock.advance(5000);
    const closing = h.saver.close();
    h.change();
    release();
    await closing;
    await h.clock.advance(60_000);
    expect(h.log).toEqual(['write v1 @5000', 'discard @5000']);
  });

  it('a failed write is reported and tried again; the editor never sees an exception', async () => {
    const h = harness({ failFirst: 1 });
    h.change();
    await h.clock.advance(5000);
    expect(h.errors).toHaveLength(1);
    expect(h.saver.pending).toBe(true);
    h.change();
    await h.clock.advance(5000);
    expect(h.log).toEqual(['write v2 @10000']);
  });
});

describe('the recovery store', () => {
  it('writes atomically, lists, reads back verified, and discards', async () => {
    const store = new RecoveryStore(join(dir, 'store1'));
    expect(await store.list()).toEqual({ entries: [], damaged: [] });
    const id = newRecoveryId();
    const bytes = await writePacket(smallPacket());
    await store.write(id, bytes, { originalPath: 'D:\\决算\\2024公开包.xlsx', title: '测试单位 2024' });
    await store.write(id, bytes, { originalPath: 'D:\\决算\\2024公开包.xlsx', title: '测试单位 2024' });
    const { entries, damaged } = await store.list();
    expect(damaged).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id, originalPath: 'D:\\决算\\2024公开包.xlsx', title: '测试单位 2024', own: true, otherInstanceRunning: false, bytes: bytes.length });
    expect(Date.now() - Date.parse(entries[0].savedAt)).toBeLessThan(60_000);
    const back = await store.read(id);
    expect(Buffer.compare(Buffer.from(back.bytes), Buffer.from(bytes))).toBe(0);
    await readPacket(back.bytes);
    await store.discard(id);
    expect((await store.list()).entries).toEqual([]);
  });

  it('never offers a damaged file, and refuses ids that are paths', async () => {
    const store = new RecoveryStore(join(dir, 'store2'));
    const id = newRecoveryId();
    const e = await store.write(id, await writePacket(smallPacket()), { originalPath: null });
    truncateSync(e.file, 300);
    expect(await store.list()).toEqual({ entries: [], damaged: [id] });
    await expect(store.read(id)).rejects.toBeInstanceOf(RecoveryError);
    expect(() => decodeRecovery(new Uint8Array([1, 2, 3]))).toThrow('不是恢复文件');
    await expect(store.read('../../etc/passwd')).rejects.toThrow('恢复编号无效');
    await expect(store.discard('..\\..\\Windows')).rejects.toThrow('恢复编号无效');
    await store.discard(id);
    expect(await store.list()).toEqual({ entries: [], damaged: [] });
  });

  it('lives in a per-user folder', () => {
    expect(defaultRecoveryDir({ LOCALAPPDATA: 'C:\\Users\\kj\\AppData\\Local' }, 'win32')).toContain(join('C:\\Users\\kj\\AppData\\Local', 'juesuan', 'recovery'));
    expect(defaultRecoveryDir({ XDG_STATE_HOME: '/home/kj/.local/state' }, 'linux')).toBe('/home/kj/.local/state/juesuan/recovery');
  });
});

/** A process editing a packet with autosave on, as the app does; it runs until it is killed or told to save. */
function editorScript(root: string): string {
  const file = join(dir, 'editor.mts');
  writeFileSync(
    file,
    `import { readFileSync } from 'node:fs';
import { saveAtomic } from '${root}/node/atomic-save.ts';
import { RecoveryStore, newRecoveryId } from '${root}/node/recovery.ts';
import { PacketSession } from '${root}/shared/engine.ts';
import { Autosaver } from '${root}/shared/safety/index.ts';
import { readPacket, writePacket } from '${root}/shared/xlsx.ts';
const [storeDir, packetPath, edits, mode] = process.argv.slice(2);
const store = new RecoveryStore(storeDir);
const id = newRecoveryId();
const session = new PacketSession(await readPacket(new Uint8Array(readFileSync(packetPath))));
const saver = new Autosaver({
  intervalMs: 150,
  snapshot: () => writePacket(session.toPacket()),
  write: async (b) => { await store.write(id, b, { originalPath: packetPath, title: '测试单位' }); process.stdout.write('written\\n'); },
  discard: () => store.discard(id),
});
for (let i = 1; i <= Number(edits); i++) {
  session.apply([{ sheet: '公开01表', row: 2, col: 1, value: 100 + i }]);
  saver.changed();
  process.stdout.write('edited ' + (100 + i) + '\\n');
  await new Promise((r) => setTimeout(r, 40));
}
if (mode === 'save') {
  await saveAtomic(packetPath, await writePacket(session.toPacket()));
  await saver.saved();
  await saver.close();
  process.stdout.write('saved\\n');
  process.exit(0);
}
while (saver.pending) await new Promise((r) => setTimeout(r, 20));
process.stdout.write('idle\\n');
setInterval(() => undefined, 1000);
`,
  );
  return file;
}

function runEditor(script: string, args: string[], killWhen: (out: string) => boolean): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (killWhen(out)) p.kill('SIGKILL');
    });
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('exit', (code, signal) => res({ out: out + err, signal, code }));
  });
}

describe('a crash while editing', () => {
  it('the next start finds the unsaved work, complete, and can restore it; the packet file was never touched', async () => {
    const script = editorScript(resolve('.'));
    const storeDir = join(dir, 'crash-store');
    const packetPath = join(dir, '2024公开包.xlsx');
    const original = await writePacket(smallPacket());
    writeFileSync(packetPath, original);

    const r = await runEditor(script, [storeDir, packetPath, '12'], (out) => out.includes('idle'));
    expect(r.signal).toBe('SIGKILL');

    // the next start
    const store = new RecoveryStore(storeDir);
    const { entries, damaged } = await store.list();
    expect(damaged).toEqual([]);
    expect(entries).toHaveLength(1);
    const e = entries[0];
    expect(e).toMatchObject({ originalPath: packetPath, title: '测试单位', own: false, otherInstanceRunning: false });
    const { bytes } = await store.read(e.id);
    const recovered = new PacketSession(await readPacket(bytes));
    expect(recovered.getValue('公开01表', 2, 1)).toBe(112);
    expect(recovered.getValue('公开01表', 4, 1)).toBe(132.5);
    expect(Buffer.compare(readFileSync(packetPath), Buffer.from(original))).toBe(0);

    // 恢复: the app opens the recovered bytes as unsaved work, the accountant saves, the offer goes away
    await saveAtomic(packetPath, await writePacket(recovered.toPacket()));
    await store.discard(e.id);
    expect(await store.list()).toEqual({ entries: [], damaged: [] });
    expect((await readPacket(new Uint8Array(readFileSync(packetPath))).then((p) => new PacketSession(p))).getValue('公开01表', 2, 1)).toBe(112);
  }, 120_000);

  it('a kill in the middle of typing leaves the last complete autosave, never a broken one', async () => {
    const script = editorScript(resolve('.'));
    const storeDir = join(dir, 'mid-store');
    const packetPath = join(dir, 'mid.xlsx');
    writeFileSync(packetPath, await writePacket(smallPacket()));
    // killed right after the second autosave, while edits continue
    const r = await runEditor(script, [storeDir, packetPath, '40'], (out) => (out.match(/written/g) ?? []).length >= 2);
    expect(r.signal).toBe('SIGKILL');
    const last = Math.max(...[...r.out.matchAll(/edited (\d+)/g)].map((m) => Number(m[1])));
    const { entries, damaged } = await new RecoveryStore(storeDir).list();
    expect(damaged).toEqual([]);
    expect(entries).toHaveLength(1);
    const v = new PacketSession(await readPacket((await new RecoveryStore(storeDir).read(entries[0].id)).bytes)).getValue('公开01表', 2, 1) as number;
    expect(v).toBeGreaterThan(100);
    expect(v).toBeLessThanOrEqual(last);
  }, 120_000);

  it('after a normal save and close there is nothing to recover', async () => {
    const script = editorScript(resolve('.'));
    const storeDir = join(dir, 'clean-store');
    const packetPath = join(dir, 'clean.xlsx');
    writeFileSync(packetPath, await writePacket(smallPacket()));
    const r = await runEditor(script, [storeDir, packetPath, '10', 'save'], () => false);
    expect(r.code).toBe(0);
    expect(r.out).toContain('written');
    expect(await new RecoveryStore(storeDir).list()).toEqual({ entries: [], damaged: [] });
    expect(new PacketSession(await readPacket(new Uint8Array(readFileSync(packetPath)))).getValue('公开01表', 2, 1)).toBe(110);
  }, 120_000);
});

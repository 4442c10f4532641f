/**
 * Recovery files: the unsaved work of an open packet, written every few seconds of change to a per-user
 * folder, so that after a crash or a power cut the next start can offer it back. One file per open
 * document, written atomically (node/atomic-save.ts), holding the packet bytes plus where the packet came
 * from and when it was written, with a checksum so a damaged file is never offered as good.
 *
 * Node only (no electron import). The scheduling (when to write) is shared/safety/autosave.ts, which runs
 * wherever the packet lives; this module is the disk side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { saveAtomic } from './atomic-save.js';

const MAGIC = 'JSREC1\n';
const EXT = '.jsrec';
const ID = /^[0-9a-f]{8,64}$/;

export interface RecoveryMeta {
  format: 1;
  id: string;
  /** the packet file the work belongs to; null for a packet never saved */
  originalPath: string | null;
  /** what to show in the recovery dialog, e.g. the unit name or the file name */
  title: string;
  /** ISO time of this write */
  savedAt: string;
  pid: number;
  host: string;
  bytes: number;
  sha256: string;
}

export interface RecoveryEntry extends RecoveryMeta {
  file: string;
  /** written by this process (an open document of ours, not something to offer) */
  own: boolean;
  /** written by another process that still runs on this machine: probably a second open window */
  otherInstanceRunning: boolean;
}

export class RecoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryError';
  }
}

/** A new id for one open document (one recovery file). */
export function newRecoveryId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The per-user recovery folder when no host tells us one. Electron main should pass
 * `join(app.getPath('userData'), 'recovery')` instead.
 */
export function defaultRecoveryDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'juesuan', 'recovery');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'juesuan', 'recovery');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'juesuan', 'recovery');
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function encodeRecovery(meta: RecoveryMeta, bytes: Uint8Array): Uint8Array {
  const head = Buffer.from(JSON.stringify(meta), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, head, bytes]);
}

/** Parse and verify a recovery file; throws RecoveryError when it is not one or is damaged. */
export function decodeRecovery(file: Uint8Array): { meta: RecoveryMeta; bytes: Uint8Array } {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.length < MAGIC.length + 4 || b.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new RecoveryError('不是恢复文件');
  const n = b.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (n > 1_000_000 || start + n > b.length) throw new RecoveryError('恢复文件已损坏（头部不完整）');
  let meta: RecoveryMeta;
  try {
    meta = JSON.parse(b.toString('utf8', start, start + n)) as RecoveryMeta;
  } catch {
    throw new RecoveryError('恢复文件已损坏（头部无法解析）');
  }
  if (meta.format !== 1 || typeof meta.id !== 'string' || !ID.test(meta.id)) throw new RecoveryError('恢复文件格式不受支持');
  const bytes = new Uint8Array(b.subarray(start + n));
  if (bytes.length !== meta.bytes || sha256(bytes) !== meta.sha256) throw new RecoveryError('恢复文件已损坏（内容校验不符）');
  return { meta, bytes };
}

export class RecoveryStore {
  constructor(readonly dir: string = defaultRecoveryDir()) {}

  private fileOf(id: string): string {
    if (!ID.test(id)) throw new RecoveryError(`恢复编号无效：${id.slice(0, 40)}`);
    return join(this.dir, id + EXT);
  }

  /** Write (replace) the recovery file of one open document, atomically. */
  async write(id: string, bytes: Uint8Array, info: { originalPath: string | null; title?: string }): Promise<RecoveryEntry> {
    const file = this.fileOf(id);
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const meta: RecoveryMeta = {
      format: 1,
      id,
      originalPath: info.originalPath,
      title: info.title ?? (info.originalPath ?? '未命名公开包'),
      savedAt: new Date().toISOString(),
      pid: process.pid,
      host: hostname(),
      bytes: bytes.length,
      sha256: sha256(bytes),
    };
    await saveAtomic(file, encodeRecovery(meta, bytes), { backup: false });
    return { ...meta, file, own: true, otherInstanceRunning: false };
  }

  /**
   * Every recovery file, newest first, with the ids of damaged ones separately (they are never offered;
   * the app may tell the user and discard them).
   */
  async list(): Promise<{ entries: RecoveryEntry[]; damaged: string[] }> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], damaged: [] };
      throw e;
    }
    const entries: RecoveryEntry[] = [];
    const damaged: string[] = [];
    const host = hostname();
    for (const n of names) {
      if (!n.endsWith(EXT) || !ID.test(n.slice(0, -EXT.length))) continue;
      const file = join(this.dir, n);
      try {
        const { meta } = decodeRecovery(new Uint8Array(await fsp.readFile(file)));
        if (meta.id !== n.slice(0, -EXT.length)) throw new RecoveryError('编号不符');
        const own = meta.pid === process.pid && meta.host === host;
        entries.push({ ...meta, file, own, otherInstanceRunning: !own && meta.host === host && alive(meta.pid) });
      } catch {
        damaged.push(n.slice(0, -EXT.length));
      }
    }
    entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    return { entries, damaged };
  }

  /** The packet bytes of a recovery file, verified; the caller opens them as unsaved work. */
  async read(id: string): Promise<{ meta: RecoveryMeta; bytes: Uint8Array }> {
    let raw: Buffer;
    try {
      raw = await fsp.readFile(this.fileOf(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RecoveryError('找不到这份恢复文件（可能已被恢复或删除）。');
      throw e;
    }
    return decodeRecovery(new Uint8Array(raw));
  }

  /** Remove a recovery file (after a save, a deliberate close, or when the user declines it). */
  async discard(id: string): Promise<void> {
    await fsp.rm(this.fileOf(id), { force: true });
  }
}

/**
 * Saving a file so that a power cut, a crash or a kill at any moment leaves either the old file or the new
 * one on disk, complete, never a mixture and never nothing: write a temporary file in the same folder,
 * flush it to the disk, keep the previous version as `<name>.bak.xlsx`, then rename the temporary file
 * over the old one (an atomic replace on the same volume) and flush the folder entry.
 *
 * Node only (no electron import): used by the CLI and by Electron's main process.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';

export interface SaveOptions {
  /** keep the version being replaced as `<name>.bak<ext>` (default true) */
  backup?: boolean;
  /**
   * Check the bytes before they replace anything (e.g. `readPacket`): a save that would put an unreadable
   * file in place of a good one fails instead, and the old file stays.
   */
  verify?: (bytes: Uint8Array) => Promise<unknown> | unknown;
  /** how long to wait for another writer's lock before refusing (default 0: refuse at once) */
  lockWaitMs?: number;
  /** test hook: called after each step; a test may kill the process in between */
  onStep?: (step: SaveStep) => void;
}

export type SaveStep = 'temp-written' | 'backup-written' | 'renamed' | 'dir-synced';

export interface SaveResult {
  path: string;
  /** the previous version, when there was one and backup is on */
  backupPath?: string;
  bytes: number;
}

/** A save that failed; the message is Chinese and says what to do. The file on disk is unchanged. */
export class SaveError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SaveError';
  }
}

/** "公开包.xlsx" → "公开包.bak.xlsx" in the same folder. */
export function backupPathOf(path: string): string {
  const ext = extname(path);
  return ext ? `${path.slice(0, -ext.length)}.bak${ext}` : `${path}.bak`;
}

const TEMP_PREFIX = '.~';
const TEMP_SUFFIX = '.saving';

/** Temporary files of a save of `path` live next to it, hidden, with the writer's pid in the name. */
export function tempPathOf(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

function isTempOf(name: string, base: string): { pid: number } | null {
  if (!name.startsWith(`${TEMP_PREFIX}${base}.`) || !name.endsWith(TEMP_SUFFIX)) return null;
  const m = /\.(\d+)-[0-9a-f]{8}\.saving$/.exec(name);
  return m ? { pid: Number(m[1]) } : null;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove temporary files left by saves of `path` that were interrupted (their writer is gone). Returns the
 * names removed. Called before every save; safe to call at start-up.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const t = isTempOf(n, base);
    if (!t || alive(t.pid)) continue;
    await fsp.rm(join(dir, n), { force: true });
    removed.push(n);
  }
  return removed;
}

// ---- the advisory lock of concurrent writers ----

/** `<folder>/.~<name>.lock` beside the target: it says who writes the file now. */
export function lockPathOf(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${basename(path)}.lock`);
}

interface LockInfo {
  pid: number;
  host: string;
  at: number;
}

/** A lock nobody can still be holding: its writer is gone (same machine) or it is hours old (a share). */
const LOCK_STALE_MS = 30 * 60 * 1000;

/** Locks this thread holds, so a command that locks its --out for its whole run can still save through here. */
const held = new Map<string, number>();

export interface WriteLock {
  path: string;
  release(): Promise<void>;
}

async function readLock(lock: string): Promise<LockInfo | null> {
  try {
    const j = JSON.parse(await fsp.readFile(lock, 'utf8')) as Partial<LockInfo>;
    return { pid: Number(j.pid) || 0, host: String(j.host ?? ''), at: Number(j.at) || 0 };
  } catch {
    return null;
  }
}

/**
 * Take the advisory lock of `path` for this writer, or refuse with a SaveError saying who holds it. Two
 * commands writing the same file at once would otherwise both succeed, the last one winning silently and
 * its .bak holding the other writer's output instead of the original. Re-entrant within one thread.
 */
export async function acquireWriteLock(path: string, waitMs = 0): Promise<WriteLock> {
  const lock = lockPathOf(path);
  const release = async () => {
    const n = (held.get(lock) ?? 1) - 1;
    if (n > 0) {
      held.set(lock, n);
      return;
    }
    held.delete(lock);
    await fsp.rm(lock, { force: true }).catch(() => undefined);
  };
  const mine = held.get(lock);
  if (mine) {
    held.set(lock, mine + 1);
    return { path: lock, release };
  }
  const deadline = Date.now() + waitMs;
  // the lock appears with its content or not at all (written aside, then hard-linked into place): a writer
  // killed at any moment never leaves an empty lock that nobody could tell from a live one
  await removeStaleTemps(lock);
  for (;;) {
    const temp = tempPathOf(lock);
    try {
      await fsp.writeFile(temp, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }), { flag: 'wx' });
      try {
        await fsp.link(temp, lock);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw e;
        // a file system without hard links (some shares): exclusive create, content written right after
        await fsp.writeFile(lock, await fsp.readFile(temp), { flag: 'wx' });
      }
      held.set(lock, 1);
      return { path: lock, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw explain(e, path);
    } finally {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
    }
    const other = await readLock(lock);
    const stale = other
      ? (other.host === hostname() && other.pid !== process.pid && !alive(other.pid)) || Date.now() - other.at > LOCK_STALE_MS
      : // a lock being written this instant has no content yet: only an old empty one is stale
        await fsp.stat(lock).then((st) => Date.now() - st.mtimeMs > 10_000, () => true);
    if (stale) {
      await fsp.rm(lock, { force: true });
      continue;
    }
    if (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const who = other ? (other.host && other.host !== hostname() ? `进程 ${other.pid}（计算机 ${other.host}）` : `进程 ${other.pid} `) : '另一个程序';
    throw new SaveError(
      `保存失败：${who}正在写入「${path}」，本次未写入，原文件未改动。请等它完成后再试；若确认没有其他程序在写入，可删除锁文件「${lock}」。`,
      'ELOCKED',
    );
  }
}

function explain(e: unknown, path: string): SaveError {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  const where = `「${path}」`;
  switch (code) {
    case 'ENOSPC':
      return new SaveError(`保存失败：磁盘空间不足，${where}未改动。请清理磁盘或另存到其他位置。`, code);
    case 'EACCES':
    case 'EPERM':
      return new SaveError(`保存失败：没有权限写入${where}所在的文件夹，原文件未改动。请另存到“文档”等有权限的位置。`, code);
    case 'EROFS':
      return new SaveError(`保存失败：${where}在只读的磁盘上，原文件未改动。请另存到其他位置。`, code);
    case 'EBUSY':
      return new SaveError(`保存失败：${where}正被其他程序占用（例如 Excel/WPS 正打开它），原文件未改动。请关闭该程序后再保存。`, code);
    case 'ENOENT':
      return new SaveError(`保存失败：找不到${where}所在的文件夹（U 盘是否已拔出？），请重新选择保存位置。`, code);
    case 'EISDIR':
      return new SaveError(`保存失败：${where}是一个文件夹，请换一个文件名。`, code);
    default:
      if (e instanceof SaveError) return e;
      return new SaveError(`保存失败：${(err as Error)?.message ?? String(e)}。${where}未改动。`, code);
  }
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a folder for flushing; NTFS journals the rename itself
  if (process.platform === 'win32') return;
  let fd: fsp.FileHandle | undefined;
  try {
    fd = await fsp.open(dir, 'r');
    await fd.sync();
  } catch {
    // some file systems (network shares) refuse fsync on a folder; the rename is still atomic
  } finally {
    await fd?.close();
  }
}

/** Windows refuses a rename for a moment while an antivirus or the indexer holds the file: retry briefly. */
async function renameRetrying(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 8 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') || process.platform !== 'win32') throw e;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const fd = await fsp.open(path, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644);
  try {
    let off = 0;
    while (off < bytes.length) {
      const { bytesWritten } = await fd.write(bytes, off, bytes.length - off);
      off += bytesWritten;
    }
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/**
 * Write `bytes` to `path` atomically, keeping the previous version as a backup. Throws SaveError (Chinese)
 * and leaves the file on disk as it was when anything goes wrong.
 */
export async function saveAtomic(path: string, bytes: Uint8Array, opts: SaveOptions = {}): Promise<SaveResult> {
  const backup = opts.backup ?? true;
  const step = opts.onStep ?? (() => undefined);
  const temp = tempPathOf(path);
  const dir = dirname(path);
  let backupPath: string | undefined;
  let lock: WriteLock | undefined;
  try {
    lock = await acquireWriteLock(path, opts.lockWaitMs ?? 0);
    const st = await fsp.stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (st?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await removeStaleTemps(path);
    await removeStaleTemps(backupPathOf(path));
    if (opts.verify) {
      try {
        await opts.verify(bytes);
      } catch (e) {
        throw new SaveError(`保存失败：要写入的内容未通过校验（${(e as Error).message}），原文件未改动。`, 'EVERIFY');
      }
    }
    await writeSynced(temp, bytes);
    step('temp-written');
    if (backup && st) {
      // the old file is copied, not moved: at no moment is there no file at `path`
      backupPath = backupPathOf(path);
      const backupTemp = tempPathOf(backupPath);
      try {
        await fsp.copyFile(path, backupTemp, fsConstants.COPYFILE_EXCL);
        const fd = await fsp.open(backupTemp, 'r+');
        try {
          await fd.sync();
        } finally {
          await fd.close();
        }
        await renameRetrying(backupTemp, backupPath);
      } finally {
        await fsp.rm(backupTemp, { force: true });
      }
      step('backup-written');
    }
    await renameRetrying(temp, path);
    step('renamed');
    await syncDir(dir);
    step('dir-synced');
    return { path, backupPath, bytes: bytes.length };
  } catch (e) {
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw explain(e, path);
  } finally {
    await lock?.release();
  }
}

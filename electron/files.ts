/** Disk access for the main process: bounded reads and atomic writes (temporary file, flush, rename). */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MAX_IPC_BYTES } from './validate';

export function readBounded(path: string): Uint8Array {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`不是文件：${path}`);
  if (st.size > MAX_IPC_BYTES) throw new Error(`文件过大（${(st.size / 1048576).toFixed(1)} MB）：${path}`);
  return new Uint8Array(readFileSync(path));
}

/** The old file stays whole until the new one is complete on disk. */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing left to clean */
    }
    throw e;
  }
}

/** Disk reads for the main process, bounded; writes go through node/atomic-save.ts. */
import { readFileSync, statSync } from 'node:fs';
import { MAX_IPC_BYTES } from './validate';

export function readBounded(path: string): Uint8Array {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`不是文件：${path}`);
  if (st.size > MAX_IPC_BYTES) throw new Error(`文件过大（${(st.size / 1048576).toFixed(1)} MB）：${path}`);
  return new Uint8Array(readFileSync(path));
}


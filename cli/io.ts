/** Small helpers shared by the CLI commands: Chinese errors on stderr, no stack traces, exit codes. */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { PacketSession } from '../shared/engine.js';
import { PacketError } from '../shared/errors.js';
import { readPacket } from '../shared/xlsx.js';
import type { Packet } from '../shared/model.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNREADABLE = 2;

export class UsageError extends Error {}

export function fail(message: string): never {
  throw new PacketError(message);
}

export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(`找不到文件：${path}`);
    if (code === 'EISDIR') fail(`这是一个文件夹，不是文件：${path}`);
    if (code === 'EACCES') fail(`没有权限读取文件：${path}`);
    fail(`无法读取文件 ${path}：${(e as Error).message}`);
  }
}

/**
 * A phase the main thread holds to its time limit (cli/main.ts): reading a packet and building its engine.
 * Outside the worker (tests importing a command) it is just the work.
 */
export async function timed<T>(what: string, work: () => T | Promise<T>): Promise<T> {
  parentPort?.postMessage({ type: 'phase', what });
  try {
    return await work();
  } finally {
    parentPort?.postMessage({ type: 'phase', what: null });
  }
}

export async function openPacket(path: string): Promise<Packet> {
  return timed(`读取 ${path}`, () => readPacket(readBytes(path), `文件 ${path} `));
}

/** The engine of a packet with every check evaluated: the costly step an untrusted packet controls. */
export async function buildSession(packet: Packet): Promise<PacketSession> {
  return timed('计算公式与审核', () => new PacketSession(packet));
}

/** Parse `--flag value` and `--switch` options; the rest are positional. */
export function parseArgs(args: string[], valued: string[] = []): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const key = a.slice(2);
      if (valued.includes(key)) {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`选项 --${key} 缺少取值`);
        flags[key] = v;
      } else flags[key] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}

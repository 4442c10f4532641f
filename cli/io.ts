/** Small helpers shared by the CLI commands: Chinese errors on stderr, no stack traces, exit codes. */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { PacketSession } from '../shared/engine.js';
import { PacketError } from '../shared/errors.js';
import { MAX_XLSX_BYTES, readPacket } from '../shared/xlsx.js';
import type { Packet } from '../shared/model.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNREADABLE = 2;

export class UsageError extends Error {}

export function fail(message: string): never {
  throw new PacketError(message);
}

/** What a path that is not a regular file is, for the refusal. */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return '命名管道（FIFO）';
  if (st.isCharacterDevice() || st.isBlockDevice()) return '设备文件';
  if (st.isSocket()) return '套接字';
  return '特殊文件';
}

function mbText(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}

/**
 * The bytes of an input file. Only a regular file is read (a FIFO, a device or a symlink to one is refused
 * before any byte is read: /dev/zero would never end), and its size is checked before reading. The open does
 * not block, so a FIFO with no writer cannot hang the command before it is refused.
 */
export function readBytes(path: string, maxBytes = MAX_XLSX_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(`找不到文件：${path}`);
    if (code === 'EISDIR') fail(`这是一个文件夹，不是文件：${path}`);
    if (code === 'EACCES' || code === 'EPERM') fail(`没有权限读取文件：${path}`);
    if (code === 'ENXIO') fail(`${path} 不是普通文件（设备或管道），软件只读取磁盘上的普通文件，未读取。`);
    fail(`无法读取文件 ${path}（${code ?? '未知原因'}）。`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) fail(`这是一个文件夹，不是文件：${path}`);
    if (!st.isFile()) fail(`${path} 是${kindOf(st)}，不是普通文件：软件只读取磁盘上的普通文件，未读取。`);
    if (st.size > maxBytes) fail(`文件 ${path} 过大（${mbText(st.size)}），超过 ${mbText(maxBytes).replace('.0 ', ' ')} 的上限，未读取。`);
    // exactly the size fstat reported: a file that grows while it is read is cut there, never read on
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n <= 0) break;
      at += n;
    }
    return at === out.length ? out : out.subarray(0, at);
  } catch (e) {
    if (e instanceof PacketError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') fail(`这是一个文件夹，不是文件：${path}`);
    fail(`无法读取文件 ${path}（${code ?? '未知原因'}）。`);
  } finally {
    closeSync(fd);
  }
}

export async function openPacketBytes(path: string): Promise<Packet> {
  return readPacket(readBytes(path), `文件 ${path} `);
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
  return timed(`读取 ${path}`, () => openPacketBytes(path));
}

/** The engine of a packet with every check evaluated: the costly step an untrusted packet controls. */
export async function buildSession(packet: Packet): Promise<PacketSession> {
  return timed('计算公式与审核', () => new PacketSession(packet));
}

/**
 * Parse `--flag value` (valued) and `--switch` (switches) options; the rest are positional. Any other option
 * is a usage error (exit 2): `check P --bogus` must not quietly run as `check P`.
 */
export function parseArgs(args: string[], valued: string[] = [], switches: string[] = []): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (valued.includes(key)) {
        const v = eq > 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`选项 --${key} 缺少取值`);
        flags[key] = v;
      } else if (switches.includes(key) && eq < 0) flags[key] = true;
      else {
        const known = [...valued, ...switches].map((k) => `--${k}`).join('、');
        throw new UsageError(`不认识的选项「${a}」${known ? `（此命令可用：${known}）` : '（此命令没有选项）'}`);
      }
    } else if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      throw new UsageError(`不认识的选项「${a}」`);
    } else positional.push(a);
  }
  return { positional, flags };
}

/**
 * The worker thread of bin/juesuan: runs one command under the resource limits cli/main.ts gave the thread.
 * Phases that must finish in time (reading a packet, building its engine) are announced to the main thread,
 * which stops the worker when one overruns: a synchronous loop in HyperFormula cannot be interrupted from
 * inside.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PacketError } from '../shared/errors.js';
import { COMMANDS, usage } from './commands.js';
import { EXIT_UNREADABLE, UsageError } from './io.js';

/** The message for a failure: Chinese, one line, never a stack trace. */
export function failureText(e: unknown): string {
  // SaveError (node/atomic-save) carries a Chinese message too: the file on disk is as it was
  if (e instanceof PacketError || (e as Error)?.name === 'SaveError') return `错误：${(e as Error).message}\n`;
  if (e instanceof UsageError) return `用法错误：${e.message}\n${usage()}\n`;
  if (e instanceof RangeError && /call stack|allocation|invalid (string|array) length/i.test(String(e.message))) {
    return '错误：文件的内容超出了程序能处理的规模（公式或文字过大），已停止。请在 Excel/WPS 中检查后另存再试。\n';
  }
  return `错误：程序内部出错（${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300)}）。请将此信息反馈给开发者。\n`;
}

export async function runCommand(cmd: string, args: string[]): Promise<number> {
  const entry = COMMANDS[cmd];
  if (!entry) {
    process.stderr.write(`未知命令「${cmd}」。\n${usage()}\n`);
    return EXIT_UNREADABLE;
  }
  try {
    let mod: { run(args: string[]): Promise<number> };
    try {
      mod = await import(entry.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(entry.file.slice(2))) {
        process.stderr.write(`命令「${cmd}」在此版本中尚未提供。\n`);
        return EXIT_UNREADABLE;
      }
      throw e;
    }
    return await mod.run(args);
  } catch (e) {
    process.stderr.write(failureText(e));
    return EXIT_UNREADABLE;
  }
}

// Libraries talk on the console ("Missing Info for XLS Record 0x7e00" from SheetJS on a damaged .xls): that
// is not for the accountant, and the commands write their own output to process.stdout/stderr
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[k] = () => undefined;

const { cmd, args } = workerData as { cmd: string; args: string[] };
const code = await runCommand(cmd, args);
parentPort?.postMessage({ type: 'done', code });

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

type Command = { run(args: string[]): Promise<number> };

/**
 * Each command's module, imported only when it runs. Literal import paths: esbuild bundles them
 * (scripts/build-cli.mjs), each into its own chunk, so `check` never loads the PDF printer.
 */
const LOADERS: Record<string, () => Promise<Command>> = {
  check: () => import('./check.js'),
  merge: () => import('./merge.js'),
  forms: () => import('./forms.js'),
  import: () => import('./import.js'),
  narrative: () => import('./narrative.js'),
  'narrative-check': () => import('./narrative-check.js'),
  sets: () => import('./sets.js'),
  new: () => import('./new.js'),
  'new-year': () => import('./new-year.js'),
  'validate-template': () => import('./validate-template.js'),
  export: () => import('./export.js'),
};

export async function runCommand(cmd: string, args: string[]): Promise<number> {
  const load = COMMANDS[cmd] ? LOADERS[cmd] : undefined;
  if (!load) {
    process.stderr.write(`未知命令「${cmd}」。\n${usage()}\n`);
    return EXIT_UNREADABLE;
  }
  try {
    return await (await load()).run(args);
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

/**
 * bin/juesuan <command> …  Exit codes: 0 fine, 1 findings (or cells not placed), 2 unreadable input or bad usage.
 *
 * The command runs in a worker thread with a heap limit, and each phase it announces (reading a packet,
 * building the engine) has a time limit: a packet's own formulas are untrusted input, and the worst they can
 * do is a refusal with exit 2 and a Chinese message, never a V8 abort of the whole process.
 * JUESUAN_HEAP_MB and JUESUAN_PHASE_LIMIT_MS change the limits (tests, very large packets).
 *
 * This file is the bundle's entry (dist-cli/main.mjs, scripts/build-cli.mjs) and stays light: `--version`,
 * `--help` and usage errors answer without a worker, ExcelJS or HyperFormula.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { COMMANDS, usage } from './commands.js';
import { LIMITS } from '../shared/safety/limits.js';

const EXIT_UNREADABLE = 2;
/** heap of the worker; with the main thread and the young generation the process stays below 1 GB */
const HEAP_MB = Number(process.env.JUESUAN_HEAP_MB) || 640;
const PHASE_LIMIT_MS = Number(process.env.JUESUAN_PHASE_LIMIT_MS) || LIMITS.loadTimeMs;

/**
 * `juesuan check P --json | head`: the reader went away. Handled once, here, for every command: the rest of
 * the output is dropped silently and the command's own exit code stands.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      stream.write = (() => true) as typeof stream.write;
      return;
    }
    process.exitCode = EXIT_UNREADABLE;
  });
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`;
}

function runInWorker(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { cmd, args },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
    });
    let code: number | undefined;
    let failure: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    worker.on('message', (m: { type: 'phase'; what: string | null } | { type: 'done'; code: number }) => {
      if (m.type === 'done') {
        code = m.code;
        return;
      }
      clearTimeout(timer);
      timer = undefined;
      const what = m.what;
      if (what) {
        timer = setTimeout(() => {
          failure = `错误：${what}，用时超过 ${seconds(PHASE_LIMIT_MS)}仍未完成，已停止。文件可能过大或含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。\n`;
          void worker.terminate();
        }, PHASE_LIMIT_MS);
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (failure) return;
      failure =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `错误：处理时所需内存超过 ${HEAP_MB} MB 的上限，已停止。文件可能过大或含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。\n`
          : `错误：程序内部出错（${String(e?.message ?? e).split('\n')[0].slice(0, 300)}）。请将此信息反馈给开发者。\n`;
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      if (failure || code === undefined) {
        process.stderr.write(failure ?? '错误：程序意外停止。请将此信息反馈给开发者。\n');
        resolve(EXIT_UNREADABLE);
      } else resolve(code);
    });
  });
}

/** The package's version; package.json is one folder up from both cli/ and dist-cli/. */
function version(): string {
  try {
    return String((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? '未知');
  } catch {
    return '未知';
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
    process.stdout.write(`juesuan ${version()}\n`);
    return 0;
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage() + '\n');
    return cmd ? 0 : EXIT_UNREADABLE;
  }
  if (!COMMANDS[cmd]) {
    process.stderr.write(`未知命令「${cmd}」。\n${usage()}\n`);
    return EXIT_UNREADABLE;
  }
  return runInWorker(cmd, rest);
}

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`错误：程序内部出错（${String((e as Error)?.message ?? e).split('\n')[0]}）。请将此信息反馈给开发者。\n`);
    process.exitCode = EXIT_UNREADABLE;
  },
);

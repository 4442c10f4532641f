/**
 * bin/juesuan run as a user would, asynchronously, with its wall time and peak resident memory (GNU time's
 * %M for the node process: bin/juesuan execs node, so time measures the command itself, threads included).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** peak RSS in MB, when /usr/bin/time is there to measure it */
  rssMb?: number;
}

const GNU_TIME = '/usr/bin/time';
const MARK = 'JUESUAN_PEAK_RSS_KB=';

export function measuredJuesuan(args: string[], opts: { env?: Record<string, string>; limitMs?: number; shell?: string } = {}): Promise<Measured> {
  return new Promise((done) => {
    const timed = existsSync(GNU_TIME);
    const started = performance.now();
    const child = opts.shell
      ? spawn('bash', ['-c', opts.shell], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(timed ? GNU_TIME : 'bin/juesuan', timed ? ['-f', `${MARK}%M`, 'bin/juesuan', ...args] : args, {
          env: { ...process.env, ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d.length + stdout.length > 4_000_000 ? '' : d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const m = new RegExp(`${MARK}(\\d+)`).exec(stderr);
      const rssMb = m ? Number(m[1]) / 1024 : undefined;
      stderr = stderr.replace(new RegExp(`(Command exited with non-zero status \\d+\\n)?${MARK}\\d+\\n?`), '');
      done({ code, signal, stdout, stderr, ms, rssMb });
    });
  });
}

/** A clean refusal: Chinese, no stack trace, no library wording, no internal error. */
export function cleanMessage(stderr: string): string[] {
  const problems: string[] = [];
  if (!/[\u4e00-\u9fff]/.test(stderr)) problems.push('not Chinese');
  if (/\n\s+at .*:\d+|\bat .*\.(ts|js|mjs):\d+/.test(stderr)) problems.push('stack trace');
  if (stderr.includes('程序内部出错')) problems.push('internal error');
  if (/Cannot read|undefined|TypeError|RangeError|FATAL|Sector Shift|Sheet size limit|Protocol error/i.test(stderr)) problems.push('library text');
  return problems;
}

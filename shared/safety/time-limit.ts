/**
 * A wall-clock limit on one piece of work (reading one file). It bounds work that yields to the event loop
 * (ExcelJS parses in asynchronous steps); it cannot interrupt a synchronous loop, which is why the size and
 * shape limits come first and why the CLI runs each file in its own process.
 */
import { SafetyError } from './errors.js';

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

export class TimeLimitError extends SafetyError {}

export async function withTimeLimit<T>(work: Promise<T>, ms: number, what = '文件'): Promise<T> {
  const timers = globalThis as unknown as Timers;
  let timer: unknown;
  // a late failure of abandoned work must not surface as an unhandled rejection
  work.catch(() => undefined);
  const limit = new Promise<never>((_resolve, reject) => {
    timer = timers.setTimeout(() => {
      const s = ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`;
      reject(new TimeLimitError(`${what}读取超时：超过 ${s}仍未读完，已停止。文件可能过大或结构异常；请在 Excel/WPS 中打开后另存为 .xlsx 再试。`));
    }, ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    timers.clearTimeout(timer);
  }
}

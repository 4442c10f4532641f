/**
 * The page's side of a core worker (core.worker.ts): request ids, one promise per request, progress events.
 * The worker handles requests in the order they are posted, so edits apply in the order they were typed.
 */
import { PacketError } from '../../shared/errors';
import type { CallReply, CoreMessage, CoreRequest } from './protocol';

/** What a request lets the worker call back on the page for (the host's printer, saving a file). */
export type CallBacks = Partial<Record<'print' | 'artifact', (...args: unknown[]) => Promise<unknown>>>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  progress?: (p: unknown) => void;
  calls?: CallBacks;
}

/** The worker died (out of memory, a crash) or was stopped: what was asked of it will not come. */
export class CoreGone extends Error {
  constructor(readonly why: 'crashed' | 'stopped') {
    super(why === 'crashed' ? '后台计算进程意外退出' : '后台计算已停止');
  }
}

export class CoreClient {
  private readonly worker: Worker;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private gone: CoreGone | null = null;

  constructor() {
    this.worker = new Worker(new URL('./core.worker.ts', import.meta.url), { type: 'module', name: 'core' });
    this.worker.onmessage = (e: MessageEvent<CoreMessage>) => {
      const m = e.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') {
        p.progress?.(m.progress);
        return;
      }
      if (m.kind === 'call') {
        const fn = p.calls?.[m.name];
        const answer = (r: Omit<CallReply, 'callReply'>) => {
          if (!this.gone) this.worker.postMessage({ callReply: m.call, ...r } satisfies CallReply);
        };
        if (!fn) answer({ error: `no call back ${m.name}` });
        else fn(...m.args).then((value) => answer({ value }), (e: unknown) => answer({ error: (e as Error)?.message || String(e) }));
        return;
      }
      this.pending.delete(m.id);
      if (m.kind === 'reply') p.resolve(m.value);
      else p.reject(m.packetError ? new PacketError(m.message) : new Error(m.message));
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.end(new CoreGone('crashed'));
    };
  }

  get alive(): boolean {
    return !this.gone;
  }

  request<T>(request: CoreRequest, progress?: (p: unknown) => void, calls?: CallBacks, transfer: Transferable[] = []): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress, calls });
      this.worker.postMessage({ id, request }, transfer);
    });
  }

  /** Stop the worker (a packet that computes too long, or the previous document): its requests fail. */
  terminate(): void {
    this.end(new CoreGone('stopped'));
  }

  private end(why: CoreGone): void {
    if (this.gone) return;
    this.gone = why;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(why);
    this.pending.clear();
  }
}

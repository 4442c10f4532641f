/**
 * When to write unsaved work to the recovery file: at most `intervalMs` after the first change that is not
 * yet in a recovery file, and again every `intervalMs` while changes keep coming (typing for a minute is
 * never a minute of exposure). Writes never overlap; a save or a deliberate close cancels what is pending
 * and removes the recovery file, also when a write was in flight at that moment.
 *
 * Pure TypeScript: it runs where the packet lives (the renderer or a worker); `snapshot`, `write` and
 * `discard` are the host's (in Electron: writePacket(session.toPacket()) and IPC calls to main, which
 * uses node/recovery.ts).
 */
interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

export interface AutosaverOptions {
  intervalMs?: number;
  /** the unsaved work as packet bytes */
  snapshot: () => Promise<Uint8Array> | Uint8Array;
  /** write (replace) this document's recovery file */
  write: (bytes: Uint8Array) => Promise<void>;
  /** remove this document's recovery file */
  discard: () => Promise<void>;
  /** a failed write is reported, never thrown at the editor; the next change tries again */
  onError?: (e: unknown) => void;
  timers?: Timers;
}

export const AUTOSAVE_INTERVAL_MS = 5_000;

export class Autosaver {
  private readonly interval: number;
  private readonly timers: Timers;
  private timer: unknown = null;
  /** bumped by every change; a write records the generation it captured */
  private generation = 0;
  private written = 0;
  private inflight: Promise<void> | null = null;
  private closed = false;
  /** how many recovery writes completed (for tests and the status bar) */
  writes = 0;

  constructor(private readonly opts: AutosaverOptions) {
    this.interval = opts.intervalMs ?? AUTOSAVE_INTERVAL_MS;
    this.timers = opts.timers ?? (globalThis as unknown as Timers);
  }

  /** unsaved changes not yet in the recovery file */
  get pending(): boolean {
    return this.generation !== this.written;
  }

  /** Call after every change that makes the document differ from its saved file. */
  changed(): void {
    if (this.closed) return;
    this.generation++;
    if (this.timer === null && !this.inflight) this.schedule();
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.interval);
  }

  /** Write now if there is anything unwritten (e.g. when the window loses focus). */
  async flush(): Promise<void> {
    if (this.inflight) await this.inflight;
    if (this.closed || !this.pending) return;
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    const gen = this.generation;
    this.inflight = (async () => {
      try {
        const bytes = await this.opts.snapshot();
        if (this.closed) return;
        await this.opts.write(bytes);
        this.written = gen;
        this.writes++;
      } catch (e) {
        this.opts.onError?.(e);
      }
    })();
    try {
      await this.inflight;
    } finally {
      this.inflight = null;
    }
    // changes made while writing: the next write follows one interval later
    if (!this.closed && this.pending && this.timer === null) this.schedule();
  }

  private async stop(): Promise<void> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inflight) await this.inflight;
    await this.opts.discard();
  }

  /** The document was saved to its file: nothing to recover any more. Later changes start over. */
  async saved(): Promise<void> {
    const gen = this.generation;
    await this.stop();
    this.written = gen;
    if (this.pending) this.schedule();
  }

  /** The document is closed on purpose (after saving, or the user chose 不保存): remove the recovery file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}

/**
 * Autosave of the open document: its unsaved work written to the window's recovery file every few seconds
 * of change (shared/safety's Autosaver), through the host. One slot per window: a new document retires the
 * previous one's writer and its recovery file.
 */
import { Autosaver } from '../../shared/safety/index';
import type { Host } from '../host/host';
import { say, useUi } from './store';

export class AutosaveSlot {
  /** writes the unsaved work of the open packet to its recovery file every few seconds of change */
  private autosaver: Autosaver | null = null;

  constructor(
    private readonly host: () => Host | null,
    /** the open packet's bytes as they stand */
    private readonly snapshot: () => Promise<Uint8Array>,
  ) {}

  /** A new document: the previous one's recovery file goes with it (its unsaved changes were confirmed away). */
  replace(): void {
    void this.autosaver?.close();
    this.autosaver = this.host() ? this.newAutosaver() : null;
  }

  /** the open document changed: its recovery file is due */
  changed(): void {
    this.autosaver?.changed();
  }

  /** the open document was saved: its recovery file is not needed */
  saved(): void {
    void this.autosaver?.saved();
  }

  private newAutosaver(): Autosaver {
    const host = this.host()!;
    let warned = false;
    return new Autosaver({
      snapshot: () => this.snapshot(),
      write: async (bytes) => {
        await host.recoveryWrite(bytes);
        useUi.setState({ autosavedAt: new Date().toLocaleTimeString('zh-CN', { hour12: false }) });
      },
      discard: async () => {
        await host.recoveryDiscard();
        useUi.setState({ autosavedAt: '' });
      },
      onError: (e) => {
        // said once per document: a full disk must not flood the status line on every keystroke
        if (!warned) say(`自动保存恢复文件失败：${(e as Error).message}。请尽快手动保存。`, 'warn');
        warned = true;
      },
    });
  }

  /** completed recovery writes of the open document (the e2e tests wait for one) */
  get writes(): number {
    return this.autosaver?.writes ?? 0;
  }

  /** Write the recovery file now if anything is unwritten (the window lost focus, the page is hidden). */
  flush(): Promise<void> {
    return this.autosaver?.flush() ?? Promise.resolve();
  }

  /**
   * Stop autosaving the open document and remove its recovery file, before another document (a
   * recovered one) takes this window's recovery file over: a late write must not land on it.
   */
  async retire(): Promise<void> {
    const a = this.autosaver;
    this.autosaver = null;
    await a?.close();
  }

  /** Autosave the open document again after a recovery that did not happen (it failed, or the file was bad). */
  resume(open: boolean, dirty: boolean): void {
    if (this.autosaver || !open || !this.host()) return;
    this.autosaver = this.newAutosaver();
    if (dirty) this.autosaver.changed();
  }
}

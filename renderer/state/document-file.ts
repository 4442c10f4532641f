/**
 * Opening and saving the document: the bytes go to a new core worker (renderer/core/), which reads the packet
 * and builds its session under the load time limit while the page stays responsive; the packet is written to
 * bytes by that worker and saved through the host, which writes atomically and keeps the previous version.
 */
import { PacketError, type Packet } from '../../shared/index';
import type { SessionMirror } from '../core/mirror';
import { openInCore } from '../core/open';
import type { AutosaveSlot } from './autosave';
import { packetBytes } from './packet-writer';
import type { Host, OpenedFile } from '../host/host';
import { perf } from '../perf';
import { say, useUi } from './store';

/** What opening and saving need of the controller. */
export interface DocumentOwner {
  readonly host: Host | null;
  readonly session: SessionMirror | null;
  install(session: SessionMirror, name: string, untitled: boolean, keepSheet?: boolean, recovered?: boolean): void;
  pushTitle(): void;
}

export class DocumentFile {
  /** the name the document was opened or last saved under */
  savedName = '';
  /** never saved: 保存 asks where */
  untitled = false;

  constructor(
    private readonly owner: DocumentOwner,
    private readonly autosave: AutosaveSlot,
  ) {}

  async open(file: OpenedFile): Promise<void> {
    // the last message ("已打开「…」") must not stand as the progress line of this open
    useUi.setState({ status: 'loading', loadError: '', message: '' });
    perf.phase('read-start');
    let session: SessionMirror;
    try {
      session = await openInCore({ bytes: file.bytes }, `文件「${file.name}」`, (m) => say(m));
      perf.phase('session-done');
    } catch (e) {
      this.failOpen(e);
      return;
    }
    this.owner.install(session, file.name, !!file.untitled, false, !!file.recovered);
    // the counts are not repeated here: the status bar shows them live, a message would go stale on the next edit
    say(`已打开「${file.name}」。`);
  }

  private failOpen(e: unknown): void {
    const msg = e instanceof PacketError ? e.message : `无法打开文件：${(e as Error).message}`;
    if (this.owner.session) {
      useUi.setState({ status: 'ready' });
      say(msg, 'error');
    } else {
      useUi.setState({ status: 'error', loadError: msg });
    }
  }

  /** A packet made on the page (a new year's) opened as the document, in its own core worker. */
  async openPacket(packet: Packet, name: string): Promise<boolean> {
    useUi.setState({ status: 'loading', loadError: '', message: '' });
    try {
      const session = await openInCore({ packet }, `公开包「${name}」`, (m) => say(m));
      this.owner.install(session, name, true, false);
      return true;
    } catch (e) {
      this.failOpen(e);
      return false;
    }
  }

  /** The open packet as file bytes, written by its core worker. */
  async bytes(): Promise<Uint8Array> {
    return packetBytes(this.owner.session!);
  }

  async save(saveAs = false): Promise<boolean> {
    const s = this.owner.session;
    const host = this.owner.host;
    if (!s || !host) return false;
    try {
      const bytes = await this.bytes();
      const saved = saveAs || this.untitled ? await host.saveAs(bytes, this.savedName) : await host.save(bytes);
      if (!saved) return false;
      s.dirty = false;
      this.autosave.saved();
      this.savedName = saved.name;
      this.untitled = false;
      useUi.setState({ dirty: false, fileName: saved.name });
      this.owner.pushTitle();
      say(`已保存「${saved.name}」。`);
      return true;
    } catch (e) {
      say(`保存失败：${(e as Error).message}`, 'error');
      return false;
    }
  }
}

/**
 * Opening and saving the document: bytes read into a packet (its engine cost tried in a worker first) and a
 * session built; the packet written to bytes (in a worker) and saved through the host, which writes atomically
 * and keeps the previous version.
 */
import { PacketError, PacketSession, readPacket, type Packet } from '../../shared/index';
import type { AutosaveSlot } from './autosave';
import { checkEngineCost } from './engine-probe';
import { packetBytes } from './packet-writer';
import type { Host, OpenedFile } from '../host/host';
import { perf } from '../perf';
import { say, useUi } from './store';

/** What opening and saving need of the controller. */
export interface DocumentOwner {
  readonly host: Host | null;
  readonly session: PacketSession | null;
  install(session: PacketSession, name: string, untitled: boolean, keepSheet?: boolean, recovered?: boolean): void;
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
    let packet: Packet;
    try {
      packet = await readPacket(file.bytes, `文件「${file.name}」`);
      perf.phase('read-done');
      // a packet whose formulas would compute for minutes is tried in a worker first (engine-probe.ts)
      await checkEngineCost(packet, `文件「${file.name}」`, (m) => say(m));
    } catch (e) {
      this.failOpen(e);
      return;
    }
    let session: PacketSession;
    try {
      session = new PacketSession(packet);
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

  /** The open packet as file bytes. */
  async bytes(): Promise<Uint8Array> {
    return packetBytes(this.owner.session!.toPacket());
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

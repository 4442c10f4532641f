/**
 * Recovery files for the browser host: the unsaved work of each open page in IndexedDB (it survives a
 * crashed or killed browser, and holds bytes without the base64 and the size limit of localStorage).
 * The Electron host keeps the same files on disk through node/recovery.ts; the renderer cannot tell them
 * apart.
 *
 * Which entries to offer: a page that still runs owns its entry. Pages answer a "who is alive" question on
 * a BroadcastChannel, so a second open tab never offers the first tab's work as if it had crashed.
 */
import type { OpenedFile, RecoveryOffer } from './bridge';

const DB_NAME = 'juesuan-recovery';
const STORE = 'documents';
const CHANNEL = 'juesuan-recovery';
/** how long live pages get to answer; they answer from an idle event loop in well under this */
const ALIVE_WAIT_MS = 300;

interface StoredRecovery {
  id: string;
  title: string;
  savedAt: string;
  bytes: Uint8Array;
}

type AliveMessage = { type: 'who' } | { type: 'alive'; id: string };

function newId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB 请求失败'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id' });
  return request(r);
}

export class BrowserRecovery {
  /** this page's recovery entry: the work of the document open in it */
  private id = newId();
  private offered = new Set<string>();
  private readonly channel: BroadcastChannel | null;
  private db: Promise<IDBDatabase> | null = null;

  constructor(private readonly title: () => string) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
    this.channel?.addEventListener('message', (e: MessageEvent<AliveMessage>) => {
      if (e.data?.type === 'who') this.channel!.postMessage({ type: 'alive', id: this.id } satisfies AliveMessage);
    });
  }

  private database(): Promise<IDBDatabase> {
    return (this.db ??= openDb());
  }

  private async readStore(): Promise<IDBObjectStore> {
    return (await this.database()).transaction(STORE, 'readonly').objectStore(STORE);
  }

  /** A write or delete that is on disk when it resolves: 'strict' makes the commit wait for the flush. */
  private async commit(change: (store: IDBObjectStore) => void): Promise<void> {
    const tx = (await this.database()).transaction(STORE, 'readwrite', { durability: 'strict' });
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB 写入失败'));
    });
    change(tx.objectStore(STORE));
    await done;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const entry: StoredRecovery = { id: this.id, title: this.title(), savedAt: new Date().toISOString(), bytes };
    await this.commit((s) => s.put(entry));
  }

  async discard(id = this.id): Promise<void> {
    await this.commit((s) => s.delete(id));
  }

  private async alivePages(): Promise<Set<string>> {
    const alive = new Set<string>();
    if (!this.channel) return alive;
    // a second channel object: a BroadcastChannel does not hear its own messages
    const ask = new BroadcastChannel(CHANNEL);
    ask.addEventListener('message', (e: MessageEvent<AliveMessage>) => {
      if (e.data?.type === 'alive') alive.add(e.data.id);
    });
    ask.postMessage({ type: 'who' } satisfies AliveMessage);
    await new Promise((r) => setTimeout(r, ALIVE_WAIT_MS));
    ask.close();
    return alive;
  }

  async list(): Promise<RecoveryOffer[]> {
    const [all, alive] = await Promise.all([
      (async () => request((await this.readStore()).getAll() as IDBRequest<StoredRecovery[]>))(),
      this.alivePages(),
    ]);
    const offers = all
      .filter((e) => e.id !== this.id && !alive.has(e.id) && e.bytes instanceof Uint8Array && e.bytes.length > 0)
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    this.offered = new Set(offers.map((e) => e.id));
    return offers.map((e) => ({ id: e.id, title: e.title, savedAt: e.savedAt, fileName: e.title }));
  }

  async open(id: string): Promise<OpenedFile | null> {
    if (!this.offered.has(id)) throw new Error('这份恢复文件不在可恢复的列表中。');
    const entry = (await request((await this.readStore()).get(id))) as StoredRecovery | undefined;
    if (!entry) throw new Error('找不到这份恢复文件（可能已被恢复或删除）。');
    this.offered.delete(id);
    // the recovered work keeps its entry until it is saved: a second crash loses nothing either
    if (this.id !== id) await this.discard(this.id);
    this.id = id;
    return { name: entry.title, bytes: entry.bytes, recovered: true };
  }

  async decline(id: string): Promise<void> {
    if (!this.offered.has(id)) throw new Error('这份恢复文件不在可恢复的列表中。');
    this.offered.delete(id);
    await this.discard(id);
  }
}

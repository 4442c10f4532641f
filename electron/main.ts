/**
 * Electron main process: one window, Chinese menus, native dialogs, disk. No business logic: the renderer
 * does everything with the packet; this process only moves bytes to and from files the user picked.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DocumentState, ExportKind, MenuCommand, OpenedFile, PrintRequest, SavedFile } from '../renderer/host/bridge';
import { INVOKE, MENU_EVENT, SEND, type InvokeApi, type SendApi } from './ipc';
import { buildMenuTemplate } from './menu';
import { CSP, isAppUrl, mimeOf, resolveInside } from './paths';
import { RecentFiles } from './recent';
import { saveAtomic } from '../node/atomic-save';
import { newRecoveryId, RecoveryStore } from '../node/recovery';
import { readBounded } from './files';
import { IpcArgumentError, expectIndex } from './validate';

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

const APP_ROOT = app.getAppPath();
const RENDERER_DIR = join(APP_ROOT, 'dist');
const PACKETS_DIR = join(RENDERER_DIR, 'packets');

let win: BrowserWindow | null = null;
/** the file the open packet was read from; null for the reference packet, a template or an unsaved packet */
let currentPath: string | null = null;
let doc: DocumentState = { name: '决算公开助手', dirty: false };
let forceClose = false;
let recent: RecentFiles;
let recovery: RecoveryStore;
/** this window's recovery file: the unsaved work of the open packet, rewritten by the renderer's autosave */
let recoveryId = newRecoveryId();
/** recovery files of this process whose renderer crashed: offered after the reload, although "own" */
const orphaned = new Set<string>();
/** ids shown in the recovery dialog: the only ones recoveryOpen / recoveryDecline accept */
let offered = new Set<string>();
/** the deliberate close's discard of the recovery file, which quitting waits for */
let discarding: Promise<void> = Promise.resolve();

function send(command: MenuCommand, arg?: number): void {
  win?.webContents.send(MENU_EVENT, command, arg);
}

function refreshMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ recent: recent.entries(), send, devTools: !app.isPackaged })));
}

function opened(path: string | null, name: string, bytes: Uint8Array, untitled = false): OpenedFile {
  currentPath = path;
  if (path) {
    recent.add(path);
    refreshMenu();
  }
  return { name, bytes, ...(untitled ? { untitled } : {}) };
}

async function openPath(path: string): Promise<OpenedFile | null> {
  try {
    return opened(path, basename(path), readBounded(path));
  } catch (e) {
    await dialog.showMessageBox(win!, { type: 'error', title: '无法打开', message: `无法打开文件：${(e as Error).message}` });
    return null;
  }
}

function commandLinePacket(): string | null {
  const args = process.argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'));
  const file = args.find((a) => a.toLowerCase().endsWith('.xlsx'));
  return file ? resolve(file) : null;
}

async function writeChosen(bytes: Uint8Array, defaultName: string, kind: ExportKind): Promise<string | null> {
  const filters = { xlsx: { name: 'Excel 工作簿', extensions: ['xlsx'] }, pdf: { name: 'PDF', extensions: ['pdf'] }, docx: { name: 'Word 文档', extensions: ['docx'] } };
  const r = await dialog.showSaveDialog(win!, { defaultPath: defaultName, filters: [filters[kind]] });
  if (r.canceled || !r.filePath) return null;
  // a packet written over keeps its previous version as <name>.bak.xlsx; exports need no backup
  await saveAtomic(r.filePath, bytes, { backup: kind === 'xlsx' });
  return r.filePath;
}

/** When `path` was last written, if that is after `iso` (a recovery file's time); null otherwise or when it is gone. */
async function modifiedAfter(path: string, iso: string): Promise<string | null> {
  try {
    const m = (await stat(path)).mtime;
    return m.getTime() > Date.parse(iso) ? m.toISOString() : null;
  } catch {
    return null;
  }
}

const handlers: InvokeApi = {
  async openInitial() {
    const arg = commandLinePacket();
    if (arg) return openPath(arg);
    // the shipped reference packet opens as an untitled copy: 保存 asks where, it never overwrites the bundle
    return opened(null, 'reference-packet.xlsx', new Uint8Array(await readFile(join(PACKETS_DIR, 'reference-packet.xlsx'))));
  },
  async openDialog() {
    const r = await dialog.showOpenDialog(win!, { title: '打开公开包', filters: [{ name: '决算公开包', extensions: ['xlsx'] }], properties: ['openFile'] });
    return r.canceled || !r.filePaths[0] ? null : openPath(r.filePaths[0]);
  },
  async openTemplate(set) {
    // the set's empty packet as bundled by the renderer build (vite.config.ts: packets/<set>/tables.xlsx)
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(PACKETS_DIR, set, 'tables.xlsx')));
    } catch {
      throw new Error(`本版本没有模板套「${set}」的空白公开包。`);
    }
    return opened(null, '未命名公开包.xlsx', bytes, true);
  },
  async openRecent(index) {
    const paths = recent.paths();
    return openPath(paths[expectIndex(index, paths.length)]);
  },
  async save(bytes): Promise<SavedFile | null> {
    if (!currentPath) return handlers.saveAs(bytes, doc.name.endsWith('.xlsx') ? doc.name : '公开包.xlsx');
    await saveAtomic(currentPath, bytes);
    return { name: basename(currentPath) };
  },
  async saveAs(bytes, suggestedName) {
    const path = await writeChosen(bytes, suggestedName, 'xlsx');
    if (!path) return null;
    currentPath = path;
    recent.add(path);
    refreshMenu();
    return { name: basename(path) };
  },
  async exportFile(bytes, suggestedName, kind) {
    const path = await writeChosen(bytes, suggestedName, kind);
    return path ? { name: basename(path) } : null;
  },
  async importDialog() {
    const r = await dialog.showOpenDialog(win!, { title: '导入', filters: [{ name: '表格（Excel、网页导出、CSV）', extensions: ['xlsx', 'xls', 'htm', 'html', 'mht', 'mhtml', 'csv', 'txt'] }], properties: ['openFile'] });
    if (r.canceled || !r.filePaths[0]) return null;
    return { name: basename(r.filePaths[0]), bytes: readBounded(r.filePaths[0]) };
  },
  async print(html, opts) {
    await printHtml(html, opts ?? {});
  },
  async printPdf(html, opts) {
    return printHtmlToPdf(html, opts ?? {});
  },
  async recoveryWrite(bytes) {
    await recovery.write(recoveryId, bytes, { originalPath: currentPath, title: doc.name });
  },
  async recoveryDiscard() {
    await recovery.discard(recoveryId);
  },
  async recoveryList() {
    const { entries } = await recovery.list();
    // another window still running owns its file; our own file is only offered after our renderer crashed
    const offers = entries.filter((e) => (e.own ? orphaned.has(e.id) : !e.otherInstanceRunning));
    offered = new Set(offers.map((e) => e.id));
    return Promise.all(
      offers.map(async (e) => {
        const later = e.originalPath ? await modifiedAfter(e.originalPath, e.savedAt) : null;
        return { id: e.id, title: e.title, savedAt: e.savedAt, fileName: e.originalPath ? basename(e.originalPath) : '', ...(later ? { fileSavedLater: later } : {}) };
      }),
    );
  },
  async recoveryOpen(id) {
    if (!offered.has(id)) throw new IpcArgumentError('id: not an offered recovery file');
    const { meta, bytes } = await recovery.read(id);
    offered.delete(id);
    orphaned.delete(id);
    // the recovered work keeps its recovery file until it is saved: a second crash loses nothing either
    if (recoveryId !== id) await recovery.discard(recoveryId);
    recoveryId = id;
    currentPath = meta.originalPath;
    const name = meta.originalPath ? basename(meta.originalPath) : meta.title;
    return { name, bytes, recovered: true };
  },
  async recoveryDecline(id) {
    if (!offered.has(id)) throw new IpcArgumentError('id: not an offered recovery file');
    offered.delete(id);
    orphaned.delete(id);
    await recovery.discard(id);
  },
};

const senders: SendApi = {
  setDocumentState(state) {
    doc = state;
    win?.setTitle(`${state.dirty ? '● ' : ''}${state.name} — 决算公开助手`);
    win?.setDocumentEdited(state.dirty);
  },
  closeWindow() {
    forceClose = true;
    win?.close();
  },
};

function fromOurWindow(e: IpcMainInvokeEvent | IpcMainEvent): boolean {
  return !!win && e.sender === win.webContents && isAppUrl(e.senderFrame?.url ?? '');
}

function registerIpc(): void {
  for (const key of Object.keys(INVOKE) as (keyof InvokeApi)[]) {
    const entry = INVOKE[key];
    ipcMain.handle(entry.channel, async (e, ...args: unknown[]) => {
      if (!fromOurWindow(e)) throw new Error('IPC from an unknown frame');
      const parsed = entry.parse(args) as unknown[];
      return (handlers[key] as (...a: unknown[]) => unknown)(...parsed);
    });
  }
  for (const key of Object.keys(SEND) as (keyof SendApi)[]) {
    const entry = SEND[key];
    ipcMain.on(entry.channel, (e, ...args: unknown[]) => {
      if (!fromOurWindow(e)) return;
      try {
        const parsed = entry.parse(args) as unknown[];
        (senders[key] as (...a: unknown[]) => void)(...parsed);
      } catch (err) {
        if (!(err instanceof IpcArgumentError)) throw err;
      }
    });
  }
}

function serveRenderer(): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'juesuan' ? resolveInside(RENDERER_DIR, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { 'Content-Type': mimeOf(file), 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/**
 * Print the packet HTML in a hidden window with scripts off and every navigation refused. The HTML goes
 * through a temporary file: as a data: URL it would exceed Chromium's URL length limit. The options are
 * shared/export's PRINT_OPTIONS (the document's @page rules decide size, margins and page numbers).
 */
async function printHtmlToPdf(html: string, opts: PrintRequest): Promise<Uint8Array> {
  return withPrintWindow(html, async (wc) => {
    const pdf = await wc.printToPDF({
      preferCSSPageSize: true, printBackground: true,
      ...(opts.pageRanges ? { pageRanges: opts.pageRanges } : {}), ...(opts.scale ? { scale: opts.scale } : {}),
    });
    return new Uint8Array(pdf);
  });
}

/** 打印: the same document on paper through the system print dialog (pages, scale, copies preset). */
async function printHtml(html: string, opts: PrintRequest): Promise<void> {
  // webContents.print wants 0-based {from, to} ranges
  const ranges = (opts.pageRanges ?? '').split(',').filter((r) => r.trim()).map((r) => {
    const [a, b] = r.trim().split('-').map(Number);
    return { from: a - 1, to: (b ?? a) - 1 };
  });
  await withPrintWindow(html, (wc) => new Promise<void>((resolve, reject) => {
    wc.print(
      { silent: false, printBackground: true, copies: opts.copies ?? 1, ...(ranges.length ? { pageRanges: ranges } : {}), ...(opts.scale ? { scaleFactor: Math.round(opts.scale * 100) } : {}) },
      (ok, reason) => (ok || reason === 'Print job canceled' || reason === 'cancelled' ? resolve() : reject(new Error(`打印失败：${reason}`))),
    );
  }));
}

async function withPrintWindow<T>(html: string, job: (wc: Electron.WebContents) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'juesuan-print-'));
  const file = join(dir, 'packet.html');
  const printer = new BrowserWindow({
    show: false,
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true },
  });
  try {
    printer.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    printer.webContents.on('will-navigate', (e) => e.preventDefault());
    await writeFile(file, html, 'utf8');
    await printer.loadFile(file);
    return await job(printer.webContents);
  } finally {
    printer.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: '决算公开助手',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Chromium's PDF viewer: the print dialog previews the PDF it printed (a blob: of our own origin)
      plugins: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win?.show());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.on('close', (e) => {
    if (forceClose || !doc.dirty) return;
    e.preventDefault();
    const choice = dialog.showMessageBoxSync(win!, {
      type: 'warning',
      title: '决算公开助手',
      message: `「${doc.name}」有未保存的修改，关闭前要保存吗？`,
      buttons: ['保存', '不保存', '取消'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
    });
    if (choice === 0) send('save-then-close');
    else if (choice === 1) {
      forceClose = true;
      win?.close();
    }
  });
  win.on('closed', () => {
    // closed on purpose (saved, or 不保存 chosen): nothing to recover. A crash never gets here.
    discarding = recovery.discard(recoveryId).catch(() => undefined);
    win = null;
  });
  win.webContents.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return;
    // the page died with its work in the recovery file: keep that file, offer it after the reload
    orphaned.add(recoveryId);
    recoveryId = newRecoveryId();
    win?.webContents.reload();
  });
  void win.loadURL('app://juesuan/index.html');
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(() => {
  recent = new RecentFiles(join(app.getPath('userData'), 'recent.json'));
  recovery = new RecoveryStore(join(app.getPath('userData'), 'recovery'));
  // no camera, microphone, notifications, geolocation …: the app asks for nothing
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  serveRenderer();
  registerIpc();
  refreshMenu();
  createWindow();
});

app.on('window-all-closed', () => {
  void discarding.finally(() => app.quit());
});

/**
 * Electron hardening, without launching Electron (its binary cannot be downloaded here). The real
 * electron/main.ts and electron/preload.ts are loaded in Node through tsx, with the `electron` module
 * replaced by a recorder of what they ask Electron to do. The test then reads the window options, calls the
 * navigation and new-window handlers, requests files through the app:// protocol handler and checks its
 * Content-Security-Policy, and calls every IPC handler with malformed arguments. Only Electron is stood in
 * for; every line of our code runs as written.
 */
import { spawnSync } from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/cjs/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE, SEND } from '../../electron/ipc.js';
import { MAX_IPC_BYTES } from '../../electron/validate.js';
import { decodeRecovery } from '../../node/recovery.js';

type Fn = (...args: unknown[]) => unknown;

const work = mkdtempSync(join(tmpdir(), 'juesuan-electron-'));
const appDir = join(work, 'app');
mkdirSync(join(appDir, 'dist', 'packets'), { recursive: true });
writeFileSync(join(appDir, 'dist', 'index.html'), '<!doctype html><title>决算公开助手</title>');
writeFileSync(join(appDir, 'dist', 'packets', 'tables.xlsx'), 'PK\u0003\u0004');
writeFileSync(join(appDir, 'secret.txt'), 'outside the renderer folder');

class FakeWebContents {
  listeners = new Map<string, Fn[]>();
  windowOpenHandler?: Fn;
  sent: unknown[][] = [];
  on(evt: string, fn: Fn) {
    this.listeners.set(evt, [...(this.listeners.get(evt) ?? []), fn]);
    return this;
  }
  setWindowOpenHandler(fn: Fn) {
    this.windowOpenHandler = fn;
  }
  send(...a: unknown[]) {
    this.sent.push(a);
  }
  print() {}
  reloads = 0;
  reload() {
    this.reloads++;
  }
}

const recorded = {
  windows: [] as { options: Record<string, unknown>; webContents: FakeWebContents; titles: string[]; url?: string; closed: number; listeners: Map<string, Fn> }[],
  appListeners: new Map<string, Fn>(),
  privileged: [] as { scheme: string; privileges: Record<string, unknown> }[],
  protocolHandlers: new Map<string, Fn>(),
  ipcHandle: new Map<string, Fn>(),
  ipcOn: new Map<string, Fn>(),
  dialogCalls: [] as string[],
  permissionHandler: undefined as Fn | undefined,
  exposed: new Map<string, unknown>(),
  rendererCalls: [] as unknown[][],
  rendererListeners: new Map<string, Fn>(),
};

class FakeBrowserWindow {
  webContents = new FakeWebContents();
  private rec: (typeof recorded.windows)[number];
  constructor(options: Record<string, unknown>) {
    this.rec = { options, webContents: this.webContents, titles: [], closed: 0, listeners: new Map() };
    recorded.windows.push(this.rec);
  }
  once() {}
  on(evt: string, fn: Fn) {
    this.rec.listeners.set(evt, fn);
  }
  show() {}
  close() {
    this.rec.closed++;
  }
  setTitle(t: string) {
    this.rec.titles.push(t);
  }
  setDocumentEdited() {}
  loadURL(url: string) {
    this.rec.url = url;
    return Promise.resolve();
  }
}

const mainStub = {
  app: {
    getAppPath: () => appDir,
    getPath: () => join(work, 'userData'),
    isPackaged: false,
    on: (evt: string, fn: Fn) => recorded.appListeners.set(evt, fn),
    whenReady: () => Promise.resolve(),
    quit() {},
  },
  BrowserWindow: FakeBrowserWindow,
  Menu: { setApplicationMenu() {}, buildFromTemplate: (t: unknown) => t },
  // any dialog opened by a handler is recorded; malformed calls must never get this far
  dialog: new Proxy({}, { get: (_t, k) => (..._a: unknown[]) => (recorded.dialogCalls.push(String(k)), k === 'showMessageBoxSync' ? 2 : Promise.resolve({ canceled: true, filePaths: [] })) }),
  ipcMain: { handle: (c: string, fn: Fn) => recorded.ipcHandle.set(c, fn), on: (c: string, fn: Fn) => recorded.ipcOn.set(c, fn) },
  protocol: {
    registerSchemesAsPrivileged: (s: typeof recorded.privileged) => recorded.privileged.push(...s),
    handle: (scheme: string, fn: Fn) => recorded.protocolHandlers.set(scheme, fn),
  },
  session: { defaultSession: { setPermissionRequestHandler: (fn: Fn) => (recorded.permissionHandler = fn) } },
};

const preloadStub = {
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...a: unknown[]) => (recorded.rendererCalls.push(['invoke', ...a]), Promise.resolve(null)),
    send: (...a: unknown[]) => recorded.rendererCalls.push(['send', ...a]),
    on: (c: string, fn: Fn) => recorded.rendererListeners.set(c, fn),
    removeListener: (c: string) => recorded.rendererListeners.delete(c),
  },
};

/**
 * Load our Electron entry points in plain Node: tsx compiles the TypeScript, and `electron` resolves to one
 * recorder object that serves both the main-process and the preload APIs.
 */
function loadWithElectron(entries: string[]): void {
  const stubFile = join(work, 'electron-stub.cjs');
  (globalThis as Record<string, unknown>).__juesuanElectron = { ...mainStub, ...preloadStub };
  writeFileSync(stubFile, 'module.exports = globalThis.__juesuanElectron;');
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? stubFile : original.call(this, request, ...rest);
  };
  const unregister = register();
  try {
    const load = createRequire(import.meta.url);
    for (const e of entries) load(resolve(e));
  } finally {
    unregister();
    M._resolveFilename = original;
  }
}

let win: (typeof recorded.windows)[number];
const ours = () => ({ sender: win.webContents, senderFrame: { url: 'app://juesuan/index.html' } });

beforeAll(async () => {
  loadWithElectron(['electron/main.ts', 'electron/preload.ts']);
  // app.whenReady().then(…) runs the set-up
  await new Promise((r) => setTimeout(r, 50));
  win = recorded.windows[0];
}, 120_000);

afterAll(() => {
  delete (globalThis as Record<string, unknown>).__juesuanElectron;
  rmSync(work, { recursive: true, force: true });
});

describe('the window', () => {
  it('is one window with an isolated, sandboxed renderer that has no Node', () => {
    expect(recorded.windows).toHaveLength(1);
    const wp = win.options.webPreferences as Record<string, unknown>;
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).not.toBe(true);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.experimentalFeatures).not.toBe(true);
    expect(String(wp.preload)).toMatch(/preload\.cjs$/);
    // the renderer comes from our own protocol, never from the network or file://
    expect(win.url).toBe('app://juesuan/index.html');
  });

  it('denies window.open in this window and in any web contents created later', () => {
    expect(win.webContents.windowOpenHandler).toBeTypeOf('function');
    for (const url of ['https://example.com/', 'app://juesuan/index.html', 'file:///C:/Windows/System32/calc.exe']) {
      expect(win.webContents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    const created = recorded.appListeners.get('web-contents-created');
    expect(created).toBeTypeOf('function');
    const other = new FakeWebContents();
    created!({}, other);
    expect(other.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    let prevented = 0;
    for (const fn of other.listeners.get('will-attach-webview') ?? []) fn({ preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
  });

  it('denies navigation and redirects to anything but the app itself', () => {
    for (const evt of ['will-navigate', 'will-redirect']) {
      const listeners = win.webContents.listeners.get(evt) ?? [];
      expect(listeners.length, evt).toBeGreaterThan(0);
      const prevented = (url: string) => {
        let n = 0;
        for (const fn of listeners) fn({ preventDefault: () => n++ }, url);
        return n > 0;
      };
      for (const url of [
        'https://example.com/', 'http://127.0.0.1:5173/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>',
        'app://evil/index.html', 'app://juesuan.evil.example/index.html', 'app://juesuan@evil.example/', 'about:blank', 'not a url',
      ]) {
        expect(prevented(url), `${evt} ${url}`).toBe(true);
      }
      expect(prevented('app://juesuan/index.html'), evt).toBe(false);
    }
  });

  it('asks for no permission: camera, microphone, notifications, location are all refused', () => {
    expect(recorded.permissionHandler).toBeTypeOf('function');
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      let granted: unknown;
      recorded.permissionHandler!({}, p, (ok: boolean) => (granted = ok));
      expect(granted, p).toBe(false);
    }
  });
});

describe('the app:// protocol', () => {
  const get = async (url: string) => (await recorded.protocolHandlers.get('app')!({ url } as Request)) as Response;

  it('is a secure standard scheme that does not bypass CSP', () => {
    const app = recorded.privileged.find((s) => s.scheme === 'app')!;
    expect(app.privileges.secure).toBe(true);
    expect(app.privileges.standard).toBe(true);
    expect(app.privileges.bypassCSP).not.toBe(true);
    expect(recorded.protocolHandlers.has('app')).toBe(true);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const r = await get('app://juesuan/index.html');
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('决算公开助手');
    expect(r.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const csp = r.headers.get('Content-Security-Policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const [k, v] of directives) {
      // no remote source anywhere: the app works offline and loads nothing from the network
      expect(v.filter((s) => /^(https?:|wss?:|\*)/.test(s) || s === "'unsafe-eval'"), k).toEqual([]);
    }
  });

  it('serves nothing outside the renderer folder and nothing for another host', async () => {
    for (const url of [
      'app://juesuan/%2e%2e/secret.txt', 'app://juesuan/..%2fsecret.txt', 'app://juesuan/%2E%2E%5Csecret.txt', 'app://juesuan/../secret.txt',
      'app://juesuan/index.html%00.png', 'app://juesuan/%E0%A4%A', 'app://other/index.html', 'app://juesuan/no-such-file.js',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(await r.text(), url).not.toContain('outside the renderer');
    }
  });
});

describe('IPC', () => {
  const invokeChannels = Object.values(INVOKE).map((e) => e.channel);
  const sendChannels = Object.values(SEND).map((e) => e.channel);
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
  const pdf = new TextEncoder().encode('%PDF-1.7\n');
  const huge = new Uint8Array(MAX_IPC_BYTES + 1);
  huge.set(zip);

  /** arguments that no handler may accept, by channel; every channel also gets the generic ones */
  const malformed: Record<string, unknown[][]> = {
    'juesuan:open-recent': [[-1], [1.5], ['0'], [1e9], [NaN], [null], [{ valueOf: () => 0 }]],
    'juesuan:save': [[new Uint8Array(0)], ['PK\u0003\u0004'], [[0x50, 0x4b, 3, 4]], [new Uint8Array([1, 2, 3, 4, 5])], [{ byteLength: 8 }], [huge], [pdf], [zip, 'extra']],
    'juesuan:save-as': [
      [zip, '../evil.xlsx'], [zip, 'C:\\Windows\\evil.xlsx'], [zip, '/etc/cron.d/evil'], [zip, ''], [zip, 'a'.repeat(300)], [zip, 'con\u0000.xlsx'],
      [zip, 42], [pdf, '公开包.xlsx'], [zip], [zip, '公开包.xlsx', 'extra'],
    ],
    'juesuan:recovery-write': [[new Uint8Array(0)], [pdf], [huge], ['PK\u0003\u0004'], [zip, 'extra']],
    'juesuan:recovery-open': [['../../etc/passwd'], ['0'.repeat(31)], ['0'.repeat(33)], ['G'.repeat(32)], ['A'.repeat(32)], [42], ['0'.repeat(32), 'x']],
    'juesuan:recovery-decline': [['..'], ['0'.repeat(64)], [null], [['0'.repeat(32)]]],
    // a set id names a folder beside the app: never a path, never anything but one short id
    'juesuan:open-template': [['../jiangxi-2024'], ['a/b'], ['-x'], [''], ['x'.repeat(65)], [42], ['jiangxi-2024', 'extra']],
    'juesuan:export': [
      [zip, 'a.exe', 'exe'], [zip, '公开包.pdf', 'pdf'], [pdf, '../公开包.pdf', 'pdf'], [zip, '说明.docx'], [pdf, 'x.pdf', 'PDF'], [huge, 'x.xlsx', 'xlsx'],
    ],
  };
  const generic = (channel: string): unknown[][] => {
    const needsArgs = channel in malformed;
    return needsArgs ? [[], [undefined], [null, null, null, null], [{}]] : [[1], ['x'], [null], [{}], [zip]];
  };

  it('registers exactly the channels of the typed table', () => {
    expect([...recorded.ipcHandle.keys()].sort()).toEqual([...invokeChannels].sort());
    expect([...recorded.ipcOn.keys()].sort()).toEqual([...sendChannels].sort());
    for (const c of Object.keys(malformed)) expect(invokeChannels).toContain(c);
  });

  it('every invoke handler rejects malformed arguments before doing anything', async () => {
    let cases = 0;
    for (const channel of invokeChannels) {
      const handler = recorded.ipcHandle.get(channel)!;
      for (const args of [...generic(channel), ...(malformed[channel] ?? [])]) {
        recorded.dialogCalls.length = 0;
        const e = await Promise.resolve(handler(ours(), ...args)).then(
          () => null,
          (x: unknown) => x,
        );
        // main.ts runs its own copy of electron/validate.ts (loaded through tsx), so compare by name;
        // the labels are short strings: a failure must not try to print a 64 MB argument
        const label = `${channel} ${args.map((a) => (a instanceof Uint8Array ? `bytes(${a.length})` : JSON.stringify(a)?.slice(0, 40))).join(', ')}`;
        const name = e instanceof Error ? e.name : `no error (${typeof e})`;
        expect(`${label} → ${name}`).toMatch(/ → (IpcArgumentError|TypeError)$/);
        expect(recorded.dialogCalls, channel).toEqual([]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(50);
  });

  it('every invoke handler refuses a caller that is not our window, whatever it sends', async () => {
    const foreign = [
      { sender: new FakeWebContents(), senderFrame: { url: 'app://juesuan/index.html' } },
      { sender: win.webContents, senderFrame: { url: 'https://example.com/' } },
      { sender: win.webContents, senderFrame: null },
    ];
    for (const channel of invokeChannels) {
      for (const event of foreign) {
        await expect(Promise.resolve(recorded.ipcHandle.get(channel)!(event)), channel).rejects.toThrow('unknown frame');
      }
    }
  });

  it('well-formed calls do get through (the checks above can fail)', async () => {
    await expect(Promise.resolve(recorded.ipcHandle.get('juesuan:recovery-list')!(ours()))).resolves.toEqual(expect.any(Array));
    recorded.dialogCalls.length = 0;
    await expect(Promise.resolve(recorded.ipcHandle.get('juesuan:save-as')!(ours(), zip, '2024 公开包'))).resolves.toBeNull();
    expect(recorded.dialogCalls).toEqual(['showSaveDialog']);
  });

  it('one-way messages with malformed arguments are dropped; good ones act', () => {
    const state = recorded.ipcOn.get('juesuan:document-state')!;
    const before = win.titles.length;
    for (const args of [[], [null], [{ name: 'x' }], [{ name: 'x', dirty: 'yes' }], [{ name: 'x', dirty: true, path: '/etc' }], [{ name: 'x'.repeat(1000), dirty: true }], ['x', 'y']]) {
      expect(() => state(ours(), ...args)).not.toThrow();
    }
    state({ sender: new FakeWebContents(), senderFrame: { url: 'app://juesuan/' } }, { name: '伪造.xlsx', dirty: true });
    expect(win.titles.length).toBe(before);
    state(ours(), { name: '公开包\u0007.xlsx', dirty: true });
    expect(win.titles.at(-1)).toBe('● 公开包.xlsx — 决算公开助手');
    const close = recorded.ipcOn.get('juesuan:close-window')!;
    close(ours(), 'now');
    expect(win.closed).toBe(0);
  });
});

describe('the preload', () => {
  it('exposes named functions only, never ipcRenderer', () => {
    expect([...recorded.exposed.keys()]).toEqual(['juesuan']);
    const api = recorded.exposed.get('juesuan') as Record<string, unknown>;
    for (const [k, v] of Object.entries(api)) {
      expect(typeof v, k).toBe('function');
      expect(v, k).not.toBe(preloadStub.ipcRenderer.invoke);
      expect(v, k).not.toBe(preloadStub.ipcRenderer.send);
    }
    expect(Object.values(api)).not.toContain(preloadStub.ipcRenderer);
    expect(Object.keys(api).sort()).toEqual([...Object.keys(INVOKE), ...Object.keys(SEND), 'onMenuCommand'].sort());
  });

  it('sends on the channels of the table, and passes on only known menu commands', async () => {
    const api = recorded.exposed.get('juesuan') as Record<string, Fn>;
    const bytes = new Uint8Array([1]);
    await api.saveAs(bytes, 'a.xlsx');
    expect(recorded.rendererCalls.at(-1)).toEqual(['invoke', INVOKE.saveAs.channel, bytes, 'a.xlsx']);
    // every function is derived from the table: each one invokes (or sends on) its own channel
    for (const [name, e] of Object.entries(INVOKE)) {
      void Promise.resolve(api[name]('probe')).catch(() => undefined);
      expect(recorded.rendererCalls.at(-1)).toEqual(['invoke', e.channel, 'probe']);
    }
    for (const [name, e] of Object.entries(SEND)) {
      api[name]('probe');
      expect(recorded.rendererCalls.at(-1)).toEqual(['send', e.channel, 'probe']);
    }
    // the channels no caller used are gone from the table (issue 20); print came back with the print dialog's caller
    expect(Object.keys(INVOKE)).not.toContain('listRecent');
    const got: unknown[] = [];
    const off = api.onMenuCommand((c: unknown) => got.push(c)) as () => void;
    const listener = [...recorded.rendererListeners.values()][0];
    listener({}, 'save');
    listener({}, 'rm -rf /');
    listener({}, { toString: () => 'save' });
    expect(got).toEqual(['save']);
    off();
    expect(recorded.rendererListeners.size).toBe(0);
  });
});

/**
 * Recovery files through main's handlers, on a real disk (node/recovery.ts under userData/recovery): the
 * window's own file is never offered while it runs; a crashed process's file is; a renderer crash orphans
 * the window's file and offers it after the reload; a deliberate close removes it. Kept last: it closes
 * the window.
 */
describe('recovery files in the main process', () => {
  const dir = join(work, 'userData', 'recovery');
  const call = (channel: string, ...args: unknown[]) => Promise.resolve(recorded.ipcHandle.get(channel)!(ours(), ...args));
  const files = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsrec')).sort() : []);
  const packet = (n: number) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, n, n, n]);

  /** Another process of the app writes a recovery file and ends without removing it: a crash. */
  function crashedProcessFile(originalPath = '/home/会计/2024决算公开.xlsx'): string {
    const script = `
      const { RecoveryStore, newRecoveryId } = await import(${JSON.stringify(pathToFileURL(resolve('node/recovery.ts')).href)});
      const id = newRecoveryId();
      await new RecoveryStore(${JSON.stringify(dir)}).write(id, new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]), { originalPath: ${JSON.stringify(originalPath)}, title: '2024决算公开.xlsx' });
      process.stdout.write(id);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  }

  it('the window\'s own file is written, rewritten, and never offered while the window runs', async () => {
    await call('juesuan:recovery-write', packet(1));
    await call('juesuan:recovery-write', packet(2));
    expect(files()).toHaveLength(1);
    await expect(call('juesuan:recovery-list')).resolves.toEqual([]);
  });

  it('a crashed process\'s file is offered, opens as recovered work, and becomes the window\'s file', async () => {
    const id = crashedProcessFile();
    expect(files()).toHaveLength(2);
    const offers = (await call('juesuan:recovery-list')) as { id: string; title: string; fileName: string; savedAt: string }[];
    expect(offers.map((o) => [o.id, o.title, o.fileName])).toEqual([[id, '2024决算公开.xlsx', '2024决算公开.xlsx']]);
    const opened = (await call('juesuan:recovery-open', id)) as { name: string; bytes: Uint8Array; recovered: boolean };
    expect(opened.name).toBe('2024决算公开.xlsx');
    expect([...opened.bytes]).toEqual([0x50, 0x4b, 3, 4, 9, 9]);
    expect(opened.recovered).toBe(true);
    // the window's previous file is gone; autosave now rewrites the recovered one
    expect(files()).toEqual([`${id}.jsrec`]);
    await call('juesuan:recovery-write', packet(3));
    expect(files()).toEqual([`${id}.jsrec`]);
    expect([...decodeRecovery(new Uint8Array(readFileSync(join(dir, `${id}.jsrec`)))).bytes]).toEqual([...packet(3)]);
    // nothing is offered any more, and an id that was not offered is refused (also a real file's)
    await expect(call('juesuan:recovery-list')).resolves.toEqual([]);
    await expect(call('juesuan:recovery-open', id)).rejects.toThrow('not an offered recovery file');
    await expect(call('juesuan:recovery-decline', id)).rejects.toThrow('not an offered recovery file');
    expect(files()).toEqual([`${id}.jsrec`]);
  });

  it('says when the original file was saved after the autosave (recovering and saving would overwrite that)', async () => {
    const original = join(work, '2024决算公开.xlsx');
    writeFileSync(original, 'PK\u0003\u0004 older');
    utimesSync(original, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const id = crashedProcessFile(original);
    type Offer = { id: string; fileSavedLater?: string };
    let offer = ((await call('juesuan:recovery-list')) as Offer[]).find((o) => o.id === id)!;
    expect(offer.fileSavedLater).toBeUndefined();
    // saved again later, by another window or program
    const later = new Date(Date.now() + 60_000);
    utimesSync(original, later, later);
    offer = ((await call('juesuan:recovery-list')) as Offer[]).find((o) => o.id === id)!;
    expect(Math.abs(Date.parse(offer.fileSavedLater!) - later.getTime())).toBeLessThan(1000);
    await call('juesuan:recovery-decline', id);
  });

  it('a renderer crash keeps the window\'s file and offers it after the reload; 放弃 removes it', async () => {
    const [own] = files();
    const gone = win.webContents.listeners.get('render-process-gone')![0];
    gone({}, { reason: 'crashed', exitCode: 139 });
    expect(win.webContents.reloads).toBe(1);
    const offers = (await call('juesuan:recovery-list')) as { id: string }[];
    expect(offers.map((o) => `${o.id}.jsrec`)).toEqual([own]);
    await call('juesuan:recovery-decline', offers[0].id);
    expect(files()).toEqual([]);
    // a clean exit of the renderer is no crash
    gone({}, { reason: 'clean-exit', exitCode: 0 });
    expect(win.webContents.reloads).toBe(1);
  });

  it('a deliberate close removes the window\'s file, and quitting waits for that', async () => {
    await call('juesuan:recovery-write', packet(4));
    expect(files()).toHaveLength(1);
    win.listeners.get('closed')!();
    let quit = false;
    mainStub.app.quit = () => {
      quit = true;
    };
    recorded.appListeners.get('window-all-closed')!();
    await expect.poll(() => quit).toBe(true);
    expect(files()).toEqual([]);
  });
});

/**
 * The Electron shell's plain parts, in Node (the Electron binary is not installed here): IPC argument
 * validation, the app:// path resolution, the channel table, the menu template, electron-builder.yml.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IpcArgumentError, MAX_IPC_BYTES, expectBytes, expectDocumentBytes, expectDocumentState, expectExportKind, expectFileName, expectIndex, expectPrintHtml, isMenuCommand,
} from '../../electron/validate';
import { CSP, isAppUrl, mimeOf, resolveInside } from '../../electron/paths';
import { INVOKE, SEND, MENU_EVENT } from '../../electron/ipc';
import { buildMenuTemplate } from '../../electron/menu';
import { MENU_COMMANDS } from '../../renderer/host/bridge';

const xlsx = new Uint8Array(readFileSync('templates/jiangxi-2024/tables.xlsx'));

describe('IPC argument validation', () => {
  it('accepts bytes and refuses anything else', () => {
    expect(expectBytes(xlsx)).toBe(xlsx);
    for (const bad of [null, 'PK', [80, 75], new ArrayBuffer(4), new Uint8Array(0), { length: 3 }]) {
      expect(() => expectBytes(bad)).toThrow(IpcArgumentError);
    }
    expect(() => expectBytes(new Uint8Array(MAX_IPC_BYTES + 1))).toThrow(/limit/);
  });

  it('writes only what looks like the declared kind', () => {
    expect(expectDocumentBytes(xlsx, 'xlsx')).toBe(xlsx);
    expect(() => expectDocumentBytes(new TextEncoder().encode('<html>'), 'xlsx')).toThrow(/not a xlsx/);
    expect(() => expectDocumentBytes(xlsx, 'pdf')).toThrow(/not a pdf/);
    expect(expectDocumentBytes(new TextEncoder().encode('%PDF-1.7\n'), 'pdf')).toBeInstanceOf(Uint8Array);
  });

  it('print:pdf takes a whole HTML document only', () => {
    const html = '<!DOCTYPE html><html><body>公开包</body></html>';
    expect(expectPrintHtml(html)).toBe(html);
    for (const bad of ['x', '<html>', null, 42, new TextEncoder().encode(html), 'a<!DOCTYPE html>', '<!DOCTYPE html>'.padEnd(MAX_IPC_BYTES / 2 + 1, ' ')]) {
      expect(() => expectPrintHtml(bad)).toThrow(IpcArgumentError);
    }
  });

  it('file names are bare names with the right extension, never paths', () => {
    expect(expectFileName('2024决算公开包', 'xlsx')).toBe('2024决算公开包.xlsx');
    expect(expectFileName('情况说明.DOCX', 'docx')).toBe('情况说明.DOCX');
    for (const bad of ['../x.xlsx', '/etc/passwd', 'C:\\x.xlsx', 'a/b', '', '   ', 'a\u0000b', 7, null, 'x'.repeat(300)]) {
      expect(() => expectFileName(bad, 'xlsx'), String(bad)).toThrow(IpcArgumentError);
    }
  });

  it('indexes, export kinds, document state, menu commands', () => {
    expect(expectIndex(2, 3)).toBe(2);
    for (const bad of [3, -1, 1.5, '1', NaN]) expect(() => expectIndex(bad, 3)).toThrow(IpcArgumentError);
    expect(expectExportKind('pdf')).toBe('pdf');
    expect(() => expectExportKind('exe')).toThrow(IpcArgumentError);
    expect(expectDocumentState({ name: 'a\u0007.xlsx', dirty: true })).toEqual({ name: 'a.xlsx', dirty: true });
    for (const bad of [null, [], { name: 'x' }, { name: 'x', dirty: 'yes' }, { name: 'x', dirty: true, path: '/tmp' }]) {
      expect(() => expectDocumentState(bad)).toThrow(IpcArgumentError);
    }
    expect(isMenuCommand('save')).toBe(true);
    expect(isMenuCommand('rm -rf')).toBe(false);
  });
});

describe('the channel table', () => {
  it('names every channel once and parses the arguments of each', () => {
    const channels = [...Object.values(INVOKE), ...Object.values(SEND)].map((e) => e.channel);
    expect(new Set([...channels, MENU_EVENT]).size).toBe(channels.length + 1);
    expect(INVOKE.save.parse([xlsx])).toEqual([xlsx]);
    expect(() => INVOKE.save.parse([])).toThrow(IpcArgumentError);
    expect(() => INVOKE.save.parse([xlsx, 'extra'])).toThrow(IpcArgumentError);
    expect(INVOKE.saveAs.parse([xlsx, '新包'])).toEqual([xlsx, '新包.xlsx']);
    expect(() => INVOKE.saveAs.parse([xlsx, '../../x'])).toThrow(IpcArgumentError);
    expect(INVOKE.exportFile.parse([xlsx, '导出', 'xlsx'])).toEqual([xlsx, '导出.xlsx', 'xlsx']);
    expect(() => INVOKE.openDialog.parse(['/etc/passwd'])).toThrow(IpcArgumentError);
    expect(() => INVOKE.openRecent.parse([-1])).toThrow();
    expect(SEND.setDocumentState.parse([{ name: 'x.xlsx', dirty: false }])).toEqual([{ name: 'x.xlsx', dirty: false }]);
  });
});

describe('app:// protocol paths', () => {
  const root = '/opt/juesuan/dist';
  it('serves files inside the renderer folder only', () => {
    expect(resolveInside(root, '/index.html')).toBe(join(root, 'index.html'));
    expect(resolveInside(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveInside(root, '/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
    expect(resolveInside(root, '/packets/reference-packet.xlsx')).toBe(join(root, 'packets/reference-packet.xlsx'));
    for (const bad of ['/../package.json', '/assets/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/a%00b', '/%E0%A4%A']) {
      expect(resolveInside(root, bad), bad).toBeNull();
    }
  });

  it('knows its MIME types, its origin and a strict CSP', () => {
    expect(mimeOf('/x/index.html')).toMatch(/^text\/html/);
    expect(mimeOf('/x/a.js')).toMatch(/javascript/);
    expect(mimeOf('/x/a.bin')).toBe('application/octet-stream');
    expect(isAppUrl('app://juesuan/index.html')).toBe(true);
    for (const bad of ['https://example.com/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'not a url']) {
      expect(isAppUrl(bad)).toBe(false);
    }
    expect(CSP).toContain("default-src 'self'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).toContain("object-src 'none'");
  });
});

describe('menus', () => {
  it('Chinese 文件 / 编辑 / 视图 / 帮助 menus whose items send known commands', () => {
    const sent: [string, number | undefined][] = [];
    const tpl = buildMenuTemplate({ recent: [{ index: 0, name: '2024.xlsx' }], send: (c, a) => sent.push([c, a]), devTools: false });
    expect(tpl.map((m) => m.label)).toEqual(['文件(&F)', '编辑(&E)', '视图(&V)', '帮助(&H)']);
    const file = tpl[0].submenu as { label?: string; submenu?: unknown; click?: () => void }[];
    const labels = file.map((i) => i.label).filter(Boolean);
    for (const l of ['新建', '打开…', '最近打开', '保存', '另存为…', '导入…', '导出…', '打印…']) expect(labels).toContain(l);
    const visit = (items: unknown): void => {
      for (const i of items as { click?: () => void; submenu?: unknown }[]) {
        i.click?.();
        if (Array.isArray(i.submenu)) visit(i.submenu);
      }
    };
    visit(tpl);
    expect(sent.length).toBeGreaterThan(15);
    for (const [c] of sent) expect(MENU_COMMANDS).toContain(c);
    expect(sent).toContainEqual(['open-recent', 0]);
  });
});

describe('electron-builder.yml', () => {
  it('is a configuration electron-builder accepts', async () => {
    const require = createRequire(import.meta.url);
    const yaml = require('js-yaml') as { load(s: string): unknown };
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (on: boolean) => unknown };
    const cfg = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;
    await expect(validateConfiguration(cfg, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...cfg, notAnOption: 1 }, new DebugLogger(false))).rejects.toThrow(/notAnOption/);
    // it packs what this shell builds: the renderer (dist/) and main + preload (dist-electron/)
    expect(cfg.files).toEqual(expect.arrayContaining(['dist/**/*', 'dist-electron/**/*']));
    expect(JSON.parse(readFileSync('package.json', 'utf8')).main).toBe('dist-electron/main.cjs');
  });
});

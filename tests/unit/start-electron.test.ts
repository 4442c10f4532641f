/**
 * npm start's launch decision (scripts/start.mjs), both ways, with the electron package's own installer:
 * - the download reaches a mirror (a local HTTP server serving an electron zip whose "binary" is a small
 *   script): Electron is launched with the app folder;
 * - the mirror is unreachable (ELECTRON_MIRROR=http://127.0.0.1:9/): the browser host starts and says why.
 * The installer runs from a copy of node_modules/electron in a temporary folder, so the shared install is
 * never written to; the renderer build is skipped (JUESUAN_START_NO_BUILD=1): only the decision is tested.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const REAL = join(ROOT, 'node_modules', 'electron');
const version = (JSON.parse(readFileSync(join(REAL, 'package.json'), 'utf8')) as { version: string }).version;

let dir = '';
let server: Server | undefined;
let port = 0;
const requests: string[] = [];

function run(env: Record<string, string>, until?: RegExp, ms = 120_000): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, JUESUAN_START_NO_BUILD: '1', JUESUAN_ELECTRON_PACKAGE: join(dir, 'electron'), electron_config_cache: join(dir, 'cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const onData = (d: string) => {
      out += d;
      if (until?.test(out)) child.kill('SIGTERM');
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juesuan-start-'));
  // a copy of the electron package (its installer, version and checksums) that resolves its dependencies
  // through the real node_modules
  mkdirSync(join(dir, 'electron'));
  for (const f of ['install.js', 'package.json', 'checksums.json']) copyFileSync(join(REAL, f), join(dir, 'electron', f));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const zip = new JSZip();
  zip.file('electron', `#!/bin/sh\necho "fake electron $*" > "${join(dir, 'launched.txt')}"\n`, { unixPermissions: 0o755 });
  zip.file('version', `v${version}`);
  const bytes = await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX' });
  const name = `electron-v${version}-linux-${process.arch}.zip`;
  const sums = `${createHash('sha256').update(bytes).digest('hex')} *${name}\n`;
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.endsWith(`/${name}`)) res.end(bytes);
    else if (req.url?.endsWith('/SHASUMS256.txt')) res.end(sums);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('npm start without the Electron binary', () => {
  it('unreachable mirror: falls back to the browser host and says why', async () => {
    const r = await run({ ELECTRON_MIRROR: 'http://127.0.0.1:9/', PORT: String(5400 + (process.pid % 500)) }, /已在浏览器模式启动/);
    expect(r.out).toContain(`正在下载 Electron ${version}`);
    expect(r.out).toMatch(/未能使用 Electron：下载 Electron 失败（.+），改为在浏览器中运行。/);
    expect(r.out).toMatch(/决算公开助手已在浏览器模式启动：http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'electron', 'dist'))).toBe(false);
  }, 180_000);

  it('reachable mirror: the package installer downloads Electron and it is launched on the app', async () => {
    const r = await run({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_use_remote_checksums: '1' });
    expect(requests.some((u) => u.endsWith('.zip'))).toBe(true);
    expect(r.out).toContain('Electron 下载完成');
    expect(r.out).toContain('正在启动 Electron');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'launched.txt'), 'utf8')).toContain(ROOT);
    expect(readFileSync(join(dir, 'electron', 'path.txt'), 'utf8')).toBe('electron');
    // a second start finds the binary and does not download again
    const before = requests.length;
    const again = await run({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });
    expect(again.out).not.toContain('正在下载');
    expect(requests.length).toBe(before);
  }, 180_000);
});

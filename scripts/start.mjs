/**
 * npm start: the editor on the reference packet.
 * - With the Electron binary installed: builds the renderer and the main process, launches Electron, which
 *   opens the bundled reference packet (as an untitled copy, so 保存 never overwrites the template).
 * - Binary missing: Electron 45 has no install step of its own any more, so its binary is fetched here by the
 *   electron package's own installer (node_modules/electron/install.js, which honours ELECTRON_MIRROR and the
 *   cache), with a time limit and a progress line; Electron is launched when that succeeds.
 * - Otherwise (no network to Electron's download host, a time-out): builds the renderer and serves it on
 *   127.0.0.1, port from PORT (default 5173), opening templates/jiangxi-2024/reference-packet.xlsx, until
 *   Ctrl+C, and says why Electron was not used.
 *   The browser mode also prints: node/print-server.ts answers POST /__juesuan/pdf on the same 127.0.0.1
 *   server with the PDF that node/pdf.ts prints (the CLI's printer), so the print dialog's preview and
 *   下载 PDF work there too.
 * JUESUAN_BROWSER=1 forces the browser mode; JUESUAN_ELECTRON_DOWNLOAD_S sets the download limit (default 300).
 * Test hooks: JUESUAN_ELECTRON_PACKAGE (another electron package folder), JUESUAN_START_NO_BUILD=1 (skip the
 * vite and main-process builds, which the tests of the launch decision do not need).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = join(root, 'vite.config.ts');
const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';

const electronPackage = process.env.JUESUAN_ELECTRON_PACKAGE || join(root, 'node_modules', 'electron');
const noBuild = process.env.JUESUAN_START_NO_BUILD === '1';
const DOWNLOAD_S = Number(process.env.JUESUAN_ELECTRON_DOWNLOAD_S) || 300;

/** The Electron executable, found the way the electron package finds it. */
function electronBinary() {
  const pkg = electronPackage;
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  const exe = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(pkg, 'dist', rel);
  return existsSync(exe) ? exe : null;
}

/** The first line of the installer's error worth showing ("fetch failed", "connect ECONNREFUSED …"). */
function reasonOf(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /error|fail|ECONN|ENOTFOUND|EAI_AGAIN|timed? ?out|checksum|404|403/i.test(l) && !/^at /.test(l)) ?? lines[0] ?? '';
  return line.replace(/^(\w*Error|Error):\s*/, '').slice(0, 200);
}

/**
 * Run the electron package's own installer once, bounded in time, printing a progress line every 10 s.
 * Resolves to { exe } on success, { reason } (Chinese) otherwise.
 */
function downloadElectron() {
  const install = join(electronPackage, 'install.js');
  if (!existsSync(install)) return Promise.resolve({ reason: `electron 软件包不完整（缺少 ${install}），请重新运行 npm install` });
  let version = '';
  try {
    version = JSON.parse(readFileSync(join(electronPackage, 'package.json'), 'utf8')).version;
  } catch {
    // the installer will say what is wrong
  }
  const mirror = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror;
  console.log(`未找到 Electron 程序，正在下载 Electron ${version}（首次启动需要联网；最长 ${DOWNLOAD_S} 秒${mirror ? `；镜像 ${mirror}` : ''}）…`);
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [install], { cwd: electronPackage, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    const keep = (d) => {
      if (output.length < 65536) output += d;
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    let finished = false;
    const done = (r) => {
      if (finished) return;
      finished = true;
      clearInterval(tick);
      clearTimeout(timer);
      resolve(r);
    };
    const tick = setInterval(() => console.log(`  …正在下载 Electron（已用 ${Math.round((Date.now() - started) / 1000)} 秒）`), 10_000);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ reason: `下载 Electron 超过 ${DOWNLOAD_S} 秒仍未完成，已停止` });
    }, DOWNLOAD_S * 1000);
    child.on('error', (e) => done({ reason: `无法运行 Electron 安装程序（${e.message}）` }));
    child.on('close', (code) => {
      const exe = electronBinary();
      if (code === 0 && exe) {
        console.log(`Electron 下载完成（${Math.round((Date.now() - started) / 1000)} 秒）。`);
        done({ exe });
      } else done({ reason: `下载 Electron 失败（${reasonOf(output) || `安装程序退出码 ${code}`}）` });
    });
  });
}

async function buildRenderer() {
  if (noBuild) return;
  console.log('正在构建界面（vite build）…');
  await build({ configFile, logLevel: 'warn' });
}

async function startElectron(exe) {
  await buildRenderer();
  if (!noBuild) {
    const { buildElectron } = await import('../electron/build.mjs');
    await buildElectron();
  }
  console.log(`正在启动 Electron：${exe}（打开参考公开包 ${REFERENCE}）`);
  // Chromium refuses to run as root without --no-sandbox (CI containers)
  const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const child = spawn(exe, [root, ...extra], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * node/print-server.ts as an ES module this script can import (Node runs no TypeScript): bundled by esbuild
 * with playwright-core left external, into dist-start/ beside node_modules so the import resolves.
 */
async function loadPrintServer() {
  const { build: esbuild } = await import('esbuild');
  const outfile = join(root, 'dist-start', 'print-server.mjs');
  await esbuild({
    entryPoints: [join(root, 'node', 'print-server.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['playwright-core'],
    outfile, logLevel: 'warning', absWorkingDir: root,
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

async function startBrowser(reason) {
  const port = Number(process.env.PORT || 5173);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`PORT=${process.env.PORT} 不是有效的端口号。`);
    process.exit(2);
  }
  console.log(`${reason}，改为在浏览器中运行。`);
  await buildRenderer();
  const { printMiddleware } = await loadPrintServer();
  const printing = printMiddleware({ port });
  const printPlugin = { name: 'juesuan-print', configurePreviewServer: (srv) => void srv.middlewares.use(printing) };
  let server;
  try {
    server = await preview({ configFile, logLevel: 'warn', plugins: [printPlugin], preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  } catch (e) {
    console.error(`无法在 127.0.0.1:${port} 启动服务：${e.message}。请换一个端口，例如 PORT=5199 npm start。`);
    process.exit(2);
  }
  const url = `http://127.0.0.1:${port}/`;
  console.log(`决算公开助手已在浏览器模式启动：${url}`);
  console.log(`已打开参考公开包 ${REFERENCE}；在浏览器中访问上面的地址。按 Ctrl+C 停止。`);
  const stop = async () => {
    await server.close();
    await printing.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main() {
  if (process.env.JUESUAN_BROWSER === '1') return startBrowser('已设置 JUESUAN_BROWSER=1');
  const found = electronBinary();
  if (found) return startElectron(found);
  const r = await downloadElectron();
  if (r.exe) return startElectron(r.exe);
  return startBrowser(`未能使用 Electron：${r.reason}`);
}

await main();

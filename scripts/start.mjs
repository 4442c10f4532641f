/**
 * npm start: the editor on the reference packet.
 * - With the Electron binary installed: builds the renderer and the main process, launches Electron, which
 *   opens the bundled reference packet (as an untitled copy, so 保存 never overwrites the template).
 * - Without it (no network to Electron's download host): builds the renderer and serves it on 127.0.0.1,
 *   port from PORT (default 5173), opening templates/jiangxi-2024/reference-packet.xlsx, until Ctrl+C.
 * JUESUAN_BROWSER=1 forces the browser mode.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = join(root, 'vite.config.ts');
const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';

/** The Electron executable, found the way the electron package finds it but without its download fallback. */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  const exe = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(pkg, 'dist', rel);
  return existsSync(exe) ? exe : null;
}

async function buildRenderer() {
  console.log('正在构建界面（vite build）…');
  await build({ configFile, logLevel: 'warn' });
}

async function startElectron(exe) {
  await buildRenderer();
  const { buildElectron } = await import('../electron/build.mjs');
  await buildElectron();
  console.log(`正在启动 Electron：${exe}（打开参考公开包 ${REFERENCE}）`);
  // Chromium refuses to run as root without --no-sandbox (CI containers)
  const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const child = spawn(exe, [root, ...extra], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function startBrowser() {
  const port = Number(process.env.PORT || 5173);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`PORT=${process.env.PORT} 不是有效的端口号。`);
    process.exit(2);
  }
  console.log('未找到 Electron 程序（node_modules/electron/dist 不存在，安装时无法下载），改为在浏览器中运行。');
  await buildRenderer();
  let server;
  try {
    server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  } catch (e) {
    console.error(`无法在 127.0.0.1:${port} 启动服务：${e.message}。请换一个端口，例如 PORT=5199 npm start。`);
    process.exit(2);
  }
  const url = `http://127.0.0.1:${port}/`;
  console.log(`决算公开助手已在浏览器模式启动：${url}`);
  console.log(`已打开参考公开包 ${REFERENCE}；在浏览器中访问上面的地址。按 Ctrl+C 停止。`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const exe = process.env.JUESUAN_BROWSER === '1' ? null : electronBinary();
if (exe) await startElectron(exe);
else await startBrowser();

/**
 * npm run test:e2e: builds the renderer (with the benchmark page), serves it on a free 127.0.0.1 port,
 * runs tests/e2e with vitest (Playwright driving Debian's Chromium), stops the server.
 * Exits non-zero on any failure; the last line is "N passed, N failed".
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = join(root, 'vite.config.ts');
const artifacts = join(root, 'tests', 'artifacts');
const resultsFile = join(artifacts, 'e2e-results.json');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function runVitest(baseUrl) {
  const extra = process.argv.slice(2);
  const args = [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run',
    '--config', join(root, 'vitest.e2e.config.ts'),
    '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`,
    ...extra,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, E2E_BASE_URL: baseUrl } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let passed = 0;
let failed = 0;
let code;
let server;
try {
  mkdirSync(artifacts, { recursive: true });
  rmSync(resultsFile, { force: true });
  process.env.JUESUAN_BENCH = '1';
  console.log('构建界面（含基准测试页）…');
  await build({ configFile, logLevel: 'warn' });
  const port = await freePort();
  server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  const baseUrl = `http://127.0.0.1:${port}/`;
  console.log(`界面已在 ${baseUrl} 提供，运行端到端测试…`);
  code = await runVitest(baseUrl);
  if (existsSync(resultsFile)) {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = r.numPassedTests ?? 0;
    // a test file that fails to load has no failed test in it, but it failed
    failed = (r.numFailedTests ?? 0) || (r.numFailedTestSuites ?? 0);
    if (r.numTotalTests === 0) code = code || 1;
  } else if (code === 0) {
    code = 1;
  }
} catch (e) {
  console.error(`端到端测试无法运行：${e?.stack ?? e}`);
  code = 1;
} finally {
  await server?.close();
}
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);

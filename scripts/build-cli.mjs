/**
 * npm run build:cli — bundles the command line into dist-cli/ with esbuild (the copy Vite brings):
 *   dist-cli/main.mjs          the entry bin/juesuan loads: argument check, --version, --help, the worker
 *   dist-cli/worker.mjs        the command's worker thread (resource limits, phase time limits)
 *   dist-cli/batch-worker.mjs  one worker of `check <folder>`
 *   dist-cli/chunk-*.mjs       each command's code, ExcelJS, HyperFormula, SheetJS, docx: loaded on demand
 * so starting the CLI reads one small file instead of resolving hundreds of TypeScript modules through tsx.
 * dist-cli/ sits one folder below the package root like cli/, so every `new URL('../templates/…',
 * import.meta.url)` finds the template sets of the package, wherever it is installed and whatever the cwd.
 *
 * playwright-core stays external (it locates its own files at run time); it is loaded only by `export`.
 * Safe to run concurrently (parallel test processes, two launchers): the build goes to a private folder,
 * hashed chunks are moved in first and each entry file is renamed into place atomically.
 *
 * Also usable as a module: `buildCli()` is what bin/juesuan calls when the bundle is missing or older than
 * the sources of a developer checkout.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(root, 'dist-cli');
const ENTRIES = { main: 'cli/main.ts', worker: 'cli/worker.ts', 'batch-worker': 'cli/batch-worker.ts' };
/** the source folders whose files end up in the bundle (bin/juesuan compares their times to the bundle's) */
export const SOURCE_DIRS = ['cli', 'shared', 'node'];

/**
 * CommonJS libraries (ExcelJS, SheetJS) call require() for Node built-ins; an ESM bundle has no require of
 * its own, so each output file gets one.
 */
const BANNER = "import { createRequire as __juesuanRequire } from 'node:module'; const require = __juesuanRequire(import.meta.url);";

export async function buildCli({ quiet = false } = {}) {
  const t0 = performance.now();
  const { build } = await import('esbuild');
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(join(OUT, '.build-'));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: ENTRIES,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      external: ['playwright-core', 'electron'],
      banner: { js: BANNER },
      legalComments: 'none',
      logLevel: 'error',
    });
    const files = readdirSync(tmp);
    const entryFiles = Object.keys(ENTRIES).map((k) => `${k}.mjs`);
    // chunks first (content-hashed names: an existing one is identical), then the entries that import them
    for (const f of files.filter((f) => !entryFiles.includes(f))) if (!existsSync(join(OUT, f))) renameSync(join(tmp, f), join(OUT, f));
    for (const f of entryFiles) renameSync(join(tmp, f), join(OUT, f));
    removeUnusedChunks();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const ms = performance.now() - t0;
  if (!quiet) process.stderr.write(`dist-cli/ built in ${Math.round(ms)} ms\n`);
  return ms;
}

/**
 * Chunks no entry refers to any more (left by earlier builds). Only those older than a minute are removed:
 * a build running at the same moment may have just moved its chunks in, its entries not yet.
 */
function removeUnusedChunks() {
  const used = new Set();
  const visit = (f) => {
    if (used.has(f) || !existsSync(join(OUT, f))) return;
    used.add(f);
    for (const m of readFileSync(join(OUT, f), 'utf8').matchAll(/["']\.\/(chunk-[A-Za-z0-9]+\.mjs)["']/g)) visit(m[1]);
  };
  for (const k of Object.keys(ENTRIES)) visit(`${k}.mjs`);
  for (const f of readdirSync(OUT)) {
    if (!/^chunk-.*\.mjs$/.test(f) || used.has(f)) continue;
    try {
      if (Date.now() - statSync(join(OUT, f)).mtimeMs > 60_000) rmSync(join(OUT, f), { force: true });
    } catch {
      // removed by a concurrent build
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildCli();
}

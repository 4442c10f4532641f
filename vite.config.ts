import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer lives in renderer/ and builds to dist/ with relative URLs, so the same output is served over
 * http in tests and through the app:// protocol in Electron.
 */
const here = import.meta.dirname;

/**
 * Packets shipped with the renderer: every template set found under templates/ (a folder with set.json and
 * tables.xlsx) ships its empty packet as packets/<set>/tables.xlsx and its reference packet beside it, for
 * 新建 and 打开参考公开包; the first set by id (renderer/sets.ts orders them the same way) also gives the
 * packet the app opens at start, packets/reference-packet.xlsx (and packets/tables.xlsx beside it).
 */
const SETS = readdirSync(resolve(here, 'templates'))
  .filter((d) => existsSync(resolve(here, 'templates', d, 'set.json')) && existsSync(resolve(here, 'templates', d, 'tables.xlsx')))
  .sort();
const PACKETS: Record<string, string> = Object.fromEntries(SETS.flatMap((d) => [
  [`packets/${d}/tables.xlsx`, `templates/${d}/tables.xlsx`],
  ...(existsSync(resolve(here, 'templates', d, 'reference-packet.xlsx')) ? [[`packets/${d}/reference-packet.xlsx`, `templates/${d}/reference-packet.xlsx`]] : []),
]));
const firstReference = SETS.find((d) => PACKETS[`packets/${d}/reference-packet.xlsx`]);
if (firstReference) {
  PACKETS['packets/reference-packet.xlsx'] = `templates/${firstReference}/reference-packet.xlsx`;
  // the empty packet of that same set, at the address earlier builds served it (tests fetch it there)
  PACKETS['packets/tables.xlsx'] = `templates/${firstReference}/tables.xlsx`;
}

function bundledPackets(): Plugin {
  return {
    name: 'juesuan-packets',
    // read at build time, so a rebuilt reference packet (forms, narrative) is picked up by the next build
    generateBundle() {
      for (const [fileName, src] of Object.entries(PACKETS)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(resolve(here, src)) });
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const key = (req.url ?? '').replace(/^\//, '').split('?')[0];
        const src = PACKETS[key];
        if (!src) return next();
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.end(readFileSync(resolve(here, src)));
      });
    },
  };
}

/**
 * Which Handsontable key the renderer is built with, recorded (never the key itself) in dist/build-licence.json:
 * the packaging build (scripts/before-pack.cjs) refuses a renderer on the evaluation key.
 */
function licenceMarker(key: string | undefined): Plugin {
  return {
    name: 'juesuan-licence-marker',
    generateBundle() {
      const handsontable = key && key !== 'non-commercial-and-evaluation' ? 'licensed' : 'evaluation';
      this.emitFile({ type: 'asset', fileName: 'build-licence.json', source: `${JSON.stringify({ handsontable })}\n` });
    },
  };
}

// The bare Handsontable + HyperFormula page exists only for the latency benchmark, not in the app.
const withBench = process.env.JUESUAN_BENCH === '1';
// window.__juesuan (the controller, the grid, the UI store) is for the e2e tests and the benchmark only: the build
// they run (scripts/run-e2e.mjs sets JUESUAN_BENCH) has it, an installer's build does not
const testHandles = withBench || process.env.JUESUAN_TEST_HANDLES === '1';

export default defineConfig(({ mode }) => ({
  root: resolve(here, 'renderer'),
  base: './',
  plugins: [react(), bundledPackets(), licenceMarker(loadEnv(mode, resolve(here, 'renderer'), 'VITE_').VITE_HOT_LICENSE)],
  envPrefix: 'VITE_',
  define: { __JUESUAN_TEST_HANDLES__: JSON.stringify(testHandles) },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      input: {
        index: resolve(here, 'renderer/index.html'),
        ...(withBench ? { bench: resolve(here, 'renderer/bench/bench.html') } : {}),
      },
    },
  },
  // module workers (the packet writer): the same format as the app's own chunks
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
}));

#!/usr/bin/env node
/**
 * The layout drawing of shared/: which group of modules imports which, layer by layer, and every arrow that
 * points up (a lower layer importing a higher one). Exits 1 when there is one.
 *
 *   node scripts/layout.mjs [--root shared]
 *
 * The layers are declared here, lowest first; a module may import its own layer or a lower one. A group is a
 * folder of shared/ or one of its top-level files; a file or folder missing from the table is an error too, so
 * a new module has to be placed on purpose.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const LAYERS = [
  // pure helpers and the model: depend on nothing but each other
  ['a1', 'approx', 'errors', 'model', 'formula', 'kinds', 'numfmt', 'format', 'subject-code', 'safety', 'roles', 'sheet-extras'],
  // the check language: declarations expanded into concrete checks
  ['checks'],
  // domains that declare checks and layouts (forms register their 指标 kind, the catalog its 科目 kind), derived
  // cells (a form's 总分 follows its layout), and the xlsx reader
  ['forms', 'catalog', 'calc', 'xlsx'],
  // the engine: one HyperFormula per packet, where declarations of every registered kind are compiled
  // (session/: the PacketSession façade and its jobs; engine.ts re-exports it under the one old import path)
  ['engine', 'session'],
  // what works on an open packet
  ['forms/session', 'forms.ts', 'narrative', 'import'],
  ['export', 'newyear'],
  // the 审核报告 and 出错说明 (a report prints through export); 汇总 and batch review count 出错说明
  ['report'],
  ['merge'],
  // the façade
  ['index'],
];

function layerOf(group) {
  return LAYERS.findIndex((l) => l.includes(group));
}

/** forms/session.ts is its own group (it drives an engine); every other folder is one group. */
function groupOf(rel) {
  const parts = rel.replace(/\\/g, '/').split('/');
  if (parts.length === 1) return parts[0] === 'forms.ts' ? 'forms.ts' : parts[0].replace(/\.ts$/, '');
  if (parts[0] === 'forms' && parts[1] === 'session.ts') return 'forms/session';
  return parts[0];
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g;

export function layout(root) {
  const edges = new Map();
  const problems = [];
  for (const file of files(root)) {
    const from = groupOf(relative(root, file));
    if (layerOf(from) < 0) problems.push(`${relative(root, file)}: 组「${from}」不在 scripts/layout.mjs 的分层表中`);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      const target = relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      if (target.startsWith('..')) continue;
      const to = groupOf(target);
      if (to === from) continue;
      const key = `${from} → ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, files: new Set() });
      edges.get(key).files.add(relative(root, file));
    }
  }
  const upward = [...edges.values()].filter((e) => layerOf(e.to) > layerOf(e.from));
  return { edges: [...edges.values()], upward, problems };
}

function draw({ edges, upward }) {
  const lines = [];
  LAYERS.forEach((layer, i) => {
    lines.push(`层 ${i}: ${layer.join('  ')}`);
    for (const g of layer) {
      const out = edges.filter((e) => e.from === g).map((e) => `${e.to}${upward.includes(e) ? ' ↑向上!' : ''}`).sort();
      if (out.length) lines.push(`    ${g} → ${out.join(', ')}`);
    }
  });
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--root');
  const root = resolve(at > 0 ? process.argv[at + 1] : 'shared');
  const result = layout(root);
  console.log(draw(result));
  for (const p of result.problems) console.error(p);
  for (const e of result.upward) console.error(`向上的依赖：${e.from} → ${e.to}（${[...e.files].join('、')}）`);
  process.exit(result.upward.length || result.problems.length ? 1 : 0);
}

#!/usr/bin/env node
/**
 * Licences of what the installers ship.
 *
 *   node scripts/licences.mjs            write THIRD_PARTY_LICENSES.txt from node_modules
 *   node scripts/licences.mjs --check    exit 1 when THIRD_PARTY_LICENSES.txt is not what node_modules says
 *
 * The renderer and the main process are bundles: every runtime dependency (package.json `dependencies`,
 * followed transitively the way Node resolves them) is inside the installer, so each one's name, version,
 * licence field and licence text go into THIRD_PARTY_LICENSES.txt, which electron-builder ships beside the app
 * (extraResources). The Handsontable key check used by the packaging build (before-pack.cjs) is here too.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LIST_FILE = 'THIRD_PARTY_LICENSES.txt';

function readJson(p) {
  return JSON.parse(readFileSync(p, 'utf8'));
}

/** Where Node would find `name` when required from a package in `from` (nearest node_modules upwards). */
function resolvePackage(name, from, top) {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(p)) return dirname(p);
    if (dir === top || dirname(dir) === dir) return null;
  }
}

function licenceOf(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license.type === 'string') return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return '未声明';
}

function licenceText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/** Every runtime dependency, transitively: { name, version, license, text }, sorted by name and version. */
export function runtimePackages(projectDir = root) {
  const top = readJson(join(projectDir, 'package.json'));
  const seen = new Map();
  const missing = [];
  const queue = Object.keys(top.dependencies ?? {}).map((name) => ({ name, from: projectDir, optional: false }));
  while (queue.length) {
    const { name, from, optional } = queue.shift();
    const dir = resolvePackage(name, from, projectDir);
    if (!dir) {
      if (!optional) missing.push(name);
      continue;
    }
    if (seen.has(dir)) continue;
    const pkg = readJson(join(dir, 'package.json'));
    seen.set(dir, { name: pkg.name ?? name, version: pkg.version ?? '', license: licenceOf(pkg), text: licenceText(dir) });
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
  }
  if (missing.length) throw new Error(`node_modules 中缺少运行时依赖：${[...new Set(missing)].join('、')}`);
  const unique = new Map([...seen.values()].map((p) => [`${p.name}@${p.version}`, p]));
  return [...unique.values()].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
}

export function thirdPartyList(pkgs) {
  const head = [
    '决算公开助手 — 第三方软件许可（THIRD_PARTY_LICENSES）',
    '',
    '本软件整体按 GNU 通用公共许可证第 3 版（GPL-3.0-only）发布，因为其中的 HyperFormula 仅以 GPL-3.0-only 授权；',
    '以下是安装包中包含的全部第三方软件包（运行时依赖）及其许可。Handsontable 为商业许可软件，',
    '正式使用须持有 Handsontable 的商业许可密钥（见 README「许可」）。',
    '由 `node scripts/licences.mjs` 根据 node_modules 中各软件包的 package.json 生成，请勿手工修改。',
    '',
    `软件包共 ${pkgs.length} 个：`,
    '',
    ...pkgs.map((p) => `${p.name}@${p.version}  ${p.license}`),
    '',
  ];
  // identical licence texts (hundreds of MIT notices differ only in the copyright line) are printed once each
  const body = [];
  const byText = new Map();
  for (const p of pkgs) {
    if (!p.text) continue;
    if (!byText.has(p.text)) byText.set(p.text, []);
    byText.get(p.text).push(`${p.name}@${p.version}`);
  }
  for (const [text, names] of byText) {
    body.push('='.repeat(78), names.join(', '), '-'.repeat(78), text, '');
  }
  return [...head, ...body].join('\n');
}

/** The packaging build refuses a renderer built without a Handsontable licence key (see vite.config.ts). */
export function packagedLicenceProblem(distDir) {
  const marker = join(distDir, 'build-licence.json');
  if (!existsSync(marker)) return `找不到 ${marker}：请先运行 npm run build 构建界面，再打包。`;
  const m = readJson(marker);
  if (m.handsontable !== 'licensed') {
    return '界面构建时没有提供 Handsontable 许可密钥（VITE_HOT_LICENSE），用的是仅供评估的 non-commercial-and-evaluation 密钥；' +
      '政府单位使用属于商业用途，不能这样发布。请设置 VITE_HOT_LICENSE=<贵单位的密钥> 后重新运行 npm run build，再打包。';
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = thirdPartyList(runtimePackages());
  const file = join(root, LIST_FILE);
  if (process.argv.includes('--check')) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`${LIST_FILE} 与 node_modules 不一致：请运行 node scripts/licences.mjs 重新生成。`);
      process.exit(1);
    }
    console.log(`${LIST_FILE} 与 node_modules 一致。`);
  } else {
    writeFileSync(file, text);
    console.log(`已写入 ${LIST_FILE}。`);
  }
}

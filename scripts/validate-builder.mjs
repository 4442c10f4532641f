#!/usr/bin/env node
/**
 * Validate electron-builder.yml without packaging (packaging downloads Electron, which CI machines here
 * cannot): load the file through electron-builder's own configuration loader and run its own schema
 * validation, exactly what `electron-builder` does before it downloads anything, then check the promises
 * this project makes about its installers.
 *
 *   node scripts/validate-builder.mjs [config.yml]     exit 0 valid, 1 invalid (the reason on stderr)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = resolve(root, process.argv[2] ?? 'electron-builder.yml');

// app-builder-lib is electron-builder's engine; resolve it from electron-builder itself so the version
// that validates is the version that would package
const fromRoot = createRequire(join(root, 'package.json'));
const fromBuilder = createRequire(fromRoot.resolve('electron-builder'));
const { getConfig, validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config');
const { DebugLogger } = fromBuilder('builder-util');
const builderVersion = fromRoot('electron-builder/package.json').version;

/** Width and height of a PNG file from its IHDR chunk; null when missing or not a PNG. */
function iconSize(file) {
  if (!existsSync(file)) return null;
  const b = readFileSync(file);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG' || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** This project's rules: what the README promises about the installers. */
function projectRules(c) {
  const problems = [];
  const need = (ok, what) => {
    if (!ok) problems.push(what);
  };
  const targets = (platform) =>
    (Array.isArray(platform?.target) ? platform.target : [platform?.target]).filter(Boolean).map((t) => (typeof t === 'string' ? { target: t } : t));
  need(c.productName === '决算公开助手', 'productName 应为「决算公开助手」');
  need(typeof c.appId === 'string' && /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(c.appId), 'appId 应为反向域名形式，如 cn.gov.juesuan.editor');
  const win = targets(c.win);
  need(win.length === 1 && win[0].target === 'nsis' && JSON.stringify(win[0].arch) === '["x64"]', 'Windows 目标应只有 NSIS x64');
  need(c.nsis?.perMachine === false && c.nsis?.oneClick === false && c.nsis?.allowElevation === false, 'NSIS 应按当前用户安装（perMachine: false、oneClick: false、allowElevation: false）');
  need(JSON.stringify(c.nsis?.installerLanguages) === '["zh_CN"]' && String(c.nsis?.language) === '2052', 'NSIS 安装程序语言应为简体中文（installerLanguages: [zh_CN]，language: 2052）');
  need(c.nsis?.createDesktopShortcut === 'always' || c.nsis?.createDesktopShortcut === true, 'NSIS 应创建桌面快捷方式');
  need(c.nsis?.deleteAppDataOnUninstall !== true, '卸载时不得删除用户数据（恢复文件在其中）');
  need(c.win?.requestedExecutionLevel === undefined || c.win?.requestedExecutionLevel === 'asInvoker', 'Windows 程序不应请求管理员权限');
  const linux = targets(c.linux);
  const deb = linux.find((t) => t.target === 'deb');
  need(linux.length === 1 && deb && [...(deb.arch ?? [])].sort().join(',') === 'arm64,x64', 'Linux 目标应只有 deb，架构 x64 与 arm64');
  need(typeof c.linux?.executableName === 'string' && /^[a-z0-9-]+$/.test(c.linux.executableName), 'Linux 可执行文件名应为 ASCII（如 juesuan）');
  need(typeof c.linux?.maintainer === 'string' && /<[^>@\s]+@[^>\s]+>/.test(c.linux.maintainer), 'deb 包需要带电子邮件的 maintainer');
  // doMergeConfigs normalises `files` to [{ filter: [...] }]
  const files = (c.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : f?.filter ?? []));
  need(files.includes('dist/**/*') && files.includes('dist-electron/**/*'), 'files 应包含构建好的界面（dist/**/*）和主进程（dist-electron/**/*）');
  need(c.asar !== false, '应启用 asar');
  need(c.publish === null || c.publish === undefined, '不应配置发布（软件离线使用）');
  need(!c.fileAssociations, '不应关联 .xlsx 文件类型（会让会计人员双击任何 Excel 文件都打开本软件）');
  const extra = (c.extraResources ?? []).flatMap((f) => (typeof f === 'string' ? [f] : [f?.from, ...(f?.filter ?? [])])).filter(Boolean);
  need(extra.includes('LICENSE') && extra.includes('THIRD_PARTY_LICENSES.txt'), 'extraResources 应随安装包附上 LICENSE 与 THIRD_PARTY_LICENSES.txt（第三方许可清单）');
  need(c.beforePack === 'scripts/before-pack.cjs', 'beforePack 应为 scripts/before-pack.cjs（没有 Handsontable 许可密钥时拒绝打包）');
  const icon = iconSize(join(root, c.directories?.buildResources ?? 'build', 'icon.png'));
  need(icon && icon.width >= 256 && icon.width === icon.height, '应有至少 256×256 的正方形图标 build/icon.png（Windows 的 .ico 与 deb 的图标由它生成；见 scripts/make-icon.ts）');
  return problems;
}

/**
 * Validate one configuration file. Returns the Chinese reasons it is invalid (empty when valid); used by
 * the command line below and by tests/unit/safety-builder-config.test.ts.
 */
export async function validateBuilderConfig(file = configPath) {
  let config;
  try {
    config = await getConfig(root, isAbsolute(file) ? file : resolve(file), null);
  } catch (e) {
    return [`electron-builder 配置无法读取（${file}）：\n${e.message}`];
  }
  try {
    await validateConfiguration(config, new DebugLogger(false));
  } catch (e) {
    return [`electron-builder ${builderVersion} 的配置校验未通过（${file}）：\n${e.message}`];
  }
  const problems = projectRules(config);
  return problems.length ? [`配置不符合本项目的安装包要求（${file}）：\n${problems.map((p) => `  - ${p}`).join('\n')}`] : [];
}

export { builderVersion };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = await validateBuilderConfig(configPath);
  if (problems.length) {
    process.stderr.write(problems.join('\n') + '\n');
    process.exitCode = 1;
  } else {
    process.stdout.write(`配置有效：${configPath}（electron-builder ${builderVersion} 配置校验及本项目规则；未打包，打包需要下载 Electron）\n`);
  }
}

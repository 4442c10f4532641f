/**
 * The bundled command line (issue 17): bin/juesuan loads dist-cli/ (scripts/build-cli.mjs) and works from any
 * directory, by absolute path, through a symlink on PATH (how `npm install -g` and `npx` install it), with
 * templates found beside the package, not in the cwd. Real processes throughout. The launcher's two
 * fallbacks (bundle missing → built on the spot; no build script → tsx with a note) run in a copy of the
 * package whose sources are symlinks.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { buildCli } from '../../scripts/build-cli.mjs';

const ROOT = resolve('.');
const BIN = join(ROOT, 'bin', 'juesuan');
const REFERENCE = join(ROOT, 'templates/jiangxi-2024/reference-packet.xlsx');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let away = '';

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

beforeAll(async () => {
  await buildCli({ quiet: true });
  away = mkdtempSync(join(tmpdir(), 'juesuan-elsewhere-'));
});

afterAll(() => {
  if (away) rmSync(away, { recursive: true, force: true });
});

describe('bin/juesuan outside the repository', () => {
  it('--version from another directory by absolute path prints package.json\'s version', () => {
    const r = run(BIN, ['--version'], { cwd: away });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`juesuan ${VERSION}\n`);
  });

  it('check of the reference packet from another directory: 0 errors, the published hints', () => {
    const r = run(BIN, ['check', REFERENCE, '--json'], { cwd: away });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: { error: number; warning: number }; findings: { sheet: string; cells: string[]; rounding: boolean }[] };
    expect(out.summary.error).toBe(0);
    expect(out.summary.warning).toBe(26);
    expect(out.findings.some((f) => f.sheet === '公开06表' && f.cells.includes('F6') && f.rounding)).toBe(true);
  });

  it('through a symlink on PATH (npm install -g / npx) with a relative packet path: the template set is found beside the package', () => {
    const binDir = join(away, 'global-bin');
    mkdirSync(binDir, { recursive: true });
    if (!existsSync(join(binDir, 'juesuan'))) symlinkSync(BIN, join(binDir, 'juesuan'));
    copyFileSync(join(ROOT, 'tests/fixtures/import/other-region.xls'), join(away, '其他地区.xls'));
    copyFileSync(join(ROOT, 'templates/jiangxi-2024/tables.xlsx'), join(away, 'tables.xlsx'));
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
    // import reads the set's vocabulary (templates/jiangxi-2024/import/vocabulary.json) — only beside the package
    const r = run('juesuan', ['import', '其他地区.xls', '--into', 'tables.xlsx', '--out', 'p.xlsx', '--report', 'r.json'], { cwd: away, env });
    expect(r.error).toBeUndefined();
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at .*\.m?js:\d+/);
    expect(existsSync(join(away, 'p.xlsx'))).toBe(true);
    const report = JSON.parse(readFileSync(join(away, 'r.json'), 'utf8')) as { placed?: unknown[]; cells?: number };
    expect(JSON.stringify(report).length).toBeGreaterThan(100);
    // the written packet really holds imported figures
    const wb = XLSX.read(readFileSync(join(away, 'p.xlsx')));
    const s01 = wb.Sheets['公开01表'];
    const numbers = Object.keys(s01).filter((k) => !k.startsWith('!') && typeof s01[k].v === 'number' && s01[k].v !== 0);
    expect(numbers.length).toBeGreaterThan(10);
  });

  it('an unknown command answers at once, without a worker, exit 2 in Chinese', () => {
    const r = run(BIN, ['bogus'], { cwd: away });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/未知命令「bogus」/);
  });
});

describe('the launcher where the bundle is missing', () => {
  /** a copy of the package: its own bin/ and package.json, the sources and node_modules as symlinks */
  function fakePackage(name: string, withBuildScript: boolean): string {
    const pkg = join(away, name);
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    mkdirSync(join(pkg, 'scripts'), { recursive: true });
    copyFileSync(BIN, join(pkg, 'bin', 'juesuan'));
    copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    if (withBuildScript) copyFileSync(join(ROOT, 'scripts', 'build-cli.mjs'), join(pkg, 'scripts', 'build-cli.mjs'));
    for (const d of ['cli', 'shared', 'node', 'templates', 'node_modules']) symlinkSync(join(ROOT, d), join(pkg, d));
    return pkg;
  }

  it('builds dist-cli on first use when it can, then runs from it', () => {
    const pkg = fakePackage('pkg-build', true);
    expect(existsSync(join(pkg, 'dist-cli', 'main.mjs'))).toBe(false);
    const r = run(join(pkg, 'bin', 'juesuan'), ['--version'], { cwd: away });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`juesuan ${VERSION}\n`);
    expect(existsSync(join(pkg, 'dist-cli', 'main.mjs'))).toBe(true);
    expect(existsSync(join(pkg, 'dist-cli', 'worker.mjs'))).toBe(true);
    const c = run(join(pkg, 'bin', 'juesuan'), ['check', REFERENCE], { cwd: away });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/共 0 个错误，26 个提示/);
  }, 120_000);

  it('falls back to the TypeScript sources through tsx with a Chinese note when it cannot build', () => {
    const pkg = fakePackage('pkg-tsx', false);
    const r = run(join(pkg, 'bin', 'juesuan'), ['check', REFERENCE], { cwd: away });
    expect(r.stderr).toMatch(/^提示：命令行程序包（dist-cli）尚未构建且无法构建.*改为直接运行源代码（较慢）。运行 npm run build:cli 可消除此提示。\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/共 0 个错误，26 个提示/);
    expect(existsSync(join(pkg, 'dist-cli'))).toBe(false);
  }, 120_000);
});

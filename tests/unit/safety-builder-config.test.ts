/**
 * electron-builder.yml is validated without packaging by scripts/validate-builder.mjs: electron-builder's
 * own loader and schema check (what it runs before any download), then the project's installer rules.
 * Shown passing on the shipped file and failing on broken copies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateBuilderConfig } from '../../scripts/validate-builder.mjs';

const shipped = readFileSync('electron-builder.yml', 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'juesuan-builder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(yml?: string) {
  const args = ['scripts/validate-builder.mjs'];
  if (yml !== undefined) {
    const p = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(p, yml);
    args.push(p);
  }
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function edit(from: string | RegExp, to: string): string {
  const out = shipped.replace(from, to);
  if (out === shipped) throw new Error(`edit ${from} changed nothing`);
  return out;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation and the project rules', () => {
    const r = validate();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/配置有效：.*electron-builder 26\.\d+\.\d+ 配置校验/);
  });

  it('fails on an option electron-builder does not know (its schema check is really run), from the command line too', async () => {
    const r = validate(edit('asar: true', 'asar: true\nnsisOptions: {}'));
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown property 'nsisOptions'");
    const misplaced = await problemsOf(edit('  perMachine: false', '  perMachine: false\n  category: Office'));
    expect(misplaced.join()).toContain('配置校验未通过');
  });

  it('fails when an installer promise is broken', async () => {
    const cases: [string, RegExp | string, string, string][] = [
      ['per-machine', '  perMachine: false', '  perMachine: true', '按当前用户安装'],
      ['English installer', 'installerLanguages: [zh_CN]', 'installerLanguages: [en_US]', '简体中文'],
      ['no desktop shortcut', 'createDesktopShortcut: always', 'createDesktopShortcut: false', '桌面快捷方式'],
      ['no arm64', 'arch: [x64, arm64]', 'arch: [x64]', 'x64 与 arm64'],
      ['32-bit Windows', /target: nsis\n {6}arch: \[x64\]/, 'target: nsis\n      arch: [x64, ia32]', 'NSIS x64'],
      ['no renderer', '  - dist/**/*\n', '', '构建好的界面'],
      ['admin rights', 'requestedExecutionLevel: asInvoker', 'requestedExecutionLevel: requireAdministrator', '管理员权限'],
      ['no icon', '  buildResources: build', '  buildResources: no-such-folder', '256×256'],
      ['.xlsx association', 'deb:\n', 'fileAssociations:\n  - ext: xlsx\n    name: 决算公开包\ndeb:\n', '.xlsx'],
    ];
    for (const [name, from, to, message] of cases) {
      const problems = await problemsOf(edit(from, to));
      expect(problems.join('\n'), name).toContain(message);
    }
    expect(await problemsOf(shipped)).toEqual([]);
  }, 300_000);
});

async function problemsOf(yml: string): Promise<string[]> {
  const p = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(p, yml);
  return validateBuilderConfig(p);
}

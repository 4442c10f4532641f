/**
 * Issue 20, licences: the combined work is stated as GPL-3.0-only everywhere, THIRD_PARTY_LICENSES.txt lists
 * every runtime dependency package-lock.json records (npm's own record, not our walk of node_modules), the installer ships it,
 * and the packaging build refuses a renderer built on Handsontable's evaluation key.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagedLicenceProblem } from '../../scripts/licences.mjs';

describe('the licence of the combined work', () => {
  it('is GPL-3.0-only in package.json, README, LICENSE and the installer metadata', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).license).toBe('GPL-3.0-only');
    expect(readFileSync('README.md', 'utf8')).not.toContain('GPL-3.0-or-later');
    expect(readFileSync('electron-builder.yml', 'utf8')).toContain('GPL-3.0-only');
    expect(readFileSync('LICENSE', 'utf8')).toContain('GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007');
    expect(JSON.parse(readFileSync('node_modules/hyperformula/package.json', 'utf8')).license).toBe('GPL-3.0-only');
  });
});

describe('THIRD_PARTY_LICENSES.txt', () => {
  const list = readFileSync('THIRD_PARTY_LICENSES.txt', 'utf8');
  it('names every runtime dependency package-lock.json records, with its version and licence field', () => {
    // package-lock.json is npm's own record of the install: every entry not marked dev is shipped
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { name?: string; version: string; dev?: boolean; devOptional?: boolean }> };
    const pkgs = new Set(Object.entries(lock.packages).filter(([k, v]) => k && !v.dev && !v.devOptional)
      .map(([k, v]) => `${v.name ?? k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${v.version}`));
    expect(pkgs.size).toBeGreaterThan(50);
    const listed = new Set(list.split('\n').map((l) => /^(\S+@\S+) {2}\S/.exec(l)?.[1]).filter(Boolean));
    expect([...pkgs].filter((p) => !listed.has(p))).toEqual([]);
    for (const dep of ['hyperformula@', 'handsontable@', 'exceljs@', '@e965/xlsx@', 'docx@', 'react@', 'zustand@', 'jszip@']) {
      expect(list).toMatch(new RegExp(`^${dep.replace(/[./]/g, '\\$&')}\\S+ {2}\\S`, 'm'));
    }
    expect(list).toMatch(/^hyperformula@\S+ {2}GPL-3\.0-only$/m);
  });
  it('is what node_modules says now (scripts/licences.mjs --check)', () => {
    expect(execFileSync(process.execPath, ['scripts/licences.mjs', '--check'], { encoding: 'utf8' })).toContain('一致');
  });
  it('is shipped by the installer beside LICENSE', () => {
    const yml = readFileSync('electron-builder.yml', 'utf8');
    expect(yml).toMatch(/extraResources:\n(?: {2}- from: .*\n {4}to: .*\n)*? {2}- from: THIRD_PARTY_LICENSES\.txt\n/);
    expect(yml).toContain('beforePack: scripts/before-pack.cjs');
  });
});

describe('the packaging build and the Handsontable key', () => {
  const withMarker = (marker: object | null, run: (dist: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-dist-'));
    try {
      if (marker) writeFileSync(join(dir, 'build-licence.json'), JSON.stringify(marker));
      run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it('refuses a renderer built on the evaluation key, and one never built', () => {
    withMarker({ handsontable: 'evaluation' }, (d) => expect(packagedLicenceProblem(d)).toContain('VITE_HOT_LICENSE'));
    withMarker(null, (d) => expect(packagedLicenceProblem(d)).toContain('npm run build'));
  });
  it('lets a licensed build through', () => {
    withMarker({ handsontable: 'licensed' }, (d) => expect(packagedLicenceProblem(d)).toBeNull());
  });
  it('the beforePack hook electron-builder runs throws on an evaluation build', async () => {
    const { createRequire } = await import('node:module');
    const hook = createRequire(import.meta.url)('../../scripts/before-pack.cjs') as (c: unknown) => Promise<void>;
    const project = mkdtempSync(join(tmpdir(), 'juesuan-project-'));
    try {
      execFileSync('mkdir', [join(project, 'dist')]);
      writeFileSync(join(project, 'dist', 'build-licence.json'), JSON.stringify({ handsontable: 'evaluation' }));
      await expect(hook({ packager: { projectDir: project } })).rejects.toThrow(/评估|VITE_HOT_LICENSE/);
      writeFileSync(join(project, 'dist', 'build-licence.json'), JSON.stringify({ handsontable: 'licensed' }));
      await expect(hook({ packager: { projectDir: project } })).resolves.toBeUndefined();
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('the build an installer packs', () => {
  it('does not hand the controller to the page (window.__juesuan is in the e2e/benchmark build only)', async () => {
    const saved = { bench: process.env.JUESUAN_BENCH, handles: process.env.JUESUAN_TEST_HANDLES };
    try {
      delete process.env.JUESUAN_BENCH;
      delete process.env.JUESUAN_TEST_HANDLES;
      // a fresh copy of the config module, evaluated without the test build's variables
      const spec = '../../vite.config.ts?installer';
      const { default: config } = (await import(/* @vite-ignore */ spec)) as { default: (env: { mode: string; command: string }) => { define?: Record<string, string> } };
      expect(config({ mode: 'production', command: 'build' }).define?.__JUESUAN_TEST_HANDLES__).toBe('false');
    } finally {
      if (saved.bench !== undefined) process.env.JUESUAN_BENCH = saved.bench;
      if (saved.handles !== undefined) process.env.JUESUAN_TEST_HANDLES = saved.handles;
    }
    expect(readFileSync('renderer/main.tsx', 'utf8')).toMatch(/if \(__JUESUAN_TEST_HANDLES__\) window\.__juesuan = /);
  });
});

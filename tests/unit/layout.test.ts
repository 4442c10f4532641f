/**
 * Issue 20: the layout drawing of shared/ (scripts/layout.mjs) shows no upward arrow — in particular checks.ts no
 * longer imports forms/ (the 指标 kind is registered with checks.ts's expander registry instead) — and the
 * script does fail on one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the layout of shared/', () => {
  it('has no upward arrow, and checks does not import forms', () => {
    const out = execFileSync(process.execPath, ['scripts/layout.mjs'], { encoding: 'utf8' });
    const checksLine = out.split('\n').find((l) => l.trim().startsWith('checks →'));
    expect(checksLine).toBeDefined();
    expect(checksLine).not.toContain('forms');
    expect(out).not.toContain('向上');
    expect(readFileSync('shared/checks.ts', 'utf8')).not.toMatch(/from '\.\/forms/);
  });

  it('the drawing fails on an upward arrow and on a module not placed in a layer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-layout-'));
    try {
      cpSync('shared', join(dir, 'shared'), { recursive: true });
      const checks = join(dir, 'shared', 'checks.ts');
      writeFileSync(checks, `import { expandIndicators } from './forms/rules.js';\n${readFileSync(checks, 'utf8')}`);
      writeFileSync(join(dir, 'shared', 'stray.ts'), "export const x = 1;\n");
      const r = spawnSync(process.execPath, ['scripts/layout.mjs', '--root', join(dir, 'shared')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('向上的依赖：checks → forms（checks.ts）');
      expect(r.stderr).toContain('stray.ts: 组「stray」不在 scripts/layout.mjs 的分层表中');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The runtime boundaries are enforced by the linter: shared/ cannot reach Node, Electron, React or the UI. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'no Node modules'],
    ["import { app } from 'electron';", 'no Electron'],
    ["import { useState } from 'react';", 'no UI'],
    ["import Handsontable from 'handsontable';", 'no UI'],
    ["import { x } from '../renderer/app.js';", 'cannot depend on renderer'],
  ])('shared/ refuses %s', async (line, why) => {
    const msgs = await problems('shared/probe.ts', `${line}\nexport const y = 1;\n`);
    expect(msgs.join(' ')).toContain(why);
  });

  it('shared/ may use its own modules and the engine libraries', async () => {
    expect(await problems('shared/probe.ts', "import { HyperFormula } from 'hyperformula';\nimport { a1 } from './a1.js';\nexport const y = [HyperFormula, a1];\n")).toEqual([]);
  });

  it('the renderer cannot reach Node or Electron', async () => {
    expect((await problems('renderer/probe.ts', "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;\n")).length).toBe(1);
  });
});

/**
 * Latency benchmark (never fails on timing): keystroke → checks panel updated in the editor on the
 * reference packet, beside bare Handsontable + HyperFormula on a sheet of the same size in the same run;
 * page load → packet shown and checked. Writes tests/bench/results/editor.json and prints the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, launch, openEditor, rc, showSheet, typeInto } from './browser';

const EDITS = 40;
const LOADS = 5;
const SHEET = '公开01表';
const CELL = 'C7';
const VALUES = ['3000', '3284.9'];

function stats(xs: number[]): { n: number; median: number; p95: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, median: r(s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2), p95: r(q(0.95)), min: r(s[0]), max: r(s[s.length - 1]) };
}

let browser: Browser;
const result: Record<string, unknown> = {};

beforeAll(async () => {
  browser = await launch();
  result.chromium = browser.version();
});

afterAll(async () => {
  await browser?.close();
  const out = join(process.cwd(), 'tests', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const doc = { date: new Date().toISOString(), machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version }, ...result };
  writeFileSync(join(out, 'editor.json'), JSON.stringify(doc, null, 2) + '\n');
  console.log(`\n编辑器基准（写入 tests/bench/results/editor.json）：\n${JSON.stringify(doc, null, 2)}`);
});

describe('editor latency', () => {
  it(`keystroke → checks panel updated, ${EDITS} edits of ${SHEET}!${CELL} on the reference packet`, async () => {
    const { page } = await openEditor(browser);
    await showSheet(page, SHEET);
    const dims = await page.evaluate(() => ({ rows: window.__juesuan!.hot()!.countRows(), cols: window.__juesuan!.hot()!.countCols() }));
    for (let i = 0; i < EDITS + 2; i++) {
      await typeInto(page, CELL, VALUES[i % 2]);
      await page.waitForFunction((n) => window.__juesuanPerf!.samples.length >= n, i + 1);
    }
    // the first two edits warm the code paths up; they are not counted
    const samples = (await page.evaluate(() => window.__juesuanPerf!.samples)).slice(2);
    expect(samples).toHaveLength(EDITS);
    const errors = await page.evaluate(() => window.__juesuan!.ui.getState().findings.filter((f) => f.severity === 'error').length);
    expect(errors).toBe(0);
    result.editor = {
      what: `Enter in ${SHEET}!${CELL} alternating ${VALUES.join(' / ')} (each edit adds or removes 2 errors), reference packet`,
      sheet: `${dims.rows}×${dims.cols}`,
      keystrokeToApplied_ms: stats(samples.map((s) => s.applied)),
      keystrokeToPanel_ms: stats(samples.map((s) => s.panel)),
      keystrokeToNextFrame_ms: stats(samples.map((s) => s.frame)),
    };
    result.sheetSize = dims;
    await page.context().close();
  });

  it('bare Handsontable + HyperFormula on a sheet of the same size, same run', async () => {
    const dims = (result.sheetSize as { rows: number; cols: number }) ?? { rows: 40, cols: 6 };
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${BASE_URL}bench/bench.html?rows=${dims.rows}&cols=${dims.cols}`);
    await page.waitForFunction(() => window.__bench?.ready === true);
    const [r, c] = rc('D8');
    for (let i = 0; i < EDITS + 2; i++) {
      await page.evaluate(([row, col]) => {
        const hot = window.__bench!.hot;
        hot.selectCell(row, col);
        hot.listen();
      }, [r, c]);
      await page.keyboard.type(String(100 + (i % 2) * 11.5));
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => window.__bench!.samples.length >= n, i + 1);
    }
    const samples = (await page.evaluate(() => window.__bench!.samples)).slice(2);
    result.bareHandsontableHyperFormula = {
      what: 'Enter in D8 → the SUM total of column D updated in the DOM (formulas plugin, one HyperFormula engine, no checks)',
      sheet: `${dims.rows}×${dims.cols}`,
      keystrokeToDom_ms: stats(samples.map((s) => s.dom)),
      keystrokeToNextFrame_ms: stats(samples.map((s) => s.frame)),
    };
    await context.close();
  });

  it('autosave: the longest main-thread stall while the recovery file is written, worker vs main thread', async () => {
    const runs = 5;
    for (const writer of ['worker', 'main'] as const) {
      const { page } = await openEditor(browser, writer === 'main' ? '?writer=main' : '');
      await showSheet(page, SHEET);
      const samples: { stall: number; total: number; writer: string }[] = [];
      for (let i = 0; i < runs + 1; i++) {
        await typeInto(page, CELL, VALUES[i % 2]);
        // a 5 ms heartbeat on the main thread: its longest gap is how long typing would have been blocked
        samples.push(
          await page.evaluate(async () => {
            let last = performance.now();
            let stall = 0;
            const beat = setInterval(() => {
              const now = performance.now();
              stall = Math.max(stall, now - last);
              last = now;
            }, 5);
            const t0 = performance.now();
            await window.__juesuan!.controller.flushAutosave();
            const total = performance.now() - t0;
            clearInterval(beat);
            stall = Math.max(stall, performance.now() - last);
            return { stall, total, writer: window.__juesuan!.controller.packetWriter };
          }),
        );
      }
      await page.context().close();
      const counted = samples.slice(1); // the first write starts the worker and warms ExcelJS up
      expect(counted.map((s) => s.writer)).toEqual(Array(runs).fill(writer));
      result[`autosave_${writer}`] = {
        what: `edit ${SHEET}!${CELL}, then the recovery write of the reference packet (72 forms): snapshot, .xlsx bytes, IndexedDB`,
        mainThreadStall_ms: stats(counted.map((s) => s.stall)),
        total_ms: stats(counted.map((s) => s.total)),
      };
    }
  });

  it(`page load → reference packet shown and checked (${LOADS} loads)`, async () => {
    const loads: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < LOADS; i++) {
      const { page } = await openEditor(browser);
      const p = await page.evaluate(() => ({ loadedAt: window.__juesuanPerf!.loadedAt, phases: window.__juesuanPerf!.phases }));
      loads.push(p.loadedAt);
      const order = ['script-start', 'fetched', 'read-done', 'session-done'];
      let prev = 0;
      for (const k of order) {
        const t = p.phases[k];
        if (t === undefined) continue;
        (phases[k] ??= []).push(t - prev);
        prev = t;
      }
      (phases['grid-shown'] ??= []).push(p.loadedAt - prev);
      await page.context().close();
    }
    result.load = {
      what: 'navigation start → first sheet drawn with the reference packet and its findings in the panel',
      total_ms: stats(loads),
      phases_median_ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, stats(v).median])),
      phaseNames: {
        'script-start': 'HTML, CSS and the renderer bundle loaded and started',
        fetched: 'reference packet fetched',
        'read-done': 'readPacket (ExcelJS) parsed it',
        'session-done': 'PacketSession built (HyperFormula + all checks evaluated)',
        'grid-shown': 'React + Handsontable drew the first sheet',
      },
    };
  });
});

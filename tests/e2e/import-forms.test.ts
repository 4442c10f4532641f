/**
 * Forms imported in the editor go into the open session (issue 20): the tree shows the new 自评表 at once, one
 * 撤销 takes them out again (tree and findings as opened), 重做 brings them back — no packet rebuilt.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPacket } from '../../shared/index';
import { formsBook } from '../fixtures/import/build';
import { BASE_URL, findings, launch, openEditor } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

const treeSheets = () => window.__juesuan!.ui.getState().sheets.map((s) => s.name);

describe('导入自评表', () => {
  it('3 new forms into the open reference packet: in the tree, one undo step, redo', async () => {
    const ref = await readPacket(new Uint8Array(await (await fetch(`${BASE_URL}packets/reference-packet.xlsx`)).arrayBuffer()));
    const picked = ref.sheets.filter((s) => s.kind === 'form').slice(0, 3).map((s) => s.name);
    const bytes = await formsBook(ref, (n) => picked.includes(n), (p) => {
      picked.forEach((name, i) => {
        p.sheets.find((x) => x.name === name)!.cells[2][1]!.v = `2025年新增项目${i + 1}`;
      });
    });
    const { page, errors } = await openEditor(browser);
    const sheetsBefore = await page.evaluate(treeSheets);
    const findingsBefore = (await findings(page)).map((f) => f.rule).sort();
    await expect(page.locator('button[data-cmd="undo"]').isDisabled()).resolves.toBe(true);

    const chooser = page.waitForEvent('filechooser');
    await page.click('button[data-cmd="import"]');
    await (await chooser).setFiles({ name: '新增自评表.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(bytes) });
    await page.waitForSelector('[data-testid="import-dialog"][data-stage="review"]', { timeout: 120_000 });
    await page.click('[data-testid="import-confirm"]');
    await page.waitForSelector('[data-testid="import-dialog"]', { state: 'detached', timeout: 120_000 });

    const added = ['自评73 2025年新增项目1', '自评74 2025年新增项目2', '自评75 2025年新增项目3'];
    const sheetsAfter = await page.evaluate(treeSheets);
    expect(sheetsAfter.filter((n) => !sheetsBefore.includes(n))).toEqual(added);
    for (const n of added) await expect(page.locator(`.tree-item[data-sheet="${n}"]`).count()).resolves.toBe(1);
    expect(await page.evaluate(() => window.__juesuan!.ui.getState().dirty)).toBe(true);

    await page.click('button[data-cmd="undo"]');
    await page.waitForFunction((n) => window.__juesuan!.ui.getState().sheets.length === n, sheetsBefore.length, { timeout: 60_000 });
    expect(await page.evaluate(treeSheets)).toEqual(sheetsBefore);
    expect((await findings(page)).map((f) => f.rule).sort()).toEqual(findingsBefore);
    await expect(page.locator(`.tree-item[data-sheet="${added[0]}"]`).count()).resolves.toBe(0);
    // one step: nothing of the import is left to undo
    await expect(page.locator('button[data-cmd="undo"]').isDisabled()).resolves.toBe(true);

    await page.click('button[data-cmd="redo"]');
    await page.waitForFunction((n) => window.__juesuan!.ui.getState().sheets.length === n, sheetsAfter.length, { timeout: 60_000 });
    expect(await page.evaluate(treeSheets)).toEqual(sheetsAfter);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 600_000);
});

/**
 * The small things of issue #13 in the real renderer (Chromium): the status bar's counts follow the findings and
 * an old message goes with the next edit; a key on a locked cell says why nothing happened; 重做 is not 恢复;
 * the tree does not count 尾数差 as hints; the 情况说明 body is not bold; the 绩效自评汇总 部门 line is merged;
 * 公开01表 row 3 shows the whole 部门 name; the 尾数差 and N-01 messages; 新建 quotes the year as 2024.
 * Each writes a screenshot to tests/artifacts/ (d-*.png).
 */
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, findings, launch, openEditor, select, shown, settled, showSheet, typeInto, value, type OpenedPage } from './browser';

let browser: Browser;
let opened: OpenedPage;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  opened = await openEditor(browser);
  page = opened.page;
});

afterAll(async () => {
  await browser?.close();
});

const statusMessage = () => page.locator('[data-testid="status-message"]').textContent();
const statusCounts = () => page.locator('[data-testid="status-counts"]').textContent();
const panelCount = (id: string) => page.locator(`[data-testid="${id}"]`).textContent();

interface PageSession {
  /** asked of the core worker, where the session lives */
  derivedCells(sheet: string): Promise<{ row: number; col: number }[]>;
  getValue(sheet: string, row: number, col: number): unknown;
}

/** The derived cells of a sheet with their values, as "row,col" → value. */
async function derivedValues(sheet: string): Promise<Record<string, unknown>> {
  await settled(page);
  return page.evaluate(async (sh) => {
    const s = window.__juesuan!.controller.session as unknown as PageSession;
    return Object.fromEntries((await s.derivedCells(sh)).map((d) => [`${d.row},${d.col}`, s.getValue(sh, d.row, d.col)]));
  }, sheet);
}

/**
 * Types a detail, then types every total that followed it back to its figure, as an accountant keeps published
 * totals: the detail then stands against its totals. Returns how many edits were typed (for as many Ctrl+Z).
 */
async function typeDetailOnly(sheet: string, addr: string, text: string): Promise<number> {
  const before = await derivedValues(sheet);
  await typeInto(page, addr, text);
  const after = await derivedValues(sheet);
  let typed = 1;
  for (const [key, v] of Object.entries(before)) {
    if (after[key] === v || typeof v !== 'number') continue;
    const [row, col] = key.split(',').map(Number);
    let letters = '';
    for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    await typeInto(page, `${letters}${row + 1}`, String(v));
    typed++;
  }
  return typed;
}

async function snap(name: string, target?: Locator): Promise<void> {
  const path = join(ARTIFACTS, name);
  if (target) await target.screenshot({ path });
  else await page.screenshot({ path });
}

/** the whole window: the selected cell, the checks panel's counts and the status bar in one picture */
async function snapStatus(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

describe('the status bar', () => {
  // 运算: the totals of 公开01表 follow C7, so the errors are the cross-table ties the edit really breaks
  let afterEdit = '';
  it('shows the live counts of the panel: the errors after a wrong figure, not the stale "没有错误" of opening', async () => {
    await expect.poll(statusCounts).toBe('没有错误提示 7尾数差 19');
    expect(await statusMessage()).toBe('已打开「reference-packet.xlsx」。');
    await showSheet(page, '公开01表');
    const c7 = (await value(page, 'C7')) as number;
    await typeInto(page, 'C7', String(c7 + 100));
    await page.locator('.finding[data-rule="X-01"]').waitFor();
    const errors = (await findings(page)).filter((f) => f.severity === 'error').length;
    expect(errors).toBeGreaterThan(0);
    expect(await panelCount('error-count')).toBe(`错误 ${errors}`);
    afterEdit = `错误 ${errors}提示 7尾数差 19`;
    await expect.poll(statusCounts).toBe(afterEdit);
    // the opening message is gone with the first edit
    expect(await statusMessage()).toBe('');
    await snapStatus('d01-状态栏-错误计数.png');
  });

  it('"已撤销。" stays only until the next action; redo is 重做 and says so', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(statusMessage).toBe('已撤销。');
    await expect.poll(statusCounts).toBe('没有错误提示 7尾数差 19');
    const redo = page.locator('button[data-cmd="redo"]');
    expect(await redo.textContent()).toBe('重做');
    expect(await redo.getAttribute('title')).toBe('重做（Ctrl+Y）');
    expect(await page.locator('.toolbar button', { hasText: '恢复' }).count()).toBe(0);
    await snap('d02-工具栏-重做.png', page.locator('header.toolbar'));
    await page.keyboard.press('Control+y');
    await expect.poll(statusMessage).toBe('已重做。');
    await expect.poll(statusCounts).toBe(afterEdit);
    await page.keyboard.press('Control+z');
    await expect.poll(statusMessage).toBe('已撤销。');
    // a later edit: the message of the undo does not stand beside its result
    await typeInto(page, 'C10', '12.5');
    await expect.poll(statusCounts).toMatch(/^错误 \d+/);
    expect(await statusMessage()).toBe('');
    await snapStatus('d03-状态栏-撤销后再编辑.png');
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'C10')).toBe(0);
    await expect.poll(statusCounts).toBe('没有错误提示 7尾数差 19');
  });
});

describe('a key on a cell that takes no input', () => {
  it('Delete and typing on 公开04表 F7 (=SUM(G7:I7)) change nothing and say why in the status bar', async () => {
    await showSheet(page, '公开04表');
    const before = await value(page, 'F7');
    expect(typeof before).toBe('number');
    await select(page, 'F7');
    await page.keyboard.press('Delete');
    await expect.poll(statusMessage).toBe('公开04表 F7 不是填报单元格（标题、公式或合计单元格不能直接修改）');
    expect(await page.locator('[data-testid="status-message"]').getAttribute('class')).toContain('warn');
    expect(await value(page, 'F7')).toBe(before);
    await snapStatus('d04-锁定单元格-提示.png');
    // typing on a title cell: the same refusal, for that cell, and no editor opens
    await select(page, 'A1');
    await page.keyboard.type('5');
    await expect.poll(statusMessage).toBe('公开04表 A1 不是填报单元格（标题、公式或合计单元格不能直接修改）');
    expect(await page.evaluate(() => !!window.__juesuan!.hot()!.getActiveEditor()?.isOpened())).toBe(false);
    expect(await value(page, 'A1')).toBe('财政拨款收入支出决算总表');
    // a block with input cells in it is Handsontable's: the inputs are cleared, silently as before
    await select(page, 'F7', 'G7');
    await page.keyboard.press('Delete');
    await expect.poll(() => value(page, 'G7')).toBe(null);
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'F7')).toBe(before);
  });
});

describe('the packet tree', () => {
  it('a packet with no errors shows no orange badge for 尾数差: they are counted apart, in grey', async () => {
    const all = await findings(page);
    expect(all.filter((f) => f.severity === 'error')).toEqual([]);
    // 公开03表 has only 尾数差; 公开02表 has one real hint (the 2130804 name) and 尾数差
    const n03 = all.filter((f) => f.sheet === '公开03表');
    expect(n03.length).toBeGreaterThan(0);
    expect(n03.every((f) => f.rounding)).toBe(true);
    const item03 = page.locator('.tree-item[data-sheet="公开03表"]');
    expect(await item03.locator('.badge.warn').count()).toBe(0);
    expect(await item03.locator('.badge.round').textContent()).toBe(String(n03.length));
    const item02 = page.locator('.tree-item[data-sheet="公开02表"]');
    const warn02 = all.filter((f) => f.sheet === '公开02表' && !f.rounding).length;
    expect(warn02).toBe(1);
    expect(await item02.locator('.badge.warn').textContent()).toBe('1');
    const colors = await page.evaluate(() => {
      const c = (sel: string) => getComputedStyle(document.querySelector(sel)!).backgroundColor;
      return { round: c('.tree-item[data-sheet="公开03表"] .badge.round'), warn: c('.tree-item[data-sheet="公开02表"] .badge.warn') };
    });
    expect(colors.round).not.toBe(colors.warn);
    await snap('d05-目录-尾数差角标.png', page.locator('nav.tree'));
  });
});

describe('messages', () => {
  it('the sub-cent 尾数差 of 06表 302 shows 41.6309 against 41.63', async () => {
    const f = (await findings(page)).find((x) => x.sheet === '公开06表' && x.message.includes('302 类'))!;
    expect(f.rounding).toBe(true);
    expect(f.message).toContain('302 类 41.63 与 302xx 各款之和 41.6309 不等，差额 -0.0009。');
    await showSheet(page, '公开06表');
    await page.click('[data-testid="rounding-group"] h3');
    const item = page.locator(`[data-testid="rounding-group"] .finding[data-rule="${f.rule}"]`);
    await item.scrollIntoViewIfNeeded();
    await snap('d06-尾数差-四位小数.png', page.locator('aside.checks'));
    await page.click('[data-testid="rounding-group"] h3');
  });

  it('a 0.01 尾数差 in 公开04表 is worded 尾数差 by N-01, not "有未列入的类"', async () => {
    await showSheet(page, '公开04表');
    const g7 = (await value(page, 'G7')) as number;
    // 运算 carries G7 into its totals; typing them back over (as published figures) leaves the 0.01 between them
    const typed = await typeDetailOnly('公开04表', 'G7', (g7 + 0.01).toFixed(2));
    await expect.poll(async () => (await findings(page)).find((f) => f.rule === 'N-01')?.message).toBe(
      '年初预算表的决算数合计 3,966.62 与各类决算数之和 3,966.63 不等，差额 -0.01。（在尾数误差允许范围内，系金额单位换算的尾数差，可不调整）',
    );
    expect((await findings(page)).filter((f) => f.severity === 'error')).toEqual([]);
    await page.click('[data-testid="rounding-group"] h3');
    await page.locator('[data-testid="rounding-group"] .finding[data-rule="N-01"]').scrollIntoViewIfNeeded();
    await snap('d07-年初预算-尾数差.png', page.locator('aside.checks'));
    await page.click('[data-testid="rounding-group"] h3');
    for (let i = 0; i < typed; i++) await page.keyboard.press('Control+z');
    await expect.poll(async () => (await findings(page)).some((f) => f.rule === 'N-01')).toBe(false);
  });
});

describe('layout', () => {
  it('公开01表 row 3 shows the whole 部门 name', async () => {
    await showSheet(page, '公开01表');
    expect(await shown(page, 'A3')).toBe('部门：中共景德镇市昌南新区工作委员会党群工作部');
    const cell = await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      hot.scrollViewportTo({ row: 0, col: 0 });
      hot.render();
      const td = hot.getCell(2, 0, true)!;
      // the text's own width, measured with the cell's font
      const range = document.createRange();
      range.selectNodeContents(td);
      return { text: range.getBoundingClientRect().width, cell: td.getBoundingClientRect().width, colspan: td.colSpan };
    });
    expect(cell.colspan).toBe(3);
    expect(cell.text).toBeLessThanOrEqual(cell.cell);
    expect(await shown(page, 'D3')).toBe('2024 年度');
    await snap('d08-公开01表-部门行.png', page.locator('.centre'));
  });

  it('绩效自评汇总: the 部门 line is one merged line, not one character a line', async () => {
    await showSheet(page, '绩效自评汇总');
    const r = await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      const td = hot.getCell(1, 0, true)!;
      return { colspan: td.colSpan, height: hot.getRowHeight(1) ?? td.getBoundingClientRect().height, text: td.textContent };
    });
    expect(r.text).toBe('部门：中共景德镇市昌南新区工作委员会党群工作部');
    expect(r.colspan).toBe(6);
    // one line of 9-point text (the 金额单位 beside it no longer wraps in a 10-wide column either)
    expect(r.height).toBeLessThan(30);
    await snap('d09-绩效自评汇总-部门行.png', page.locator('.centre'));
  });

  it('the 情况说明 body is regular weight; headings stay bold', async () => {
    await page.click('.tree-item[data-sheet="__情况说明"]');
    await page.waitForSelector('[data-testid="narrative-view"]');
    const w = await page.evaluate(() => {
      const weight = (el: Element | null) => (el ? getComputedStyle(el).fontWeight : '');
      return {
        body: weight(document.querySelector('.nv-p.nv-body')),
        heading: weight(document.querySelector('.nv-part h3')),
      };
    });
    expect(w.body).toBe('400');
    expect(Number(w.heading)).toBeGreaterThanOrEqual(600);
    await snap('d10-情况说明-正文.png', page.locator('.centre'));
  });
});

describe('forms', () => {
  it('a blank 执行率 on a 其中 row is not reported; a wrong one is', async () => {
    const form = await page.evaluate(() => window.__juesuan!.ui.getState().sheets.find((s) => s.kind === 'form')!.name);
    await showSheet(page, form);
    const errorsOf = async () => (await findings(page)).filter((f) => f.sheet === form && f.severity === 'error').map((f) => f.rule);
    expect(await value(page, 'B7')).toBe('其中：政府预算资金');
    const g7 = await value(page, 'G7');
    await select(page, 'G7');
    await page.keyboard.press('Delete');
    await expect.poll(() => value(page, 'G7')).toBe(null);
    expect(await errorsOf()).toEqual([]);
    await snap('d11-自评表-其中执行率空白.png');
    await typeInto(page, 'G7', '12');
    await expect.poll(errorsOf).toEqual([`${form}:执行率:政府预算资金`]);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'G7')).toBe(g7);
    expect(await errorsOf()).toEqual([]);
  });
});

describe('新建', () => {
  it('the year is 2024 in the grid and in the message, never 2,024.00', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.click('button[data-cmd="new"]');
    // the build carries more than one set (issue 16: shanghai-putuo-2025 beside jiangxi-2024), so 新建 asks which
    await page.click('[data-testid="set-chooser"] button[data-set="jiangxi-2024"]');
    await expect.poll(() => page.locator('[data-testid="doc-name"]').textContent(), { timeout: 60_000 }).toMatch(/^未命名公开包\.xlsx/);
    await showSheet(page, '概况');
    expect(await shown(page, 'B3')).toBe('2024');
    const g1 = page.locator('.finding[data-rule="G-01"] .msg');
    await expect(g1.textContent()).resolves.toBe('概况未填完整：单位名称「空」、决算年度 2024。请在「概况」中填写单位名称和决算年度。');
    await expect.poll(statusCounts).toBe('错误 1提示 0');
    await snap('d12-新建-决算年度.png');
    expect(opened.errors).toEqual([]);
  });
});

/**
 * The editor on a township laptop's screen, in Chromium at 1366×768 and 1024×768: 公开01表 shows its whole
 * width by default (fit-width zoom, side panels that fit), sheet tabs along the bottom with Ctrl+PgUp/PgDn,
 * the keyboard alone goes from the tree to a cell and to a finding with a visible focus, the side panels
 * collapse, resize and come back as they were after a restart, and every badge and chip has a contrast of at
 * least 4.5:1 measured from the computed styles. Screenshots go to tests/artifacts/screen-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, launch, selection, shot, showSheet } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function openAt(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(BASE_URL);
  await page.waitForFunction(() => (window.__juesuanPerf?.loadedAt ?? 0) > 0, undefined, { timeout: 60_000 });
  return { page, errors };
}

/**
 * Whether every column of the sheet on screen lies inside the centre pane: the rendered cells of its title
 * row, the header rows and the last row, left and right edges, and no horizontal scrolling needed.
 */
async function wholeWidthVisible(page: Page): Promise<{ ok: boolean; detail: string }> {
  return page.evaluate(() => {
    const hot = window.__juesuan!.hot()!;
    const centre = document.querySelector('.centre-body')!.getBoundingClientRect();
    const cols = hot.countCols();
    const rows = hot.countRows();
    const out: string[] = [];
    let ok = true;
    for (const r of [0, 2, 4, Math.min(rows - 1, 10)]) {
      for (const c of [0, cols - 1]) {
        const td = hot.getCell(r, c, true);
        if (!td) {
          // merged into a cell to its left is fine; a column never rendered is not
          const merged = (hot.getCellMeta(r, c) as { spanned?: boolean }).spanned;
          if (!merged) {
            ok = false;
            out.push(`r${r}c${c}: not rendered`);
          }
          continue;
        }
        const b = td.getBoundingClientRect();
        if (b.width > 0 && (b.left < centre.left - 1 || b.right > centre.right + 1)) {
          ok = false;
          out.push(`r${r}c${c}: ${Math.round(b.left)}–${Math.round(b.right)} outside ${Math.round(centre.left)}–${Math.round(centre.right)}`);
        }
      }
    }
    const holder = document.querySelector('.grid-host .ht_master .wtHolder') as HTMLElement | null;
    if (holder && holder.scrollWidth > holder.clientWidth + 1) {
      ok = false;
      out.push(`scrolls: ${holder.scrollWidth} > ${holder.clientWidth}`);
    }
    out.push(`zoom ${window.__juesuan!.ui.getState().zoom}, centre ${Math.round(centre.width)} px, ${cols} columns`);
    return { ok, detail: out.join('; ') };
  });
}

/** WCAG contrast of an element's text against the first opaque background behind it. */
async function contrasts(page: Page, selector: string): Promise<{ what: string; ratio: number }[]> {
  return page.$$eval(selector, (els) => {
    const rgb = (s: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(s);
      if (!m) return [0, 0, 0, 0];
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element): number[] => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };
    return els
      .filter((e) => (e as HTMLElement).offsetParent !== null && (e.textContent ?? '').trim())
      .map((e) => {
        const fg = rgb(getComputedStyle(e).color);
        const a = lum(fg);
        const b = lum(background(e));
        return { what: `${e.className} “${(e.textContent ?? '').trim().slice(0, 12)}”`, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
  });
}

describe('a township laptop: 1366×768', () => {
  it('公开01表 shows its whole width by default; tabs and Ctrl+PgDn; badges at AA contrast', async () => {
    const { page, errors } = await openAt(1366, 768);
    await showSheet(page, '公开01表');
    await expect.poll(async () => (await wholeWidthVisible(page)).ok, { timeout: 10_000 }).toBe(true);
    const v = await wholeWidthVisible(page);
    expect(v.ok, v.detail).toBe(true);
    expect(await page.evaluate(() => window.__juesuan!.ui.getState().zoomFit)).toBe(true);
    // the right-hand columns really are on screen: the 公开01表 label and 金额单位 of the title band
    const right = await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      const texts: string[] = [];
      for (let r = 0; r < 4; r++) for (let c = 0; c < hot.countCols(); c++) texts.push(hot.getCell(r, c, true)?.textContent ?? '');
      return texts.join('|');
    });
    expect(right).toContain('公开01表');
    expect(right).toContain('万元');
    await shot(page, 'screen-1366-公开01表.png');

    // sheet tabs along the bottom; Ctrl+PgDn / Ctrl+PgUp step through them from the grid
    const tabs = page.locator('[data-testid="sheet-tabs"] .sheet-tab');
    expect(await tabs.count()).toBeGreaterThan(80);
    expect(await page.getAttribute('.sheet-tab.active', 'data-sheet')).toBe('公开01表');
    await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      hot.selectCell(6, 2);
      hot.listen();
    });
    await page.keyboard.press('Control+PageDown');
    await page.waitForFunction(() => window.__juesuan!.ui.getState().activeSheet === '公开02表' && window.__juesuan!.controller.gridPort()?.sheet === '公开02表');
    expect(await page.getAttribute('.sheet-tab.active', 'data-sheet')).toBe('公开02表');
    await page.keyboard.press('Control+PageDown');
    await page.waitForFunction(() => window.__juesuan!.ui.getState().activeSheet === '公开03表');
    await page.keyboard.press('Control+PageUp');
    await page.waitForFunction(() => window.__juesuan!.ui.getState().activeSheet === '公开02表');
    const v2 = await wholeWidthVisible(page);
    expect(v2.ok, `公开02表: ${v2.detail}`).toBe(true);
    await shot(page, 'screen-1366-ctrl-pgdn-公开02表.png');

    // an error and a hint, so that every kind of badge and chip is on screen, then measure them all
    await page.evaluate(() => {
      const c = window.__juesuan!.controller as unknown as { apply(e: { sheet: string; row: number; col: number; value: unknown }[]): void };
      c.apply([{ sheet: '公开01表', row: 6, col: 2, value: 1 }]);
    });
    await page.waitForSelector('.badge.err');
    const found = await page.$$eval('.badge, .count, .sev, .tab-err', (els) => [...new Set(els.map((e) => e.className))]);
    expect(found).toEqual(expect.arrayContaining(['badge err', 'count err', 'sev err', 'tab-err']));
    const measured = await contrasts(page, '.badge, .count, .sev, .tab-err, .sheet-tab.active, .tree-item.active, .finding .where, .status-msg');
    expect(measured.length).toBeGreaterThan(5);
    const low = measured.filter((m) => m.ratio < 4.5);
    expect(low, JSON.stringify(low)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keyboard only: tree → a cell, then → a finding and back to its cell, with a visible focus', async () => {
    const { page, errors } = await openAt(1366, 768);
    await showSheet(page, '公开01表');
    // F6 puts the keyboard on the tree's tab stop (the open sheet); walk down with the arrows, open with Enter
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.evaluate(() => window.__juesuan!.hot()?.unlisten());
    await page.keyboard.press('F6');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-sheet'))).toBe('公开01表');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline).toBe('solid 2px');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-sheet'))).toBe('公开03表');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__juesuan!.controller.gridPort()?.sheet === '公开02表');
    await expect.poll(() => selection(page)).toEqual({ sheet: '公开02表', cell: 'A1' });
    // the grid has the keyboard: arrows move the cell cursor
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const at = await selection(page);
    expect(at?.sheet).toBe('公开02表');
    expect(at?.cell).toMatch(/^[C-Z]\d+$/);
    expect(Number(at!.cell.slice(1))).toBeGreaterThan(3);

    // back to 公开01表 with Ctrl+PgUp, type a wrong 本年收入 into C7, Enter: an error appears
    await page.keyboard.press('Control+PageUp');
    await page.waitForFunction(() => window.__juesuan!.controller.gridPort()?.sheet === '公开01表');
    await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      hot.selectCell(6, 2);
      hot.listen();
    });
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.checks .finding.err');
    // F6 moves between panes (目录 → 表格 → 审核结果 → 标签): from the grid to the first finding, visibly
    await page.keyboard.press('F6');
    await page.waitForFunction(() => !!document.activeElement?.closest('.checks'));
    const focused = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement;
      const s = getComputedStyle(e);
      return { cls: e.className, rule: e.getAttribute('data-rule'), outline: `${s.outlineStyle} ${s.outlineWidth}` };
    });
    expect(focused.cls).toContain('finding');
    expect(focused.outline).toBe('solid 2px');
    await shot(page, 'screen-1366-finding-focus.png');
    // Enter on the finding: its sheet and cell, with the grid's keyboard
    const target = await page.evaluate((rule) => {
      const j = window.__juesuan!;
      const f = j.ui.getState().findings.find((x) => x.rule === rule)!;
      return j.controller.locate(f);
    }, focused.rule);
    await page.keyboard.press('Enter');
    await page.waitForFunction((s) => window.__juesuan!.controller.gridPort()?.sheet === s, target!.sheet);
    await expect.poll(async () => (await selection(page))?.cell).toBe(target!.cells[0].replace(/^.*!/, '').replace(/\$/g, '').split(':')[0]);
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await selection(page))?.cell).not.toBe(target!.cells[0]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('side panels collapse and resize, and come back as they were after a restart', async () => {
    const { page, errors } = await openAt(1366, 768);
    await showSheet(page, '公开01表');
    const z0 = await page.evaluate(() => window.__juesuan!.ui.getState().zoom);
    // the checks panel 40 px narrower from the keyboard, the tree collapsed
    await page.focus('[data-testid="splitter-checks"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.click('[data-testid="collapse-tree"]');
    await page.waitForSelector('[data-testid="expand-tree"]');
    const w = await page.evaluate(() => window.__juesuan!.ui.getState().checksWidth);
    expect(w).toBe(300 - 3 * 16);
    // more room: fit-width follows the wider centre (never beyond 100%)
    await expect.poll(() => page.evaluate(() => window.__juesuan!.ui.getState().zoom)).toBeGreaterThanOrEqual(z0);
    expect((await wholeWidthVisible(page)).ok).toBe(true);
    await shot(page, 'screen-1366-tree-collapsed.png');
    // restart: the same window comes back
    await page.reload();
    await page.waitForFunction(() => (window.__juesuanPerf?.loadedAt ?? 0) > 0, undefined, { timeout: 60_000 });
    const st = await page.evaluate(() => {
      const s = window.__juesuan!.ui.getState();
      return { treeOpen: s.treeOpen, checksWidth: s.checksWidth, checksOpen: s.checksOpen };
    });
    expect(st).toEqual({ treeOpen: false, checksWidth: 300 - 3 * 16, checksOpen: true });
    expect(await page.locator('[data-testid="expand-tree"]').count()).toBe(1);
    const gridCols = await page.evaluate(() => getComputedStyle(document.querySelector('.main')!).gridTemplateColumns);
    expect(gridCols.split(' ').at(-1)).toBe(`${300 - 3 * 16}px`);
    await page.click('[data-testid="expand-tree"]');
    await page.waitForSelector('.tree .tree-item');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('a township laptop: 1024×768', () => {
  it('公开01表 shows its whole width by default; the findings wait in a strip; Ctrl+PgDn works', async () => {
    const { page, errors } = await openAt(1024, 768);
    await showSheet(page, '公开01表');
    await expect.poll(async () => (await wholeWidthVisible(page)).ok, { timeout: 10_000 }).toBe(true);
    const zoom = await page.evaluate(() => window.__juesuan!.ui.getState().zoom);
    // readable, not a postage stamp
    expect(zoom).toBeGreaterThanOrEqual(0.8);
    expect(await page.locator('[data-testid="expand-checks"]').count()).toBe(1);
    await shot(page, 'screen-1024-公开01表.png');
    await page.evaluate(() => {
      const hot = window.__juesuan!.hot()!;
      hot.selectCell(6, 2);
      hot.listen();
    });
    await page.keyboard.press('Control+PageDown');
    await page.waitForFunction(() => window.__juesuan!.controller.gridPort()?.sheet === '公开02表');
    expect(await page.getAttribute('.sheet-tab.active', 'data-sheet')).toBe('公开02表');
    await shot(page, 'screen-1024-公开02表.png');
    await page.click('[data-testid="expand-checks"]');
    await page.waitForSelector('.checks');
    await shot(page, 'screen-1024-checks-open.png');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

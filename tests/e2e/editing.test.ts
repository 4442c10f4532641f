/**
 * Editing as the accountant expects (issue 13): a typed or pasted number is a number in every kind of input
 * cell the template declares, on every sheet type; totals follow their lines (运算) in the same undo step;
 * a typed-over or published rounded total is marked 手工调整; 运算（全部重算） changes nothing published on the
 * reference packet; a form's 全年执行数 carries 执行率, 执行率得分, 总分, 等级 and 绩效自评汇总 with no error.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, launch, openEditor, pasteText, settled, select, shot, showSheet, typeInto, value, type OpenedPage } from './browser';

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

interface KindCell {
  sheet: string;
  kind: string;
  addr: string;
  row: number;
  col: number;
}

interface PageSession {
  packet: { sheets: { name: string; kind: string; hidden: boolean; merges: string[]; cells: ({ input?: boolean; kind?: string; f?: string } | null)[][] }[] };
  /** asked of the core worker, where the session lives */
  derivedCells(sheet: string): Promise<{ row: number; col: number; agree: string; formula: string }[]>;
  getValue(sheet: string, row: number, col: number): unknown;
}

/** One input cell per declared kind on each visible sheet of the given kinds (top-left of a merge only). */
async function kindCells(sheetKinds: string[]): Promise<KindCell[]> {
  return page.evaluate((kinds) => {
    const s = window.__juesuan!.controller.session as unknown as PageSession;
    const letters = (c: number) => {
      let t = '';
      for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) t = String.fromCharCode(65 + ((n - 1) % 26)) + t;
      return t;
    };
    const out: KindCell[] = [];
    const firstForm = s.packet.sheets.find((x) => x.kind === 'form')?.name;
    for (const sh of s.packet.sheets) {
      if (sh.hidden || !kinds.includes(sh.kind) || (sh.kind === 'form' && sh.name !== firstForm)) continue;
      const covered = new Set<string>();
      for (const m of sh.merges) {
        const [a, b] = m.split(':');
        const p = (x: string) => { const r = /^([A-Z]+)(\d+)$/.exec(x)!; let c = 0; for (const ch of r[1]) c = c * 26 + ch.charCodeAt(0) - 64; return [Number(r[2]) - 1, c - 1]; };
        const [r1, c1] = p(a);
        const [r2, c2] = p(b);
        for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) if (r !== r1 || c !== c1) covered.add(`${r},${c}`);
      }
      const seen = new Map<string, KindCell>();
      // a form's 分数 comes twice: the 执行率 分值 (F6) and an indicator's 得分; both are asked for by the issue
      sh.cells.forEach((row, r) => row.forEach((c, col) => {
        if (!c?.input || !c.kind || covered.has(`${r},${col}`)) return;
        const key = sh.kind === 'form' && c.kind === '分数' ? `分数${col}` : c.kind;
        if (!seen.has(key)) seen.set(key, { sheet: sh.name, kind: c.kind, addr: `${letters(col)}${r + 1}`, row: r, col });
      }));
      out.push(...seen.values());
    }
    return out;
  }, sheetKinds);
}

/** The derived cells of a sheet that stand exactly as their formula gives them. */
async function exactDerived(sheet: string): Promise<string[]> {
  await settled(page);
  return page.evaluate(async (sh) => {
    const s = window.__juesuan!.controller.session as unknown as PageSession;
    return (await s.derivedCells(sh)).filter((d) => d.agree === 'exact').map((d) => `${d.row},${d.col}`);
  }, sheet);
}

async function errorRules(): Promise<string[]> {
  return (await findings(page)).filter((f) => f.severity === 'error').map((f) => f.rule).sort();
}

const NUMERIC = new Set(['金额', '数量', '百分比', '分数', '年度']);

describe('a typed or pasted number is a number in every kind of input cell of every sheet type', () => {
  it('types a number, pastes "1,234.56" and "(12.00)" into each kind on 概况, each 公开表 and a 自评表; totals follow; Ctrl+Z restores', async () => {
    const cells = await kindCells(['overview', 'table', 'form']);
    const sheets = new Set(cells.map((c) => c.sheet));
    // every 公开表, 概况 and a form are covered, and the kinds the issue names are all there
    for (const t of ['概况', '公开01表', '公开02表', '公开03表', '公开04表', '公开05表', '公开06表', '公开07表', '公开08表', '公开09表', '公开10表']) expect(sheets).toContain(t);
    const form = cells.find((c) => c.kind === '百分比')!.sheet;
    const formKinds = cells.filter((c) => c.sheet === form).map((c) => c.kind);
    for (const k of ['金额', '分数', '百分比', '指标值', '文本']) expect(formKinds).toContain(k);
    expect(cells.map((c) => c.kind)).toEqual(expect.arrayContaining(['数量', '年度', '代码']));
    const baseline = await errorRules();

    for (const c of cells) {
      await showSheet(page, c.sheet);
      const before = await value(page, c.addr);
      const exact = await exactDerived(c.sheet);
      const typed = c.kind === '年度' ? '2025' : '8';
      await typeInto(page, c.addr, typed);
      const got = await value(page, c.addr);
      const want = c.kind === '年度' ? 2025 : NUMERIC.has(c.kind) || c.kind === '指标值' ? 8 : '8';
      expect({ cell: `${c.sheet}!${c.addr}`, kind: c.kind, got }).toEqual({ cell: `${c.sheet}!${c.addr}`, kind: c.kind, got: want });
      // 运算: every derived cell that stood as its formula before a figure's edit still does (totals followed);
      // a 科目编码 typed over changes which rows are summed, which the 层级 checks then report
      const still = await exactDerived(c.sheet);
      if (c.kind !== '代码') expect({ cell: `${c.sheet}!${c.addr}`, lost: exact.filter((k) => k !== `${c.row},${c.col}` && !still.includes(k)) }).toEqual({ cell: `${c.sheet}!${c.addr}`, lost: [] });
      await page.keyboard.press('Control+z');
      await expect.poll(() => value(page, c.addr)).toEqual(before);

      for (const [text, num] of [['1,234.56', 1234.56], ['(12.00)', -12]] as const) {
        await select(page, c.addr);
        await pasteText(page, text);
        if (c.kind === '数量' || c.kind === '年度') {
          // not a count or a year: refused with the cell named, the figure stays
          await expect.poll(() => page.evaluate(() => window.__juesuan!.ui.getState().message)).toContain(`${c.sheet} ${c.addr} 是${c.kind}单元格`);
          expect(await value(page, c.addr)).toEqual(before);
          continue;
        }
        const expected = c.kind === '文本' || c.kind === '代码' ? text : num;
        await expect.poll(() => value(page, c.addr), { message: `${c.sheet}!${c.addr} (${c.kind}) ← ${text}` }).toEqual(expected);
        await page.keyboard.press('Control+z');
        await expect.poll(() => value(page, c.addr)).toEqual(before);
      }
    }
    expect(await errorRules()).toEqual(baseline);
  }, 900_000);

  it('a 自评表 得分 typed as 8 is the number 8: 总分 follows and no "填的是文字" finding appears', async () => {
    const form = (await kindCells(['form'])).find((c) => c.kind === '百分比')!.sheet;
    await showSheet(page, form);
    // the first indicator row with a score; 总分 is the formula under the indicators
    const where = await page.evaluate((sh) => {
      const s = window.__juesuan!.controller.session as unknown as PageSession;
      const cells = s.packet.sheets.find((x) => x.name === sh)!.cells;
      const score = cells.findIndex((row, r) => r > 11 && typeof s.getValue(sh, r, 7) === 'number' && row[7]?.input);
      const total = cells.findIndex((row) => row.some((c) => c && (c as { v?: unknown }).v === '总分'));
      return { score, total, scoreValue: s.getValue(sh, score, 7) as number, totalValue: s.getValue(sh, total, 7) as number };
    }, form);
    const addr = `H${where.score + 1}`;
    const newScore = where.scoreValue > 1 ? where.scoreValue - 1 : where.scoreValue;
    await typeInto(page, addr, String(newScore));
    expect(await value(page, addr)).toBe(newScore);
    expect(await value(page, `H${where.total + 1}`)).toBeCloseTo(where.totalValue - (where.scoreValue - newScore), 6);
    const f = await findings(page);
    expect(f.filter((x) => x.message.includes('填的是文字'))).toEqual([]);
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, `H${where.total + 1}`)).toBe(where.totalValue);
  });
});

describe('运算: derived cells follow their details', () => {
  it('公开01表 一般公共预算财政拨款收入 +100: 本年收入合计 and 收入总计 follow in the same step; the real ties break; Ctrl+Z restores all', async () => {
    await showSheet(page, '公开01表');
    expect(await value(page, 'C7')).toBe(3284.9);
    await typeInto(page, 'C7', '3384.90');
    expect(await value(page, 'C33')).toBe(4066.62);
    expect(await value(page, 'C37')).toBe(4066.62);
    await expect.poll(errorRules).toEqual(['01-05', 'X-01', 'X-04']);
    const msgs = (await findings(page)).filter((x) => x.severity === 'error').map((x) => x.message).sort();
    expect(msgs).toEqual([
      '公开01表 收支不平衡：收入总计 4,066.62 与 支出总计 3,966.62 不等，差额 100.00。',
      '公开01表与公开02表：公开01表 本年收入合计 4,066.62 与 公开02表 本年收入合计 3,966.62 不等，差额 100.00。',
      '公开01表与公开04表：公开01表 一般公共预算财政拨款收入 3,384.90 与 公开04表 一般公共预算财政拨款 3,284.90 不等，差额 100.00。',
    ]);
    await select(page, 'C33');
    await expect(page.locator('[data-testid="calc-info"]').textContent()).resolves.toBe('运算 =SUM(C7:C14)');
    await shot(page, '13-运算-01表加100.png');
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'C7')).toBe(3284.9);
    expect(await value(page, 'C33')).toBe(3966.62);
    expect(await value(page, 'C37')).toBe(3966.62);
    expect(await errorRules()).toEqual([]);
  });

  it('a published 尾数差 total is marked 手工调整 and survives; 运算（全部重算） changes nothing published and lists the 尾数差', async () => {
    await showSheet(page, '公开06表');
    expect(await value(page, 'C34')).toBe(545.72);
    await select(page, 'C34');
    await expect(page.locator('[data-testid="calc-info"]').textContent()).resolves.toBe('手工调整（运算得 545.73） 运算 =C6+C20');
    const cls = await page.evaluate(() => window.__juesuan!.hot()!.getCell(33, 2, true)!.className);
    expect(cls).toContain('jc-manual');
    await shot(page, '13-手工调整-06表.png');
    await page.locator('[data-testid="recalc"]').click();
    const dialog = page.locator('[data-testid="recalc-dialog"]');
    await dialog.waitFor();
    await expect(dialog.locator('[data-testid="recalc-summary"]').textContent()).resolves.toContain('没有重算任何单元格');
    const kept = await dialog.locator('[data-testid="recalc-kept"] tbody tr').allTextContents();
    expect(kept).toContain('公开06表C34545.72545.73尾数差（公开数，保留）');
    await shot(page, '13-运算-全部重算.png');
    await dialog.locator('[data-testid="recalc-close"]').click();
    expect(await value(page, 'C34')).toBe(545.72);
    // asked to, it recomputes the 尾数差 too, as one undoable step
    await page.locator('[data-testid="recalc"]').click();
    await dialog.locator('[data-testid="recalc-rounding"]').click();
    // 301 becomes 451.83, so 人员经费合计 = 451.83 + 93.91
    await expect.poll(() => value(page, 'C34')).toBe(545.74);
    expect(await value(page, 'C6')).toBe(451.83);
    await dialog.locator('[data-testid="recalc-close"]').click();
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'C34')).toBe(545.72);
    expect(await errorRules()).toEqual([]);
  });

  it('a form: 政府预算资金 全年执行数 carries 年度资金总额, 执行率, 执行率得分, 总分, 等级 and 绩效自评汇总, with no error', async () => {
    // a form whose 年度资金总额 equals its sources and whose 执行率 is 100%
    const pick = await page.evaluate(() => {
      const s = window.__juesuan!.controller.session as unknown as PageSession;
      for (const sh of s.packet.sheets.filter((x) => x.kind === 'form')) {
        const A = s.getValue(sh.name, 5, 3);
        const B = s.getValue(sh.name, 5, 4);
        const B7 = s.getValue(sh.name, 6, 4);
        if (typeof A === 'number' && A > 1 && B === A && B7 === B && s.getValue(sh.name, 5, 6) === 100) return { name: sh.name, A };
      }
      return null;
    });
    expect(pick).not.toBeNull();
    const form = pick!.name;
    await showSheet(page, form);
    const totalRow = await page.evaluate((sh) => {
      const s = window.__juesuan!.controller.session as unknown as PageSession;
      return s.packet.sheets.find((x) => x.name === sh)!.cells.findIndex((row) => row.some((c) => c && (c as { v?: unknown }).v === '总分'));
    }, form);
    const scoreBefore = (await value(page, `H${totalRow + 1}`)) as number;
    const summaryBefore = await summaryRow(form);
    // 85% of the budget spent: the stepped profile gives 7 of 10
    const B = Math.round(pick!.A * 0.85 * 100) / 100;
    await typeInto(page, 'E7', String(B));
    expect(await value(page, 'E6')).toBe(B);
    const rate = Math.round((B / pick!.A) * 10000) / 100;
    expect(await value(page, 'G6')).toBe(rate);
    expect(await value(page, 'G7')).toBe(rate);
    expect(await value(page, 'H6')).toBe(7);
    expect(await value(page, `H${totalRow + 1}`)).toBeCloseTo(scoreBefore - 3, 6);
    const grade = await value(page, `G${totalRow + 2}`);
    expect(grade).toBe(scoreBefore - 3 >= 90 ? '优' : scoreBefore - 3 >= 80 ? '良' : scoreBefore - 3 >= 60 ? '中' : '差');
    const summary = await summaryRow(form);
    expect(summary).toMatchObject({ B, rate, rateScore: 7, total: scoreBefore - 3, grade });
    expect(summary.B).not.toBe(summaryBefore.B);
    // no error: the form's own checks hold; Σ全年执行数 against 03表 项目支出 is a hint (提示)
    expect(await errorRules()).toEqual([]);
    await shot(page, '13-自评表-执行数.png');
    await page.keyboard.press('Control+z');
    await expect.poll(() => value(page, 'G6')).toBe(100);
    expect(await value(page, 'E6')).toBe(pick!.A);
    expect(await value(page, `H${totalRow + 1}`)).toBe(scoreBefore);
  });

  it('no page errors during the session', () => {
    expect(opened.errors).toEqual([]);
  });
});

/** The form's line on 绩效自评汇总: B, 执行率, 执行率得分, 总分, 等级 as the summary sheet computes them. */
async function summaryRow(form: string): Promise<{ B: unknown; rate: unknown; rateScore: unknown; total: unknown; grade: unknown }> {
  return page.evaluate((sh) => {
    const s = window.__juesuan!.controller.session as unknown as PageSession;
    const sum = s.packet.sheets.find((x) => x.kind === 'summary')!;
    const r = sum.cells.findIndex((_row, i) => s.getValue(sum.name, i, 1) === (s.getValue(sh, 2, 1) as string));
    return { B: s.getValue(sum.name, r, 4), rate: s.getValue(sum.name, r, 5), rateScore: s.getValue(sum.name, r, 6), total: s.getValue(sum.name, r, 7), grade: s.getValue(sum.name, r, 8) };
  }, form);
}

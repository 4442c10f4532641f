/**
 * Issue 12: the layout-variant corpus (tests/fixtures/import/variants.ts) — the reference package as other
 * offices and other tools write it. Each variant, imported into the empty template, places every amount and
 * gives exactly the reference's findings (same rules, same cells, same messages); as 上年数 it fills the same
 * figures as the reference's own tables do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { applyImport, importWorkbook, PRIOR_SHEET, planImport } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { findingLines, publishedFigures, TABLES } from '../fixtures/import/compare.js';
import { writePacket } from '../../shared/xlsx.js';
import { VARIANTS, variantBytes } from '../fixtures/import/variants.js';
import { EMPTY_TABLES, loadPacket, openSession, REFERENCE, valueAt, VOCABULARY } from '../helpers/packets.js';

let ref: Packet;
let template: Packet;
let refFindings: string[];
let printedFindings: string[];
let priorBaseline: Map<string, number>;
const formsAside = (sheet: string) => ['form', 'summary'].includes(ref.sheets.find((s) => s.name === sheet)?.kind ?? '');

/** The 上年数 items a source fills, by item. */
async function priorFrom(bytes: Uint8Array, file: string): Promise<{ filled: Map<string, number>; notFilled: string[] }> {
  const session = await openSession(EMPTY_TABLES);
  const plan = await planImport(bytes, session, { vocabulary: VOCABULARY, file, mode: 'prior-year', template });
  const r = await applyImport(session, plan);
  const live = session;
  const sheet = live.sheet(PRIOR_SHEET);
  const filled = new Map<string, number>();
  for (const i of r.report.priorYear!.filled) {
    filled.set(i.item, i.value!);
    expect(live.getValue(PRIOR_SHEET, i.row, 1), i.item).toBe(i.value);
  }
  expect(sheet.cells.length).toBeGreaterThan(10);
  return { filled, notFilled: r.report.priorYear!.notFilled.map((i) => i.item) };
}

beforeAll(async () => {
  ref = await loadPacket(REFERENCE);
  template = await loadPacket(EMPTY_TABLES);
  refFindings = findingLines(new PacketSession(ref), formsAside);
  printedFindings = findingLines(new PacketSession(publishedFigures(ref)), formsAside);
  // the baseline of 上年数: the reference's ten tables in one workbook, as the app exports them
  const tables = await writePacket(ref, { onlySheets: TABLES, includeChecks: false });
  const baseline = await priorFrom(tables, 'reference.xlsx');
  priorBaseline = baseline.filled;
  expect(priorBaseline.get('本年收入合计')).toBe(3966.62);
}, 180_000);

describe('the layout-variant corpus imported into the empty template', () => {
  it('has at least 15 variants, in the producers\' file kinds', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(15);
    const kinds = new Set(VARIANTS.map((v) => v.format));
    for (const k of ['xlsx-exceljs', 'xlsx-sheetjs', 'xlsx-libreoffice', 'xls-biff8', 'xls-biff5', 'html-gbk', 'html-utf8', 'html-gb18030', 'mhtml', 'csv-gbk']) expect(kinds, k).toContain(k);
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s: every amount placed, the reference findings exactly', async (_name, spec) => {
    const { bytes, file } = await variantBytes(ref, spec);
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(bytes, session, { vocabulary: VOCABULARY, file });
    const live = session;
    const s = r.report.summary;
    const notPlaced = r.report.sheets.flatMap((x) => x.notPlaced.map((c) => `${c.cell} ${c.value} ${c.reason}`));
    expect(notPlaced, spec.what).toEqual([]);
    expect(s.amountsNotPlaced).toBe(0);
    expect(s.amounts).toBeGreaterThan(400);
    expect(s.amountsPlaced).toBe(s.amounts);
    // every table of the set had a source
    expect(r.report.tablesWithoutSource).toEqual([]);
    for (const sh of r.report.sheets.filter((x) => x.table)) expect(sh.amounts!.notPlaced, sh.sheet).toBe(0);
    // 元 sources reproduce the reference as printed (to the cent); 万元 sources the reference itself
    expect(findingLines(live, formsAside), spec.what).toEqual(spec.unit === '元' ? printedFindings : refFindings);
    // a few figures by hand: the 三公 决算数 and 公务接待费, the 06 人员经费合计, an inserted 科目 row
    expect(valueAt(live, '公开09表', 'E6')).toBeCloseTo(1.74, 1);
    expect(valueAt(live, '公开09表', 'D11')).toBe(7);
    expect(valueAt(live, '公开06表', 'C34')).toBe(545.72);
    expect(valueAt(live, '公开01表', 'F7')).toBe(1736.34);
    expect(valueAt(live, '公开04表', 'G7')).toBe(1736.34);
  }, 120_000);

  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s as 上年数: the same figures as the reference\'s own tables', async (_name, spec) => {
    const { bytes, file } = await variantBytes(ref, spec);
    const { filled } = await priorFrom(bytes, file);
    for (const [item, v] of priorBaseline) {
      // a variant without 年初预算数 (三公 with one 预算数 column) or without the statistics rows leaves those out
      if (!filled.has(item)) {
        expect(spec.t09 === 'wide12' || spec.t09 === 'budget-actual', `${item} 未填`).toBe(true);
        expect(item, item).toMatch(/三公|出国|公务用车|公务接待|年初/);
        continue;
      }
      expect(filled.get(item), item).toBeCloseTo(v, 2);
    }
    expect(filled.size).toBeGreaterThan(priorBaseline.size - 6);
  }, 120_000);
});

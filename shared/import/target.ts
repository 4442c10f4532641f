/**
 * The packet's side of the import: for each 公开表 sheet, where its header is, which cells the accountant
 * fills (input) or the template computes (formula), and the row key each of them sits on. Everything is
 * read from the sheet itself (title, header words, frozen rows, unlocked cells), so another region's template
 * set works without code changes.
 */
import { isNumericFormat } from '../engine.js';
import type { Packet, SheetModel } from '../model.js';
import {
  buildColumns, buildPanels, isNumberRow, keyString, modelGrid, ONE_ROW, rowKey, type Column, type Grid, type Layout, type Panel,
} from './layout.js';
import { fold, headerAlias } from './text.js';

export interface TargetCell {
  row: number;
  col: number;
  column: Column;
  /** computed by the template: compared with the source, never written */
  formula: boolean;
  /** a 万元 amount (two-decimal format); counts (辆, 人, 个) are not converted */
  money: boolean;
  key: string;
  name: string;
}

export interface VariablePanel {
  codeCol: number;
  nameCol: number;
  values: Column[];
  money: Map<number, boolean>;
  panel: Panel;
}

export interface TargetTable {
  sheet: string;
  title: string;
  titleCanon: string;
  layout: Layout;
  byKey: Map<string, TargetCell[]>;
  /** 科目 rows by code, for tables whose 科目 rows vary */
  codeRows: Map<string, number>;
  variable?: VariablePanel;
  /** header words, for finding the header of a source sheet of this table */
  words: Set<string>;
  /** distinctive header words (not the generic 项目/金额/行次 …) */
  ownWords: Set<string>;
}

export const GENERIC_WORDS = ['项目', '科目编码', '科目名称', '名称', '类', '款', '项', '行次', '栏次', '金额', '决算数', '合计', '编码', '功能分类科目编码', '经济分类科目编码'];

function titleOf(s: SheetModel): string {
  for (let r = 0; r < Math.min(3, s.cells.length); r++) {
    for (const c of s.cells[r] ?? []) {
      const v = c?.v;
      if (typeof v === 'string' && v.trim() && !c?.f && /表/.test(v)) return v.trim();
    }
  }
  return '';
}

function headerRowsOf(g: Grid, s: SheetModel): { header: number[]; numbers: number[]; dataTop: number } {
  let firstInput = s.cells.findIndex((row) => row.some((c) => c?.input));
  if (firstInput < 0) firstInput = s.cells.length;
  const end = s.frozenRows > 0 ? s.frozenRows : firstInput;
  let top = 1;
  for (let r = 0; r < end; r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (typeof v === 'string' && /单位[:：]/.test(v.normalize('NFKC'))) top = r + 1;
    }
  }
  const header: number[] = [];
  const numbers: number[] = [];
  for (let r = top; r < end; r++) (isNumberRow(g, r) ? numbers : header).push(r);
  return { header, numbers, dataTop: end };
}

export function isMoneyFormat(fmt: string | undefined): boolean {
  return !!fmt && isNumericFormat(fmt) && /0\.00/.test(fmt);
}

export function analyzeTarget(packet: Packet, s: SheetModel): TargetTable {
  const g = modelGrid(s);
  const { header, numbers, dataTop } = headerRowsOf(g, s);
  const columns = buildColumns(g, header);
  const panels = buildPanels(columns);
  const layout: Layout = { headerRows: header, numberRows: numbers, dataTop, columns, panels };
  const money = (r: number, c: number) => isMoneyFormat(packet.styles[s.cells[r]?.[c]?.s ?? -1]?.numFmt);

  let variable: VariablePanel | undefined;
  for (const p of panels) {
    if (p.codeCols.length !== 1 || !p.label) continue;
    const codeCol = p.codeCols[0].col;
    const rows: number[] = [];
    for (let r = dataTop; r < s.cells.length; r++) if (s.cells[r]?.[codeCol]?.input) rows.push(r);
    if (!rows.length) continue;
    const values = p.values.filter((v) => rows.some((r) => s.cells[r]?.[v.col]?.input));
    variable = {
      codeCol,
      nameCol: p.label.col,
      values,
      money: new Map(values.map((v) => [v.col, money(rows[0], v.col)])),
      panel: p,
    };
    break;
  }

  const byKey = new Map<string, TargetCell[]>();
  const codeRows = new Map<string, number>();
  for (const p of panels) {
    const state = { lei: null, kuan: null };
    for (let r = dataTop; r < s.cells.length; r++) {
      const k = rowKey(g, p, r, state);
      if (!k) continue;
      const key = keyString(k);
      if (k.code && variable?.panel === p && !codeRows.has(k.code)) codeRows.set(k.code, r);
      for (const v of p.values) {
        const cell = s.cells[r]?.[v.col];
        if (!cell || (!cell.input && !cell.f)) continue;
        const list = byKey.get(key) ?? [];
        list.push({ row: r, col: v.col, column: v, formula: !cell.input && !!cell.f, money: money(r, v.col), key, name: k.name });
        byKey.set(key, list);
      }
    }
  }
  // a panel with neither names nor codes keys no row above; when it holds exactly one row of input cells, that
  // row is the table's only row of figures and is matched by column headers alone
  for (const p of panels) {
    if (p.label || p.codeCols.length) continue;
    const rows = new Set<number>();
    for (let r = dataTop; r < s.cells.length; r++) if (p.values.some((v) => s.cells[r]?.[v.col]?.input)) rows.add(r);
    if (rows.size !== 1 || byKey.has(keyString(ONE_ROW))) continue;
    const r = [...rows][0];
    const list = p.values
      .filter((v) => s.cells[r]?.[v.col]?.input)
      .map((v) => ({ row: r, col: v.col, column: v, formula: false, money: money(r, v.col), key: keyString(ONE_ROW), name: '' }));
    byKey.set(keyString(ONE_ROW), list);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.col - b.col || a.row - b.row);

  const words = new Set<string>(GENERIC_WORDS);
  const ownWords = new Set<string>();
  for (const c of columns) {
    for (const k of c.canon) {
      words.add(k);
      words.add(headerAlias(k));
      if (!GENERIC_WORDS.includes(k)) ownWords.add(k);
    }
  }
  const title = titleOf(s);
  return { sheet: s.name, title, titleCanon: fold(title), layout, byKey, codeRows, ...(variable ? { variable } : {}), words, ownWords };
}

/** The disclosure tables of a packet (sheets of kind 'table'), analysed. */
export function analyzeTargets(packet: Packet): TargetTable[] {
  return packet.sheets.filter((s) => s.kind === 'table' && !s.hidden).map((s) => analyzeTarget(packet, s));
}

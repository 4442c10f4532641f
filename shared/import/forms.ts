/**
 * 项目支出绩效自评表 from a source workbook, one per sheet: read by their labels (the forms module's
 * formLayout), matched to the packet's forms by 项目名称, replaced or added through the forms collection.
 */
import { a1 } from '../a1.js';
import type { PacketSession } from '../engine.js';
import {
  addForm, deleteForm, formLayout, formSheets, keyCells, rebuildSummary,
  type FormData, type FormLayout, type FundData, type IndicatorData,
} from '../forms.js';
import type { Cell, CellValue, Packet, SheetModel } from '../model.js';
import type { Grid } from './layout.js';
import { modelGrid } from './layout.js';
import type { ImportReport, NotPlacedCell, Overwrite, SheetReport } from './report.js';
import { COL_LIMIT } from './source.js';
import { fold, parseAmount, shortText, textOf } from './text.js';

export interface PlannedForm {
  report: number;
  source: string;
  data: FormData;
  /** the packet's form with the same 项目名称, replaced on apply; null: added */
  match: string | null;
}

/** The grid as a sheet model with merged ranges filled, so formLayout finds labels wherever they sit. */
function asSheet(g: Grid): SheetModel {
  const cells: (Cell | null)[][] = [];
  for (let r = 0; r < g.rowCount; r++) {
    const row: (Cell | null)[] = [];
    for (let c = 0; c < g.colCount; c++) {
      const v = g.shown(r, c);
      row.push(v === null ? null : { v: typeof v === 'boolean' ? String(v) : v });
    }
    cells.push(row);
  }
  return { name: g.name, kind: 'form', hidden: false, cells, merges: [], colWidths: [], rowHeights: [], frozenRows: 0, print: { orientation: 'portrait', fitToWidth: true } };
}

interface Reader {
  data: FormData;
  layout: FormLayout;
  /** cells read, row * COL_LIMIT + col */
  used: Set<number>;
  cellOf: Map<string, { row: number; col: number }>;
}

function findText(g: Grid, want: string): { row: number; col: number } | null {
  for (let r = 0; r < g.rowCount; r++) for (let c = 0; c < g.colCount; c++) if (fold(textOf(g.raw(r, c))) === want) return { row: r, col: c };
  return null;
}

/** Read a form sheet (source or packet) into the forms module's FormData. A string says why it is not a form. */
export function readForm(g: Grid): Reader | string {
  const sheet = asSheet(g);
  const l = formLayout(sheet);
  if (typeof l === 'string') return l;
  const used = new Set<number>();
  const cellOf = new Map<string, { row: number; col: number }>();
  const take = (key: string, r: number, c: number) => {
    used.add(r * COL_LIMIT + c);
    cellOf.set(key, { row: r, col: c });
    return g.shown(r, c);
  };
  const str = (key: string, r: number, c: number) => textOf(take(key, r, c)).trim();
  const num = (key: string, r: number, c: number): number | null => {
    const p = parseAmount(take(key, r, c));
    return p.kind === 'number' ? p.n : null;
  };
  const funds: FundData[] = l.fundRows.map((f, k) => {
    const A = num(`fund${k}.A`, f.row, l.fundCols.A);
    const B = num(`fund${k}.B`, f.row, l.fundCols.B);
    const rawRate = take(`fund${k}.rate`, f.row, l.fundCols.rate);
    let rate = parseAmount(typeof rawRate === 'string' ? rawRate.replace(/%$/, '') : rawRate);
    // a rate stored as a fraction in a percent-formatted cell (1 = 100%)
    if (rate.kind === 'number' && typeof rawRate === 'number' && rawRate > 0 && rawRate <= 1.5 && A && B !== null && Math.abs(rawRate * 100 - (B / A) * 100) < 0.6) {
      rate = { kind: 'number', n: Math.round(rawRate * 1000) / 10 };
    }
    return {
      label: f.label,
      initial: num(`fund${k}.initial`, f.row, l.fundCols.initial),
      A,
      B,
      weight: num(`fund${k}.weight`, f.row, l.fundCols.weight),
      rate: rate.kind === 'number' ? rate.n : null,
      score: num(`fund${k}.score`, f.row, l.fundCols.score),
    };
  });
  const goal = (label: string, key: string) => {
    const at = findText(g, label);
    return at ? str(key, at.row + 1, at.col) : '';
  };
  const indicators: IndicatorData[] = [];
  l.indRows.forEach((r, i) => {
    const c = l.indCols;
    const ind: IndicatorData = {
      level1: str(`ind${i}.level1`, r, c.level1),
      level2: str(`ind${i}.level2`, r, c.level2),
      level3: str(`ind${i}.level3`, r, c.level3),
      target: str(`ind${i}.target`, r, c.target),
      actual: str(`ind${i}.actual`, r, c.actual),
      weight: num(`ind${i}.weight`, r, c.weight),
      score: num(`ind${i}.score`, r, c.score),
      deviation: str(`ind${i}.deviation`, r, c.deviation),
    };
    if (ind.level1 || ind.level2 || ind.level3 || ind.target || ind.actual || ind.weight !== null || ind.score !== null || ind.deviation) indicators.push(ind);
  });
  const data: FormData = {
    name: str('name', l.nameCell.row, l.nameCell.col),
    department: l.deptCell ? str('department', l.deptCell.row, l.deptCell.col) : '',
    implementer: l.implementerCell ? str('implementer', l.implementerCell.row, l.implementerCell.col) : '',
    funds,
    goalExpected: goal('预期目标', 'goalExpected'),
    goalActual: goal('实际完成情况', 'goalActual'),
    indicators,
    totalWeight: num('totalWeight', l.totalRow, l.indCols.weight),
    totalScore: num('totalScore', l.totalRow, l.indCols.score),
  };
  if (l.gradeCell) take('grade', l.gradeCell.row, l.gradeCell.col);
  return { data, layout: l, used, cellOf };
}

const FIELD_NAMES: Record<string, string> = {
  name: '项目名称', department: '主管部门', implementer: '实施单位', goalExpected: '预期目标', goalActual: '实际完成情况',
  initial: '年初预算数', A: '全年预算数（A）', B: '全年执行数（B）', weight: '分值', rate: '执行率（%）', score: '得分',
  level1: '一级指标', level2: '二级指标', level3: '三级指标', target: '年度指标值', actual: '实际完成值', deviation: '偏差原因分析及改进措施',
};

function fieldsOf(d: FormData): Map<string, CellValue> {
  const m = new Map<string, CellValue>();
  m.set('name', d.name);
  m.set('department', d.department);
  m.set('implementer', d.implementer);
  m.set('goalExpected', d.goalExpected);
  m.set('goalActual', d.goalActual);
  d.funds.forEach((f, k) => (['initial', 'A', 'B', 'weight', 'rate', 'score'] as const).forEach((x) => m.set(`fund${k}.${x}`, f[x])));
  d.indicators.forEach((ind, i) => (['level1', 'level2', 'level3', 'target', 'actual', 'weight', 'score', 'deviation'] as const).forEach((x) => m.set(`ind${i}.${x}`, ind[x])));
  return m;
}

function empty(v: CellValue): boolean {
  return v === null || v === undefined || v === '';
}

/** Figures of the packet's form that the source form would replace. */
function formOverwrites(sheet: SheetModel, before: Reader, after: FormData, source: string): Overwrite[] {
  const out: Overwrite[] = [];
  const now = fieldsOf(after);
  for (const [key, b] of fieldsOf(before.data)) {
    if (empty(b)) continue;
    const at = before.cellOf.get(key);
    // formula cells (自评等级) are the form's own result, not the accountant's figures; the 运算 执行率得分 and
    // 总分 are input cells: a printed figure replacing one is listed like any other
    if (!at || !sheet.cells[at.row]?.[at.col]?.input) continue;
    const a = now.get(key) ?? null;
    if (a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9)) continue;
    const field = key.split('.').pop()!;
    const row = key.startsWith('fund') ? before.data.funds[Number(key.slice(4, key.indexOf('.')))]?.label ?? '项目资金' : key.startsWith('ind') ? `指标第 ${Number(key.slice(3, key.indexOf('.'))) + 1} 行` : FIELD_NAMES[field] ?? field;
    out.push({ sheet: sheet.name, cell: a1(at.row, at.col), row, column: FIELD_NAMES[field] ?? field, before: b, after: a, source });
  }
  return out;
}

/** Plan one source form: read it, match it by 项目名称, list what it would replace. */
export function planForm(g: Grid, packet: Packet, rep: SheetReport, reportIndex: number, claimed: Set<string>): { form?: PlannedForm; overwrites: Overwrite[] } {
  const r = readForm(g);
  if (typeof r === 'string') {
    rep.reason = `标题是项目支出绩效自评表，但无法按自评表读取：${r}`;
    listAll(g, rep.notPlaced, rep.reason, () => false);
    return { overwrites: [] };
  }
  if (!r.data.name) {
    rep.reason = '自评表没有项目名称，无法与公开包中的自评表对应';
    listAll(g, rep.notPlaced, rep.reason, () => false);
    return { overwrites: [] };
  }
  const key = fold(r.data.name);
  let match: string | null = null;
  let before: Reader | null = null;
  let existing: SheetModel | null = null;
  for (const s of formSheets(packet)) {
    if (claimed.has(s.name)) continue;
    const e = readForm(modelGrid(s));
    if (typeof e !== 'string' && fold(e.data.name) === key) {
      match = s.name;
      before = e;
      existing = s;
      break;
    }
  }
  if (match) claimed.add(match);
  rep.table = match ?? '（新增自评表）';
  rep.rowsPlaced = r.data.indicators.length + r.data.funds.length;
  rep.cellsPlaced = [...fieldsOf(r.data).values()].filter((v) => !empty(v)).length;
  rep.notes.push(match ? `按项目名称「${r.data.name}」对应公开包中的自评表「${match}」，整表替换。` : `公开包中没有项目名称为「${r.data.name}」的自评表，将新增一张。`);
  listAll(g, rep.notPlaced, '不在自评表的任何栏目中', (row, col) => r.used.has(row * COL_LIMIT + col) || isLabel(g, row, col), true);
  // a printed 执行率得分 is placed like the 总分: kept as published, judged by the 执行率得分 check
  return {
    form: { report: reportIndex, source: g.name, data: r.data, match },
    overwrites: existing && before ? formOverwrites(existing, before, r.data, g.name) : [],
  };
}

function isLabel(g: Grid, r: number, c: number): boolean {
  return parseAmount(g.raw(r, c)).kind !== 'number';
}

function listAll(g: Grid, out: NotPlacedCell[], reason: string, skip: (r: number, c: number) => boolean, figuresOnly = false): void {
  for (let r = 0; r < g.rowCount; r++) {
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (v === null || skip(r, c)) continue;
      if (figuresOnly && parseAmount(v).kind !== 'number') continue;
      out.push({ cell: `${g.name}!${a1(r, c)}`, value: typeof v === 'string' ? shortText(v, 60) : v, reason });
    }
  }
}

/**
 * After the forms are in: a form whose source printed no 执行率得分 (and whose A, B and 分值 give one) gets the
 * figure its scoring rule computes, as a blank 运算 cell would on the next keystroke; its 总分, when it was the
 * sum of what the source printed, follows in the same step. A printed figure was written as published.
 */
export function verifyFormScores(session: PacketSession, forms: PlannedForm[], report: ImportReport): void {
  const edits: { sheet: string; row: number; col: number; value: number }[] = [];
  for (const f of forms) {
    const rep = report.sheets[f.report];
    if (typeof f.data.funds[0]?.score === 'number' || rep.cellsPlaced <= 0) continue;
    const sheet = rep.table && formSheets(session.packet).some((s) => s.name === rep.table) ? rep.table : null;
    const l = sheet ? formLayout(session.sheet(sheet)) : null;
    if (!sheet || !l || typeof l === 'string') continue;
    const k = keyCells(l);
    const d = session.derivedCells(sheet).find((x) => x.row === k.rateScore.row && x.col === k.rateScore.col);
    if (d && d.agree === 'blank' && typeof d.computed === 'number') edits.push({ sheet, row: d.row, col: d.col, value: d.computed });
  }
  if (edits.length) session.apply(edits);
}

/** Replace matched forms and add new ones in the packet (applyImport runs it inside session.changeSheets). */
export function applyForms(packet: Packet, forms: PlannedForm[], report: ImportReport, overwrite: boolean): void {
  for (const f of forms) {
    const rep = report.sheets[f.report];
    try {
      if (f.match) {
        if (!overwrite) {
          rep.notPlaced.push({ cell: `${f.source}!A1`, value: f.data.name, reason: `公开包中已有自评表「${f.match}」，按选择保留原表、未替换` });
          rep.cellsPlaced = 0;
          continue;
        }
        const at = formSheets(packet).findIndex((s) => s.name === f.match);
        deleteForm(packet, f.match);
        addForm(packet, { data: f.data, name: f.match, at, deferSummary: true });
      } else {
        rep.table = addForm(packet, { data: f.data, deferSummary: true });
      }
    } catch (e) {
      rep.notPlaced.push({ cell: `${f.source}!A1`, value: f.data.name, reason: `自评表未能放入公开包：${(e as Error).message}` });
      rep.cellsPlaced = 0;
    }
  }
  rebuildSummary(packet);
}

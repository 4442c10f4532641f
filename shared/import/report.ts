/** The placement report: what an import did with every figure of the source, sheet by sheet. */
import type { CellValue } from '../model.js';
import type { SourceFormat } from './source.js';
import type { Unit } from './text.js';

export type ImportMode = 'current' | 'prior-year';

export interface NotPlacedCell {
  /** source sheet and cell, e.g. "收支总表!C7" */
  cell: string;
  value: string | number | boolean;
  reason: string;
  /** the row's 科目编码 or 项目 as the source writes it */
  row?: string;
  /** the column's header as the source writes it */
  column?: string;
  /** an amount of the source (not a label, a 栏次 number or a code fragment): the import must account for it */
  amount?: boolean;
}

/** Every amount of a source table accounted for: placed, verified against a computed cell, or not placed. */
export interface AmountCount {
  total: number;
  placed: number;
  verified: number;
  notPlaced: number;
}

export interface ColumnPlacement {
  /** source column letter */
  source: string;
  header: string;
  /** packet columns that received its figures, e.g. ["C"] */
  targets: string[];
  targetHeader?: string;
  placed: number;
  notPlaced: number;
}

export interface UnitConversion {
  /** null: no unit stated, figures taken as 万元 */
  unit: Unit | null;
  /** where the unit was read: the title line or the column header */
  from: string;
  /** 元 → 万元: ÷10000 */
  factor: number;
  converted: number;
  /** figures whose value changed by rounding to 0.01 万元 */
  rounded: number;
}

export interface SheetReport {
  sheet: string;
  hidden: boolean;
  /** the packet sheet it was taken for, or null */
  table: string | null;
  title: string | null;
  recognizedBy: '标题' | '表头' | '工作表名' | '表角色' | null;
  /** why it was not imported (or only partly) */
  reason?: string;
  unit: UnitConversion | null;
  rowsPlaced: number;
  /** 科目 rows added to the packet, "2010301 行政运行" */
  rowsInserted: string[];
  /** 科目 rows the packet has and the source does not: left as they are */
  rowsKept: string[];
  columns: ColumnPlacement[];
  cellsPlaced: number;
  /** figures of computed cells (合计 by formula) that agree with the packet's own result */
  cellsVerified: number;
  /** packet cells emptied because the source leaves them blank */
  cellsCleared: number;
  notPlaced: NotPlacedCell[];
  notes: string[];
  /** figures of computed cells still to be compared with the packet's result (the plan, before applying) */
  cellsToVerify?: number;
  /** filled by summarize */
  amounts?: AmountCount;
}

export interface Overwrite {
  sheet: string;
  cell: string;
  row: string;
  column: string;
  before: CellValue;
  after: CellValue;
  source: string;
}

export interface PriorYearItem {
  row: number;
  item: string;
  formula: string;
  value?: number;
  reason?: string;
}

export interface ImportReport {
  file: string;
  format: SourceFormat;
  mode: ImportMode;
  applied: boolean;
  sheets: SheetReport[];
  /** non-empty packet inputs the import replaces (or, applied without overwriting, kept) */
  overwrites: Overwrite[];
  priorYear?: { filled: PriorYearItem[]; notFilled: PriorYearItem[] };
  /** tables of the set that no source sheet was recognised for (current mode) */
  tablesWithoutSource?: string[];
  notes: string[];
  summary: {
    sheets: number;
    tables: number;
    cellsPlaced: number;
    cellsVerified: number;
    cellsNotPlaced: number;
    rowsInserted: number;
    overwrites: number;
    /** amounts of the source, all sheets */
    amounts: number;
    amountsPlaced: number;
    amountsVerified: number;
    amountsNotPlaced: number;
  };
}

export function amountsOf(s: SheetReport): AmountCount {
  const notPlaced = s.notPlaced.filter((c) => c.amount).length;
  // before applying, a figure over a computed cell counts as verified-to-be; applying decides
  const verified = s.cellsVerified + (s.cellsToVerify ?? 0);
  return { total: s.cellsPlaced + verified + notPlaced, placed: s.cellsPlaced + verified, verified, notPlaced };
}

export function summarize(r: ImportReport): ImportReport['summary'] {
  for (const s of r.sheets) s.amounts = amountsOf(s);
  const sum = (k: keyof AmountCount) => r.sheets.reduce((n, s) => n + (s.amounts?.[k] ?? 0), 0);
  return {
    amounts: sum('total'),
    amountsPlaced: sum('placed'),
    amountsVerified: sum('verified'),
    amountsNotPlaced: sum('notPlaced'),
    sheets: r.sheets.length,
    tables: r.sheets.filter((s) => s.table && !s.reason).length,
    cellsPlaced: r.sheets.reduce((n, s) => n + s.cellsPlaced, 0),
    cellsVerified: r.sheets.reduce((n, s) => n + s.cellsVerified, 0),
    cellsNotPlaced: r.sheets.reduce((n, s) => n + s.notPlaced.length, 0),
    rowsInserted: r.sheets.reduce((n, s) => n + s.rowsInserted.length, 0),
    overwrites: r.overwrites.length,
  };
}

function fmt(v: CellValue): string {
  if (v === null || v === undefined || v === '') return '空';
  return String(v);
}

/** The report as Chinese text (CLI, log). `maxCells` limits the cells listed per sheet. */
export function reportText(r: ImportReport, maxCells = 50): string {
  const s = summarize(r);
  const lines: string[] = [];
  lines.push(`导入 ${r.file}（${r.format}${r.mode === 'prior-year' ? '，作为上年数' : ''}）：${s.sheets} 个工作表，识别 ${s.tables} 张表。`);
  for (const sh of r.sheets) {
    const head = sh.table ? `→ ${sh.table}（按${sh.recognizedBy}识别${sh.title ? `「${sh.title}」` : ''}）` : '→ 未导入';
    lines.push(`【${sh.sheet}】${head}`);
    if (sh.reason) lines.push(`  原因：${sh.reason}`);
    if (sh.unit) {
      lines.push(
        sh.unit.unit && sh.unit.unit !== '万元'
          ? `  金额单位：${sh.unit.unit}（${sh.unit.from}），已换算为万元（÷${sh.unit.factor}，四舍五入到 0.01），换算 ${sh.unit.converted} 个，其中 ${sh.unit.rounded} 个有舍入。`
          : sh.unit.unit
            ? `  金额单位：万元（${sh.unit.from}）。`
            : `  金额单位：未注明，按万元导入，请核对。`,
      );
    }
    const am = amountsOf(sh);
    if (am.total) lines.push(`  金额 ${am.total} 个：放入 ${am.placed}，未放入 ${am.notPlaced}${am.verified ? `（放入中 ${am.verified} 个是与公开包计算结果核对的合计）` : ''}`);
    if (sh.table && !sh.reason) {
      lines.push(`  放入 ${sh.cellsPlaced} 个单元格（${sh.rowsPlaced} 行），核对一致的合计 ${sh.cellsVerified} 个，清空 ${sh.cellsCleared} 个。`);
      if (sh.rowsInserted.length) lines.push(`  新增科目行 ${sh.rowsInserted.length} 行：${sh.rowsInserted.slice(0, 10).join('、')}${sh.rowsInserted.length > 10 ? ' …' : ''}`);
      if (sh.rowsKept.length) lines.push(`  公开包中有、源表中没有的科目行（保留原值）：${sh.rowsKept.join('、')}`);
      for (const c of sh.columns) {
        lines.push(`  ${c.source}列「${c.header || '（无表头）'}」→ ${c.targets.length ? `${c.targets.join('、')}列${c.targetHeader ? `「${c.targetHeader}」` : ''}` : '未对应'}：放入 ${c.placed}${c.notPlaced ? `，未放入 ${c.notPlaced}` : ''}`);
      }
    }
    for (const n of sh.notes) lines.push(`  注意：${n}`);
    if (sh.notPlaced.length) {
      lines.push(`  未放入 ${sh.notPlaced.length} 个单元格：`);
      for (const c of sh.notPlaced.slice(0, maxCells)) lines.push(`    ${c.cell}「${c.value}」${c.row ? `（${c.row}${c.column ? ' / ' + c.column : ''}）` : ''}：${c.reason}`);
      if (sh.notPlaced.length > maxCells) lines.push(`    … 另有 ${sh.notPlaced.length - maxCells} 个，见 JSON 报告`);
    }
  }
  if (r.overwrites.length) {
    lines.push(`${r.applied ? '已覆盖' : '将覆盖'}公开包中已有的 ${r.overwrites.length} 个数：`);
    for (const o of r.overwrites.slice(0, maxCells)) lines.push(`  ${o.sheet}!${o.cell}（${o.row} / ${o.column}）：${fmt(o.before)} → ${fmt(o.after)}`);
    if (r.overwrites.length > maxCells) lines.push(`  … 另有 ${r.overwrites.length - maxCells} 个，见 JSON 报告`);
  }
  if (r.priorYear) {
    lines.push(`上年数：填入 ${r.priorYear.filled.length} 项，未填 ${r.priorYear.notFilled.length} 项。`);
    for (const i of r.priorYear.filled) lines.push(`  ${i.item}：${i.value}`);
    for (const i of r.priorYear.notFilled) lines.push(`  ${i.item}：未填（${i.reason}）`);
  }
  if (r.tablesWithoutSource?.length) lines.push(`源文件中没有这些表（未导入，保持原样）：${r.tablesWithoutSource.join('、')}`);
  for (const n of r.notes) lines.push(`注意：${n}`);
  lines.push(`金额：共 ${s.amounts} 个，放入 ${s.amountsPlaced}，未放入 ${s.amountsNotPlaced}。`);
  lines.push(`合计：放入 ${s.cellsPlaced} 个单元格，新增科目行 ${s.rowsInserted} 行，未放入 ${s.cellsNotPlaced} 个，覆盖已有数 ${s.overwrites} 个。`);
  return lines.join('\n');
}

/** The one-line Chinese summary for stderr when an import leaves amounts (or 上年数 items) not placed. */
export function summaryLine(r: ImportReport): string {
  const s = summarize(r);
  const parts: string[] = [];
  if (s.amountsNotPlaced) {
    const where = r.sheets.filter((x) => (x.amounts?.notPlaced ?? 0) > 0).map((x) => `${x.sheet} ${x.amounts!.notPlaced} 个`);
    parts.push(`源文件共 ${s.amounts} 个金额，${s.amountsNotPlaced} 个未放入（${where.slice(0, 4).join('、')}${where.length > 4 ? ' 等' : ''}）`);
  }
  const notFilled = r.priorYear?.notFilled.length ?? 0;
  if (notFilled) parts.push(`上年数 ${notFilled} 项未填`);
  if (!parts.length) return '';
  return `导入完成，但${parts.join('；')}：逐个原因见导入报告。`;
}

/**
 * The packet model: what a 公开包 file holds, independent of ExcelJS and HyperFormula.
 * A packet is an ordinary .xlsx that follows the template conventions (see templates/README.md),
 * so the same model describes a template and a filled packet.
 */

export type CellValue = number | string | boolean | null;

export interface CellStyle {
  font?: { name?: string; size?: number; bold?: boolean; italic?: boolean };
  align?: { h?: 'left' | 'center' | 'right'; v?: 'top' | 'middle' | 'bottom'; wrap?: boolean; indent?: number };
  border?: { t?: boolean; r?: boolean; b?: boolean; l?: boolean };
  numFmt?: string;
  fill?: string;
}

export interface Cell {
  /** literal value; for a formula cell, the last computed value (cached result) */
  v?: CellValue;
  /** formula text without the leading '=', in Excel syntax with the workbook's own sheet and defined names */
  f?: string;
  /** unlocked in the template: the accountant may type here */
  input?: boolean;
  /** index into Packet.styles */
  s?: number;
  /** the input kind the template declares (金额, 数量, 百分比, 分数, 文本, 代码, 年度, 指标值; see kinds.ts) */
  kind?: string;
  /** 运算公式 of a derived input cell, Excel syntax without '=', references relative to this sheet */
  calc?: string;
  /** allowance for agreeing with the 运算公式; default (cells referenced + 1) × 0.005 */
  calcTol?: number;
}

export type SheetKind = 'overview' | 'table' | 'form' | 'summary' | 'other';

export interface PrintSetup {
  orientation: 'portrait' | 'landscape';
  fitToWidth: boolean;
  /** 1-based rows repeated at the top of each printed page, e.g. [4, 6] */
  titleRows?: [number, number];
  margins?: { left: number; right: number; top: number; bottom: number };
}

export interface SheetModel {
  name: string;
  kind: SheetKind;
  hidden: boolean;
  /** dense rows × columns; null where the cell is empty and unstyled */
  cells: (Cell | null)[][];
  /** A1 ranges, e.g. "A1:F1" */
  merges: string[];
  /** Excel character widths, by column index */
  colWidths: number[];
  /** points, by row index; undefined = default */
  rowHeights: (number | undefined)[];
  /** rows frozen at the top (header rows) */
  frozenRows: number;
  print: PrintSetup;
  /** what the packet's file had that the app does not edit, carried through unchanged on save (shared/xlsx.ts) */
  keep?: SheetExtras;
}

/**
 * Sheet features the app neither shows nor edits, kept as the file had them so that saving or exporting a
 * packet loses nothing: addresses are as read (row insertions in the app do not move them).
 */
export interface SheetExtras {
  /** ARGB */
  tabColor?: string;
  /** Excel's paper size code (9 = A4, 8 = A3) when it is not A4 */
  paperSize?: number;
  printGridlines?: boolean;
  hideGridlines?: boolean;
  headerFooter?: Record<string, string | boolean>;
  /** sheet protection as ExcelJS reads it (flags, and the password hash when there is one) */
  protection?: Record<string, unknown>;
  /** 1-based */
  hiddenRows?: number[];
  /** 1-based */
  hiddenCols?: number[];
  /** ExcelJS conditional formatting models: { ref, rules } */
  conditionalFormats?: unknown[];
  /** cell comments by A1 address, as ExcelJS reads them (text or rich text) */
  comments?: Record<string, unknown>;
  /** data validations by A1 address (ExcelJS's per-cell model) */
  validations?: Record<string, unknown>;
}

export type Severity = 'error' | 'warning';

/** One row of the hidden 审核 sheet, as the template states it. */
export interface CheckDef {
  id: string;
  severity: Severity;
  /** 公式: a formula check; 层级: expanded over the 科目编码 rows; 名称一致: same code, same name;
   *  指标: a 自评表's per-indicator-row checks, expanded over the rows between its header and 总分 */
  kind: '公式' | '层级' | '名称一致' | '指标';
  /** for 公式: Excel formula (no '='), TRUE when the check holds */
  formula: string;
  /** message with {expr} placeholders */
  message: string;
  /** cells to highlight, e.g. "公开01表!C33,公开02表!C8" */
  locate: string;
  /** for 层级 / 名称一致 / 指标: "key=value; key=value" */
  params: string;
}

export interface DefinedName {
  name: string;
  /** absolute reference, e.g. "'公开01表'!$C$33" */
  ref: string;
}

export interface Packet {
  sheets: SheetModel[];
  styles: CellStyle[];
  checks: CheckDef[];
  names: DefinedName[];
  /** key/value facts of the packet (模板套, 单位, 年度, 评分规则 …), kept in the hidden sheet 公开包信息 */
  meta: Record<string, string>;
}

export const CHECK_SHEET = '审核';
export const META_SHEET = '公开包信息';

/** Packet.meta key of the cover date (coverDate), "YYYY-MM-DD"; chosen in the print dialog, kept in the packet. */
export const COVER_DATE_META = '封面日期';

/** The stored cover date, or undefined when none (or not a real date) is stored. */
export function coverDateOf(packet: Pick<Packet, 'meta'>): Date | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(packet.meta[COVER_DATE_META]?.trim() ?? '');
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]) ? d : undefined;
}

/** "YYYY-MM-DD" of a local date (what COVER_DATE_META stores and an <input type=date> shows). */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function sheetByName(packet: Packet, name: string): SheetModel | undefined {
  return packet.sheets.find((s) => s.name === name);
}

export function cellAt(sheet: SheetModel, row: number, col: number): Cell | null {
  return sheet.cells[row]?.[col] ?? null;
}

/** The value a cell shows: literal or cached formula result. */
export function cellValue(sheet: SheetModel, row: number, col: number): CellValue {
  return cellAt(sheet, row, col)?.v ?? null;
}

export function columnCount(sheet: SheetModel): number {
  return sheet.cells.reduce((m, r) => Math.max(m, r.length), sheet.colWidths.length);
}

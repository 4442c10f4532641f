/**
 * The packet model: what a 公开包 file holds, independent of ExcelJS and HyperFormula.
 * A packet is an ordinary .xlsx that follows the template conventions (see templates/jiangxi-2024/README.md, section 约定),
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
 * packet loses nothing. Row insertions and removals in the app move their addresses (shared/sheet-extras.ts).
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
   *  指标: a 自评表's per-indicator-row checks, expanded over the rows between its header and 总分;
   *  科目: the 科目 rows of the declared tables against the set's catalog (shared/catalog) */
  kind: '公式' | '层级' | '名称一致' | '指标' | '科目';
  /** for 公式: Excel formula (no '='), TRUE when the check holds */
  formula: string;
  /** message with {expr} placeholders */
  message: string;
  /** cells to highlight, e.g. "公开01表!C33,公开02表!C8" */
  locate: string;
  /** for 层级 / 名称一致 / 指标 / 科目: "key=value; key=value" */
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
  /** the accountant's 出错说明 for 提示 that stay, kept in the hidden sheet 出错说明 (shared/report/explanations.ts) */
  explanations?: Explanation[];
}

/** One 出错说明, keyed by the finding's rule, sheet and cells. */
export interface Explanation {
  rule: string;
  sheet: string;
  /** the finding's cells joined by ',' */
  cells: string;
  text: string;
  /** of the finding's figures when the 说明 was written; another print now means 待复核 */
  fingerprint: string;
  /** the finding's message when the 说明 was written (what the user explained) */
  message: string;
  /** when written, "YYYY-MM-DD HH:MM" local time */
  at: string;
}

export const CHECK_SHEET = '审核';
export const META_SHEET = '公开包信息';
export const EXPLAIN_SHEET = '出错说明';
/** 公开包信息 key: the sheets an 导出公开包 carries (names, and 自评表 for every form), declared by the template set */
export const PUBLIC_SHEETS_KEY = '公开工作表';
/** 公开包信息 key: the date printed on the cover (YYYY-MM-DD); unset = the day of printing */
export const COVER_DATE_KEY = '封面日期';

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

/**
 * A sheet's grid layout from its SheetModel: values from the session, merges, widths, frozen rows, and per
 * cell whether it is an input, how it is aligned and how its number is shown.
 */
import { parseRange, parseParams, columnCount, colIndex, isSubjectCode, totalRow, type CellStyle, type CellValue, type Packet, type SheetModel } from '../../shared/index';
import type { PacketSession } from '../../shared/index';
import { formLayout } from '../../shared/forms';

export interface CellLook {
  input: boolean;
  formula: boolean;
  className: string;
  /** the cell's Excel number format, shown through the one formatter (shared/numfmt.ts), as it prints */
  numFmt?: string;
}

export interface SheetLayout {
  sheet: string;
  rows: number;
  cols: number;
  data: CellValue[][];
  looks: CellLook[][];
  merges: { row: number; col: number; rowspan: number; colspan: number }[];
  colWidths: number[];
  rowHeights: (number | undefined)[];
  frozenRows: number;
  rowOps: RowOps | null;
}

/** Where rows may be inserted and deleted: the 科目 rows of a 层级 table, the indicator rows of a form. */
export interface RowOps {
  kind: '科目' | '指标';
  /** first and last row (0-based, inclusive) of the variable block */
  first: number;
  last: number;
}

/** Excel column width (characters of the default font) → pixels. */
export const CHAR_PX = 7.5;
const DEFAULT_COL_PX = 72;

export function lookOf(style: CellStyle | undefined, input: boolean, formula: boolean, value: CellValue): CellLook {
  const numFmt = style?.numFmt;
  const cls: string[] = [];
  cls.push(input ? 'jc-input' : formula ? 'jc-formula' : 'jc-fixed');
  const h = style?.align?.h ?? (typeof value === 'number' || (numFmt !== undefined && numFmt !== 'General' && numFmt !== '@') ? 'right' : undefined);
  if (h === 'center') cls.push('htCenter');
  else if (h === 'right') cls.push('htRight');
  else cls.push('htLeft');
  const v = style?.align?.v;
  cls.push(v === 'top' ? 'htTop' : v === 'bottom' ? 'htBottom' : 'htMiddle');
  if (style?.font?.bold) cls.push('jc-b');
  if ((style?.font?.size ?? 10) >= 14) cls.push('jc-title');
  else if ((style?.font?.size ?? 10) <= 9) cls.push('jc-small');
  if (!style?.align?.wrap && !input) cls.push('jc-nowrap');
  if (style?.border) cls.push('jc-boxed');
  return { input, formula, className: cls.join(' '), ...(numFmt ? { numFmt } : {}) };
}

function colPx(sheet: SheetModel, c: number): number {
  const w = sheet.colWidths[c];
  return w ? Math.round(w * CHAR_PX) : DEFAULT_COL_PX;
}

/** The sheet's columns at 100%, in pixels (no row header): the width fit-width zoom has to show. */
export function sheetWidthPx(sheet: SheetModel): number {
  let w = 0;
  for (let c = 0, n = Math.max(columnCount(sheet), 1); c < n; c++) w += colPx(sheet, c);
  return w;
}

/** what a layout reads of the open packet: the page's mirror of the session (renderer/core/mirror.ts) */
export type LayoutSource = Pick<PacketSession, 'packet' | 'sheet' | 'getValue'>;

export function buildLayout(session: LayoutSource, sheetName: string): SheetLayout {
  const sheet = session.sheet(sheetName);
  const packet = session.packet;
  const rows = Math.max(sheet.cells.length, 1);
  const cols = Math.max(columnCount(sheet), 1);
  const data: CellValue[][] = [];
  const looks: CellLook[][] = [];
  for (let r = 0; r < rows; r++) {
    const dr: CellValue[] = [];
    const lr: CellLook[] = [];
    for (let c = 0; c < cols; c++) {
      const cell = sheet.cells[r]?.[c] ?? null;
      const v = cell ? session.getValue(sheetName, r, c) : null;
      dr.push(v);
      lr.push(lookOf(cell?.s !== undefined ? packet.styles[cell.s] : undefined, !!cell?.input, !!cell?.f, v));
    }
    data.push(dr);
    looks.push(lr);
  }
  const merged = new Set<string>();
  for (const m of sheet.merges) {
    const r = parseRange(m);
    if (!r) continue;
    for (let row = r.top; row <= r.bottom; row++) for (let col = r.left; col <= r.right; col++) merged.add(`${row},${col}`);
  }
  // Excel lets a label that does not wrap run on over empty cells to its right; so do we
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols - 1; c++) {
      const look = looks[r][c];
      const v = data[r][c];
      if (look.input || !look.className.includes('jc-nowrap') || typeof v !== 'string' || !v || merged.has(`${r},${c}`)) continue;
      const next = sheet.cells[r]?.[c + 1];
      if (!next?.input && (next?.v === undefined || next.v === null || next.v === '') && !next?.f && !merged.has(`${r},${c + 1}`)) {
        look.className += ' jc-overflow';
      }
    }
  }
  const merges = sheet.merges
    .map((m) => parseRange(m))
    .filter((r): r is NonNullable<typeof r> => !!r)
    .filter((r) => r.bottom < rows && r.right < cols && (r.bottom > r.top || r.right > r.left))
    .map((r) => ({ row: r.top, col: r.left, rowspan: r.bottom - r.top + 1, colspan: r.right - r.left + 1 }));
  const colWidths = Array.from({ length: cols }, (_x, c) => colPx(sheet, c));
  // points → pixels; undefined rows keep the grid's default height
  const rowHeights = Array.from({ length: rows }, (_x, r) => {
    const h = sheet.rowHeights[r];
    return h ? Math.max(22, Math.round((h * 4) / 3)) : undefined;
  });
  return {
    sheet: sheetName,
    rows,
    cols,
    data,
    looks,
    merges,
    colWidths,
    rowHeights,
    frozenRows: Math.min(sheet.frozenRows, rows - 1),
    rowOps: rowOpsOf(packet, sheet),
  };
}

function text(sheet: SheetModel, r: number, c: number): string {
  const v = sheet.cells[r]?.[c]?.v;
  return v === undefined || v === null ? '' : String(v).replace(/\s+/g, '');
}

/**
 * The rows of a 层级 table's variable block, found the way its checks find them (checks.ts totalRow, the 科目
 * code of subject-code.ts): from the row after 合计 (or the header) to the last 科目 or empty input row.
 */
export function rowOpsOf(packet: Packet, sheet: SheetModel): RowOps | null {
  if (sheet.kind === 'form') return indicatorRows(sheet);
  const decl = packet.checks.find((d) => d.kind === '层级' && parseParams(d.params)['表'] === sheet.name);
  if (!decl) return null;
  const p = parseParams(decl.params);
  const codeCol = colIndex(p['编码列'] ?? 'A');
  const nameCol = colIndex(p['名称列'] ?? 'B');
  const header = p['表头行'] ? Number(p['表头行']) - 1 : 0;
  const total = totalRow(sheet, codeCol, nameCol, p['合计行'] ?? '合计');
  const first = total !== undefined ? total + 1 : header + 1;
  let last = first - 1;
  for (let r = first; r < sheet.cells.length; r++) {
    const code = text(sheet, r, codeCol);
    const isInputRow = !!sheet.cells[r]?.[codeCol]?.input;
    if (isSubjectCode(code) || (isInputRow && code === '')) last = r;
    else if (!isInputRow) break;
  }
  return { kind: '科目', first, last: Math.max(last, first) };
}

/** A form's 三级指标 rows: those its checks and scoring use (forms/layout.ts formLayout), between the header and 总分. */
function indicatorRows(sheet: SheetModel): RowOps | null {
  const l = formLayout(sheet);
  if (typeof l === 'string' || !l.indRows.length) return null;
  return { kind: '指标', first: l.indRows[0], last: l.indRows[l.indRows.length - 1] };
}

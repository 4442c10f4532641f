/**
 * Limits applied to every untrusted .xlsx before ExcelJS sees it. A real packet with 1,000 forms is about
 * 3 MB compressed, 60 MB of XML and 500,000 cells; each limit leaves an order of magnitude of room above
 * that and stays far below what exhausts memory on an old office PC (measured: a single sheet of 2 million
 * cells costs ExcelJS plus the packet reader about 900 MB).
 */
export const LIMITS = {
  /** zip entries (parts) in one workbook */
  maxEntries: 10_000,
  /** declared uncompressed size of one part */
  maxEntryBytes: 100 * 1024 * 1024,
  /** declared uncompressed size of all parts together */
  maxTotalBytes: 300 * 1024 * 1024,
  /** above this size a part must not claim a higher compression ratio than maxRatio */
  ratioCheckFrom: 1024 * 1024,
  /** spreadsheet XML rarely compresses better than 30:1; deflate cannot exceed about 1032:1 */
  maxRatio: 200,
  /** rows of one sheet (the old .xls limit; a 决算 table has a few hundred) */
  maxRows: 65_536,
  /** columns of one sheet (XFD, Excel's own limit) */
  maxCols: 16_384,
  /** rows × columns of one sheet, merged areas included: ExcelJS and the reader materialise every one */
  maxSheetArea: 1_000_000,
  /**
   * merged ranges in all sheets together. The reference packet (ten tables, 72 forms) has 1,374, so 1,000
   * forms about 19,000; each costs ExcelJS, the reader and the grid work per merged cell (indexed, see
   * shared/xlsx.ts), and 30,000 load in about a second.
   */
  maxMerges: 30_000,
  /** rows × columns of all sheets together */
  maxTotalArea: 2_000_000,
  /** cells covered by data validations (ExcelJS expands each range cell by cell) */
  maxValidationArea: 2_200_000,
  /** cells covered by defined names (ExcelJS indexes each cell of a named range) */
  maxNameArea: 1_000_000,
  /** width of a <col> definition (ExcelJS creates one object per column) */
  maxColumnDefs: 16_384,
  /** shared strings */
  maxSharedStrings: 1_000_000,
  /** XML elements in all parts together */
  maxElements: 10_000_000,
  /** text of one defined name */
  maxNameText: 8_192,
  /**
   * Cells covered by the distinct ranges that formulas (cell formulas, check formulas, messages) refer to.
   * HyperFormula builds a vertex per cell of a range it evaluates: measured, one check over 999,750 cells
   * (公开01表!A1:公开01表!Y39990) costs `check` 7–10 s and 610–740 MB on the build machine. The reference packet
   * refers to 27,308 cells; a packet with 1,000 forms to about 14 times that.
   */
  maxFormulaRangeCells: 600_000,
  /** Excel's own limit on the text of one cell */
  maxCellText: 32_767,
  /** Excel's own limits on one formula: longer or deeper ones cannot come from Excel */
  maxFormulaLength: 8_192,
  maxFormulaDepth: 64,
  /** wall-clock limit for one workbook load, and for building its engine (the CLI's worker, the app's trial build) */
  loadTimeMs: 60_000,
  /**
   * Cell reads (shared/safety/engine-cost.ts: every formula charged for every cell its ranges cover) above
   * which the app first builds the engine in a Web Worker under loadTimeMs before building it on the page's
   * main thread. The reference packet reads about 520,000; twenty times that stays on the direct path.
   */
  engineProbeFromReads: 10_000_000,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };

export function mb(n: number): string {
  return `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

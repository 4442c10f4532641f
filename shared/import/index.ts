/**
 * Import legacy workbooks (last year's package, the report software's export, another region's layout,
 * .xlsx or .xls) into the open packet or as its 上年数.
 *
 *   const plan = await planImport(bytes, session, { file: '2023决算.xls', onProgress });
 *   // show plan.report (and plan.report.overwrites: the accountant confirms replacing those figures)
 *   const { report, edit } = await applyImport(session, plan);
 *   // edit: the findings diff of the whole import, one undo step (forms added or replaced included)
 *
 * Pure TypeScript: bytes in, report out. No DOM, no Node.
 */
import type { PacketSession } from '../engine.js';
import type { Packet } from '../model.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from './apply.js';
import { applyForms, verifyFormScores } from './forms.js';
import { summarize } from './report.js';
import { planBook, type ImportPlan, type ProgressFn } from './plan.js';
import { planPriorYear } from './prior.js';
import type { ImportMode, ImportReport } from './report.js';
import { readSource, type SourceBook } from './source.js';
import { labelKey } from './text.js';
import { EMPTY_VOCABULARY as EMPTY, parseVocabulary, withVocabulary, type Vocabulary } from './vocabulary.js';

export type { Vocabulary } from './vocabulary.js';
export { EMPTY_VOCABULARY } from './vocabulary.js';

/** A template set's import vocabulary (templates/<set>/import/vocabulary.json, parsed JSON) for ImportOptions. */
export function loadVocabulary(json: unknown, where = '导入词表'): Vocabulary {
  return parseVocabulary(json, labelKey, where);
}

export type { ImportPlan, ImportProgress, ImportPhase, ProgressFn, PlannedCell } from './plan.js';
export type { ApplyOptions } from './apply.js';
export type {
  ImportReport, SheetReport, AmountCount, NotPlacedCell, Overwrite, ColumnPlacement, UnitConversion, PriorYearItem, ImportMode,
} from './report.js';
export { amountsOf, reportText, summarize, summaryLine } from './report.js';
export { readSource, decodeText, MAX_SOURCE_ROWS, MAX_SOURCE_COLS, MAX_SOURCE_CELLS, type SourceBook, type SourceSheet, type SourceFormat } from './source.js';
export { PRIOR_SHEET, sheetsOf } from './prior.js';
export { parseAmount, toWan, round2, detectUnit, labelKey, parseCode } from './text.js';

export interface ImportOptions {
  /** file name for the report and messages */
  file?: string;
  /** the template set's import vocabulary (loadVocabulary): title signatures, header and name synonyms */
  vocabulary: Vocabulary;
  /** 'current' (default): into the packet; 'prior-year': into its 上年数 sheet */
  mode?: ImportMode;
  /** for 'prior-year': an empty packet of the packet's template set (templates/<set>/tables.xlsx) */
  template?: Packet;
  onProgress?: ProgressFn;
}

export type ImportResult = ApplyResult;

/** Read the source (any supported format) and plan the import; the packet is not changed. */
export async function planImport(bytes: Uint8Array, session: PacketSession, opts: ImportOptions): Promise<ImportPlan> {
  const file = opts.file ?? '源文件';
  opts.onProgress?.({ phase: '读取文件', done: 0, total: 1, fraction: 0 });
  const book = await readSource(bytes, `源文件「${file}」`, opts.file);
  opts.onProgress?.({ phase: '读取文件', done: 1, total: 1, fraction: 0.25 });
  return planSource(book, session, { ...opts, file });
}

export async function planSource(book: SourceBook, session: PacketSession, opts: ImportOptions & { file: string }): Promise<ImportPlan> {
  const plan = await withVocabulary(opts.vocabulary, () => planWith(book, session, opts));
  plan.vocabulary = opts.vocabulary;
  return plan;
}

function planWith(book: SourceBook, session: PacketSession, opts: ImportOptions & { file: string }): Promise<ImportPlan> {
  if ((opts.mode ?? 'current') === 'prior-year') {
    if (!opts.template) throw new Error('planImport: mode prior-year needs the template packet');
    return planPriorYear(book, session, opts.template, { file: opts.file, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  }
  return planBook(book, session, { file: opts.file, mode: 'current', ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), span: [0.25, 0.7] });
}

/**
 * Apply a plan the accountant confirmed. `overwrite: false` keeps every non-empty figure already there.
 * Everything goes through `session` as one undoable step (`edit` holds the findings diff): 科目 rows, cells, and
 * the forms it adds or replaces (session.changeSheets: sheets, names and checks into the open engine).
 */
export async function applyImport(session: PacketSession, plan: ImportPlan, opts: ApplyOptions = {}): Promise<ImportResult> {
  const forms = plan.forms?.length ? plan.forms : null;
  const from = plan.report.mode === 'prior-year' ? 0.9 : 0.7;
  // the forms go in inside the import's one step, after its tables
  const inStep = forms
    ? (report: ImportReport): string[] => {
        const { result } = session.changeSheets((p) => applyForms(p, forms, report, opts.overwrite ?? true));
        verifyFormScores(session, forms, report);
        report.summary = summarize(report);
        return result.structural;
      }
    : undefined;
  const result = await withVocabulary(plan.vocabulary ?? EMPTY, () => applyPlan(session, plan, { span: forms ? [from, 0.85] : [from, 1], ...opts }, inStep));
  if (forms) opts.onProgress?.({ phase: '完成', done: 1, total: 1, fraction: 1 });
  return result;
}

/** Plan and apply in one go (the command line; the editor asks for confirmation in between). */
export async function importWorkbook(bytes: Uint8Array, session: PacketSession, opts: ImportOptions & ApplyOptions): Promise<ImportResult> {
  const plan = await planImport(bytes, session, opts);
  return applyImport(session, plan, opts);
}

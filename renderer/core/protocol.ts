/**
 * Messages between the page (renderer/core/client.ts) and the core worker (core.worker.ts), which owns the open
 * packet's one PacketSession. Plain data only: everything here is structured-cloned.
 */
import type { CellEdit, CellValue, EditResult, Explanation, Finding, Packet, SheetModel } from '../../shared/index';
import type { ImportMode, ImportReport, Vocabulary } from '../../shared/import/index';
import type { NarrativeTemplate } from '../../shared/narrative/index';
import type { PacketPdf, PacketPrintOptions, PublishDeclaration } from '../../shared/export/index';

/** A cell whose engine value is not the value stored in its model (formulas, normalised literals). */
export type ValuePatch = [sheet: string, row: number, col: number, value: CellValue];

export interface DerivedOut {
  row: number;
  col: number;
  formula: string;
  computed: CellValue;
  agree: 'exact' | 'rounding' | 'blank' | 'no';
}

/** What the page's mirror needs after a change: its diff and the state it leaves. */
export interface MirrorUpdate {
  result: EditResult;
  /** the engine values of the changed cells and, for structural results, of the changed sheets */
  values: ValuePatch[];
  /** the models of sheets whose rows changed or which were added (removed ones are absent from `order`) */
  sheets: SheetModel[];
  /** the packet's sheet names in order, when the sheet list may have changed */
  order?: string[];
  /** formula text refreshed after row operations moved references: [sheet, row, col, formula] */
  formulas: [string, number, number, string][];
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** the derived cells of the sheet the request named (the visible one), read after the change */
  derived?: { sheet: string; cells: DerivedOut[] };
}

export type CoreRequest =
  | { op: 'open'; bytes: Uint8Array; what: string }
  | { op: 'install'; packet: Packet }
  | { op: 'apply'; edits: CellEdit[]; derivedSheet?: string }
  | { op: 'undo' | 'redo'; derivedSheet?: string }
  | { op: 'insertRows'; sheet: string; row: number; count: number; likeRow?: number; derivedSheet?: string }
  | { op: 'removeRows'; sheet: string; row: number; count: number; derivedSheet?: string }
  | { op: 'recalculateAll'; includeRounding: boolean; derivedSheet?: string }
  | { op: 'recheckAll' }
  | { op: 'derived'; sheet: string }
  | { op: 'setDirty'; dirty: boolean }
  | { op: 'ping' }
  | { op: 'setMeta'; key: string; value: string }
  | { op: 'setExplanations'; explanations: Explanation[] }
  | { op: 'importPlan'; bytes: Uint8Array; file: string; mode: ImportMode; vocabulary: Vocabulary; templateBytes?: Uint8Array }
  | { op: 'importApply'; plan: number; overwrite: boolean; derivedSheet?: string }
  | { op: 'importDrop'; plan: number }
  | { op: 'auditReport' }
  | { op: 'export'; opts: CoreExportOptions }
  | { op: 'printHtml'; template?: NarrativeTemplate; date?: Date }
  | { op: 'narrativeDocx'; template: NarrativeTemplate }
  | { op: 'bytes' }
  | { op: 'snapshot' }
  | { op: 'narrative'; template: NarrativeTemplate };

/**
 * exportPacket's options as data: the printer and the artifacts' saving are the page's (the host's), so the
 * worker calls back for them ('print', 'artifact'); the audit report appendix is built in the worker.
 */
export interface CoreExportOptions {
  narrativeTemplate?: NarrativeTemplate;
  public?: { fallback?: PublishDeclaration };
  date?: Date;
  pdfOnly?: boolean;
  print?: Omit<PacketPrintOptions, 'appendix'>;
  /** the 审核报告 appended to the printed packet */
  withReport?: boolean;
  /** a printer is there: call back 'print' (html, pass) */
  printer: boolean;
  /** call back 'artifact' with each file made */
  artifacts: boolean;
}

export interface CoreExportOut {
  pdf?: PacketPdf;
  notices: string[];
}

/** the page's answer to a worker's call back */
export interface CallReply {
  callReply: number;
  value?: unknown;
  error?: string;
}

/** worker → page */
export type CoreMessage =
  | { kind: 'call'; id: number; call: number; name: 'print' | 'artifact'; args: unknown[] }
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'reply'; id: number; value: unknown }
  | { kind: 'fail'; id: number; message: string; packetError: boolean };

/** The open's progress messages, in order: the cost, the packet without its sheets, each sheet, the values. */
export type OpenProgress =
  | { step: 'cost'; cellReads: number; heaviest: { sheet: string; cell: string; reads: number } | null; probe: boolean }
  | { step: 'packet'; packet: Omit<Packet, 'sheets'>; count: number }
  | { step: 'sheet'; sheet: SheetModel }
  | { step: 'values'; values: ValuePatch[] };

export interface OpenDone {
  findings: Finding[];
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  ms: number;
  /** the derived cells of the sheet the page shows first (the first visible table), so its first draw has its marks */
  derived?: { sheet: string; cells: DerivedOut[] };
}

/** A planned import: its report for the dialog; the plan itself stays in the worker under `plan`. */
export interface PlannedImport {
  plan: number;
  report: ImportReport;
}

export interface AppliedImport {
  report: ImportReport;
  update: MirrorUpdate | null;
}

export interface AuditOut {
  bytes: Uint8Array;
  summary: string;
  findings: Finding[];
}

/**
 * The one undo journal of a session, in step with HyperFormula's own undo stack: each entry says how many
 * HyperFormula steps it took and what the model needs to follow them (cell values, a rows snapshot, the check
 * sheets a gathered step re-expanded). A gathered step (an import) is one entry, undone and redone as one.
 */
import type { ExportedChange } from 'hyperformula';
import { declarationTables, expandDeclaration } from '../checks.js';
import { PacketError } from '../errors.js';
import type { CellValue } from '../model.js';
import { FORMULA_GROUP, type CheckGroup, type CheckRunner, type CompiledCheck } from './check-runner.js';
import { OnCore, type EngineCore } from './core.js';
import { insertModelRows, removeModelRows, restoreRows, type ModelRows } from './row-surgery.js';
import { restoreStructure, type Structure } from './sheet-ops.js';
import type { EditResult } from './types.js';

export type UndoEntry =
  /** `steps`: HyperFormula undo entries the edit took (the user's cells, then each round of 运算) */
  | { kind: 'cells'; cells: { sheet: string; row: number; col: number; before: CellValue; after: CellValue }[]; steps?: number }
  | {
      kind: 'rows'; sheet: string; row: number; count: number; op: 'insert' | 'remove'; snapshot: ModelRows; like?: number;
      /** a removal with 运算: the HyperFormula steps it took and the totals it moved (after the removal) */
      steps?: number; after?: { sheet: string; row: number; col: number; after: CellValue }[];
      /** the 公式 group's compiled checks before and after (a move puts placeholders that name the sheet into the engine) */
      formulaChecks?: [CompiledCheck[], CompiledCheck[]];
    }
  /** several operations taken as one step (an import: its rows inserted, then its cells written) */
  | { kind: 'group'; entries: UndoEntry[] }
  /** the re-expansion a gathered step did once at its end, for all of its row and code changes (one HyperFormula step) */
  | { kind: 'regen'; groups: CheckGroup[] }
  /** sheets added, replaced or removed (forms added, deleted, imported): one HyperFormula batch; the structures either side */
  | { kind: 'sheets'; before: Structure; after: Structure };

export const MAX_UNDO = 500;

export class UndoJournal extends OnCore {
  private undoStack: UndoEntry[] = [];
  private redoStack: UndoEntry[] = [];

  constructor(
    core: EngineCore,
    private readonly runner: CheckRunner,
  ) {
    super(core);
  }

  private get current() {
    return this.runner.current;
  }

  private get groups() {
    return this.runner.groups;
  }

  deferLater(groups: CheckGroup[]): CheckGroup[] {
    if (!this.deferred) return groups;
    for (const g of groups) this.deferred.add(g);
    return [];
  }

  pushUndo(e: UndoEntry): void {
    this.undoStack.push(e);
    // a step being gathered is never cut short: its first entries are what undoing it needs most
    if (this.undoStack.length > MAX_UNDO && this.gathering === undefined) this.undoStack.shift();
    this.redoStack = [];
  }

  /** where the undo stack stood when `beginStep` was called; undefined when no step is being gathered */
  gathering: number | undefined;
  /**
   * While a step is gathered: the declarations its operations touched, re-expanded once at its end instead of
   * after every call (an import inserting 5,000 rows in chunks, then writing their codes).
   */
  deferred: Set<CheckGroup> | undefined;

  /**
   * Gather every operation until `endStep` into one undo step: an import inserts rows in several calls and then
   * writes its cells, and Ctrl+Z takes all of it back at once. Not nested: a second begin is refused.
   */
  beginStep(): void {
    if (this.gathering !== undefined) throw new PacketError('内部错误：上一个操作尚未完成。');
    this.gathering = this.undoStack.length;
    this.deferred = new Set();
  }

  endStep(): void {
    const from = this.gathering;
    const deferred = this.deferred;
    this.gathering = undefined;
    this.deferred = undefined;
    if (from === undefined) return;
    if (deferred?.size) {
      // the declarations the step's rows and codes touched, expanded once over the rows as they are now
      const regen = [...deferred];
      const before = new Map(this.current);
      const changes = this.hf.batch(() => {
        for (const g of regen) this.runner.regenerate(g);
      });
      this.runner.afterChange(changes, regen, before, []);
      this.undoStack.push({ kind: 'regen', groups: regen });
    }
    const entries = this.undoStack.splice(from);
    if (entries.length > 1) this.undoStack.push({ kind: 'group', entries });
    else if (entries.length) this.undoStack.push(entries[0]);
    while (this.undoStack.length > MAX_UNDO) this.undoStack.shift();
  }

  canUndo(): boolean {
    return this.undoStack.length > 0 && this.hf.isThereSomethingToUndo();
  }

  canRedo(): boolean {
    return this.redoStack.length > 0 && this.hf.isThereSomethingToRedo();
  }

  undo(): EditResult | null {
    const e = this.undoStack.pop();
    if (!e) return null;
    this.redoStack.push(e);
    return this.replay(e, 'undo');
  }

  redo(): EditResult | null {
    const e = this.redoStack.pop();
    if (!e) return null;
    this.undoStack.push(e);
    return this.replay(e, 'redo');
  }

  private replay(e: UndoEntry, dir: 'undo' | 'redo'): EditResult {
    const before = new Map(this.current);
    const r = this.replayEntry(e, dir);
    // a sheet operation undone or redone on the way may have taken groups (and sheets) away
    const regen = [...r.regen].filter((g) => this.runner.groups.includes(g));
    // HyperFormula restored the compiled check sheets; bring their metadata back in line with them
    for (const g of regen) {
      const c = this.runner.compileGroup(expandDeclaration(this.packet, g.decl!), g.lazy);
      g.checks = c.checks;
      g.content = JSON.stringify(c.content);
    }
    if (r.structural.size) this.runner.forgetLocators();
    // after a sheet operation every check may read other sheets: all are read again
    if (r.full) {
      this.runner.recheckAll();
      this.runner.refreshCachedValues();
    }
    for (const t of r.sheets) if (this.core.sheetIds.has(t)) this.runner.rescanTypes(t);
    this.core.dirty = true;
    return this.runner.afterChange(r.changes, regen, before, [...r.structural]);
  }

  /**
   * The model and HyperFormula steps of one entry, without re-reading checks: a gathered step replays all of its
   * entries first (last-first to undo) and its declarations are brought in line once, from the model as it ends.
   */
  private replayEntry(e: UndoEntry, dir: 'undo' | 'redo'): { changes: ExportedChange[]; regen: Set<CheckGroup>; sheets: Set<string>; structural: Set<string>; full?: boolean } {
    if (e.kind === 'group') {
      const out = { changes: [] as ExportedChange[], regen: new Set<CheckGroup>(), sheets: new Set<string>(), structural: new Set<string>(), full: false };
      for (const x of dir === 'undo' ? [...e.entries].reverse() : e.entries) {
        const r = this.replayEntry(x, dir);
        out.changes.push(...r.changes);
        for (const g of r.regen) out.regen.add(g);
        for (const t of r.sheets) out.sheets.add(t);
        for (const t of r.structural) out.structural.add(t);
        out.full ||= !!r.full;
      }
      return out;
    }
    if (e.kind === 'sheets') {
      const changes = dir === 'undo' ? this.hf.undo() : this.hf.redo();
      const st = dir === 'undo' ? e.before : e.after;
      restoreStructure(this.core, this.runner, st);
      // every sheet added, replaced or removed either way: the editor lays them out again
      const names = new Set([...e.before.sheets, ...e.after.sheets].map((s) => s.name));
      const moved = [...names].filter((n) => e.before.sheets.find((s) => s.name === n) !== e.after.sheets.find((s) => s.name === n));
      return { changes, regen: new Set(), sheets: new Set(), structural: new Set(moved), full: true };
    }
    if (e.kind === 'regen') {
      const changes = dir === 'undo' ? this.hf.undo() : this.hf.redo();
      return { changes, regen: new Set(e.groups), sheets: new Set(), structural: new Set() };
    }
    if (e.kind === 'cells') {
      for (const c of e.cells) this.core.sheet(c.sheet).cells[c.row]![c.col]!.v = (dir === 'undo' ? c.before : c.after) ?? undefined;
    } else {
      const s = this.core.sheet(e.sheet);
      if (dir === 'undo') restoreRows(s, e.snapshot);
      else if (e.op === 'insert') insertModelRows(s, e.row, e.count, e.like);
      else {
        removeModelRows(s, e.row, e.count);
        for (const c of e.after ?? []) s.cells[c.row]![c.col]!.v = c.after ?? undefined;
      }
    }
    const regen =
      e.kind === 'cells'
        ? this.runner.declarationsTouched(e.cells)
        : this.groups.filter((g) => g.decl && declarationTables(g.decl).includes(e.sheet));
    const changes: ExportedChange[] = [];
    const steps = e.steps ?? 1;
    for (let k = 0; k < steps; k++) changes.push(...(dir === 'undo' ? this.hf.undo() : this.hf.redo()));
    if (e.kind === 'rows' && e.formulaChecks) {
      // HyperFormula took the promoted placeholders out again (undo) or put them back (redo)
      const fg = this.groups.find((g) => g.hfName === FORMULA_GROUP);
      // its rows stay where they were: the failing ones stay known
      if (fg) fg.checks = e.formulaChecks[dir === 'undo' ? 0 : 1];
    }
    const sheets = new Set(e.kind === 'cells' ? e.cells.map((c) => c.sheet) : [e.sheet]);
    return { changes, regen: new Set(regen), sheets, structural: new Set(e.kind === 'rows' ? [e.sheet] : []) };
  }
}

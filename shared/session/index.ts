/**
 * The live engine of one open packet: a single HyperFormula instance holds every sheet of the packet and
 * every check compiled to formulas. All changes go through `apply`, `insertRows`, `removeRows`, `undo`
 * and `redo`; each returns the cells that changed and the findings that appeared, went away or changed.
 *
 * This is the façade; its jobs live beside it: core.ts (the engine and the model shared by all), check-runner.ts
 * (checks compiled and read into findings), derived.ts (运算: derived cells and their followers),
 * row-surgery.ts (model rows, merges and kept extras shifted), sheet-ops.ts (sheets added, replaced, removed
 * as one step: forms), undo-journal.ts (the one undo journal, in step with HyperFormula's), cell-input.ts (a typed value by its cell's kind), types.ts (what the session returns).
 */
import { DetailedCellError, HyperFormula, type ExportedChange, type RawCellContent } from 'hyperformula';
import { a1, quoteSheet } from '../a1.js';
import { registerApprox } from '../approx.js';
import { declarationTables, expandDeclaration, splitLocate, type ConcreteCheck } from '../checks.js';
import { PacketError } from '../errors.js';
import { FormulaTranslator, joinMessage } from '../formula.js';
import { derivations, type Derivation } from '../calc.js';
import { refusal } from '../kinds.js';
import type { CellValue, CheckDef, Packet, SheetModel } from '../model.js';
import { parseCellInput } from './cell-input.js';
import { CheckRunner, diffFindings, FORMULA_GROUP, type CheckGroup, type CompiledCheck } from './check-runner.js';
import { EngineCore, editBlocks, ENGINE_SIZE, engineLiteral, engineLoadMessage } from './core.js';
import { Derived, rank, roundDerived, sameFigure, type Agreement, type Follower } from './derived.js';
import { insertModelRows, removeModelRows, snapshotRows } from './row-surgery.js';
import { SheetOps } from './sheet-ops.js';
import { emptyResult, type CellEdit, type EditResult, type Finding } from './types.js';
import { MAX_UNDO, UndoJournal } from './undo-journal.js';

export type { CellEdit, ChangedCell, EditResult, Finding } from './types.js';
export { isNumericFormat, normalizeValue, parseCellInput } from './cell-input.js';
export { diffFindings, findingRank, sortFindings } from './check-runner.js';
export { editBlocks } from './core.js';
export { insertModelRows, removeModelRows } from './row-surgery.js';
export { quoteSheet, splitLocate };

export class PacketSession {
  readonly packet: Packet;
  private readonly core: EngineCore;
  private readonly runner: CheckRunner;
  private readonly derived: Derived;
  private readonly journal: UndoJournal;
  private readonly sheetOps: SheetOps;

  private get hf(): HyperFormula {
    return this.core.hf;
  }

  private get tr(): FormulaTranslator {
    return this.core.tr;
  }

  private get sheetIds(): Map<string, number> {
    return this.core.sheetIds;
  }

  private get groups(): CheckGroup[] {
    return this.runner.groups;
  }

  private get current(): Map<string, Finding> {
    return this.runner.current;
  }

  /** edits since the last save */
  get dirty(): boolean {
    return this.core.dirty;
  }

  set dirty(v: boolean) {
    this.core.dirty = v;
  }

  constructor(packet: Packet) {
    registerApprox();
    this.packet = packet;
    this.core = new EngineCore(packet);
    this.runner = new CheckRunner(this.core);
    this.derived = new Derived(this.core);
    this.journal = new UndoJournal(this.core, this.runner);
    this.sheetOps = new SheetOps(this.core, this.runner, this.journal, (s) => this.sheetContent(s), () => this.toPacket());
    for (const n of packet.names) this.tr.alias(n.name);
    const sheets: Record<string, RawCellContent[][]> = {};
    for (const s of packet.sheets) sheets[s.name] = this.sheetContent(s);

    const formulaChecks: ConcreteCheck[] = [];
    const generated: { decl: CheckDef; checks: ConcreteCheck[] }[] = [];
    for (const d of packet.checks) {
      if (d.kind === '公式') formulaChecks.push(...expandDeclaration(packet, d));
      else generated.push({ decl: d, checks: expandDeclaration(packet, d) });
    }
    const pending: { name: string; decl?: CheckDef; checks: ConcreteCheck[] }[] = [
      { name: FORMULA_GROUP, checks: formulaChecks },
      ...generated.map((g, i) => ({ name: `__gen${i}_${g.decl.id}`, decl: g.decl, checks: g.checks })),
    ];
    // every group lazy: the 审核 sheet's own checks too, whose placeholders and locators enter the engine only
    // when a row move must shift them (CheckRunner.promote); 4,614 engine formulas of the reference became ~1,100
    const compiled = pending.map((p) => ({ ...p, rows: this.runner.compileGroup(p.checks, true, !p.decl) }));
    for (const c of compiled) sheets[c.name] = c.rows.content;

    const named = packet.names.map((n) => ({ name: this.tr.alias(n.name), expression: this.tr.toEngine(n.ref) }));
    try {
      // an edit with 运算 takes a few HyperFormula steps (one per round of derived cells)
      this.core.hf = HyperFormula.buildFromSheets(sheets, { licenseKey: 'gpl-v3', undoLimit: MAX_UNDO * 4, useArrayArithmetic: false, ...ENGINE_SIZE }, named);
    } catch (e) {
      throw new PacketError(engineLoadMessage(e, sheets), String((e as Error)?.message ?? e));
    }
    for (const s of packet.sheets) this.sheetIds.set(s.name, this.hf.getSheetId(s.name)!);
    this.runner.groups = compiled.map((c) => ({
      hfName: c.name, hfId: this.hf.getSheetId(c.name)!, decl: c.decl, checks: c.rows.checks, content: JSON.stringify(c.rows.content), lazy: true, failing: new Set<number>(),
    }));
    for (const g of this.groups) for (let i = 0; i < g.checks.length; i++) this.runner.check(g, i);
    for (const s of packet.sheets) this.runner.scanTypes(s);
    this.runner.refreshCachedValues();
  }

  private sheetContent(s: SheetModel): RawCellContent[][] {
    return s.cells.map((row) =>
      row.map((c) => {
        if (!c) return null;
        if (c.f) return this.tr.toEngine(c.f);
        return engineLiteral(c.v ?? null);
      }),
    );
  }

  // ---- reading ----

  sheetId(name: string): number {
    return this.core.sheetId(name);
  }

  sheet(name: string): SheetModel {
    return this.core.sheet(name);
  }

  getValue(sheet: string, row: number, col: number): CellValue {
    return this.core.getValue(sheet, row, col);
  }

  /** Formula text in Excel syntax (with '='), or undefined for a literal cell. */
  getFormula(sheet: string, row: number, col: number): string | undefined {
    const f = this.hf.getCellFormula({ sheet: this.sheetId(sheet), row, col });
    return f ? `=${this.tr.fromEngine(f)}` : undefined;
  }

  isInput(sheet: string, row: number, col: number): boolean {
    return !!this.sheet(sheet).cells[row]?.[col]?.input;
  }

  /** Evaluate an ad-hoc formula against the packet (narrative, summaries). */
  calculate(formula: string, sheet?: string): CellValue {
    const sid = sheet ? this.sheetId(sheet) : 0;
    const v = this.hf.calculateFormula(this.tr.toEngine(formula), sid);
    if (v instanceof DetailedCellError) return v.value;
    if (Array.isArray(v)) return null;
    return v as CellValue;
  }

  /** Re-read every check from the engine: the editor's 重新审核 button (the edit path never needs it) and the full-check benchmark. */
  recheckAll(): Finding[] {
    return this.runner.recheckAll();
  }

  /** Every check as it stands now, 层级/名称一致 declarations expanded over the current rows. */
  checks(): ConcreteCheck[] {
    return this.runner.checks();
  }

  findings(): Finding[] {
    return this.runner.findings();
  }

  // ---- the one edit path ----

  apply(edits: CellEdit[]): EditResult {
    const rejected: EditResult['rejected'] = [];
    const accepted: { sheet: string; row: number; col: number; before: CellValue; after: CellValue }[] = [];
    for (const e of edits) {
      const s = this.packet.sheets.find((x) => x.name === e.sheet);
      if (!s) {
        rejected.push({ sheet: e.sheet, row: e.row, col: e.col, code: 'no-sheet', reason: `工作表「${e.sheet}」不存在` });
        continue;
      }
      const cell = s.cells[e.row]?.[e.col];
      if (!cell?.input) {
        rejected.push({ sheet: e.sheet, row: e.row, col: e.col, code: 'not-input', reason: `${e.sheet} ${a1(e.row, e.col)} 不是填报单元格（标题、公式或合计单元格不能直接修改）` });
        continue;
      }
      const parsed = parseCellInput(e.value, cell, this.packet.styles[cell.s ?? -1]?.numFmt);
      if (!parsed.ok) {
        rejected.push({ sheet: e.sheet, row: e.row, col: e.col, code: 'bad-value', reason: refusal(e.sheet, a1(e.row, e.col), parsed.kind, e.value, parsed.want) });
        continue;
      }
      const after = parsed.value;
      const before = cell.v ?? null;
      if (before === after) continue;
      accepted.push({ sheet: e.sheet, row: e.row, col: e.col, before, after });
    }
    if (!accepted.length) return { ...emptyResult(), rejected };
    // 运算: the derived cells that agree with their formula now follow the edit, in the same undo step
    // every cell the user wrote is the user's figure, also one that already held it ("-" pasted over a blank)
    const owned = edits.filter((e) => !rejected.some((r) => r.sheet === e.sheet && r.row === e.row && r.col === e.col));
    const follow = this.derived.followers(accepted, owned);
    const cells = accepted.map((a) => ({ ...a, value: a.after }));
    if (!follow.size) {
      const result = this.applyCells(cells);
      this.journal.pushUndo({ kind: 'cells', cells: accepted });
      return { ...result, rejected };
    }
    const derived = this.recompute([...follow.values()].map((l) => l[0]), cells);
    this.journal.pushUndo({ kind: 'cells', cells: [...accepted, ...derived.cells], steps: derived.steps });
    return { ...derived.result, rejected };
  }

  // ---- 运算: derived cells follow their details ----

  /** How a derived cell stands against its formula: agrees exactly, within the 尾数差 allowance, or not. */
  derivedState(d: Derivation): { computed: CellValue; value: CellValue; agree: Agreement } {
    return this.derived.derivedState(d);
  }

  /** Derived cells of `sheet` with their formula and standing, for the grid's mark and the formula bar. */
  derivedCells(sheet: string): (Derivation & { computed: CellValue; value: CellValue; agree: Agreement })[] {
    return this.derived.derivedCells(sheet);
  }

  /**
   * Two HyperFormula steps: the user's cells go in with each follower holding its 运算公式 as a live formula
   * (so a chain 项 → 款 → 类 → 合计 resolves in one recalculation), then every follower is written back as the
   * literal figure it computed (or the figure it had, where the formula fails). The model never sees the
   * temporary formulas: a follower stays an input cell with a value.
   */
  private recompute(follow: Follower[], userCells: { sheet: string; row: number; col: number; value: CellValue }[]): {
    result: EditResult; cells: { sheet: string; row: number; col: number; before: CellValue; after: CellValue }[]; steps: number;
  } {
    const before = new Map(this.current);
    // the user's cells alone first, as any edit (a 科目编码 may re-expand a declaration): HyperFormula cannot
    // undo a batch that replaces a check sheet together with, or after, cells set to formulas and back
    // An amount (no declaration re-expanded, the keystroke's usual case) goes in with the followers' formulas in
    // one step: each HyperFormula step recalculates, and the edit → checks panel time is mostly those steps.
    const alone = userCells.length > 0 && (this.journal.deferred !== undefined || this.runner.declarationsTouched(userCells).length > 0);
    const user = alone ? this.writeBatch(userCells) : { changes: [], regen: [] };
    const first = this.writeBatch(alone ? [] : userCells, follow);
    const writes: { sheet: string; row: number; col: number; value: CellValue }[] = [];
    const cells: { sheet: string; row: number; col: number; before: CellValue; after: CellValue }[] = [];
    for (const { d } of follow) {
      const cur = this.sheet(d.sheet).cells[d.row]?.[d.col]?.v ?? null;
      const raw = this.getValue(d.sheet, d.row, d.col);
      const v = typeof raw === 'number' ? roundDerived(raw) : raw === '' ? null : raw;
      // an error (#DIV/0!, #CYCLE!) or text: the cell keeps its figure and the checks say what is wrong
      if (typeof v === 'string' || typeof v === 'boolean' || sameFigure(cur, v)) {
        writes.push({ sheet: d.sheet, row: d.row, col: d.col, value: cur });
        continue;
      }
      writes.push({ sheet: d.sheet, row: d.row, col: d.col, value: v });
      cells.push({ sheet: d.sheet, row: d.row, col: d.col, before: cur, after: v });
    }
    // the followers' figures change no 科目编码 or indicator row, so no declaration is re-expanded (and
    // HyperFormula cannot undo a batch that replaces a check sheet right after one that set formulas)
    const second = this.writeBatch(writes, [], false);
    const result = this.runner.afterChange([...user.changes, ...first.changes, ...second.changes], [...user.regen, ...first.regen], before, []);
    return { result, cells, steps: alone ? 3 : 2 };
  }

  /**
   * 运算（全部重算）: every derived cell that disagrees with its formula is recomputed, in one undo step.
   * A 尾数差 figure (a published rounded total, within the allowance) and a blank the form leaves empty are
   * listed and kept unless `includeRounding`. Returns what changed and what was kept.
   */
  recalculateAll(opts: { includeRounding?: boolean } = {}): {
    result: EditResult;
    changed: { sheet: string; cell: string; before: CellValue; after: CellValue }[];
    kept: { sheet: string; cell: string; value: CellValue; computed: CellValue; why: '尾数差' | '空白' }[];
  } {
    const all = derivations(this.packet);
    const kept = new Map<string, { sheet: string; cell: string; value: CellValue; computed: CellValue; why: '尾数差' | '空白' }>();
    const follow = new Map<string, Derivation[]>();
    for (const d of all) {
      const k = `${d.sheet}!${d.row},${d.col}`;
      follow.set(k, [...(follow.get(k) ?? []), d]);
    }
    // a 尾数差 figure stays when asked to keep them; it still feeds the totals above it as it stands
    if (!opts.includeRounding) {
      for (const [k, list] of follow) {
        const st = list.map((d) => ({ d, ...this.derived.derivedState(d) }));
        const r = st.find((x) => x.agree === 'rounding' || x.agree === 'blank');
        if (r && st.every((x) => x.agree !== 'no')) {
          kept.set(k, { sheet: r.d.sheet, cell: a1(r.d.row, r.d.col), value: r.value, computed: r.computed, why: r.agree === 'blank' ? '空白' : '尾数差' });
          follow.delete(k);
        }
      }
    }
    // nothing disagrees with its formula: no step at all (an empty undo step would only confuse Ctrl+Z)
    const todo = [...follow.values()].map((l) => ({ d: [...l].sort((a, b) => rank(a) - rank(b))[0], offset: 0 }));
    if (!todo.some(({ d }) => this.derived.derivedState(d).agree !== 'exact')) return { result: emptyResult(), changed: [], kept: [...kept.values()] };
    const derived = this.recompute(todo, []);
    this.journal.pushUndo({ kind: 'cells', cells: derived.cells, steps: derived.steps });
    return {
      result: derived.result,
      changed: derived.cells.map((c) => ({ sheet: c.sheet, cell: a1(c.row, c.col), before: c.before, after: c.after })),
      kept: [...kept.values()],
    };
  }

  private applyCells(cells: { sheet: string; row: number; col: number; value: CellValue }[]): EditResult {
    const before = new Map(this.current);
    const { changes, regen } = this.writeBatch(cells);
    return this.runner.afterChange(changes, regen, before, []);
  }

  /** One HyperFormula step: literal cells (model too), and optionally formulas in cells the model keeps as they are. */
  private writeBatch(cells: { sheet: string; row: number; col: number; value: CellValue }[], formulas: Follower[] = [], reexpand = true): { changes: ExportedChange[]; regen: CheckGroup[] } {
    for (const c of cells) this.sheet(c.sheet).cells[c.row]![c.col]!.v = c.value ?? undefined;
    const regen = reexpand ? this.journal.deferLater(this.runner.declarationsTouched(cells)) : [];
    const changes = this.hf.batch(() => {
      // one call per rectangle of edited cells: HyperFormula's cost is per call, and an import writes thousands
      for (const b of editBlocks(cells)) this.hf.setCellContents({ sheet: this.sheetId(b.sheet), row: b.row, col: b.col }, b.values);
      for (const { d, offset } of formulas) {
        const f = offset ? `(${d.formula})+(${offset})` : d.formula;
        this.hf.setCellContents({ sheet: this.sheetId(d.sheet), row: d.row, col: d.col }, [[this.tr.toEngine(f)]]);
      }
      for (const g of regen) this.runner.regenerate(g);
    });
    for (const c of cells) {
      const s = this.sheet(c.sheet);
      const f = this.runner.typeFinding(s, c.row, c.col);
      const rule = this.runner.typeRule(c.sheet, c.row, c.col);
      if (f) this.current.set(rule, f);
      else this.current.delete(rule);
    }
    this.dirty = true;
    return { changes, regen };
  }

  // ---- rows ----

  /** `likeRow`: the row whose look and input cells the new rows take (default: the row at `row`, or the one above at the end). */
  insertRows(sheet: string, row: number, count = 1, likeRow?: number): EditResult {
    const s = this.sheet(sheet);
    if (row < 0 || row > s.cells.length || count < 1 || count > 10000) throw new PacketError(`无法在 ${sheet} 第 ${row + 1} 行插入 ${count} 行。`);
    const snapshot = snapshotRows(s);
    insertModelRows(s, row, count, likeRow);
    const fg = this.formulaChecks();
    const result = this.structural(sheet, () => this.hf.addRows(this.sheetId(sheet), [row, count]));
    this.journal.pushUndo({ kind: 'rows', sheet, row, count, op: 'insert', snapshot, like: likeRow, formulaChecks: [fg, this.formulaChecks()] });
    return result;
  }

  removeRows(sheet: string, row: number, count = 1): EditResult {
    const s = this.sheet(sheet);
    if (row < 0 || row + count > s.cells.length || count < 1) throw new PacketError(`无法删除 ${sheet} 第 ${row + 1} 行起的 ${count} 行。`);
    for (let r = row; r < row + count; r++) {
      if (s.cells[r]?.some((c) => c && !c.input && (c.f || (c.v !== undefined && c.v !== null && c.v !== '')))) {
        throw new PacketError(`${sheet} 第 ${r + 1} 行含有模板的固定内容（标题、合计或公式），不能删除；只能删除科目行或指标行。`);
      }
    }
    const snapshot = snapshotRows(s);
    const before0 = new Map(this.current);
    // 运算: the 款/类/合计 that agreed with the rows being removed follow what is left of them
    const removed: { sheet: string; row: number; col: number }[] = [];
    for (let r = row; r < row + count; r++) s.cells[r]?.forEach((c, col) => c?.input && removed.push({ sheet, row: r, col }));
    const follow = this.derived.followers(removed);
    removeModelRows(s, row, count);
    const fg = this.formulaChecks();
    const result = this.structural(sheet, () => this.hf.removeRows(this.sheetId(sheet), [row, count]));
    const formulaChecks: [CompiledCheck[], CompiledCheck[]] = [fg, this.formulaChecks()];
    const picks: Follower[] = [];
    if (follow.size) {
      const now = derivations(this.packet, sheet);
      for (const [first] of follow.values()) {
        if (first.d.row >= row && first.d.row < row + count) continue;
        const r = first.d.row >= row + count ? first.d.row - count : first.d.row;
        const d = now.find((x) => x.row === r && x.col === first.d.col && x.origin === first.d.origin);
        if (d) picks.push({ d, offset: first.offset });
      }
    }
    if (!picks.length) {
      this.journal.pushUndo({ kind: 'rows', sheet, row, count, op: 'remove', snapshot, formulaChecks });
      return result;
    }
    const derived = this.recompute(picks, []);
    this.journal.pushUndo({ kind: 'rows', sheet, row, count, op: 'remove', snapshot, steps: 1 + derived.steps, after: derived.cells, formulaChecks });
    return { ...result, changed: [...result.changed, ...derived.result.changed], ...diffFindings(before0, this.current) };
  }

  private structural(sheet: string, op: () => void): EditResult {
    const regen = this.journal.deferLater(this.groups.filter((g) => g.decl && declarationTables(g.decl).includes(sheet)));
    const before = new Map(this.current);
    const changes = this.hf.batch(() => {
      // the 审核 checks whose messages name this sheet: into the engine first, so the move shifts them too
      this.runner.promote(sheet);
      op();
      for (const g of regen) this.runner.regenerate(g);
    });
    this.runner.forgetLocators();
    this.runner.rescanTypes(sheet);
    this.dirty = true;
    return this.runner.afterChange(changes, regen, before, [sheet]);
  }

  /** the 公式 group's compiled checks (an array replaced, never changed in place, when a row move promotes some) */
  private formulaChecks(): CompiledCheck[] {
    return this.groups.find((g) => g.hfName === FORMULA_GROUP)!.checks;
  }

  // ---- sheets (forms added, replaced, removed) ----

  /**
   * Sheets added, replaced or removed as one undoable step, without a new session: `mutate` works on a copy of
   * the packet (the forms collection: addForm, deleteForm, an import's applyForms) and the difference goes into
   * the engine — sheets, defined names, the checks of every declaration added, changed or gone, the summary.
   * Returns the findings diff (its `structural` names every sheet added, replaced or removed) and what `mutate`
   * returned. Inside `beginStep`/`endStep` it is part of that step.
   */
  changeSheets<T>(mutate: (packet: Packet) => T): { result: EditResult; value: T } {
    return this.sheetOps.change(mutate);
  }

  // ---- undo / redo (the journal) ----

  /**
   * Gather every operation until `endStep` into one undo step: an import inserts rows in several calls and then
   * writes its cells, and Ctrl+Z takes all of it back at once. Not nested: a second begin is refused.
   */
  beginStep(): void {
    this.journal.beginStep();
  }

  endStep(): void {
    this.journal.endStep();
  }

  canUndo(): boolean {
    return this.journal.canUndo();
  }

  canRedo(): boolean {
    return this.journal.canRedo();
  }

  undo(): EditResult | null {
    return this.journal.undo();
  }

  redo(): EditResult | null {
    return this.journal.redo();
  }

  // ---- back to the model ----

  /** The packet as it stands, formulas and references shifted by row operations, ready to write. */
  toPacket(): Packet {
    for (const s of this.packet.sheets) {
      const id = this.sheetId(s.name);
      s.cells.forEach((row, r) =>
        row.forEach((cell, c) => {
          if (!cell?.f) return;
          const f = this.hf.getCellFormula({ sheet: id, row: r, col: c });
          if (f) cell.f = this.tr.fromEngine(f);
          const v = this.getValue(s.name, r, c);
          cell.v = v ?? undefined;
        }),
      );
    }
    const fg = this.groups.find((g) => g.hfName === FORMULA_GROUP)!;
    const byRule = new Map(fg.checks.map((c, i) => [c.check.rule, i]));
    const checks = this.packet.checks.map((d) => {
      if (d.kind !== '公式') return d;
      const i = byRule.get(d.id);
      if (i === undefined) return d;
      const cc = fg.checks[i];
      const read = (col: number) => {
        const f = this.hf.getCellFormula({ sheet: fg.hfId, row: i, col });
        return f ? this.tr.fromEngine(f) : '';
      };
      // one APPROXSTATE cell holds a check that is one APPROX call: it is saved as that call
      const formula = cc.state === 'all'
        ? read(0).replace(/^MAX\(/, 'AND(').replace(/(^|[^A-Za-z0-9_.])APPROXSTATE\(/g, '$1APPROX(')
        : cc.state ? read(0).replace(/^APPROXSTATE\(/, 'APPROX(') : read(0);
      // placeholders and locators still out of the engine: no row move has shifted them, they read as declared
      if (cc.lazy) return { ...d, formula: formula || d.formula };
      const locate = Array.from({ length: cc.nLoc }, (_x, k) => read(2 + k)).join(',');
      const exprs = Array.from({ length: cc.nExpr }, (_x, k) => read(2 + cc.nLoc + k));
      return { ...d, formula: formula || d.formula, locate: locate || d.locate, message: joinMessage(cc.parts, exprs) };
    });
    const names = this.packet.names.map((n) => {
      const ex = this.hf.getNamedExpressionFormula(this.tr.alias(n.name));
      return ex ? { name: n.name, ref: this.tr.fromEngine(ex) } : n;
    });
    return { ...this.packet, checks, names };
  }

  destroy(): void {
    this.hf.destroy();
  }
}

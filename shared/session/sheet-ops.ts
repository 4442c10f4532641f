/**
 * Sheets added, replaced and removed in the open session as one step: the forms collection (add, delete, an
 * import that adds or replaces forms) works on a copy of the packet, and the difference goes into the one
 * HyperFormula instance in one batch — addSheet / setSheetContent / removeSheet, named expressions, the check
 * sheets of the declarations added, changed or gone — instead of building a new session. One undo step.
 */
import type { RawCellContent } from 'hyperformula';
import { declarationTables, expandDeclaration, type ConcreteCheck } from '../checks.js';
import { PacketError } from '../errors.js';
import type { CellStyle, CheckDef, DefinedName, Packet, SheetModel } from '../model.js';
import { FORMULA_GROUP, type CheckGroup, type CheckRunner, type CompiledCheck } from './check-runner.js';
import type { EngineCore } from './core.js';
import { diffFindings } from './check-runner.js';
import type { EditResult, Finding } from './types.js';
import type { UndoJournal } from './undo-journal.js';

/** The packet's structure at one moment: what an undo or redo of a sheet operation puts back. */
export interface Structure {
  sheets: SheetModel[];
  names: DefinedName[];
  checks: CheckDef[];
  meta: Record<string, string>;
  styles: CellStyle[];
  groups: CheckGroup[];
  /** each group's compiled checks as they stood (the 公式 sheet's rows are in the order they were appended) */
  compiled: Map<CheckGroup, { checks: CompiledCheck[]; content?: string }>;
}

export function structureOf(packet: Packet, runner: CheckRunner): Structure {
  return {
    sheets: [...packet.sheets], names: [...packet.names], checks: [...packet.checks], meta: { ...packet.meta }, styles: [...packet.styles],
    groups: [...runner.groups], compiled: new Map(runner.groups.map((g) => [g, { checks: g.checks, content: g.content }])),
  };
}

/**
 * Put a structure back after HyperFormula undid or redid the operation's batch: the model's lists, the sheet
 * ids (read again by name), each check group's compiled metadata from the model as it now stands.
 */
export function restoreStructure(core: EngineCore, runner: CheckRunner, st: Structure): void {
  const p = core.packet;
  p.sheets = [...st.sheets];
  p.names = [...st.names];
  p.checks = [...st.checks];
  p.meta = { ...st.meta };
  p.styles = [...st.styles];
  for (const n of p.names) core.tr.alias(n.name);
  core.sheetIds.clear();
  for (const s of p.sheets) core.sheetIds.set(s.name, core.hf.getSheetId(s.name)!);
  runner.groups = [...st.groups];
  for (const g of runner.groups) {
    g.hfId = core.hf.getSheetId(g.hfName)!;
    const c = st.compiled.get(g)!;
    g.checks = c.checks;
    g.content = c.content;
    g.failing.clear();
  }
}

function formulaChecks(p: Packet): ConcreteCheck[] {
  return p.checks.filter((d) => d.kind === '公式').flatMap((d) => expandDeclaration(p, d));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class SheetOps {
  constructor(
    private readonly core: EngineCore,
    private readonly runner: CheckRunner,
    private readonly journal: UndoJournal,
    /** a model sheet as engine content (the session's own reading of cells) */
    private readonly content: (s: SheetModel) => RawCellContent[][],
    /** the packet with formulas, checks and names as the engine has them now (row moves shift them there) */
    private readonly synced: () => Packet,
  ) {}

  /**
   * Run `mutate` on a copy of the packet (the forms collection's addForm, deleteForm, applyForms …) and bring
   * the session to the result in one HyperFormula batch and one undo step. A throw inside `mutate` changes nothing.
   */
  change<T>(mutate: (packet: Packet) => T): { result: EditResult; value: T } {
    const { core, runner } = this;
    const hf = core.hf;
    const tr = core.tr;
    // the engine's formulas, checks and names as they read now: rows moved since opening shifted them there only
    const now = this.synced();
    core.packet.checks = now.checks;
    core.packet.names = now.names;
    const before = structureOf(core.packet, runner);
    const work = JSON.parse(JSON.stringify(core.packet)) as Packet;
    const value = mutate(work);

    const oldBy = new Map(core.packet.sheets.map((s) => [s.name, s]));
    const sheets = work.sheets.map((s) => {
      const o = oldBy.get(s.name);
      return o && same(o, s) ? o : s;
    });
    const newNames = new Set(sheets.map((s) => s.name));
    const added = sheets.filter((s) => !oldBy.has(s.name));
    const changed = sheets.filter((s) => oldBy.has(s.name) && oldBy.get(s.name) !== s);
    const removed = core.packet.sheets.filter((s) => !newNames.has(s.name));
    for (const s of added) if (hf.doesSheetExist(s.name)) throw new PacketError(`无法添加工作表「${s.name}」：名称已被占用。`);
    const moved = new Set([...added, ...changed, ...removed].map((s) => s.name));

    const oldNames = new Map(core.packet.names.map((n) => [n.name, n]));
    const nextNames = new Map(work.names.map((n) => [n.name, n]));

    // check groups: the 公式 sheet recompiled; a declaration kept, re-expanded (its tables moved) or gone; new ones added
    const fg = runner.groups.find((g) => g.hfName === FORMULA_GROUP)!;
    const fgPlan = this.formulaRows(fg, now, work);
    const declNext = new Map(work.checks.filter((d) => d.kind !== '公式').map((d) => [d.id, d]));
    const keep: CheckGroup[] = [fg];
    const drop: CheckGroup[] = [];
    const redo: { g: CheckGroup; decl: CheckDef }[] = [];
    for (const g of runner.groups) {
      if (!g.decl) continue;
      const d = declNext.get(g.decl.id);
      if (!d) drop.push(g);
      else {
        keep.push(g);
        if (!same(d, g.decl) || declarationTables(d).some((t) => moved.has(t))) redo.push({ g, decl: d });
      }
    }
    const have = new Set(runner.groups.filter((g) => g.decl).map((g) => g.decl!.id));
    let serial = runner.groups.length;
    const fresh = [...declNext.values()].filter((d) => !have.has(d.id)).map((decl) => {
      let name = `__gen${serial++}_${decl.id}`;
      while (hf.doesSheetExist(name)) name = `__gen${serial++}_${decl.id}`;
      return { name, decl };
    });

    const findingsBefore = new Map(runner.current);
    const groupsNext = [...keep];
    hf.batch(() => {
      // sheets first (empty), then the names that may point into them, then contents that read both
      for (const s of added) hf.addSheet(s.name);
      for (const [name, n] of nextNames) {
        const o = oldNames.get(name);
        if (!o) hf.addNamedExpression(tr.alias(name), tr.toEngine(n.ref));
        else if (o.ref !== n.ref) hf.changeNamedExpression(tr.alias(name), tr.toEngine(n.ref));
      }
      for (const s of [...added, ...changed]) hf.setSheetContent(hf.getSheetId(s.name)!, this.content(s));
      // the 公式 checks: rows of checks gone or changed removed, new ones appended (replacing the whole sheet
      // re-reads every check formula of the packet: seconds on the reference)
      if (fgPlan.remove.length) hf.removeRows(fg.hfId, ...fgPlan.remove.map((i) => [i, 1] as [number, number]));
      if (fgPlan.add.content.length) hf.setCellContents({ sheet: fg.hfId, row: fgPlan.keep.length, col: 0 }, fgPlan.add.content);
      fg.checks = [...fgPlan.keep, ...fgPlan.add.checks];
      // the model's lists now, so declarations expand over the sheets as they will be
      core.packet.sheets = sheets;
      core.packet.names = work.names;
      core.packet.checks = work.checks;
      core.packet.meta = work.meta;
      core.packet.styles = work.styles;
      for (const { g, decl } of redo) {
        g.decl = decl;
        const c = runner.compileGroup(expandDeclaration(core.packet, decl), true);
        const text = JSON.stringify(c.content);
        if (text !== g.content) hf.setSheetContent(g.hfId, c.content);
        g.checks = c.checks;
        g.content = text;
        g.failing.clear();
      }
      for (const { name, decl } of fresh) {
        hf.addSheet(name);
        const c = runner.compileGroup(expandDeclaration(core.packet, decl), true);
        hf.setSheetContent(hf.getSheetId(name)!, c.content);
        groupsNext.push({ hfName: name, hfId: hf.getSheetId(name)!, decl, checks: c.checks, content: JSON.stringify(c.content), lazy: true, failing: new Set<number>() });
      }
      // what is gone last: nothing left reads it
      for (const g of drop) hf.removeSheet(g.hfId);
      for (const name of oldNames.keys()) if (!nextNames.has(name)) hf.removeNamedExpression(tr.alias(name));
      for (const s of removed) hf.removeSheet(hf.getSheetId(s.name)!);
    });
    core.sheetIds.clear();
    for (const s of sheets) core.sheetIds.set(s.name, hf.getSheetId(s.name)!);
    runner.groups = groupsNext;
    for (const g of runner.groups) g.hfId = hf.getSheetId(g.hfName)!;
    // a gathered step (an import) re-expands at its end only the groups that still exist
    const deferred = this.journal.deferred;
    if (deferred) for (const g of [...deferred]) if (!runner.groups.includes(g)) deferred.delete(g);
    this.recheck();
    core.dirty = true;
    this.journal.pushUndo({ kind: 'sheets', before, after: structureOf(core.packet, runner) });
    const diff = diffFindings(findingsBefore, runner.current);
    return { result: { changed: [], ...diff, rejected: [], structural: [...moved] }, value };
  }

  /**
   * The 公式 check sheet's rows, by rule: a check whose compiled row reads the same before and after stays where
   * it is; the rows of checks gone or changed are removed, new and changed ones appended.
   */
  private formulaRows(fg: CheckGroup, before: Packet, after: Packet): { keep: CompiledCheck[]; remove: number[]; add: { content: RawCellContent[][]; checks: CompiledCheck[] } } {
    const was = this.runner.compileGroup(formulaChecks(before), false);
    const next = this.runner.compileGroup(formulaChecks(after), false);
    // what goes into the engine: the checks alone, their placeholders and locators kept out (as the session opens them)
    const lazy = this.runner.compileGroup(formulaChecks(after), true, true);
    const row = (c: { content: RawCellContent[][]; checks: CompiledCheck[] }) => new Map(c.checks.map((x, i) => [x.check.rule, JSON.stringify(c.content[i])]));
    const wasRow = row(was);
    const nextRow = row(next);
    // a rule id twice (a hand-made 审核 sheet may repeat one) cannot be matched by id: every row is replaced
    const unique = wasRow.size === was.checks.length && nextRow.size === next.checks.length && wasRow.size === fg.checks.length;
    if (!unique) wasRow.clear();
    const keep: CompiledCheck[] = [];
    const remove: number[] = [];
    fg.checks.forEach((c, i) => {
      const r = c.check.rule;
      if (nextRow.has(r) && nextRow.get(r) === wasRow.get(r)) keep.push(c);
      else remove.push(i);
    });
    const kept = new Set(keep.map((c) => c.check.rule));
    const add = { content: [] as RawCellContent[][], checks: [] as CompiledCheck[] };
    next.checks.forEach((c, i) => {
      if (kept.has(c.check.rule)) return;
      add.content.push(lazy.content[i]);
      add.checks.push(lazy.checks[i]);
    });
    // HyperFormula removes from the bottom up, so the rows above keep their indexes
    remove.sort((a, b) => b - a);
    return { keep, remove, add };
  }

  /** Every check read again and every cached value refreshed: the sheets a check reads may all have moved. */
  recheck(): Map<string, Finding> {
    const { runner } = this;
    runner.forgetLocators();
    runner.recheckAll();
    runner.refreshCachedValues();
    return runner.current;
  }
}

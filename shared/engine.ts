/**
 * The live engine of one open packet: a single HyperFormula instance holds every sheet of the packet and
 * every check compiled to formulas. All changes go through `apply`, `insertRows`, `removeRows`, `undo`
 * and `redo`; each returns the cells that changed and the findings that appeared, went away or changed.
 */
import { DetailedCellError, HyperFormula, type ExportedChange, type RawCellContent } from 'hyperformula';
import { a1, parseSheetRange, quoteSheet } from './a1.js';
import { registerApprox } from './approx.js';
import {
  declarationCodeColumn, declarationTables, expandDeclaration, parseParams, splitLocate, type ConcreteCheck,
} from './checks.js';
import { PacketError } from './errors.js';
import { formatMessageFigures, formatMessageNumber, parseUserInput } from './format.js';
import { FormulaTranslator, joinMessage, splitMessage, strictVariant } from './formula.js';
import { colIndex } from './a1.js';
import { derivations, type Derivation } from './calc.js';
// the forms register their 指标 check kind with checks.ts; the engine is where declarations are expanded
import './forms/rules.js';
import './catalog/checks.js';
import { isCellKind, isNumericKind, parseByKind, refusal, type CellKind } from './kinds.js';
import { capPlaceholder } from './safety/formulas.js';
import { LIMITS } from './safety/limits.js';
import type { Cell, CellValue, CheckDef, Packet, Severity, SheetExtras, SheetModel } from './model.js';
import { shiftKeptRows } from './sheet-extras.js';

export interface Finding {
  rule: string;
  severity: Severity;
  /** holds within the 尾数差 allowance, fails without it */
  rounding: boolean;
  sheet: string;
  /** A1 cells or ranges on `sheet` to highlight */
  cells: string[];
  message: string;
}

export interface CellEdit {
  sheet: string;
  row: number;
  col: number;
  value: CellValue;
}

export interface ChangedCell {
  sheet: string;
  row: number;
  col: number;
}

export interface EditResult {
  changed: ChangedCell[];
  added: Finding[];
  removed: Finding[];
  updated: Finding[];
  /** edits refused, with a code for programs and a reason for people */
  rejected: { sheet: string; row: number; col: number; code: 'no-sheet' | 'not-input' | 'bad-value'; reason: string }[];
  /** the sheets whose rows were inserted or removed */
  structural: string[];
}

interface CompiledCheck {
  check: ConcreteCheck;
  nLoc: number;
  parts: string[];
  nExpr: number;
  /** uses APPROX: a strict copy sits beside it */
  hasTol: boolean;
  /** locator references as they read now; dropped when rows move */
  locs?: string[];
  /**
   * A check of a generated group keeps its message placeholders and locators as text, out of the engine: they
   * are computed only when the check fails (most never do), and the group is re-expanded whenever a row of its
   * tables moves, so the text always reads the rows as they are.
   */
  lazy?: { exprs: string[]; deps?: Dep[] | 'all' };
  /** one APPROXSTATE cell stands for the check and its strict twin (0 exact, 1 尾数差, 2 fails) */
  state?: boolean;
}

/** A block of cells a lazy message reads: a change inside it re-reads the message of a failing check. */
interface Dep {
  sheet: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

interface CheckGroup {
  hfName: string;
  hfId: number;
  /** the 层级/名称一致 declaration it was expanded from; undefined for the group of 公式 checks */
  decl?: CheckDef;
  checks: CompiledCheck[];
  /** the compiled sheet as last written, to skip a re-expansion that changes nothing */
  content?: string;
  /** placeholders and locators stay out of the engine (a generated group); see CompiledCheck.lazy */
  lazy: boolean;
  /** rows of a lazy group whose check fails now: their messages follow the cells they read */
  failing: Set<number>;
}

type UndoEntry =
  /** `steps`: HyperFormula undo entries the edit took (the user's cells, then each round of 运算) */
  | { kind: 'cells'; cells: { sheet: string; row: number; col: number; before: CellValue; after: CellValue }[]; steps?: number }
  | {
      kind: 'rows'; sheet: string; row: number; count: number; op: 'insert' | 'remove'; snapshot: ModelRows; like?: number;
      /** a removal with 运算: the HyperFormula steps it took and the totals it moved (after the removal) */
      steps?: number; after?: { sheet: string; row: number; col: number; after: CellValue }[];
    }
  /** several operations taken as one step (an import: its rows inserted, then its cells written) */
  | { kind: 'group'; entries: UndoEntry[] }
  /** the re-expansion a gathered step did once at its end, for all of its row and code changes (one HyperFormula step) */
  | { kind: 'regen'; groups: CheckGroup[] };

interface ModelRows {
  cells: (Cell | null)[][];
  heights: (number | undefined)[];
  merges: string[];
  keep?: SheetExtras;
}

const FORMULA_GROUP = '__审核';
const MAX_UNDO = 500;
/** money and count cells: a typed text there is a finding, not a silently ignored value */
const NUMERIC_FMT = /0\.00|#,##0|^0$/;

/**
 * The engine takes every sheet the readers let through (LIMITS.maxRows rows, Excel's 16,384 columns): its own
 * limits are never the first to refuse, and when they do the message is ours.
 */
const ENGINE_SIZE = { maxRows: Math.max(LIMITS.maxRows, HyperFormula.defaultConfig.maxRows), maxColumns: Math.max(LIMITS.maxCols, HyperFormula.defaultConfig.maxColumns) };

function engineLoadMessage(e: unknown, sheets: Record<string, RawCellContent[][]>): string {
  const m = String((e as Error)?.message ?? e);
  if (/size limit/i.test(m)) {
    const big = Object.entries(sheets).sort((a, b) => b[1].length - a[1].length)[0];
    return `公开包的工作表过大，超出计算引擎的上限（${ENGINE_SIZE.maxRows.toLocaleString('en-US')} 行 × ${ENGINE_SIZE.maxColumns.toLocaleString('en-US')} 列）` +
      `${big ? `：工作表「${big[0]}」有 ${big[1].length.toLocaleString('en-US')} 行` : ''}。请删去多余的空行、空列后另存再试。`;
  }
  // HyperFormula's own wording is English and means nothing to an accountant: say what failed, keep it short
  return '公开包的公式无法载入（计算引擎拒绝了其中的公式或名称）：请在 Excel/WPS 中检查公式与定义名称后另存再试。';
}

export function isNumericFormat(fmt: string | undefined): boolean {
  return !!fmt && NUMERIC_FMT.test(fmt);
}

export class PacketSession {
  readonly packet: Packet;
  private hf: HyperFormula;
  private tr = new FormulaTranslator();
  private sheetIds = new Map<string, number>();
  private groups: CheckGroup[] = [];
  private current = new Map<string, Finding>();
  private undoStack: UndoEntry[] = [];
  private redoStack: UndoEntry[] = [];
  /** edits since the last save */
  dirty = false;

  constructor(packet: Packet) {
    registerApprox();
    this.packet = packet;
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
    const compiled = pending.map((p) => ({ ...p, rows: this.compileGroup(p.checks, !!p.decl) }));
    for (const c of compiled) sheets[c.name] = c.rows.content;

    const named = packet.names.map((n) => ({ name: this.tr.alias(n.name), expression: this.tr.toEngine(n.ref) }));
    try {
      // an edit with 运算 takes a few HyperFormula steps (one per round of derived cells)
      this.hf = HyperFormula.buildFromSheets(sheets, { licenseKey: 'gpl-v3', undoLimit: MAX_UNDO * 4, useArrayArithmetic: false, ...ENGINE_SIZE }, named);
    } catch (e) {
      throw new PacketError(engineLoadMessage(e, sheets), String((e as Error)?.message ?? e));
    }
    for (const s of packet.sheets) this.sheetIds.set(s.name, this.hf.getSheetId(s.name)!);
    this.groups = compiled.map((c) => ({
      hfName: c.name, hfId: this.hf.getSheetId(c.name)!, decl: c.decl, checks: c.rows.checks, content: JSON.stringify(c.rows.content), lazy: !!c.decl, failing: new Set<number>(),
    }));
    for (const g of this.groups) for (let i = 0; i < g.checks.length; i++) this.check(g, i);
    for (const s of packet.sheets) this.scanTypes(s);
    this.refreshCachedValues();
  }

  // ---- building ----

  private sheetContent(s: SheetModel): RawCellContent[][] {
    return s.cells.map((row) =>
      row.map((c) => {
        if (!c) return null;
        if (c.f) return this.tr.toEngine(c.f);
        return engineLiteral(c.v ?? null);
      }),
    );
  }

  /**
   * `lazy`: only the check itself (and its strict twin) goes into the engine; placeholders and locators stay
   * text until the check fails. The 审核 sheet's own checks keep theirs in the engine, whose row moves keep
   * their references right (they are never re-expanded).
   */
  private compileGroup(checks: ConcreteCheck[], lazy: boolean): { content: RawCellContent[][]; checks: CompiledCheck[] } {
    const content: RawCellContent[][] = [];
    const out: CompiledCheck[] = [];
    for (const check of checks) {
      const tol = this.tr.toEngine(check.formula);
      const strict = strictVariant(tol);
      const { parts, exprs } = splitMessage(check.message);
      if (lazy) {
        // a generated check that is one APPROX call reads both ways from one cell, its sums evaluated once
        const one = /^=APPROX\(/.test(tol) && wholeCall(tol.slice(1));
        content.push(one ? [`=APPROXSTATE(${tol.slice(8)}`] : strict === tol ? [tol] : [tol, strict]);
        out.push({ check, nLoc: check.locate.length, parts, nExpr: exprs.length, hasTol: strict !== tol && !one, lazy: { exprs }, state: one });
        continue;
      }
      content.push([
        tol,
        // a check without APPROX has no allowance: its strict reading is the same cell, not a second copy
        strict === tol ? null : strict,
        ...check.locate.map((l) => this.tr.toEngine(l)),
        ...exprs.map((e) => this.tr.toEngine(e)),
      ]);
      out.push({ check, nLoc: check.locate.length, parts, nExpr: exprs.length, hasTol: strict !== tol });
    }
    return { content, checks: out };
  }

  // ---- reading ----

  sheetId(name: string): number {
    const id = this.sheetIds.get(name);
    if (id === undefined) throw new PacketError(`工作表「${name}」不存在。`);
    return id;
  }

  sheet(name: string): SheetModel {
    const s = this.packet.sheets.find((x) => x.name === name);
    if (!s) throw new PacketError(`工作表「${name}」不存在。`);
    return s;
  }

  getValue(sheet: string, row: number, col: number): CellValue {
    const v = this.hf.getCellValue({ sheet: this.sheetId(sheet), row, col });
    if (v instanceof DetailedCellError) return v.value;
    return v as CellValue;
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
    this.current.clear();
    for (const g of this.groups) for (let i = 0; i < g.checks.length; i++) this.check(g, i);
    for (const s of this.packet.sheets) this.scanTypes(s);
    return this.findings();
  }

  /** Every check as it stands now, 层级/名称一致 declarations expanded over the current rows. */
  checks(): ConcreteCheck[] {
    return this.groups.flatMap((g) => g.checks.map((c) => c.check));
  }

  findings(): Finding[] {
    return sortFindings([...this.current.values()]);
  }

  private fmt(v: unknown): string {
    if (v instanceof DetailedCellError) return v.value;
    if (typeof v === 'number') return formatMessageNumber(v);
    if (v === null || v === undefined || v === '') return '空';
    if (typeof v === 'boolean') return v ? '是' : '否';
    // a placeholder shows a figure or a name: an untrusted {REPT("长",32767)} must not fill memory with messages
    return capPlaceholder(String(v));
  }

  private evaluate(g: CheckGroup, i: number): { rule: string; finding: Finding | null } {
    const cc = g.checks[i];
    const at = (col: number) => this.hf.getCellValue({ sheet: g.hfId, row: i, col });
    let tol = at(0);
    let strict = cc.hasTol ? at(1) : tol;
    if (cc.state && typeof tol === 'number') {
      strict = tol === 0;
      tol = tol <= 1;
    }
    // a check that holds needs nothing more (locators and messages are read only for a finding)
    if (strict === true && !(tol instanceof DetailedCellError)) return { rule: cc.check.rule, finding: null };
    // the text a locator has after a trip through the engine (sheet names quoted), as the eager groups read it
    if (!cc.locs && cc.lazy) cc.locs = cc.check.locate.map((l) => this.resolveName(this.tr.fromEngine(this.tr.toEngine(l))));
    if (!cc.locs) {
      cc.locs = [];
      for (let k = 0; k < cc.nLoc; k++) {
        const f = this.hf.getCellFormula({ sheet: g.hfId, row: i, col: 2 + k });
        cc.locs.push(this.resolveName(f ? this.tr.fromEngine(f) : cc.check.locate[k]));
      }
    }
    const locs = cc.locs;
    const firstLoc = parseSheetRange(locs[0] ?? '', '');
    const sheet = firstLoc?.sheet ?? '';
    const cells = locs
      .map((l) => parseSheetRange(l, sheet))
      .filter((r): r is NonNullable<typeof r> => !!r && r.sheet === sheet)
      .map((r) => (r.top === r.bottom && r.left === r.right ? a1(r.top, r.left) : `${a1(r.top, r.left)}:${a1(r.bottom, r.right)}`));
    const base = { rule: cc.check.rule, severity: cc.check.severity, sheet, cells };
    const broken = [tol, strict].find((v) => v instanceof DetailedCellError) as DetailedCellError | undefined;
    if (broken) {
      const msg =
        broken.value === '#REF!'
          ? `审核 ${cc.check.source} 引用的单元格已被删除（#REF!），该审核无法执行：请撤销删除或修改审核公式。`
          : `审核 ${cc.check.source} 无法计算（${broken.value}）：相关单元格中可能填入了非数字内容，请检查 ${locs.join('、')}。`;
      return { rule: cc.check.rule, finding: { ...base, rounding: false, message: msg } };
    }
    if (strict === true) return { rule: cc.check.rule, finding: null };
    const raw: unknown[] = [];
    if (cc.lazy) {
      for (const e of cc.lazy.exprs) raw.push(this.placeholder(e, g.hfId));
      cc.lazy.deps ??= messageDeps(cc.lazy.exprs);
    } else for (let k = 0; k < cc.nExpr; k++) raw.push(at(2 + cc.nLoc + k));
    // the figures are formatted together: two that differ only beyond two decimals show the digits that differ
    const figures = formatMessageFigures(raw.map((v) => (typeof v === 'number' ? v : NaN)));
    const exprs = raw.map((v, k) => (typeof v === 'number' ? figures[k] : this.fmt(v)));
    let message = cc.parts.map((p, k) => p + (k < exprs.length ? exprs[k] : '')).join('');
    if (tol === true) {
      message += '（在尾数误差允许范围内，系金额单位换算的尾数差，可不调整）';
      return { rule: cc.check.rule, finding: { ...base, severity: 'warning', rounding: true, message } };
    }
    return { rule: cc.check.rule, finding: { ...base, rounding: false, message } };
  }

  /** A lazy placeholder's value, read as a cell of the group's sheet would read it. */
  private placeholder(expr: string, sheetId: number): unknown {
    let v: unknown;
    try {
      v = this.hf.calculateFormula(this.tr.toEngine(expr), sheetId);
    } catch {
      return '#ERROR!';
    }
    // a range where one value is wanted: what a cell without array arithmetic shows
    return Array.isArray(v) ? '#VALUE!' : v;
  }

  /** A locator that is a defined name (本年收入合计) points where the name points now, rows moved or not. */
  private resolveName(loc: string): string {
    const t = loc.replace(/^=/, '').trim();
    if (t.includes('!') || !this.packet.names.some((n) => n.name === t)) return t;
    const f = this.hf.getNamedExpressionFormula(this.tr.alias(t));
    return f ? this.tr.fromEngine(f).replace(/\$/g, '') : t;
  }

  private store(r: { rule: string; finding: Finding | null }): void {
    if (r.finding) this.current.set(r.rule, r.finding);
    else this.current.delete(r.rule);
  }

  /** evaluate + store, keeping a lazy group's failing rows known */
  private check(g: CheckGroup, i: number): void {
    const r = this.evaluate(g, i);
    this.store(r);
    if (!g.lazy) return;
    if (r.finding) g.failing.add(i);
    else g.failing.delete(i);
  }

  // ---- type findings: text in a number cell ----

  private typeRule(sheet: string, row: number, col: number): string {
    return `类型:${sheet}!${a1(row, col)}`;
  }

  private typeFinding(s: SheetModel, row: number, col: number): Finding | null {
    const c = s.cells[row]?.[col];
    if (!c?.input) return null;
    // a declared kind decides; a packet that predates kinds falls back to its number formats
    if (isCellKind(c.kind) ? !isNumericKind(c.kind) : c.s === undefined || !isNumericFormat(this.packet.styles[c.s]?.numFmt)) return null;
    const v = this.hf.getCellValue({ sheet: this.sheetId(s.name), row, col });
    if (typeof v !== 'string' || v === '') return null;
    return {
      rule: this.typeRule(s.name, row, col),
      severity: 'error',
      rounding: false,
      sheet: s.name,
      cells: [a1(row, col)],
      message: `${s.name} ${a1(row, col)} 应填数字，现为文字「${v.length > 20 ? v.slice(0, 20) + '…' : v}」，不参与合计：请改为数字或清空。`,
    };
  }

  private scanTypes(s: SheetModel): void {
    s.cells.forEach((row, r) => row.forEach((_c, c) => {
      const f = this.typeFinding(s, r, c);
      if (f) this.current.set(f.rule, f);
    }));
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
    const follow = this.followers(accepted, owned);
    const cells = accepted.map((a) => ({ ...a, value: a.after }));
    if (!follow.size) {
      const result = this.applyCells(cells);
      this.pushUndo({ kind: 'cells', cells: accepted });
      return { ...result, rejected };
    }
    const derived = this.recompute([...follow.values()].map((l) => l[0]), cells);
    this.pushUndo({ kind: 'cells', cells: [...accepted, ...derived.cells], steps: derived.steps });
    return { ...derived.result, rejected };
  }

  // ---- 运算: derived cells follow their details ----

  private derivationsOf(sheets: Iterable<string>): Derivation[] {
    const out: Derivation[] = [];
    for (const s of new Set(sheets)) out.push(...derivations(this.packet, s));
    return out;
  }

  /** The value of a derivation's formula now: a number, null (blank or "") or an error text. */
  private evalDerivation(d: Derivation): CellValue {
    let v: unknown;
    try {
      v = this.hf.calculateFormula(this.tr.toEngine(d.formula), this.sheetId(d.sheet));
    } catch {
      return '#ERROR!';
    }
    if (v instanceof DetailedCellError) return v.value;
    if (Array.isArray(v) || v === '' || v === null || v === undefined) return null;
    if (typeof v === 'number') return roundDerived(v);
    return v as CellValue;
  }

  /** How a derived cell stands against its formula: agrees exactly, within the 尾数差 allowance, or not. */
  derivedState(d: Derivation): { computed: CellValue; value: CellValue; agree: Agreement } {
    const computed = this.evalDerivation(d);
    const value = this.sheet(d.sheet).cells[d.row]?.[d.col]?.v ?? null;
    return { computed, value, agree: agreement(value, computed, d.tol) };
  }

  /** Derived cells of `sheet` with their formula and standing, for the grid's mark and the formula bar. */
  derivedCells(sheet: string): (Derivation & { computed: CellValue; value: CellValue; agree: Agreement })[] {
    return derivations(this.packet, sheet).map((d) => ({ ...d, ...this.derivedState(d) }));
  }

  /**
   * Before an edit: the derived cells it can reach (through chains: 项 → 款 → 类 → 合计) that agree with
   * their formula within the 尾数差 allowance. A cell the edit itself writes is the user's figure, not a follower.
   */
  private followers(edits: { sheet: string; row: number; col: number }[], owned = edits): Map<string, Follower[]> {
    const editedSheets = new Set(edits.map((e) => e.sheet));
    // derivations elsewhere that read an edited settings sheet through formulas (a form's 总分 reads its
    // 执行率得分, the scoring rule's formula over 自评评分规则): only an edit of an 'other' sheet can move them
    const upstream = [...editedSheets].some((n) => this.packet.sheets.find((x) => x.name === n)?.kind === 'other')
      ? derivations(this.packet).filter((d) => d.upstream?.some((u) => editedSheets.has(u)))
      : [];
    const all = [...this.derivationsOf(editedSheets), ...upstream];
    if (!all.length) return new Map();
    const key = (sheet: string, r: number, c: number) => `${sheet}!${r},${c}`;
    const readers = new Map<string, Derivation[]>();
    for (const d of all) for (const r of d.refs) {
      const k = key(d.sheet, r.row, r.col);
      readers.set(k, [...(readers.get(k) ?? []), d]);
    }
    const edited = new Set(owned.map((e) => key(e.sheet, e.row, e.col)));
    const reach = new Set<Derivation>(upstream);
    const queue = [...edits.map((e) => key(e.sheet, e.row, e.col)), ...upstream.map((d) => key(d.sheet, d.row, d.col))];
    const seen = new Set(queue);
    while (queue.length) {
      const k = queue.shift()!;
      for (const d of readers.get(k) ?? []) {
        if (reach.has(d)) continue;
        reach.add(d);
        const t = key(d.sheet, d.row, d.col);
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
    // every formula of a reached cell is a candidate, not only the one the edit reached it through
    const reached = new Set([...reach].map((d) => key(d.sheet, d.row, d.col)));
    const out = new Map<string, Follower[]>();
    for (const d of all.filter((x) => reached.has(key(x.sheet, x.row, x.col)))) {
      const k = key(d.sheet, d.row, d.col);
      if (edited.has(k)) continue;
      const st = this.derivedState(d);
      if (st.agree === 'no') continue;
      // a published 尾数差 figure keeps its rounding: it moves with its lines and comes back when they do
      const offset = st.agree === 'rounding' ? roundDerived((num(st.value) ?? 0) - (num(st.computed) ?? 0)) : 0;
      out.set(k, [...(out.get(k) ?? []), { d, offset }]);
    }
    // a cell with a row identity and a column sum (a 款's 本年支出合计) follows its own row first: a 项 typed
    // out of line with its columns then stays an error at that 项 instead of spreading to every total above it
    for (const list of out.values()) list.sort((a, b) => rank(a.d) - rank(b.d));
    return out;
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
    const alone = userCells.length > 0 && (this.deferred !== undefined || this.declarationsTouched(userCells).length > 0);
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
    const result = this.afterChange([...user.changes, ...first.changes, ...second.changes], [...user.regen, ...first.regen], before, []);
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
        const st = list.map((d) => ({ d, ...this.derivedState(d) }));
        const r = st.find((x) => x.agree === 'rounding' || x.agree === 'blank');
        if (r && st.every((x) => x.agree !== 'no')) {
          kept.set(k, { sheet: r.d.sheet, cell: a1(r.d.row, r.d.col), value: r.value, computed: r.computed, why: r.agree === 'blank' ? '空白' : '尾数差' });
          follow.delete(k);
        }
      }
    }
    // nothing disagrees with its formula: no step at all (an empty undo step would only confuse Ctrl+Z)
    const todo = [...follow.values()].map((l) => ({ d: [...l].sort((a, b) => rank(a) - rank(b))[0], offset: 0 }));
    if (!todo.some(({ d }) => this.derivedState(d).agree !== 'exact')) return { result: emptyResult(), changed: [], kept: [...kept.values()] };
    const derived = this.recompute(todo, []);
    this.pushUndo({ kind: 'cells', cells: derived.cells, steps: derived.steps });
    return {
      result: derived.result,
      changed: derived.cells.map((c) => ({ sheet: c.sheet, cell: a1(c.row, c.col), before: c.before, after: c.after })),
      kept: [...kept.values()],
    };
  }

  private applyCells(cells: { sheet: string; row: number; col: number; value: CellValue }[]): EditResult {
    const before = new Map(this.current);
    const { changes, regen } = this.writeBatch(cells);
    return this.afterChange(changes, regen, before, []);
  }

  /** One HyperFormula step: literal cells (model too), and optionally formulas in cells the model keeps as they are. */
  private writeBatch(cells: { sheet: string; row: number; col: number; value: CellValue }[], formulas: Follower[] = [], reexpand = true): { changes: ExportedChange[]; regen: CheckGroup[] } {
    for (const c of cells) this.sheet(c.sheet).cells[c.row]![c.col]!.v = c.value ?? undefined;
    const regen = reexpand ? this.deferLater(this.declarationsTouched(cells)) : [];
    const changes = this.hf.batch(() => {
      // one call per rectangle of edited cells: HyperFormula's cost is per call, and an import writes thousands
      for (const b of editBlocks(cells)) this.hf.setCellContents({ sheet: this.sheetId(b.sheet), row: b.row, col: b.col }, b.values);
      for (const { d, offset } of formulas) {
        const f = offset ? `(${d.formula})+(${offset})` : d.formula;
        this.hf.setCellContents({ sheet: this.sheetId(d.sheet), row: d.row, col: d.col }, [[this.tr.toEngine(f)]]);
      }
      for (const g of regen) this.regenerate(g);
    });
    for (const c of cells) {
      const s = this.sheet(c.sheet);
      const f = this.typeFinding(s, c.row, c.col);
      const rule = this.typeRule(c.sheet, c.row, c.col);
      if (f) this.current.set(rule, f);
      else this.current.delete(rule);
    }
    this.dirty = true;
    return { changes, regen };
  }

  /** Groups to re-expand now: none while a step is gathered (they are noted and re-expanded at its end). */
  private deferLater(groups: CheckGroup[]): CheckGroup[] {
    if (!this.deferred) return groups;
    for (const g of groups) this.deferred.add(g);
    return [];
  }

  private declarationsTouched(cells: { sheet: string; col: number }[]): CheckGroup[] {
    return this.groups.filter((g) => {
      if (!g.decl) return false;
      const tables = declarationTables(g.decl);
      const codeCol = declarationCodeColumn(g.decl);
      const nameCol = colIndex(parseParams(g.decl.params)['名称列'] ?? 'B');
      return cells.some((c) => tables.includes(c.sheet) && (c.col === codeCol || c.col === nameCol));
    });
  }

  /** Re-expand a declaration over the rows that exist now and replace its compiled sheet. */
  private regenerate(g: CheckGroup): void {
    const compiled = this.compileGroup(expandDeclaration(this.packet, g.decl!), g.lazy);
    const content = JSON.stringify(compiled.content);
    // an amount typed in a column a declaration reads its rows from (a form's A/B) usually changes no row:
    // replacing the check sheet with itself would only cost time, and HyperFormula cannot undo a second
    // replacement of the same sheet ("There is no AST with such key in the cache")
    if (content !== g.content) {
      this.hf.setSheetContent(g.hfId, compiled.content);
      g.content = content;
    }
    g.checks = compiled.checks;
  }

  private afterChange(changes: ExportedChange[], regen: CheckGroup[], before: Map<string, Finding>, structural: string[]): EditResult {
    const changed: ChangedCell[] = [];
    const affected = new Map<CheckGroup, Set<number>>();
    const byId = new Map(this.groups.map((g) => [g.hfId, g]));
    const userSheets = new Map([...this.sheetIds].map(([n, id]) => [id, n]));
    for (const ch of changes) {
      if (!('address' in ch) || !('row' in ch.address)) continue;
      const { sheet, row, col } = ch.address as { sheet: number; row: number; col: number };
      const g = byId.get(sheet);
      if (g) {
        if (!affected.has(g)) affected.set(g, new Set());
        affected.get(g)!.add(row);
      } else {
        const name = userSheets.get(sheet);
        if (name !== undefined) changed.push({ sheet: name, row, col });
      }
    }
    for (const g of regen) {
      for (const [rule, f] of this.current) if (!rule.startsWith('类型:') && ruleSource(f, rule, g)) this.current.delete(rule);
      g.failing.clear();
      affected.set(g, new Set(g.checks.map((_c, i) => i)));
    }
    // a lazy check that fails and still fails changes no engine cell: its message is read again when a cell it shows changed
    if (changed.length) {
      for (const g of this.groups) {
        if (!g.lazy || !g.failing.size || regen.includes(g)) continue;
        for (const i of g.failing) {
          const deps = g.checks[i]?.lazy?.deps;
          if (deps && (deps === 'all' || touches(deps, changed))) {
            if (!affected.has(g)) affected.set(g, new Set());
            affected.get(g)!.add(i);
          }
        }
      }
    }
    for (const [g, rows] of affected) for (const i of rows) if (i < g.checks.length) this.check(g, i);
    this.refreshCachedValues(changed);
    return { changed, ...diffFindings(before, this.current), rejected: [], structural };
  }

  // ---- rows ----

  /** `likeRow`: the row whose look and input cells the new rows take (default: the row at `row`, or the one above at the end). */
  insertRows(sheet: string, row: number, count = 1, likeRow?: number): EditResult {
    const s = this.sheet(sheet);
    if (row < 0 || row > s.cells.length || count < 1 || count > 10000) throw new PacketError(`无法在 ${sheet} 第 ${row + 1} 行插入 ${count} 行。`);
    const snapshot = this.snapshotRows(s);
    insertModelRows(s, row, count, likeRow);
    const result = this.structural(sheet, () => this.hf.addRows(this.sheetId(sheet), [row, count]));
    this.pushUndo({ kind: 'rows', sheet, row, count, op: 'insert', snapshot, like: likeRow });
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
    const snapshot = this.snapshotRows(s);
    const before0 = new Map(this.current);
    // 运算: the 款/类/合计 that agreed with the rows being removed follow what is left of them
    const removed: { sheet: string; row: number; col: number }[] = [];
    for (let r = row; r < row + count; r++) s.cells[r]?.forEach((c, col) => c?.input && removed.push({ sheet, row: r, col }));
    const follow = this.followers(removed);
    removeModelRows(s, row, count);
    const result = this.structural(sheet, () => this.hf.removeRows(this.sheetId(sheet), [row, count]));
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
      this.pushUndo({ kind: 'rows', sheet, row, count, op: 'remove', snapshot });
      return result;
    }
    const derived = this.recompute(picks, []);
    this.pushUndo({ kind: 'rows', sheet, row, count, op: 'remove', snapshot, steps: 1 + derived.steps, after: derived.cells });
    return { ...result, changed: [...result.changed, ...derived.result.changed], ...diffFindings(before0, this.current) };
  }

  private structural(sheet: string, op: () => void): EditResult {
    const regen = this.deferLater(this.groups.filter((g) => g.decl && declarationTables(g.decl).includes(sheet)));
    const before = new Map(this.current);
    const changes = this.hf.batch(() => {
      op();
      for (const g of regen) this.regenerate(g);
    });
    this.forgetLocators();
    this.rescanTypes(sheet);
    this.dirty = true;
    return this.afterChange(changes, regen, before, [sheet]);
  }

  private forgetLocators(): void {
    for (const g of this.groups) for (const c of g.checks) delete c.locs;
  }

  private rescanTypes(sheet: string): void {
    for (const rule of [...this.current.keys()]) if (rule.startsWith(`类型:${sheet}!`)) this.current.delete(rule);
    this.scanTypes(this.sheet(sheet));
  }

  private snapshotRows(s: SheetModel): ModelRows {
    return { cells: s.cells.map((r) => r.map((c) => (c ? { ...c } : null))), heights: [...s.rowHeights], merges: [...s.merges], keep: s.keep };
  }

  // ---- undo / redo ----

  private pushUndo(e: UndoEntry): void {
    this.undoStack.push(e);
    // a step being gathered is never cut short: its first entries are what undoing it needs most
    if (this.undoStack.length > MAX_UNDO && this.gathering === undefined) this.undoStack.shift();
    this.redoStack = [];
  }

  /** where the undo stack stood when `beginStep` was called; undefined when no step is being gathered */
  private gathering: number | undefined;
  /**
   * While a step is gathered: the declarations its operations touched, re-expanded once at its end instead of
   * after every call (an import inserting 5,000 rows in chunks, then writing their codes).
   */
  private deferred: Set<CheckGroup> | undefined;

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
        for (const g of regen) this.regenerate(g);
      });
      this.afterChange(changes, regen, before, []);
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
    const regen = [...r.regen];
    // HyperFormula restored the compiled check sheets; bring their metadata back in line with them
    for (const g of regen) {
      const c = this.compileGroup(expandDeclaration(this.packet, g.decl!), g.lazy);
      g.checks = c.checks;
      g.content = JSON.stringify(c.content);
    }
    if (r.structural.size) this.forgetLocators();
    for (const t of r.sheets) this.rescanTypes(t);
    this.dirty = true;
    return this.afterChange(r.changes, regen, before, [...r.structural]);
  }

  /**
   * The model and HyperFormula steps of one entry, without re-reading checks: a gathered step replays all of its
   * entries first (last-first to undo) and its declarations are brought in line once, from the model as it ends.
   */
  private replayEntry(e: UndoEntry, dir: 'undo' | 'redo'): { changes: ExportedChange[]; regen: Set<CheckGroup>; sheets: Set<string>; structural: Set<string> } {
    if (e.kind === 'group') {
      const out = { changes: [] as ExportedChange[], regen: new Set<CheckGroup>(), sheets: new Set<string>(), structural: new Set<string>() };
      for (const x of dir === 'undo' ? [...e.entries].reverse() : e.entries) {
        const r = this.replayEntry(x, dir);
        out.changes.push(...r.changes);
        for (const g of r.regen) out.regen.add(g);
        for (const t of r.sheets) out.sheets.add(t);
        for (const t of r.structural) out.structural.add(t);
      }
      return out;
    }
    if (e.kind === 'regen') {
      const changes = dir === 'undo' ? this.hf.undo() : this.hf.redo();
      return { changes, regen: new Set(e.groups), sheets: new Set(), structural: new Set() };
    }
    if (e.kind === 'cells') {
      for (const c of e.cells) this.sheet(c.sheet).cells[c.row]![c.col]!.v = (dir === 'undo' ? c.before : c.after) ?? undefined;
    } else {
      const s = this.sheet(e.sheet);
      if (dir === 'undo') restoreRows(s, e.snapshot);
      else if (e.op === 'insert') insertModelRows(s, e.row, e.count, e.like);
      else {
        removeModelRows(s, e.row, e.count);
        for (const c of e.after ?? []) s.cells[c.row]![c.col]!.v = c.after ?? undefined;
      }
    }
    const regen =
      e.kind === 'cells'
        ? this.declarationsTouched(e.cells)
        : this.groups.filter((g) => g.decl && declarationTables(g.decl).includes(e.sheet));
    const changes: ExportedChange[] = [];
    const steps = e.steps ?? 1;
    for (let k = 0; k < steps; k++) changes.push(...(dir === 'undo' ? this.hf.undo() : this.hf.redo()));
    const sheets = new Set(e.kind === 'cells' ? e.cells.map((c) => c.sheet) : [e.sheet]);
    return { changes, regen: new Set(regen), sheets, structural: new Set(e.kind === 'rows' ? [e.sheet] : []) };
  }

  // ---- back to the model ----

  /** Cached values of formula cells, so the model (and a saved file) shows what the engine computed. */
  private refreshCachedValues(only?: ChangedCell[]): void {
    const visit = (s: SheetModel, r: number, c: number) => {
      const cell = s.cells[r]?.[c];
      if (!cell?.f) return;
      const v = this.getValue(s.name, r, c);
      cell.v = v ?? undefined;
    };
    if (only) {
      for (const ch of only) visit(this.sheet(ch.sheet), ch.row, ch.col);
      return;
    }
    for (const s of this.packet.sheets) s.cells.forEach((row, r) => row.forEach((_c, c) => visit(s, r, c)));
  }

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
      const locate = Array.from({ length: cc.nLoc }, (_x, k) => read(2 + k)).join(',');
      const exprs = Array.from({ length: cc.nExpr }, (_x, k) => read(2 + cc.nLoc + k));
      return { ...d, formula: read(0) || d.formula, locate: locate || d.locate, message: joinMessage(cc.parts, exprs) };
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

const REF = /('(?:[^']|'')+'|[A-Za-z0-9_.\u0080-\uffff]+)!\$?([A-Za-z]{1,3})\$?(\d+)?(?::(?:'(?:[^']|'')+'!|[A-Za-z0-9_.\u0080-\uffff]+!)?\$?([A-Za-z]{1,3})\$?(\d+)?)?/gu;
const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_.\u0080-\uffff]*/gu;

/**
 * The cells a lazy message's placeholders read, from their text: sheet-qualified references and ranges (what
 * the generators write). A defined name, or any other word that is not a function, reads 'all': re-read on
 * every change, which costs time but is never stale.
 */
function messageDeps(exprs: string[]): Dep[] | 'all' {
  const deps: Dep[] = [];
  for (const e of exprs) {
    // string literals are data
    const code = e.replace(/"(?:[^"]|"")*"/g, '""');
    for (const m of code.matchAll(REF)) {
      const sheet = m[1].replace(/^'(.*)'$/su, '$1').replace(/''/g, "'");
      if (!m[3] && !m[4]) return 'all';
      const c1 = colIndex(m[2]);
      const c2 = m[4] ? colIndex(m[4]) : c1;
      // a whole column ($A:$A) has no row numbers
      const r1 = m[3] ? Number(m[3]) - 1 : 0;
      const r2 = m[4] ? (m[5] ? Number(m[5]) - 1 : Number.MAX_SAFE_INTEGER) : r1;
      deps.push({ sheet, top: Math.min(r1, r2), bottom: Math.max(r1, r2), left: Math.min(c1, c2), right: Math.max(c1, c2) });
    }
    const rest = code.replace(REF, ' ');
    for (const w of rest.matchAll(WORD)) {
      if (rest.slice((w.index ?? 0) + w[0].length).trimStart().startsWith('(')) continue;
      if (/^(TRUE|FALSE)$/i.test(w[0])) continue;
      return 'all';
    }
  }
  return deps;
}

/** "APPROX(…)" is a single call: its opening parenthesis closes at the very end (strings skipped). */
function wholeCall(f: string): boolean {
  const open = f.indexOf('(');
  let depth = 0;
  let quote = '';
  for (let i = open; i < f.length; i++) {
    const ch = f[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i === f.length - 1;
  }
  return false;
}

function touches(deps: Dep[], changed: ChangedCell[]): boolean {
  for (const c of changed) for (const d of deps) if (d.sheet === c.sheet && c.row >= d.top && c.row <= d.bottom && c.col >= d.left && c.col <= d.right) return true;
  return false;
}

function ruleSource(_f: Finding, rule: string, g: CheckGroup): boolean {
  return !!g.decl && rule.startsWith(`${g.decl.id}:`);
}

/**
 * A text cell stays text in the engine: a 科目编码 such as "2010301" must not turn into a number, and text
 * that looks like a formula ("=cmd|…") is data, never code. HyperFormula reads a leading apostrophe as "text".
 */
function engineLiteral(v: CellValue): RawCellContent {
  if (typeof v !== 'string') return v;
  if (v.startsWith('=') || v.startsWith("'") || /^[\s+-]*[\d.]/.test(v) || /^(true|false)$/i.test(v.trim())) return `'${v}`;
  return v;
}

/** Edited cells as rectangles: runs of adjacent columns in a row, stacked while the runs line up. */
export function editBlocks(cells: { sheet: string; row: number; col: number; value: CellValue }[]): { sheet: string; row: number; col: number; values: RawCellContent[][] }[] {
  const last = new Map<string, { sheet: string; row: number; col: number; value: CellValue }>();
  for (const c of cells) last.set(`${c.sheet}\u0000${c.row}\u0000${c.col}`, c);
  const sorted = [...last.values()].sort((a, b) => (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row || a.col - b.col));
  const runs: { sheet: string; row: number; col: number; values: RawCellContent[] }[] = [];
  for (const c of sorted) {
    const r = runs[runs.length - 1];
    if (r && r.sheet === c.sheet && r.row === c.row && r.col + r.values.length === c.col) r.values.push(engineLiteral(c.value));
    else runs.push({ sheet: c.sheet, row: c.row, col: c.col, values: [engineLiteral(c.value)] });
  }
  const blocks: { sheet: string; row: number; col: number; values: RawCellContent[][] }[] = [];
  // the block each column span is growing: rows of A:D and I (a gap between) stack as two blocks, not one per row
  const open = new Map<string, (typeof blocks)[number]>();
  for (const r of runs) {
    const k = `${r.sheet}\u0000${r.col}\u0000${r.values.length}`;
    const b = open.get(k);
    if (b && b.row + b.values.length === r.row) b.values.push(r.values);
    else {
      const nb = { sheet: r.sheet, row: r.row, col: r.col, values: [r.values] };
      blocks.push(nb);
      open.set(k, nb);
    }
  }
  return blocks;
}

function emptyResult(): EditResult {
  return { changed: [], added: [], removed: [], updated: [], rejected: [], structural: [] };
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.message === b.message && a.severity === b.severity && a.rounding === b.rounding && a.cells.join() === b.cells.join() && a.sheet === b.sheet;
}

/** What changed between two sets of findings (rule → finding): an EditResult's added/removed/updated. */
export function diffFindings(before: Map<string, Finding>, after: Map<string, Finding>) {
  const added: Finding[] = [];
  const removed: Finding[] = [];
  const updated: Finding[] = [];
  for (const [k, f] of after) {
    const b = before.get(k);
    if (!b) added.push(f);
    else if (!sameFinding(b, f)) updated.push(f);
  }
  for (const [k, f] of before) if (!after.has(k)) removed.push(f);
  return { added, removed, updated };
}

/** 错误 first, then 提示, then 尾数差. */
export function findingRank(f: Finding): number {
  return f.severity === 'error' ? 0 : f.rounding ? 2 : 1;
}

/**
 * The one order of a findings list: by rank, then by sheet (the sheet's position when the caller knows the
 * order its sheets are shown in, else its name), then by rule.
 */
export function sortFindings(list: Finding[], sheetIndex?: (f: Finding) => number): Finding[] {
  const bySheet = sheetIndex ? (a: Finding, b: Finding) => sheetIndex(a) - sheetIndex(b) : (a: Finding, b: Finding) => a.sheet.localeCompare(b.sheet, 'zh');
  return list.sort((a, b) => findingRank(a) - findingRank(b) || bySheet(a, b) || a.rule.localeCompare(b.rule, 'zh'));
}

/** Derived figures: a sum of two-decimal figures carries float noise (3966.6200000000003); six decimals keep the forms' 万元. */
interface Follower {
  d: Derivation;
  /** a 尾数差 figure's distance from its formula, kept as it follows */
  offset: number;
}

/** Which of a cell's formulas it follows first: its own declaration, then its row identity, then a column sum. */
function rank(d: Derivation): number {
  return d.origin === 'cell' ? 0 : d.origin.endsWith(':h') ? 1 : 2;
}

function roundDerived(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function num(v: CellValue): number | null {
  if (v === null || v === '') return 0;
  return typeof v === 'number' ? v : null;
}

/** Blank and 0 are the same figure to a formula; otherwise equal to the sixth decimal. */
function sameFigure(a: CellValue, b: CellValue): boolean {
  if ((a === null || a === '') && (b === null || b === '')) return true;
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return a === b;
  return Math.abs(x - y) < 5e-7;
}

type Agreement = 'exact' | 'rounding' | 'blank' | 'no';

/** 'blank': an empty derived cell whose formula gives a figure; nothing published to protect, so it fills in on an edit. */
function agreement(value: CellValue, computed: CellValue, tol: number): Agreement {
  if (sameFigure(value, computed)) return 'exact';
  if ((value === null || value === '') && typeof computed === 'number') return 'blank';
  const x = num(value);
  const y = num(computed);
  if (x === null || y === null || typeof computed === 'string') return 'no';
  return Math.abs(x - y) <= tol + 1e-9 ? 'rounding' : 'no';
}

/**
 * What a typed, pasted or imported value becomes in `cell`: parsed by the kind the template declares
 * (kinds.ts); refused when the kind cannot hold it. A cell without a declared kind (a packet that predates
 * kinds) is read by its number format as before.
 */
export function parseCellInput(v: CellValue, cell: { kind?: string }, numFmt: string | undefined): { ok: true; value: CellValue } | { ok: false; kind: CellKind; want: string } {
  if (isCellKind(cell.kind)) {
    const p = parseByKind(cell.kind, v);
    return p.ok ? p : { ok: false, kind: cell.kind, want: p.want };
  }
  return { ok: true, value: normalizeValue(v, numFmt) };
}

/** A value for a cell: by its declared kind when `kind` is given (a refused text stays text, for the type finding), else by number format. */
export function normalizeValue(v: CellValue, numFmt: string | undefined, kind?: string): CellValue {
  if (isCellKind(kind)) {
    const p = parseByKind(kind, v);
    return p.ok ? p.value : typeof v === 'string' && v.trim() === '' ? null : v;
  }
  if (typeof v === 'string') {
    // amounts and counts take accountant notation; text cells (科目编码, names, reasons) keep what was typed
    if (isNumericFormat(numFmt)) return parseUserInput(v);
    return v.trim() === '' ? null : v;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

function blankRowLike(row: (Cell | null)[]): (Cell | null)[] {
  // the kind goes with the row; a 运算公式 does not (its references are the source row's)
  return row.map((c) => (c ? { ...(c.s !== undefined ? { s: c.s } : {}), ...(c.input ? { input: true } : {}), ...(c.kind ? { kind: c.kind } : {}) } : null));
}

function shiftMerges(merges: string[], row: number, delta: number): string[] {
  const out: string[] = [];
  for (const m of merges) {
    const [a, b] = m.split(':');
    const pa = /^([A-Z]+)(\d+)$/.exec(a)!;
    const pb = /^([A-Z]+)(\d+)$/.exec(b ?? a)!;
    let top = Number(pa[2]) - 1;
    let bottom = Number(pb[2]) - 1;
    if (delta < 0) {
      const end = row - delta;
      if (top >= row && bottom < end) continue;
      if (top >= end) top += delta;
      else if (top >= row) top = row;
      if (bottom >= end) bottom += delta;
      else if (bottom >= row) bottom = row - 1;
      if (bottom < top) continue;
    } else {
      if (top >= row) top += delta;
      if (bottom >= row) bottom += delta;
    }
    out.push(`${pa[1]}${top + 1}:${pb[1]}${bottom + 1}`);
  }
  return out;
}

/** A new row takes the look and the input flags of the row it is inserted at (or the one above at the end). */
export function insertModelRows(s: SheetModel, row: number, count: number, likeRow?: number): void {
  const like = (likeRow !== undefined ? s.cells[likeRow] : undefined) ?? s.cells[row] ?? s.cells[row - 1] ?? [];
  const rows = Array.from({ length: count }, () => blankRowLike(like));
  s.cells.splice(row, 0, ...rows);
  s.rowHeights.splice(row, 0, ...Array.from({ length: count }, () => s.rowHeights[row] ?? s.rowHeights[row - 1]));
  s.merges = shiftMerges(s.merges, row, count);
  if (s.keep) s.keep = shiftKeptRows(s.keep, row, count);
}

export function removeModelRows(s: SheetModel, row: number, count: number): void {
  s.cells.splice(row, count);
  s.rowHeights.splice(row, count);
  s.merges = shiftMerges(s.merges, row, -count);
  if (s.keep) s.keep = shiftKeptRows(s.keep, row, -count);
}

function restoreRows(s: SheetModel, snap: ModelRows): void {
  s.cells = snap.cells.map((r) => r.map((c) => (c ? { ...c } : null)));
  s.rowHeights = [...snap.heights];
  s.merges = [...snap.merges];
  s.keep = snap.keep;
}

export { quoteSheet, splitLocate };

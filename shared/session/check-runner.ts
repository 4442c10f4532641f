/**
 * The checks of an open packet: declarations compiled into check sheets of the one HyperFormula instance
 * (strict and tolerant twins), read back into findings, re-expanded when the rows they cover move, and the
 * type findings (text in a number cell). The findings of the session live here.
 */
import { DetailedCellError, type ExportedChange, type RawCellContent } from 'hyperformula';
import { a1, colIndex, parseSheetRange } from '../a1.js';
import { declarationCodeColumn, declarationTables, expandDeclaration, parseParams, type ConcreteCheck } from '../checks.js';
import { formatMessageFigures, formatMessageNumber } from '../format.js';
import { splitMessage, strictVariant } from '../formula.js';
// the forms register their 指标 check kind with checks.ts, the catalog its 科目 kind; declarations are expanded here
import '../forms/rules.js';
import '../catalog/checks.js';
import { isCellKind, isNumericKind } from '../kinds.js';
import { capPlaceholder } from '../safety/formulas.js';
import type { CheckDef, SheetModel } from '../model.js';
import { isNumericFormat } from './cell-input.js';
import { OnCore } from './core.js';
import type { ChangedCell, EditResult, Finding } from './types.js';

export interface CompiledCheck {
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
  /**
   * one APPROXSTATE cell stands for the check and its strict twin (0 exact, 1 尾数差, 2 fails); 'all': the check
   * is AND(APPROX(…),…) and its cell MAX(APPROXSTATE(…),…)
   */
  state?: boolean | 'all';
  /**
   * A lazy 公式 check (the 审核 sheet's own): its locators read as the engine would print them. Its placeholders
   * and locators go into the engine (cells 2…) only when a row move must shift them: see CheckRunner.promote.
   */
  declared?: boolean;
}

/** A block of cells a lazy message reads: a change inside it re-reads the message of a failing check. */
interface Dep {
  sheet: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface CheckGroup {
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

export const FORMULA_GROUP = '__审核';

export class CheckRunner extends OnCore {
  groups: CheckGroup[] = [];
  current = new Map<string, Finding>();

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
  /**
   * `lazy`: only the check itself (and its strict twin) goes into the engine; placeholders and locators stay
   * text until the check fails. The 审核 sheet's own checks keep theirs in the engine, whose row moves keep
   * their references right (they are never re-expanded).
   */
  compileGroup(checks: ConcreteCheck[], lazy: boolean, declared = false): { content: RawCellContent[][]; checks: CompiledCheck[] } {
    const content: RawCellContent[][] = [];
    const out: CompiledCheck[] = [];
    for (const check of checks) {
      const tol = this.tr.toEngine(check.formula);
      const strict = strictVariant(tol);
      const { parts, exprs } = splitMessage(check.message);
      if (lazy) {
        // a generated check that is one APPROX call reads both ways from one cell, its sums evaluated once
        const one = /^=APPROX\(/.test(tol) && wholeCall(tol.slice(1));
        // AND of APPROX calls (a form's 资金合计): the largest state stands for all of them, still one cell
        const all = one ? undefined : approxArgs(tol);
        const state = one ? `=APPROXSTATE(${tol.slice(8)}` : all ? `=MAX(${all.map((a) => `APPROXSTATE(${a.slice(7)}`).join(',')})` : undefined;
        content.push(state ? [state] : strict === tol ? [tol] : [tol, strict]);
        out.push({
          check, nLoc: check.locate.length, parts, nExpr: exprs.length, hasTol: strict !== tol && !state, lazy: { exprs },
          state: one || (all ? 'all' : false), ...(declared ? { declared } : {}),
        });
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
    if (!cc.locs && cc.lazy) {
      // a 公式 check's locator as its engine cell printed it (eagerly compiled before issue 17): normalised by HyperFormula
      cc.locs = cc.check.locate.map((l) => this.resolveName(this.tr.fromEngine(cc.declared ? this.normalized(l) : this.tr.toEngine(l))));
    }
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

  private normalized(text: string): string {
    try {
      return this.hf.normalizeFormula(this.tr.toEngine(text));
    } catch {
      // an engine cell holding text it cannot parse prints it back as written
      return this.tr.toEngine(text);
    }
  }

  /**
   * Before rows of `sheet` move: the lazy 公式 checks whose placeholders or locators name that sheet get them
   * into the engine (cells 2… of their row, as eagerly compiled checks have them), so HyperFormula shifts them
   * with the move exactly as it shifts any formula. Call inside the move's batch, before the move. Returns the
   * 公式 group's checks after (new objects: an undo entry keeps the array it had before).
   */
  promote(sheet: string): CompiledCheck[] | undefined {
    const g = this.groups.find((x) => x.hfName === FORMULA_GROUP);
    if (!g) return undefined;
    // sheet names compare without case, as in Excel and HyperFormula (Sheet1!A1 and SHEET1!A1 are one cell)
    const bare = `${sheet.toLowerCase()}!`;
    const quoted = `${sheet.replace(/'/g, "''").toLowerCase()}'!`;
    const names = (t: string) => {
      const l = t.toLowerCase();
      return l.includes(bare) || l.includes(quoted);
    };
    let next: CompiledCheck[] | undefined;
    g.checks.forEach((cc, i) => {
      if (!cc.declared || !cc.lazy) return;
      const texts = [...cc.check.locate, ...cc.lazy.exprs];
      if (!texts.some(names)) return;
      this.hf.setCellContents({ sheet: g.hfId, row: i, col: 2 }, [texts.map((t) => this.tr.toEngine(t))]);
      next ??= [...g.checks];
      const { lazy: _lazy, locs: _locs, ...live } = cc;
      next[i] = live;
    });
    if (next) g.checks = next;
    return next;
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
  check(g: CheckGroup, i: number): void {
    const r = this.evaluate(g, i);
    this.store(r);
    if (!g.lazy) return;
    if (r.finding) g.failing.add(i);
    else g.failing.delete(i);
  }

  // ---- type findings: text in a number cell ----

  typeRule(sheet: string, row: number, col: number): string {
    return `类型:${sheet}!${a1(row, col)}`;
  }

  typeFinding(s: SheetModel, row: number, col: number): Finding | null {
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

  scanTypes(s: SheetModel): void {
    s.cells.forEach((row, r) => row.forEach((_c, c) => {
      const f = this.typeFinding(s, r, c);
      if (f) this.current.set(f.rule, f);
    }));
  }

  declarationsTouched(cells: { sheet: string; col: number }[]): CheckGroup[] {
    return this.groups.filter((g) => {
      if (!g.decl) return false;
      const tables = declarationTables(g.decl);
      const codeCol = declarationCodeColumn(g.decl);
      const nameCol = colIndex(parseParams(g.decl.params)['名称列'] ?? 'B');
      return cells.some((c) => tables.includes(c.sheet) && (c.col === codeCol || c.col === nameCol));
    });
  }

  /** Re-expand a declaration over the rows that exist now and replace its compiled sheet. */
  regenerate(g: CheckGroup): void {
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

  afterChange(changes: ExportedChange[], regen: CheckGroup[], before: Map<string, Finding>, structural: string[]): EditResult {
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

  forgetLocators(): void {
    for (const g of this.groups) for (const c of g.checks) delete c.locs;
  }

  rescanTypes(sheet: string): void {
    for (const rule of [...this.current.keys()]) if (rule.startsWith(`类型:${sheet}!`)) this.current.delete(rule);
    this.scanTypes(this.sheet(sheet));
  }

  /** Cached values of formula cells, so the model (and a saved file) shows what the engine computed. */
  refreshCachedValues(only?: ChangedCell[]): void {
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

/**
 * The arguments of "=AND(APPROX(…),APPROX(…),…)" when every one is a whole APPROX call (their strict and tolerant
 * readings are then the largest of their APPROXSTATE values); undefined for any other formula.
 */
function approxArgs(f: string): string[] | undefined {
  if (!/^=AND\(APPROX\(/.test(f)) return undefined;
  const call = callAt(f, 4);
  if (!call || call.end !== f.length - 1) return undefined;
  return call.args.every((a) => a.startsWith('APPROX(') && wholeCall(a)) ? call.args : undefined;
}

/** "APPROX(…)" is a single call: its opening parenthesis closes at the very end (strings skipped). */
function wholeCall(f: string): boolean {
  return callAt(f, f.indexOf('('))?.end === f.length - 1;
}

/** The call whose opening parenthesis is at `open`: its top-level arguments and where it closes (strings skipped). */
function callAt(f: string, open: number): { args: string[]; end: number } | undefined {
  if (open < 0 || f[open] !== '(') return undefined;
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = open + 1;
  for (let i = open; i < f.length; i++) {
    const ch = f[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ',' && depth === 1) {
      args.push(f.slice(start, i));
      start = i + 1;
    } else if (ch === ')' && --depth === 0) {
      args.push(f.slice(start, i));
      return { args, end: i };
    }
  }
  return undefined;
}

function touches(deps: Dep[], changed: ChangedCell[]): boolean {
  for (const c of changed) for (const d of deps) if (d.sheet === c.sheet && c.row >= d.top && c.row <= d.bottom && c.col >= d.left && c.col <= d.right) return true;
  return false;
}

function ruleSource(_f: Finding, rule: string, g: CheckGroup): boolean {
  return !!g.decl && rule.startsWith(`${g.decl.id}:`);
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

/**
 * 运算: the derived cells of a packet and the formulas they follow. A derived cell is an input cell (a
 * published total may differ from the sum of its rounded lines) that carries a 运算公式:
 *   - declared on the cell itself by the template (data validation input message "运算：=SUM(C7:C14)",
 *     read into Cell.calc; references are relative to the cell's own sheet), e.g. 01表 本年收入合计,
 *     06表 class rows, a form's 执行率;
 *   - or derived from a 层级 declaration of the 审核 sheet: 类 = Σ款, 款 = Σ项, 合计 = Σ类 in every
 *     金额列, and each 行等式 whose one side is a single column (C=D+E: C follows D and E);
 *   - or from a form's 指标 declaration: its 执行率得分 (the scoring rule's formula on 自评评分规则) and its
 *     总分 of 分值 and 得分 (执行率 row + Σ indicator rows).
 * The engine evaluates the formulas with HyperFormula; this module only says which cells follow what.
 */
import { a1, colIndex } from './a1.js';
import { codeRows, parseParams, totalRow } from './checks.js';
import { sheetByName, type Packet, type SheetModel } from './model.js';
import { formLayout, SCORE_TOLERANCE } from './forms/layout.js';
import { PROFILE_SHEET, scoreFormula } from './forms/profiles.js';

export interface Derivation {
  sheet: string;
  row: number;
  col: number;
  /** Excel formula without '=', references relative to `sheet` */
  formula: string;
  /** the cells of `sheet` the formula reads (for the order of recomputation) */
  refs: { row: number; col: number }[];
  /** agreement allowance (尾数差): |value − formula| ≤ tol counts as agreeing */
  tol: number;
  /** 'cell' declared on the cell; '层级:<id>:v' / ':h' from a 层级 declaration (vertical sum / row identity) */
  origin: string;
  /** other sheets whose edits move the formula through formula cells it reads (a form's 总分: 自评评分规则) */
  upstream?: string[];
}

const REF_RE = /(?<![A-Za-z0-9_.!'\u0080-\uffff])\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?(?![A-Za-z0-9_(\u0080-\uffff])/g;

/** Same-sheet cells a formula reads: "SUM(C7:C14)+C16" → C7…C14, C16 (strings skipped). */
export function formulaRefs(formula: string): { row: number; col: number }[] {
  const out: { row: number; col: number }[] = [];
  const noStrings = formula.replace(/"(?:[^"]|"")*"/g, '""');
  for (const m of noStrings.matchAll(REF_RE)) {
    const r1 = Number(m[2]) - 1;
    const c1 = colIndex(m[1]);
    const r2 = m[4] ? Number(m[4]) - 1 : r1;
    const c2 = m[3] ? colIndex(m[3]) : c1;
    // a whole-table range would be thousands of cells; a 运算公式 reads a block of a few dozen at most
    if ((Math.abs(r2 - r1) + 1) * (Math.abs(c2 - c1) + 1) > 5000) continue;
    for (let r = Math.min(r1, r2); r <= Math.max(r1, r2); r++) for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) out.push({ row: r, col: c });
  }
  return out;
}

/** The default 尾数差 allowance of a formula over k rounded figures: (k + 1) × 0.005, as the APPROX checks. */
export function defaultTolerance(refCount: number): number {
  return (refCount + 1) * 0.005;
}

function cellDerivations(s: SheetModel): Derivation[] {
  const out: Derivation[] = [];
  s.cells.forEach((row, r) => row.forEach((c, col) => {
    if (!c?.calc || !c.input) return;
    const refs = formulaRefs(c.calc);
    out.push({ sheet: s.name, row: r, col, formula: c.calc, refs, tol: c.calcTol ?? defaultTolerance(refs.length), origin: 'cell' });
  }));
  return out;
}

function columns(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(/[,，]/)) {
    const [a, b] = part.trim().split(':');
    if (!/^[A-Za-z]{1,3}$/.test(a ?? '') || (b !== undefined && !/^[A-Za-z]{1,3}$/.test(b))) return [];
    for (let c = colIndex(a); c <= colIndex(b ?? a); c++) out.push(c);
  }
  return out;
}

function side(s: string): [number, number][] {
  const terms: [number, number][] = [];
  for (const m of s.matchAll(/([+-]?)\s*([A-Za-z]{1,3})/g)) terms.push([m[2] && m[1] === '-' ? -1 : 1, colIndex(m[2])]);
  return terms;
}

function linear(row: number, terms: [number, number][]): string {
  return terms.map(([sign, col], i) => `${sign < 0 ? '-' : i ? '+' : ''}N(${a1(row, col)})`).join('');
}

/** 类 = Σ款, 款 = Σ项, 合计 = Σ类 and the single-column 行等式 of one 层级 declaration, over the rows present now. */
function hierarchyDerivations(packet: Packet, id: string, params: string, only?: string): Derivation[] {
  const p = parseParams(params);
  const sheetName = p['表'];
  if (!sheetName || (only && only !== sheetName)) return [];
  const s = sheetByName(packet, sheetName);
  if (!s) return [];
  const codeCol = colIndex(p['编码列'] ?? 'A');
  const nameCol = colIndex(p['名称列'] ?? 'B');
  const valueCols = columns(p['金额列'] ?? '');
  const headerRow = p['表头行'] ? Number(p['表头行']) - 1 : undefined;
  const tRow = totalRow(s, codeCol, nameCol, p['合计行'] ?? '合计');
  const firstRow = tRow !== undefined ? tRow + 1 : headerRow !== undefined ? headerRow + 1 : 0;
  const rows = codeRows(s, codeCol, nameCol, firstRow);
  const kids = new Map<string, number[]>();
  for (const r of rows) {
    if (r.code.length === 3) continue;
    const parent = r.code.slice(0, -2);
    kids.set(parent, [...(kids.get(parent) ?? []), r.row]);
  }
  const out: Derivation[] = [];
  const isInput = (r: number, c: number) => !!s.cells[r]?.[c]?.input;
  const vertical = (row: number, col: number, from: number[]) => {
    if (!from.length || !isInput(row, col)) return;
    out.push({
      sheet: sheetName, row, col, origin: `层级:${id}:v`,
      formula: from.map((r) => `N(${a1(r, col)})`).join('+'),
      refs: from.map((r) => ({ row: r, col })),
      tol: defaultTolerance(from.length),
    });
  };
  for (const col of valueCols) {
    for (const r of rows) if (r.code.length < 7) vertical(r.row, col, kids.get(r.code) ?? []);
    if (tRow !== undefined) vertical(tRow, col, rows.filter((r) => r.code.length === 3).map((r) => r.row));
  }
  const lines = [...(tRow !== undefined ? [tRow] : []), ...rows.map((r) => r.row)];
  for (const spec of (p['行等式'] ?? '').split(/[,，]/).map((x) => x.trim()).filter(Boolean)) {
    const [l, r] = spec.split('=');
    if (r === undefined) continue;
    const lhs = side(l);
    const rhs = side(r);
    // the single, positive column is the one that follows; "C+D-E=H": H = C+D-E
    const [target, terms] = lhs.length === 1 && lhs[0][0] > 0 ? [lhs[0][1], rhs] : rhs.length === 1 && rhs[0][0] > 0 ? [rhs[0][1], lhs] : [undefined, []];
    if (target === undefined) continue;
    for (const row of lines) {
      if (!isInput(row, target)) continue;
      out.push({
        sheet: sheetName, row, col: target, origin: `层级:${id}:h`,
        formula: linear(row, terms),
        refs: terms.map(([, c]) => ({ row, col: c })),
        tol: defaultTolerance(terms.length),
      });
    }
  }
  return out;
}

/**
 * A form's 总分 (分值 and 得分) from its 指标 declaration: the 执行率 row's figure + Σ the indicator rows, over the
 * rows present now (a 三级指标 row inserted or removed is counted without rewriting any formula). The same
 * relation as the 总分 check, so a printed total the checks accept is one that agrees here.
 */
function formTotalDerivations(packet: Packet, id: string, params: string, only?: string): Derivation[] {
  const name = parseParams(params)['表'];
  if (!name || (only && only !== name)) return [];
  const s = sheetByName(packet, name);
  const l = s ? formLayout(s) : undefined;
  if (!s || !l || typeof l === 'string') return [];
  const out: Derivation[] = [];
  const fund = l.fundRows[0].row;
  const fc = l.fundCols;
  // the 执行率得分: the scoring rule's formula over A, B and 分值, reading the profile on 自评评分规则 (the same
  // expression as the 执行率得分 check, so a printed figure the check accepts is one that agrees here)
  if (s.cells[fund]?.[fc.score]?.input) {
    const formula = scoreFormula(a1(fund, fc.A), a1(fund, fc.B), a1(fund, fc.weight));
    out.push({ sheet: name, row: fund, col: fc.score, formula, refs: formulaRefs(formula), tol: SCORE_TOLERANCE, origin: `指标:${id}:执行率得分`, upstream: [PROFILE_SHEET] });
  }
  for (const [fundCol, col] of [[l.fundCols.weight, l.indCols.weight], [l.fundCols.score, l.indCols.score]]) {
    if (!s.cells[l.totalRow]?.[col]?.input) continue;
    const refs = [{ row: fund, col: fundCol }, ...l.indRows.map((row) => ({ row, col }))];
    // a packet saved before the 执行率得分 was a 运算 cell holds it as a formula: an edit of its A, B or 分值
    // moves the total through it (a 运算 执行率得分 is a derivation above, reached through its own cell)
    const f = s.cells[fund]?.[fundCol]?.f;
    if (f) refs.push(...formulaRefs(f));
    const rows = l.indRows.length ? `+SUM(${a1(l.indRows[0], col)}:${a1(l.indRows[l.indRows.length - 1], col)})` : '';
    // the 执行率得分 it adds is the scoring rule's formula: a switch of rule on 自评评分规则 moves this total too
    out.push({ sheet: name, row: l.totalRow, col, formula: `N(${a1(fund, fundCol)})${rows}`, refs, tol: SCORE_TOLERANCE, origin: `指标:${id}`, ...(fundCol === l.fundCols.score ? { upstream: [PROFILE_SHEET] } : {}) });
  }
  return out;
}

/** Every derivation of the packet, or of one sheet. */
export function derivations(packet: Packet, sheet?: string): Derivation[] {
  const out: Derivation[] = [];
  for (const s of packet.sheets) if (!sheet || s.name === sheet) out.push(...cellDerivations(s));
  for (const d of packet.checks) {
    if (d.kind === '层级') out.push(...hierarchyDerivations(packet, d.id, d.params, sheet));
    else if (d.kind === '指标') out.push(...formTotalDerivations(packet, d.id, d.params, sheet));
  }
  return out;
}

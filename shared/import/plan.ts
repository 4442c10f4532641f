/**
 * Planning an import: every figure of every recognised source sheet is matched to a packet cell (by row key
 * and header), converted to 万元, and either planned as an edit, planned as a check against a computed cell,
 * or listed as not placed with the reason. Nothing is written here; `applyPlan` does that on confirmation.
 */
import { a1, colLetters } from '../a1.js';
import type { PacketSession } from '../engine.js';
import { META_SHEET, type CellValue, type Packet } from '../model.js';
import { sheetOfRole, tableRoles, type TableRole } from '../roles.js';
import { PROFILE_SHEET } from '../forms/profiles.js';
import { SUMMARY_SHEET } from '../forms/summary.js';
import {
  hasFigure, isFooterRow, isNumberRow, keyString, ONE_ROW, rowKey, segmentGrid, sourceGrid, type Panel, type CodeState, type Column, type Grid, type Layout, type RowKey,
} from './layout.js';
import { FORM, recognize, segments, sourceLayout, titleCandidates, titleFacts, type Recognition, type TitleFacts } from './recognize.js';
import type { ImportMode, ImportReport, NotPlacedCell, Overwrite, SheetReport, UnitConversion } from './report.js';
import { summarize } from './report.js';
import { planForm, type PlannedForm } from './forms.js';
import type { SourceBook, SourceSheet, SourceValue } from './source.js';
import { vocabulary, type Vocabulary } from './vocabulary.js';
import { analyzeTargets, type TargetCell, type TargetTable } from './target.js';
import { cleanName, headerAlias, labelKey, parseAmount, parseCode, shortText, textOf, round2, toWan, UNIT_FACTOR, type Unit } from './text.js';
import { contextAfter, declaredCatalog, resolveName, type NameContext } from '../catalog/names.js';

export type ImportPhase = '读取文件' | '识别表格' | '匹配单元格' | '插入科目行' | '写入公开包' | '计算上年数' | '完成';

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
  /** 0 … 1 over the whole import, for a progress bar */
  fraction: number;
}

export type ProgressFn = (p: ImportProgress) => void;

export interface PlannedCell {
  sheet: string;
  /** the row at planning time; -1 for a 科目 row that the import adds */
  row: number;
  /** the 科目 row's code, resolved again when the plan is applied (rows may have been inserted) */
  code?: string;
  codeCol?: number;
  col: number;
  value: CellValue;
  kind: 'amount' | 'code' | 'name' | 'info' | 'prior';
  source: string;
  /** index into report.sheets (-1: not from a sheet) */
  report: number;
  rowLabel: string;
  column: string;
  before: CellValue;
}

export interface PlannedCheck {
  sheet: string;
  row: number;
  code?: string;
  codeCol?: number;
  col: number;
  expected: number;
  source: string;
  report: number;
  rowLabel: string;
  column: string;
  raw: SourceValue;
}

export interface PlannedRows {
  sheet: string;
  report: number;
  codeCol: number;
  nameCol: number;
  /** every input column of a 科目 row (code, name, amounts) */
  inputCols: number[];
  dataTop: number;
  /** new codes, in code order */
  codes: string[];
}

export interface ImportPlan {
  report: ImportReport;
  cells: PlannedCell[];
  checks: PlannedCheck[];
  rows: PlannedRows[];
  /** 自评表 to replace or add (applied to the packet outside the session) */
  forms?: PlannedForm[];
  /** the vocabulary the plan was made with (applying it reads the same words) */
  vocabulary?: Vocabulary;
}

/** Let the UI paint between chunks; shared/ has no timer types, so reach the host's through globalThis. */
export function tick(): Promise<void> {
  const st = (globalThis as unknown as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  return st ? new Promise((res) => st(res, 0)) : Promise.resolve();
}

export function emptyReport(file: string, format: ImportReport['format'], mode: ImportMode): ImportReport {
  const r: ImportReport = { file, format, mode, applied: false, sheets: [], overwrites: [], notes: [], summary: undefined as never };
  r.summary = summarize(r);
  return r;
}

function newSheetReport(s: SourceSheet): SheetReport {
  return {
    sheet: s.name,
    hidden: s.hidden,
    table: null,
    title: null,
    recognizedBy: null,
    unit: null,
    rowsPlaced: 0,
    rowsInserted: [],
    rowsKept: [],
    columns: [],
    cellsPlaced: 0,
    cellsVerified: 0,
    cellsCleared: 0,
    notPlaced: [],
    notes: [],
  };
}

function ref(sheet: string, r: number, c: number): string {
  return `${sheet}!${a1(r, c)}`;
}

function sameValue(a: CellValue, b: CellValue): boolean {
  const na = a === '' ? null : a;
  const nb = b === '' ? null : b;
  if (na === nb) return true;
  if (typeof na === 'number' && typeof nb === 'number') return Math.abs(na - nb) < 1e-9;
  if (na !== null && nb !== null) {
    const pa = parseAmount(na as SourceValue);
    const pb = parseAmount(nb as SourceValue);
    if (pa.kind === 'number' && pb.kind === 'number') return Math.abs(pa.n - pb.n) < 1e-9;
    return String(na).trim() === String(nb).trim();
  }
  return false;
}

function header(c: Column): string {
  return c.parts.join('/');
}

/** How well a source column's header names a packet column: 0 = not at all. */
export function headerScore(s: Column, t: Column): number {
  const sl = s.canon[s.canon.length - 1];
  const tl = t.canon[t.canon.length - 1];
  if (!sl || !tl) return 0;
  let score: number;
  if (sl === tl) score = 2;
  else if (headerAlias(sl) === headerAlias(tl)) score = 1;
  // a one-list source names the panel (人员经费) where the set names the panel above its 金额 column
  else if (s.canon.length === 1 && !s.inherited && t.canon.slice(0, -1).some((p) => headerAlias(p) === headerAlias(sl))) return 1;
  else return 0;
  const sp = s.canon.slice(0, -1);
  const tp = t.canon.slice(0, -1).map(headerAlias);
  if (sp.some((p) => tp.includes(headerAlias(p)))) score += 2;
  if (s.canon.join('/') === t.canon.join('/')) score += 1;
  return score;
}

/** A source value that is an amount: a number, or a number written ambiguously ("1 234,56"). */
function isAmount(v: SourceValue): boolean {
  const p = parseAmount(v);
  return p.kind === 'number' || (p.kind === 'text' && !!p.ambiguous);
}

/**
 * Every figure of a sheet that is not imported at all, so the report still names it. A 栏次 row's numbers and
 * a 科目编码 are figures the report names, but not amounts.
 */
function listFigures(g: Grid, fromRow: number, reason: string, out: NotPlacedCell[], figuresOnly: boolean): void {
  for (let r = Math.max(fromRow, g.top ?? 0); r < g.rowCount; r++) {
    const numbers = isNumberRow(g, r);
    for (let c = 0; c < g.colCount; c++) {
      const v = g.raw(r, c);
      if (v === null) continue;
      const p = parseAmount(v);
      if (figuresOnly && p.kind !== 'number') continue;
      out.push({ cell: ref(g.name, r, c), value: typeof v === 'string' ? shortText(v, 60) : v, reason, amount: !numbers && isAmount(v) && !parseCode(v) });
    }
  }
}

interface SheetContext {
  session: PacketSession;
  plan: ImportPlan;
  mode: ImportMode;
  reportIndex: number;
}

interface NewRow {
  code: string;
  name: string;
  cells: TargetCell[];
  source: string;
}

/** What one packet table has taken so far: a table continued over several sheets shares it. */
export interface TableState {
  used: Set<TargetCell>;
  newRows: Map<string, NewRow>;
  plannedNames: Set<string>;
  seenCodes: Set<string>;
}

export function newTableState(): TableState {
  return { used: new Set(), newRows: new Map(), plannedNames: new Set(), seenCodes: new Set() };
}

async function planTable(g: Grid, t: TargetTable, layout: Layout, facts: TitleFacts, rep: SheetReport, ctx: SheetContext, progress: (rows: number) => Promise<void>, state: TableState = newTableState()): Promise<void> {
  const { session, plan } = ctx;
  const { used, plannedNames, seenCodes } = state;
  const newRows = new Map<string, NewRow>();
  const placedRows = new Set<string>();
  const colStats = new Map<number, { targets: Map<string, number>; targetHeaders: Set<string>; placed: number; notPlaced: number }>();
  const stat = (c: number) => {
    let s = colStats.get(c);
    if (!s) colStats.set(c, (s = { targets: new Map(), targetHeaders: new Set(), placed: 0, notPlaced: 0 }));
    return s;
  };
  const unitStat: UnitConversion = {
    unit: facts.unit,
    from: facts.unitText ? `标题行「${facts.unitText}」` : '未注明',
    factor: UNIT_FACTOR[facts.unit ?? '万元'],
    converted: 0,
    rounded: 0,
  };
  const current = (r: number, c: number): CellValue => (r < 0 ? null : (session.sheet(t.sheet).cells[r]?.[c]?.v ?? null));
  const notPlaced = (r: number, c: number, value: SourceValue, reason: string, key?: RowKey | null, col?: Column) => {
    rep.notPlaced.push({
      cell: ref(g.name, r, c),
      value: typeof value === 'string' ? shortText(value, 60) : (value ?? ''),
      reason,
      ...(key ? { row: key.code ? `${key.code}${key.name ? ' ' + key.name : ''}` : key.name } : {}),
      ...(col && col.parts.length ? { column: header(col) } : {}),
      amount: isAmount(value),
    });
    if (col) stat(col.col).notPlaced++;
  };
  const pushCell = (cell: Omit<PlannedCell, 'before' | 'report'>) => {
    const before = cell.row >= 0 ? current(cell.row, cell.col) : null;
    plan.cells.push({ ...cell, before, report: ctx.reportIndex });
  };
  const variablePanel = t.variable?.panel;

  // a fixed table written across (三公 as 合计 | 因公出国（境）费 | … over 预算数 | 决算数, one row of figures):
  // each column's group header names the row, its own header the column
  const across = t.variable ? null : acrossColumns(t, layout);
  if (across) {
    rep.notes.push(`本表按列排列（${across.size} 列，各列的上层表头是行名），已按行名和栏目对应。`);
    let rows = 0;
    for (let r = layout.dataTop; r < g.rowCount; r++) {
      if (isNumberRow(g, r)) continue;
      const figures = [...across.keys()].filter((c) => parseAmount(g.raw(r, c)).kind !== 'blank');
      if (!figures.length) continue;
      rows++;
      for (const [col, { vc, label, leaf }] of across) {
        const raw = g.raw(r, col);
        const parsed = parseAmount(raw);
        if (parsed.kind === 'blank') continue;
        const key: RowKey = { label, name: label };
        if (rows > 1) {
          notPlaced(r, col, raw, '按列排列的表只能有一行数，本行之前已有一行数，无法确定放在哪一行', key, vc);
          continue;
        }
        const candidates = t.byKey.get(`@${label}`) ?? [];
        const probe: Column = { ...vc, parts: [leaf], canon: [leaf] };
        let best = 0;
        for (const c of candidates) best = Math.max(best, headerScore(probe, c.column));
        const tc = best ? candidates.find((c) => !used.has(c) && headerScore(probe, c.column) === best) : undefined;
        if (!tc) {
          notPlaced(r, col, raw, best ? `「${label}」的「${leaf}」在本表中出现不止一次，已按第一次出现的导入` : `表头「${header(vc)}」在${t.sheet}中没有对应的栏目`, key, vc);
          continue;
        }
        if (parsed.kind === 'text') {
          notPlaced(r, col, raw, textReason(parsed), key, vc);
          continue;
        }
        used.add(tc);
        const unit: Unit = vc.unit ?? facts.unit ?? '万元';
        const value = tc.money ? toWan(parsed.n, unit) : parsed.n;
        if (tc.money && unit !== '万元') unitStat.converted++;
        const st = stat(col);
        st.targets.set(colLetters(tc.col), (st.targets.get(colLetters(tc.col)) ?? 0) + 1);
        st.targetHeaders.add(header(tc.column));
        st.placed++;
        const rowLabel = tc.name || label;
        if (tc.formula) {
          rep.cellsToVerify = (rep.cellsToVerify ?? 0) + 1;
          plan.checks.push({ sheet: t.sheet, row: tc.row, col: tc.col, expected: value, source: ref(g.name, r, col), report: ctx.reportIndex, rowLabel, column: header(tc.column), raw });
          continue;
        }
        pushCell({ sheet: t.sheet, row: tc.row, col: tc.col, value, kind: 'amount', source: ref(g.name, r, col), rowLabel, column: header(tc.column) });
        rep.cellsPlaced++;
        placedRows.add(String(tc.row));
      }
    }
    rep.rowsPlaced = placedRows.size;
    rep.unit = unitStat;
    for (const [col, st] of colStats) {
      const c = layout.columns[col];
      rep.columns.push({ source: colLetters(col), header: c ? header(c) : '', targets: [...st.targets.keys()], ...(st.targetHeaders.size ? { targetHeader: [...st.targetHeaders].join('、') } : {}), placed: st.placed, notPlaced: st.notPlaced });
    }
    await progress(rowsTotalOf(g, layout));
    return;
  }

  const rowsTotal = Math.max(0, g.rowCount - layout.dataTop);
  let sinceTick = 0;
  const states = new Map(layout.panels.map((p) => [p, { lei: null, kuan: null } as CodeState]));
  const inferred = new Map<Panel, { lei: string | null; kuan: string | null }>();
  const inferable = inferableColumns(g, t, layout);
  for (const [col, ok] of inferable) rep.notes.push(ok
    ? `${colLetters(col)}列没有自己的表头，按左右各栏推定，其各行之和与本列合计相符。`
    : `${colLetters(col)}列没有自己的表头，其各行之和与本列合计不符，未推定栏目。`);
  const inferredRows: string[] = [];
  // names only (no 科目编码 column at all): the set's catalog gives each name its code (issue 12 point 1, issue 16)
  const catalog = t.variable ? declaredCatalog(session.packet) : null;
  const nameCtx = new Map<Panel, NameContext>();
  const footers = vocabulary().footers ?? [];
  const oneRow = t.byKey.has(keyString(ONE_ROW));
  let oneRowSource: number | null = null;
  for (let r = layout.dataTop; r < g.rowCount; r++) {
    if (++sinceTick >= 500) {
      sinceTick = 0;
      await progress(r - layout.dataTop);
    }
    if (isNumberRow(g, r) || isFooterRow(g, r, footers)) continue;
    for (const p of layout.panels) {
      let key = rowKey(g, p, r, states.get(p)!);
      if (!key && oneRow && !p.label && !p.codeCols.length && hasFigure(g, r, new Set())) {
        // a source written the same way (one unlabelled row of figures): its first such row is that row
        if (oneRowSource !== null && oneRowSource !== r) {
          for (const vc of p.values) {
            const v = g.raw(r, vc.col);
            if (parseAmount(v).kind !== 'blank') notPlaced(r, vc.col, v, '本表只有一行数，本行之前已有一行数，无法确定放在哪一行', null, vc);
          }
          continue;
        }
        oneRowSource = r;
        key = ONE_ROW;
      }
      if (key?.code) inferred.set(p, { lei: key.code.slice(0, 3), kuan: key.code.length >= 5 ? key.code.slice(0, 5) : null });
      else if (key && t.variable && p.codeCols.length && !t.byKey.has(keyString(key)) && hasFigure(g, r, new Set(p.codeCols.map((c) => c.col)))) {
        // codes only on 项 rows: a named row with figures above them is their 类 or 款 (the codes below say which)
        const code = inferCode(g, p, r, inferred.get(p) ?? { lei: null, kuan: null });
        if (code) {
          key = { code, name: key.name };
          inferred.set(p, { lei: code.slice(0, 3), kuan: code.length >= 5 ? code : null });
          inferredRows.push(`${code} ${key.name}`);
        }
      }
      let nameWhy: string | null = null;
      let byName = false;
      if (key && !key.code && catalog && !p.codeCols.length && !t.byKey.has(keyString(key))) {
        const res = resolveName(catalog, key.label ?? key.name, nameCtx.get(p) ?? { lei: null, kuan: null });
        if ('subject' in res) {
          key = { code: res.subject.code, name: cleanName(key.name) };
          nameCtx.set(p, contextAfter(res.subject.code));
          byName = true;
        } else nameWhy = res.reason;
      }
      let candidates: TargetCell[] | undefined;
      let isNewRow = false;
      const codeRowOfVariable = !!key?.code && !!t.variable && (p.codeCols.length > 0 || byName);
      if (key) {
        const ks = keyString(key);
        candidates = t.byKey.get(ks);
        if (!candidates && key.label) {
          // the set's 行名同义词 for this table: 合计 ↔ 一、“三公”经费支出, 小计 ↔ 公务用车购置及运行维护费 …
          for (const rs of vocabulary().rows) {
            const to = rs.table.test(t.titleCanon) ? rs.labels.get(key.label) : undefined;
            if (to && t.byKey.has(`@${to}`)) {
              key = { label: to, name: key.name };
              candidates = t.byKey.get(`@${to}`);
              break;
            }
          }
        }
        if (key.code && codeRowOfVariable) {
          if (seenCodes.has(key.code)) {
            for (const vc of p.values) {
              const v = g.raw(r, vc.col);
              if (parseAmount(v).kind !== 'blank') notPlaced(r, vc.col, v, `科目编码 ${key.code} 在本表中重复出现，已按第一次出现的行导入`, key, vc);
            }
            continue;
          }
          seenCodes.add(key.code);
          if (!candidates) {
            // a 科目 the packet does not have yet: a row is added for it, in code order
            const kname = key.name;
            const nr: NewRow = {
              code: key.code,
              name: key.name,
              source: ref(g.name, r, p.codeCols[0]?.col ?? 0),
              cells: t.variable!.values.map((v) => ({
                row: -1, col: v.col, column: v, formula: false, money: t.variable!.money.get(v.col) ?? true, key: ks, name: kname,
              })),
            };
            newRows.set(key.code, nr);
            state.newRows.set(key.code, nr);
            t.byKey.set(ks, nr.cells);
            candidates = nr.cells;
            isNewRow = true;
          }
          if (!plannedNames.has(key.code) && variablePanel) {
            plannedNames.add(key.code);
            const existing = t.codeRows.get(key.code);
            const row = existing ?? -1;
            if (isNewRow) {
              pushCell({ sheet: t.sheet, row, code: key.code, codeCol: t.variable!.codeCol, col: t.variable!.codeCol, value: key.code, kind: 'code', source: ref(g.name, r, p.codeCols[0]?.col ?? 0), rowLabel: key.code, column: '科目编码' });
            }
            if (key.name && (isNewRow || !sameValue(current(row, t.variable!.nameCol), key.name))) {
              pushCell({ sheet: t.sheet, row, code: key.code, codeCol: t.variable!.codeCol, col: t.variable!.nameCol, value: key.name, kind: 'name', source: ref(g.name, r, p.label?.col ?? 0), rowLabel: key.code, column: '科目名称' });
            }
          }
        }
      }
      for (const vc of p.values) {
        if (g.covered(r, vc.col)) continue;
        const raw = g.raw(r, vc.col);
        const uncached = g.uncached(r, vc.col);
        const parsed = parseAmount(raw);
        if (parsed.kind === 'blank' && !uncached && !candidates) continue;
        if (!key) {
          if (parsed.kind !== 'blank') notPlaced(r, vc.col, raw, '该行没有科目编码或项目名称，无法确定放在哪一行', null, vc);
          continue;
        }
        if (!candidates) {
          if (parsed.kind === 'blank' && !uncached) continue;
          const why = nameWhy ?? (key.code
            ? `公开包的${t.sheet}中没有科目编码 ${key.code}${t.variable ? '' : '（本表科目固定，不能新增）'}`
            : `公开包的${t.sheet}中没有项目「${key.name}」`);
          notPlaced(r, vc.col, raw, why, key, vc);
          continue;
        }
        let best = 0;
        for (const tc of candidates) best = Math.max(best, headerScore(vc, tc.column));
        let inferredCell: TargetCell | undefined;
        if (best === 0 && inferable.get(vc.col)) {
          // a column without a header of its own: the one cell of the row its neighbours leave, if its figures
          // add up to its own 合计 (checked once per column, below)
          const others = new Set<TargetCell>();
          for (const o of p.values) {
            if (o === vc || inferable.has(o.col)) continue;
            let b = 0;
            for (const c of candidates) b = Math.max(b, headerScore(o, c.column));
            const hit = b > 0 ? candidates.find((c) => headerScore(o, c.column) === b) : undefined;
            if (hit) others.add(hit);
          }
          const rest = candidates.filter((c) => !used.has(c) && !others.has(c));
          if (rest.length === 1) inferredCell = rest[0];
        }
        if (best === 0 && !inferredCell) {
          if (parsed.kind === 'blank' && !uncached) continue;
          const why = inferable.has(vc.col) && !inferable.get(vc.col)
            ? `该列没有自己的表头，其数之和与本列的合计不符，无法确定栏目`
            : vc.parts.length ? `表头「${header(vc)}」在${t.sheet}中没有对应的栏目` : '该列没有表头，无法确定栏目';
          notPlaced(r, vc.col, raw, why, key, vc);
          continue;
        }
        const tc = inferredCell ?? candidates.find((c) => !used.has(c) && headerScore(vc, c.column) === best);
        if (!tc) {
          if (parsed.kind === 'blank' && !uncached) continue;
          notPlaced(r, vc.col, raw, `「${key.name}」的「${header(vc)}」在本表中出现不止一次，已按第一次出现的导入`, key, vc);
          continue;
        }
        used.add(tc);
        const rowLabel = key.code ? `${key.code} ${key.name}`.trim() : key.name;
        const column = header(tc.column);
        if (uncached) {
          // a formula with no saved result over a computed cell: nothing was lost, the packet computes it
          if (tc.formula) continue;
          notPlaced(r, vc.col, '（公式）', '源单元格是公式，但文件中没有保存计算结果：请在 Excel/WPS 中打开源文件、保存后再导入', key, vc);
          continue;
        }
        if (parsed.kind === 'text') {
          notPlaced(r, vc.col, raw, textReason(parsed), key, vc);
          continue;
        }
        if (parsed.kind === 'blank') {
          if (tc.formula || tc.row < 0) continue;
          if (current(tc.row, tc.col) === null) continue;
          pushCell({ sheet: t.sheet, row: tc.row, ...(codeRowOfVariable ? { code: key.code, codeCol: t.variable!.codeCol } : {}), col: tc.col, value: null, kind: 'amount', source: ref(g.name, r, vc.col), rowLabel, column });
          rep.cellsCleared++;
          continue;
        }
        let value = parsed.n;
        if (tc.money) {
          const unit: Unit = vc.unit ?? facts.unit ?? '万元';
          value = toWan(parsed.n, unit);
          // rounded from 元 to the cent: where the packet holds the same figure more precisely (1.7409 for
          // 17,409 元), the import agrees with it and keeps it rather than overwrite it with 1.74
          const held = unit !== '万元' && tc.row >= 0 ? current(tc.row, tc.col) : null;
          if (typeof held === 'number' && held !== value && round2(held) === value) value = held;
          if (unit !== '万元') unitStat.converted++;
          if (Math.abs(value - parsed.n / UNIT_FACTOR[unit]) > 1e-9) unitStat.rounded++;
          if (vc.unit && vc.unit !== facts.unit) unitStat.from = `${unitStat.from}；${colLetters(vc.col)}列表头「${header(vc)}」`;
        }
        const s = stat(vc.col);
        s.targets.set(colLetters(tc.col), (s.targets.get(colLetters(tc.col)) ?? 0) + 1);
        s.targetHeaders.add(header(tc.column));
        s.placed++;
        if (tc.formula) {
          rep.cellsToVerify = (rep.cellsToVerify ?? 0) + 1;
          plan.checks.push({ sheet: t.sheet, row: tc.row, ...(codeRowOfVariable ? { code: key.code, codeCol: t.variable!.codeCol } : {}), col: tc.col, expected: value, source: ref(g.name, r, vc.col), report: ctx.reportIndex, rowLabel, column, raw });
          continue;
        }
        pushCell({ sheet: t.sheet, row: tc.row, ...(codeRowOfVariable ? { code: key.code, codeCol: t.variable!.codeCol } : {}), col: tc.col, value, kind: 'amount', source: ref(g.name, r, vc.col), rowLabel, column });
        rep.cellsPlaced++;
        placedRows.add(tc.row >= 0 ? String(tc.row) : `#${key.code}`);
      }
    }
  }
  await progress(rowsTotal);

  // every figure in a column outside the panels (no header, after the last panel) is named too
  const inPanels = new Set<number>();
  for (const p of layout.panels) {
    for (const c of p.codeCols) inPanels.add(c.col);
    if (p.label) inPanels.add(p.label.col);
    for (const c of p.values) inPanels.add(c.col);
  }
  for (const c of layout.columns) if (c.role === 'index') inPanels.add(c.col);
  for (let r = layout.dataTop; r < g.rowCount; r++) {
    for (let c = 0; c < g.colCount; c++) {
      if (inPanels.has(c)) continue;
      const v = g.raw(r, c);
      if (v !== null && parseAmount(v).kind === 'number') notPlaced(r, c, v, '该列没有表头，无法确定栏目');
    }
  }

  if (inferredRows.length) {
    rep.notes.push(`源表的类、款行没有科目编码，按其下各项的编码确定：${inferredRows.slice(0, 8).join('、')}${inferredRows.length > 8 ? ` 等 ${inferredRows.length} 行` : ''}。`);
  }
  rep.rowsPlaced = placedRows.size;
  const hasMoney = [...t.byKey.values()].some((l) => l.some((c) => c.money));
  rep.unit = hasMoney ? unitStat : null;
  if (!facts.unit && hasMoney) {
    rep.notes.push('源表没有注明金额单位，已按万元导入：若源表是元，请把「金额单位：元」写在表头上方后重新导入。');
  }
  for (const [col, s] of colStats) {
    const c = layout.columns[col];
    rep.columns.push({
      source: colLetters(col),
      header: c ? header(c) : '',
      targets: [...s.targets.keys()],
      ...(s.targetHeaders.size ? { targetHeader: [...s.targetHeaders].join('、') } : {}),
      placed: s.placed,
      notPlaced: s.notPlaced,
    });
  }
  rep.columns.sort((a, b) => a.source.length - b.source.length || a.source.localeCompare(b.source));
  if (newRows.size) {
    const codes = [...newRows.keys()].sort();
    plan.rows.push({
      sheet: t.sheet,
      report: ctx.reportIndex,
      codeCol: t.variable!.codeCol,
      nameCol: t.variable!.nameCol,
      inputCols: [t.variable!.codeCol, t.variable!.nameCol, ...t.variable!.values.map((v) => v.col)],
      dataTop: t.layout.dataTop,
      codes,
    });
    rep.rowsInserted = codes.map((c) => `${c} ${newRows.get(c)!.name}`.trim());
  }
  if (t.variable) {
    for (const [code, row] of t.codeRows) {
      if (seenCodes.has(code)) continue;
      const hasValue = t.variable.values.some((v) => current(row, v.col) !== null);
      if (hasValue) rep.rowsKept.push(`${code} ${textOf(current(row, t.variable.nameCol) as SourceValue)}`.trim());
    }
    if (rep.rowsKept.length) rep.notes.push(`公开包${t.sheet}中有 ${rep.rowsKept.length} 个科目行源表中没有，保留原值：请核对是否应删除。`);
  }
}

function rowsTotalOf(g: Grid, layout: Layout): number {
  return Math.max(0, g.rowCount - layout.dataTop);
}

/**
 * A fixed table written across: value columns whose upper header words name rows of the table (after the
 * set's row synonyms) and whose lowest word names a column. Null unless at least four columns read so.
 */
function acrossColumns(t: TargetTable, layout: Layout): Map<number, { vc: Column; label: string; leaf: string }> | null {
  const out = new Map<number, { vc: Column; label: string; leaf: string }>();
  const rowOf = (word: string): string | null => {
    const k = labelKey(word);
    if (t.byKey.has(`@${k}`)) return k;
    for (const rs of vocabulary().rows) {
      const to = rs.table.test(t.titleCanon) ? rs.labels.get(k) : undefined;
      if (to && t.byKey.has(`@${to}`)) return to;
    }
    return null;
  };
  for (const p of layout.panels) {
    if (p.label) continue;
    for (const vc of p.values) {
      if (vc.canon.length < 2) continue;
      // the deepest group word that names a row: 公务用车购置及运行维护费 / 购置费 / 预算数 → 公务用车购置费
      for (let i = vc.canon.length - 2; i >= 0; i--) {
        const label = rowOf(vc.parts[i]);
        if (label) {
          out.set(vc.col, { vc, label, leaf: vc.canon[vc.canon.length - 1] });
          break;
        }
      }
    }
  }
  return out.size >= 4 ? out : null;
}

/** Why a text cell is not an amount: an ambiguous number is named as such, never guessed. */
function textReason(p: { text: string; ambiguous?: boolean }): string {
  return p.ambiguous
    ? `数字写法有歧义「${shortText(p.text)}」（空格、逗号可能是千位分隔，也可能是小数点），未猜测：请改写为 1234.56 的形式后重新导入`
    : `不是数字「${shortText(p.text)}」`;
}

/**
 * Value columns whose header names no column of the table (blank, or only a group word such as 支出 over it):
 * true when its figures add up to its own 合计/总计 row (n rounded figures within n × 0.005 万元), so that the
 * cell its neighbours leave in each row may be taken for it; false when they do not.
 */
function inferableColumns(g: Grid, t: TargetTable, layout: Layout): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const p of layout.panels) {
    if (!p.label) continue;
    for (const vc of p.values) {
      const own = vc.canon.length ? vc.canon[vc.canon.length - 1] : '';
      if (t.layout.columns.some((tcol) => headerScore(vc, tcol) > 0)) continue;
      // only a column whose own header cell is empty (the words it shows come from a merged group above)
      if (vc.canon.length && !vc.inherited) continue;
      void own;
      let sum = 0;
      let n = 0;
      let ok = false;
      for (let r = layout.dataTop; r < g.rowCount; r++) {
        const label = textOf(g.shown(r, p.label.col));
        const x = parseAmount(g.raw(r, vc.col));
        if (/合计/.test(label)) {
          if (x.kind === 'number') ok = Math.abs(x.n - sum) <= (n + 1) * 0.005 * factorOf(g, layout, vc) + 1e-9;
          break;
        }
        if (x.kind === 'number') {
          sum += x.n;
          n++;
        }
      }
      out.set(vc.col, ok && n > 0);
    }
  }
  return out;
}

/** The unit factor of a column (元 10000 …) for rounding allowances stated in 万元. */
function factorOf(g: Grid, layout: Layout, vc: Column): number {
  const unit = vc.unit ?? titleFacts(g, layout.headerRows[0]).unit ?? '万元';
  return UNIT_FACTOR[unit];
}

/**
 * The 类 or 款 code of a named row in a table whose codes stand on 项 rows only: the first coded row below it
 * says which 类/款 starts here (a new 类 when its first three digits differ from the current 类, else a new 款).
 */
function inferCode(g: Grid, p: Panel, r: number, cur: { lei: string | null; kuan: string | null }): string | null {
  const col = p.codeCols[0].col;
  for (let k = r + 1; k < Math.min(g.rowCount, r + 400); k++) {
    const pc = parseCode(g.shown(k, col));
    if (!pc) continue;
    const code = pc.code;
    if (code.slice(0, 3) !== cur.lei) return code.slice(0, 3);
    if (code.length >= 5 && code.slice(0, 5) !== cur.kuan) return code.slice(0, 5);
    return null;
  }
  return null;
}

/** Figures that a 概况 cell can take from the title lines (单位名称), never overwriting what is there. */
function planHeaderInfo(facts: TitleFacts, ctx: SheetContext, notes: string[]): void {
  const { session, plan } = ctx;
  const name = session.packet.names.find((n) => n.name === '单位名称');
  const m = name && /^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)$/.exec(name.ref);
  if (m && facts.unitName) {
    const sheet = m[1].replace(/''/g, "'");
    const col = [...m[2]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const row = Number(m[3]) - 1;
    const cur = session.sheet(sheet).cells[row]?.[col];
    const before = cur?.v ?? null;
    if (cur?.input && (before === null || before === '')) {
      plan.cells.push({ sheet, row, col, value: facts.unitName, kind: 'info', source: '标题行', report: ctx.reportIndex, rowLabel: '单位名称', column: '', before: null });
      notes.push(`${sheet} 的单位名称为空，取源表标题行的「${facts.unitName}」填入 ${sheet}!${m[2]}${m[3]}。`);
    } else if (before !== null && String(before).trim() !== facts.unitName) {
      notes.push(`源文件的单位「${facts.unitName}」与公开包的单位名称「${before}」不同，请确认导入的是本单位的表。`);
    }
  }
  const year = session.packet.names.find((n) => n.name === '决算年度');
  if (year && facts.year) {
    const v = session.calculate('决算年度');
    if (typeof v === 'number' && v !== facts.year) {
      notes.push(`源文件是 ${facts.year} 年度，公开包是 ${v} 年度${facts.year === v - 1 ? '：若是上年的决算，请选择「作为上年数导入」' : ''}。`);
    }
  }
}

export interface PlanOptions {
  file: string;
  mode: ImportMode;
  onProgress?: ProgressFn;
  /** progress range of this step within the whole import */
  span?: [number, number];
}

/**
 * Match a source workbook against the session's packet. Returns the plan (edits, checks, rows to add) and
 * its report; the packet is not changed.
 */
export async function planBook(book: SourceBook, session: PacketSession, opts: PlanOptions): Promise<ImportPlan> {
  const report = emptyReport(opts.file, book.format, opts.mode);
  const plan: ImportPlan = { report, cells: [], checks: [], rows: [] };
  const targets = analyzeTargets(session.packet);
  const [from, to] = opts.span ?? [0, 1];
  // a sheet is one table, or several stacked one under another (each found by its title)
  const units: { grid: Grid; sheet: number; part: number; parts: number }[] = [];
  book.sheets.forEach((sh, i) => {
    const whole = sourceGrid(sh);
    const segs = segments(whole, targets);
    segs.forEach((seg, k) => units.push({ grid: segs.length > 1 ? segmentGrid(whole, seg.top, seg.bottom) : whole, sheet: i, part: k, parts: segs.length }));
  });
  const totalRows = Math.max(1, units.reduce((n, u) => n + u.grid.rowCount - (u.grid.top ?? 0), 0));
  let doneRows = 0;
  const emit = (phase: ImportPhase, done: number) =>
    opts.onProgress?.({ phase, done, total: totalRows, fraction: from + ((to - from) * Math.min(done, totalRows)) / totalRows });
  emit('识别表格', 0);
  const taken = new Map<string, string>();
  const states = new Map<string, TableState>();
  const claimedForms = new Set<string>();
  const formOverwrites: Overwrite[] = [];
  let headerInfoDone = false;
  report.sheets = units.map((u) => {
    const r = newSheetReport(book.sheets[u.sheet]);
    if (u.parts > 1) r.sheet = `${r.sheet}（第 ${(u.grid.top ?? 0) + 1} 行起）`;
    return r;
  });
  // the set's own hidden machinery: the packet's hidden sheets, and the scoring rules a form template carries
  // (a packet without forms has none yet, but a filled copy of form.xlsx brings it)
  const setHidden = new Set(['审核', '公开包信息', PROFILE_SHEET, ...session.packet.sheets.filter((x) => x.hidden).map((x) => x.name)]);
  // a packet of a set as the source (another unit's 保存 file, last year's packet): its 公开包信息 says which sheet
  // is which table, so its working sheets (上年数, 说明文字, 名词解释 …) are never taken for a table by their text
  const sourceRoles = declaredSourceRoles(book);
  // visible sheets first: a hidden copy of a table (report-software helpers) must not take its place
  const order = units.map((_u, i) => i).sort((a, b) => Number(book.sheets[units[a].sheet].hidden) - Number(book.sheets[units[b].sheet].hidden) || a - b);
  for (const i of order) {
    const g = units[i].grid;
    const rep = report.sheets[i];
    const hidden = book.sheets[units[i].sheet].hidden;
    const ctx: SheetContext = { session, plan, mode: opts.mode, reportIndex: i };
    // the set's own hidden machinery (审核, 公开包信息, 自评评分规则) in a filled copy of its template: not data
    if (hidden && setHidden.has(book.sheets[units[i].sheet].name)) {
      rep.reason = `本套模板自带的隐藏工作表「${book.sheets[units[i].sheet].name}」（审核公式、设置等），不是数据，不导入`;
      doneRows += g.rowCount - (g.top ?? 0);
      continue;
    }
    const rec = sourceRoles ? byDeclaredRole(g, book.sheets[units[i].sheet].name, sourceRoles, targets, session.packet) : recognize(g, targets);
    if (hidden) rep.notes.push('这是隐藏的工作表。');
    rep.title = rec.title;
    rep.recognizedBy = rec.by;
    if (rec.target === FORM) {
      if (opts.mode === 'prior-year') {
        rep.reason = '项目支出绩效自评表不属于上年数，未导入';
        listFigures(g, 0, rep.reason, rep.notPlaced, true);
      } else {
        const { form, overwrites } = planForm(g, session.packet, rep, i, claimedForms);
        if (form) (plan.forms ??= []).push(form);
        formOverwrites.push(...overwrites);
      }
    } else if (!rec.target) {
      rep.reason = rec.reason ?? '未识别';
      listFigures(g, 0, '工作表未识别为公开表（原因见该工作表）', rep.notPlaced, true);
    } else {
      const t = rec.target;
      rep.table = t.sheet;
      const layout = sourceLayout(g, t);
      // a 科目 table continued on another sheet (支出决算表（续）) goes on where the first part stopped;
      // a second copy of a fixed table, or a hidden one, is not imported twice
      const continues = taken.has(t.sheet) && !!t.variable && !hidden;
      if (!layout) {
        rep.reason = `识别为${t.sheet}（${t.title}），但找不到表头（如「项目」「科目编码」「科目名称」及各栏目名称）`;
        listFigures(g, 0, rep.reason, rep.notPlaced, true);
      } else if (taken.has(t.sheet) && !continues) {
        rep.reason = `${t.sheet}已由工作表「${taken.get(t.sheet)}」导入，本表未导入`;
        listFigures(g, layout.dataTop, rep.reason, rep.notPlaced, true);
      } else {
        if (continues) rep.notes.push(`接续工作表「${taken.get(t.sheet)}」，同一张${t.sheet}。`);
        else taken.set(t.sheet, rep.sheet);
        let state = states.get(t.sheet);
        if (!state) states.set(t.sheet, (state = newTableState()));
        const facts = titleFacts(g, layout.headerRows[0]);
        const base = doneRows;
        await planTable(g, t, layout, facts, rep, ctx, async (rows) => {
          emit('匹配单元格', base + layout.dataTop - (g.top ?? 0) + rows);
          await tick();
        }, state);
        if (opts.mode === 'current' && !headerInfoDone) {
          headerInfoDone = true;
          planHeaderInfo(facts, ctx, report.notes);
        }
      }
    }
    doneRows += g.rowCount - (g.top ?? 0);
    emit('匹配单元格', doneRows);
  }
  if (opts.mode === 'current') {
    report.tablesWithoutSource = targets.filter((t) => !taken.has(t.sheet)).map((t) => t.sheet);
  }
  // a table continued over several sheets added rows from each: one insertion per packet sheet, in code order
  const bySheet = new Map<string, PlannedRows>();
  for (const pr of plan.rows) {
    const first = bySheet.get(pr.sheet);
    if (!first) bySheet.set(pr.sheet, pr);
    else first.codes = [...new Set([...first.codes, ...pr.codes])].sort();
  }
  plan.rows = [...bySheet.values()];
  if (!report.sheets.some((s) => s.table && !s.reason)) {
    report.notes.push('源文件中没有识别出任何公开表，未导入任何数。');
  }
  const overwrites: Overwrite[] = [];
  for (const c of plan.cells) {
    if (c.row < 0 || c.before === null || c.before === '' || sameValue(c.before, c.value)) continue;
    overwrites.push({ sheet: c.sheet, cell: a1(c.row, c.col), row: c.rowLabel, column: c.column, before: c.before, after: c.value, source: c.source });
  }
  report.overwrites = [...overwrites, ...formOverwrites];
  report.summary = summarize(report);
  return plan;
}

/** sheet name → table role, from the source's own 公开包信息 (a workbook this app saved); null for any other workbook. */
function declaredSourceRoles(book: SourceBook): Map<string, string> | null {
  const meta = book.sheets.find((x) => x.name === META_SHEET);
  if (!meta) return null;
  const kv: Record<string, string> = {};
  for (const row of meta.cells) {
    const [k, v] = row;
    if (typeof k === 'string' && (typeof v === 'string' || typeof v === 'number')) kv[k.trim()] = String(v);
  }
  const roles = tableRoles(kv);
  if (!roles.size) return null;
  const names = new Set(book.sheets.map((x) => x.name));
  const out = new Map<string, string>();
  for (const [role, sheet] of roles) if (names.has(sheet)) out.set(sheet, role);
  return out.size ? out : null;
}

/**
 * Recognition in a packet that declares its tables: a declared sheet goes to the table of the same role here;
 * a 自评表 is still found by its own title; any other sheet is one of that packet's working sheets, not a table.
 */
function byDeclaredRole(g: Grid, sheet: string, roles: Map<string, string>, targets: TargetTable[], packet: Packet): Recognition {
  const titles = titleCandidates(g, 12);
  const role = roles.get(sheet);
  if (role) {
    const here = sheetOfRole(packet, role as TableRole);
    const target = here ? targets.find((t) => t.sheet === here) : undefined;
    if (!target) {
      return {
        target: null, title: titles[0] ?? null, by: '表角色',
        reason: here ? `来源公开包声明本表为「${role}」，对应本公开包的「${here}」，该表不按表格导入，请核对后手工填写` : `来源公开包声明本表为「${role}」，本公开包的模板套没有这张表`,
      };
    }
    return { target, title: titles[0] ?? null, by: '表角色' };
  }
  if (sheet === SUMMARY_SHEET) return { target: null, title: titles[0] ?? null, by: null, reason: `「${sheet}」由各自评表汇总生成，不导入；导入自评表后自动重建` };
  const rec = recognize(g, targets);
  if (rec.target === FORM) return rec;
  return { target: null, title: titles[0] ?? null, by: null, reason: `来源是一份公开包，其公开包信息未把「${sheet}」声明为公开表（上年数、说明文字等工作表），不作为公开表导入` };
}

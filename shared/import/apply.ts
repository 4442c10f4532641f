/**
 * Applying a confirmed plan to the open packet: 科目 rows are added in code order (through the session's
 * insertRows, so formulas and 层级 checks follow), then every planned cell goes through session.apply in one
 * batch — the engine's one validation, whatever the size of the import — then the figures of computed cells
 * are compared with what the packet computes. The whole import is one undo step.
 */
import { a1 } from '../a1.js';
import { diffFindings, PacketSession, type CellEdit, type EditResult } from '../engine.js';
import type { CellValue, SheetModel } from '../model.js';
import type { ImportPlan, PlannedRows, ProgressFn } from './plan.js';
import { tick } from './plan.js';
import { summarize, type ImportReport } from './report.js';
import { parseCode } from './text.js';

export interface ApplyOptions {
  /** false: keep the packet's non-empty inputs and report those figures as not placed */
  overwrite?: boolean;
  onProgress?: ProgressFn;
  span?: [number, number];
}

export interface ApplyResult {
  report: ImportReport;
  /** the engine's answer: the edits went through the open session, as one undoable step */
  edit?: EditResult;
}

/** The engine inserts at most this many rows per call. */
const INSERT_CHUNK = 1000;

function codeAt(s: SheetModel, r: number, col: number): string | null {
  const v = s.cells[r]?.[col]?.v;
  return v === undefined || v === null ? null : (parseCode(v)?.code ?? null);
}

function rowBlank(s: SheetModel, r: number, cols: number[]): boolean {
  return cols.every((c) => {
    const v = s.cells[r]?.[c]?.v;
    return v === undefined || v === null || v === '';
  });
}

interface Placement {
  /** code → row after all insertions, for the new codes and for a 科目 row that had to move */
  rows: Map<string, number>;
  /** content to write into a moved row */
  moves: { to: number; values: CellValue[] }[];
  /** insertions in the order they were made: (at, count) */
  inserts: { at: number; count: number }[];
}

/**
 * Find (or make) a row for each new code: before the first existing 科目 row with a greater code, else after
 * the last one, using the blank input rows the template leaves there before inserting new ones.
 */
function placeRows(session: PacketSession, pr: PlannedRows, report: ImportReport): Placement {
  const s = session.sheet(pr.sheet);
  const out: Placement = { rows: new Map(), moves: [], inserts: [] };
  let first = -1;
  for (let r = pr.dataTop; r < s.cells.length && first < 0; r++) if (s.cells[r]?.[pr.codeCol]?.input) first = r;
  if (first < 0) {
    report.sheets[pr.report]?.notes.push(`公开包的${pr.sheet}没有可填写的科目行，无法新增科目。`);
    return out;
  }
  let last = first;
  while (s.cells[last + 1]?.[pr.codeCol]?.input) last++;
  const coded: { code: string; row: number }[] = [];
  for (let r = first; r <= last; r++) {
    const c = codeAt(s, r, pr.codeCol);
    if (c) coded.push({ code: c, row: r });
  }
  // group new codes by the existing row they go before (null: after the last one)
  const groups = new Map<number | null, string[]>();
  for (const code of pr.codes) {
    const anchor = coded.find((x) => x.code > code)?.row ?? null;
    const list = groups.get(anchor) ?? [];
    list.push(code);
    groups.set(anchor, list);
  }
  const insert = (at: number, count: number) => {
    for (let left = count; left > 0; left -= INSERT_CHUNK) session.insertRows(pr.sheet, at, Math.min(INSERT_CHUNK, left));
    out.inserts.push({ at, count });
    for (const [k, r] of out.rows) if (r >= at) out.rows.set(k, r + count);
    for (const m of out.moves) if (m.to >= at) m.to += count;
  };
  // bottom-up, so a group's insertions never move the rows of the groups still to come
  const anchors = [...groups.keys()].sort((a, b) => (b ?? Infinity) - (a ?? Infinity));
  for (const anchor of anchors) {
    const codes = groups.get(anchor)!;
    const k = codes.length;
    if (anchor === null) {
      const lastCoded = coded.length ? coded[coded.length - 1] : null;
      const after = lastCoded ? lastCoded.row : first - 1;
      let b = 0;
      while (after + 1 + b <= last && rowBlank(s, after + 1 + b, pr.inputCols)) b++;
      if (k > b && b > 0) insert(after + b, k - b);
      else if (k > b && lastCoded) {
        // no blank row after the last 科目: insert above it (new rows take its look) and move it up
        const values = pr.inputCols.map((c) => s.cells[lastCoded.row]?.[c]?.v ?? null);
        insert(lastCoded.row, k);
        out.moves.push({ to: lastCoded.row, values });
        out.rows.set(lastCoded.code, lastCoded.row);
        codes.forEach((code, i) => out.rows.set(code, lastCoded.row + 1 + i));
        continue;
      }
      codes.forEach((code, i) => out.rows.set(code, after + 1 + i));
    } else {
      let b = 0;
      while (anchor - 1 - b >= first && rowBlank(s, anchor - 1 - b, pr.inputCols)) b++;
      const start = anchor - b;
      if (k > b) insert(anchor, k - b);
      codes.forEach((code, i) => out.rows.set(code, start + i));
    }
  }
  return out;
}

function near(a: CellValue, b: number, tol: number): boolean {
  return typeof a === 'number' ? Math.abs(a - b) <= tol : (a === null || a === '') && Math.abs(b) <= tol;
}

/** 0.015: a computed 合计 of three rounded figures may differ from the source's rounded 合计 by that much. */
const CHECK_TOLERANCE = 0.015 + 1e-9;

/**
 * `inStep`: more of the same step after the cells (applyImport's forms), given the report; returns the sheets it
 * added, replaced or removed.
 */
export async function applyPlan(session: PacketSession, plan: ImportPlan, opts: ApplyOptions = {}, inStep?: (report: ImportReport) => string[]): Promise<ApplyResult> {
  // rows inserted in several calls and the cells written after them: one Ctrl+Z takes the import back
  const before = new Map(session.findings().map((f) => [f.rule, f]));
  const height = new Map(plan.rows.map((r) => [r.sheet, session.sheet(r.sheet).cells.length]));
  const moved: string[] = [];
  session.beginStep();
  let out: ApplyResult;
  try {
    out = await applySteps(session, plan, opts);
    if (inStep) moved.push(...inStep(out.report));
  } finally {
    session.endStep();
  }
  // one answer for the whole step: the sheets whose rows were inserted, and the findings before and after it all
  const structural = [...height].filter(([sh, n]) => session.sheet(sh).cells.length !== n).map(([sh]) => sh);
  const edit = out.edit ?? { changed: [], added: [], removed: [], updated: [], rejected: [], structural: [] };
  const after = new Map(session.findings().map((f) => [f.rule, f]));
  return { ...out, edit: { ...edit, ...diffFindings(before, after), structural: [...new Set([...edit.structural, ...structural, ...moved])] } };
}

async function applySteps(session: PacketSession, plan: ImportPlan, opts: ApplyOptions): Promise<ApplyResult> {
  const overwrite = opts.overwrite ?? true;
  const report = JSON.parse(JSON.stringify(plan.report)) as ImportReport;
  const [from, to] = opts.span ?? [0, 1];
  const steps = plan.rows.length + 2;
  const emit = (phase: '插入科目行' | '写入公开包' | '完成', done: number) =>
    opts.onProgress?.({ phase, done, total: steps, fraction: from + ((to - from) * done) / steps });

  // rows first: every code resolves to its row after all insertions
  const placed = new Map<string, Placement>();
  emit('插入科目行', 0);
  for (let i = 0; i < plan.rows.length; i++) {
    const pr = plan.rows[i];
    placed.set(pr.sheet, placeRows(session, pr, report));
    emit('插入科目行', i + 1);
    await tick();
  }
  const shifted = (sheet: string, row: number): number => {
    let r = row;
    for (const ins of placed.get(sheet)?.inserts ?? []) if (r >= ins.at) r += ins.count;
    return r;
  };
  const resolve = (sheet: string, row: number, code?: string, codeCol?: number): number => {
    if (code === undefined) return shifted(sheet, row);
    const p = placed.get(sheet)?.rows.get(code);
    if (p !== undefined) return p;
    if (row >= 0) return shifted(sheet, row);
    const s = session.sheet(sheet);
    for (let r = 0; r < s.cells.length; r++) if (codeAt(s, r, codeCol ?? 0) === code) return r;
    return -1;
  };

  const edits = new Map<string, CellEdit>();
  const put = (e: CellEdit) => edits.set(`${e.sheet}!${e.row}!${e.col}`, e);
  for (const pr of plan.rows) {
    const p = placed.get(pr.sheet)!;
    for (const m of p.moves) pr.inputCols.forEach((c, i) => put({ sheet: pr.sheet, row: m.to, col: c, value: m.values[i] }));
    // a new 科目 row is written whole: columns the source leaves empty are emptied
    const s = session.sheet(pr.sheet);
    for (const code of pr.codes) {
      const r = p.rows.get(code);
      if (r === undefined) continue;
      for (const c of pr.inputCols) if ((s.cells[r]?.[c]?.v ?? null) !== null) put({ sheet: pr.sheet, row: r, col: c, value: null });
    }
  }
  const origin = new Map<string, ImportPlan['cells'][number]>();
  const kept: ImportPlan['cells'] = [];
  for (const c of plan.cells) {
    const row = resolve(c.sheet, c.row, c.code, c.codeCol);
    if (row < 0) {
      report.sheets[c.report]?.notPlaced.push({ cell: c.source, value: c.value ?? '', reason: `公开包的${c.sheet}中没有科目 ${c.code} 的行，无法放入`, row: c.rowLabel, column: c.column, amount: c.kind === 'amount' });
      if (c.kind === 'amount' && report.sheets[c.report]) report.sheets[c.report].cellsPlaced--;
      continue;
    }
    if (!overwrite && c.row >= 0) {
      const cur = session.sheet(c.sheet).cells[row]?.[c.col]?.v ?? null;
      if (cur !== null && cur !== '' && cur !== c.value) {
        kept.push(c);
        continue;
      }
    }
    put({ sheet: c.sheet, row, col: c.col, value: c.value });
    origin.set(`${c.sheet}!${row}!${c.col}`, c);
  }
  emit('写入公开包', plan.rows.length + 1);
  await tick();
  const result: EditResult = session.apply([...edits.values()]);
  const live = session;
  const priorNotFilled = (c: ImportPlan['cells'][number], reason: string) => {
    const py = report.priorYear;
    if (!py) return;
    const i = py.filled.findIndex((x) => x.row === c.row);
    if (i >= 0) py.notFilled.push({ ...py.filled.splice(i, 1)[0], reason });
  };
  for (const rj of result.rejected) {
    const c = origin.get(`${rj.sheet}!${rj.row}!${rj.col}`);
    if (c?.kind === 'prior') {
      priorNotFilled(c, rj.reason);
      continue;
    }
    const rep = c ? report.sheets[c.report] : undefined;
    if (rep && c) {
      rep.notPlaced.push({ cell: c.source, value: c.value ?? '', reason: `公开包拒绝写入 ${rj.sheet}!${a1(rj.row, rj.col)}：${rj.reason}`, row: c.rowLabel, column: c.column, amount: c.kind === 'amount' });
      if (c.kind === 'amount') rep.cellsPlaced--;
    } else report.notes.push(`${rj.sheet}!${a1(rj.row, rj.col)} 未写入：${rj.reason}`);
  }
  if (!overwrite) {
    for (const c of kept) {
      if (c.kind === 'prior') {
        priorNotFilled(c, `已有上年数「${c.before}」，按选择保留原值`);
        continue;
      }
      const rep = report.sheets[c.report];
      if (!rep) continue;
      rep.notPlaced.push({ cell: c.source, value: c.value ?? '', reason: `公开包中已有数「${c.before}」，按选择保留原值、未覆盖`, row: c.rowLabel, column: c.column, amount: c.kind === 'amount' });
      if (c.kind === 'amount') rep.cellsPlaced--;
    }
    report.overwrites = [];
  }

  // computed cells: the packet's own result must agree with the source's figure
  for (const ck of plan.checks) {
    const rep = report.sheets[ck.report];
    const row = resolve(ck.sheet, ck.row, ck.code, ck.codeCol);
    const got = row >= 0 ? live.getValue(ck.sheet, row, ck.col) : null;
    if (row >= 0 && near(got, ck.expected, CHECK_TOLERANCE)) {
      rep.cellsVerified++;
      continue;
    }
    rep.notPlaced.push({
      cell: ck.source,
      value: typeof ck.raw === 'string' || typeof ck.raw === 'number' || typeof ck.raw === 'boolean' ? ck.raw : '',
      reason: `${ck.sheet}!${a1(Math.max(row, 0), ck.col)} 由公式计算（${ck.column}），不导入；公开包算得 ${got ?? '空'}，与源表的 ${ck.expected} 不一致`,
      row: ck.rowLabel,
      column: ck.column,
      amount: true,
    });
  }
  for (const sh of report.sheets) sh.cellsToVerify = 0;
  report.applied = true;
  report.summary = summarize(report);
  emit('完成', steps);
  return { report, edit: result };
}

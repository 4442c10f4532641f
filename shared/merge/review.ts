/**
 * Batch review (财政局批量审核): one packet's bytes → its row of the 审核汇总, through the same open/check path
 * as `juesuan check` (readPacket → PacketSession → findings). Many rows → one sortable .xlsx. Pure: the CLI
 * runs reviewPacket in a worker pool, the renderer in its own thread; neither needs a second checker.
 */
import ExcelJS from 'exceljs';
import { PacketSession, type Finding } from '../engine.js';
import { PacketError } from '../errors.js';
import { cellValue } from '../model.js';
import { readPacket } from '../xlsx.js';
import { exportGate } from '../report/explanations.js';

export interface ReviewFinding {
  rule: string;
  severity: 'error' | 'warning';
  rounding: boolean;
  sheet: string;
  cells: string[];
  message: string;
  /** |a − b| of an APPROX check, computed by the engine; null for checks that are not a tie */
  difference: number | null;
}

export interface UnitReview {
  /** the file, relative to the reviewed folder */
  file: string;
  ok: true;
  unit: string;
  year: string;
  errors: number;
  /** every 提示, 尾数差 included */
  hints: number;
  rounding: number;
  /** 提示 that are not a 尾数差 and carry no current 出错说明: the ones a reviewer must still read */
  unexplained: number;
  /** the largest |difference| among failing ties, with where it is */
  largest: { amount: number; rule: string; sheet: string; cells: string[] } | null;
  findings: ReviewFinding[];
  ms: number;
}

export interface UnreadableFile {
  file: string;
  ok: false;
  reason: string;
}

export type ReviewRow = UnitReview | UnreadableFile;

/**
 * The arguments a and b of a check that is one APPROX(a, b, n) call, or null. The call may be the last
 * argument of an OR guard (`OR(COUNTA(parts)=0,APPROX(a,b,n))`: a breakdown not reported is no tie), since such
 * a check fails only when the tie does; under AND it may fail for another reason, so there is no difference.
 */
export function approxArgs(formula: string): [string, string] | null {
  const calls = [...formula.matchAll(/\bAPPROX\s*\(/gi)];
  if (calls.length !== 1) return null;
  const m = calls[0];
  const before = formula.slice(0, m.index).trim();
  if (before && !/^OR\s*\(/i.test(before)) return null;
  const args: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of formula.slice(m.index + m[0].length)) {
    if (ch === '"') quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')' && --depth < 0) {
      args.push(cur);
      const after = formula.slice(m.index + m[0].length).slice(args.join(',').length + 1).trim();
      if (after !== (before ? ')' : '')) return null;
      return args.length === 3 ? [args[0].trim(), args[1].trim()] : null;
    }
    if (!quote && depth === 0 && ch === ',') {
      args.push(cur);
      cur = '';
    } else cur += ch;
  }
  return null;
}

function differences(session: PacketSession, findings: Finding[]): Map<string, number> {
  const want = new Set(findings.map((f) => f.rule));
  const out = new Map<string, number>();
  for (const c of session.checks()) {
    if (!want.has(c.rule)) continue;
    const ab = approxArgs(c.formula);
    if (!ab) continue;
    const v = session.calculate(`ABS((${ab[0]})-(${ab[1]}))`);
    if (typeof v === 'number' && Number.isFinite(v)) out.set(c.rule, Math.round(v * 1e6) / 1e6);
  }
  return out;
}

/** Check one packet. Throws PacketError (Chinese) when the file cannot be read as a packet. */
export async function reviewPacket(bytes: Uint8Array, file: string, now: () => number = Date.now): Promise<UnitReview> {
  const t0 = now();
  const packet = await readPacket(bytes, `文件「${file}」`);
  const session = new PacketSession(packet);
  try {
    const findings = session.findings();
    const diff = differences(session, findings);
    const name = (n: string) => {
      const ref = packet.names.find((x) => x.name === n)?.ref;
      const m = ref ? /^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)$/.exec(ref) : null;
      if (!m) return '';
      const s = packet.sheets.find((x) => x.name === m[1]);
      let col = 0;
      for (const ch of m[2]) col = col * 26 + ch.charCodeAt(0) - 64;
      const v = s ? cellValue(s, Number(m[3]) - 1, col - 1) : null;
      return v === null ? '' : String(v).trim();
    };
    const rows: ReviewFinding[] = findings.map((f) => ({
      rule: f.rule, severity: f.severity, rounding: f.rounding, sheet: f.sheet, cells: f.cells, message: f.message,
      difference: diff.get(f.rule) ?? null,
    }));
    let largest: UnitReview['largest'] = null;
    for (const f of rows) {
      if (f.difference !== null && f.difference > (largest?.amount ?? 0)) largest = { amount: f.difference, rule: f.rule, sheet: f.sheet, cells: f.cells };
    }
    const errors = rows.filter((f) => f.severity === 'error').length;
    const rounding = rows.filter((f) => f.severity === 'warning' && f.rounding).length;
    const hints = rows.length - errors;
    // an explained 提示 is answered; a 说明 written for other figures (待复核) is not
    const unexplained = exportGate(session, findings).unexplained.length;
    return {
      file, ok: true, unit: name('单位名称'), year: name('决算年度'), errors, hints, rounding, unexplained,
      largest, findings: rows, ms: now() - t0,
    };
  } finally {
    session.destroy();
  }
}

/** reviewPacket that never throws: an unreadable file becomes a row saying why. */
export async function reviewOrExplain(bytes: Uint8Array, file: string): Promise<ReviewRow> {
  try {
    return await reviewPacket(bytes, file);
  } catch (e) {
    const reason = e instanceof PacketError ? e.message : `无法审核：${(e as Error)?.message ?? String(e)}`;
    return { file, ok: false, reason };
  }
}

// ---------------------------------------------------------------- the 审核汇总 workbook

const UNIT_HEAD = ['文件', '单位名称', '年度', '错误', '提示', '其中尾数差', '未说明提示', '最大差额', '最大差额位置', '审核用时（秒）'];
const FINDING_HEAD = ['文件', '单位名称', '级别', '规则', '工作表', '单元格', '差额', '说明'];

function severityText(f: ReviewFinding): string {
  return f.severity === 'error' ? '错误' : f.rounding ? '尾数差' : '提示';
}

/** One workbook: 单位 (a row per unit), 审核结果 (every finding), 无法读取 (files not checked). Filters on every sheet. */
export async function reviewWorkbook(rows: ReviewRow[], title = '审核汇总'): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ok = rows.filter((r): r is UnitReview => r.ok).sort((a, b) => b.errors - a.errors || b.unexplained - a.unexplained || a.file.localeCompare(b.file));
  const bad = rows.filter((r): r is UnreadableFile => !r.ok).sort((a, b) => a.file.localeCompare(b.file));
  const sheet = (name: string, head: string[], widths: number[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(head).font = { bold: true };
    ws.columns = widths.map((width) => ({ width }));
    return ws;
  };
  const units = sheet('单位', UNIT_HEAD, [36, 36, 8, 8, 8, 10, 10, 12, 30, 12]);
  for (const r of ok) {
    units.addRow([r.file, r.unit, r.year, r.errors, r.hints, r.rounding, r.unexplained, r.largest?.amount ?? null,
      r.largest ? `${r.largest.sheet} ${r.largest.cells.join(',')}（${r.largest.rule}）` : '', Math.round(r.ms) / 1000]);
  }
  units.getColumn(8).numFmt = '#,##0.00';
  units.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, ok.length + 1), column: UNIT_HEAD.length } };
  const total = units.addRow([`合计 ${ok.length} 个单位，${bad.length} 个文件无法读取`, null, null,
    ok.reduce((a, r) => a + r.errors, 0), ok.reduce((a, r) => a + r.hints, 0), ok.reduce((a, r) => a + r.rounding, 0), ok.reduce((a, r) => a + r.unexplained, 0)]);
  total.font = { bold: true };

  const all = sheet('审核结果', FINDING_HEAD, [36, 36, 8, 14, 16, 18, 12, 90]);
  for (const r of ok) {
    for (const f of r.findings) all.addRow([r.file, r.unit, severityText(f), f.rule, f.sheet, f.cells.join(','), f.difference, f.message]);
  }
  all.getColumn(7).numFmt = '#,##0.00';
  all.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, all.rowCount), column: FINDING_HEAD.length } };

  const unreadable = sheet('无法读取', ['文件', '原因'], [40, 100]);
  for (const r of bad) unreadable.addRow([r.file, r.reason]);
  if (!bad.length) unreadable.addRow(['（无）', '']);
  unreadable.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, unreadable.rowCount), column: 2 } };
  wb.title = title;
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

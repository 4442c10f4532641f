/**
 * 新年度 (issue 16 point 4): from the packet of year N, a new packet of year N+1 in a chosen template set.
 *   - 上年数: the old packet goes through the ordinary 上年数 import (shared/import/prior.ts) — placed into an
 *     empty copy of the chosen set's template, then each 上年数 row takes its figure through its 取数公式 —
 *     so a packet of another set or layout works as well as one of the same set.
 *   - 概况: every input the template gives a defined name on its 概况 sheet is carried by that name; 决算年度 is N+1.
 *   - 自评表: every form is carried with its project, targets, 分值 and 年初预算数; the year's amounts (全年预算数,
 *     全年执行数, 执行率), the results (实际完成值, 得分, 偏差原因, 实际完成情况) and 总分 are cleared.
 *   - Everything else of year N (its amounts, the accountant's 说明文字 and reasons) stays behind: the new packet
 *     starts from the chosen set's template, with that set's checks and 科目 catalog.
 */
import { PacketSession } from '../engine.js';
import { PacketError } from '../errors.js';
import { installForms, formSheets, type FormData } from '../forms.js';
import { importWorkbook, type ImportReport, type Vocabulary } from '../import/index.js';
import { readForm } from '../import/forms.js';
import { modelGrid } from '../import/layout.js';
import { parseA1 } from '../a1.js';
import type { CellValue, Packet, SheetModel } from '../model.js';
import type { ProgressFn } from '../import/plan.js';

export const YEAR_NAME = '决算年度';

export interface NewYearOptions {
  /** the old packet's file name, for the report */
  file: string;
  /** an empty packet of the chosen template set (templates/<set>/tables.xlsx) */
  template: Packet;
  /** the chosen set's import vocabulary */
  vocabulary: Vocabulary;
  onProgress?: ProgressFn;
}

export interface NewYearResult {
  session: PacketSession;
  year: number;
  /** the 上年数 import's report (filled / not filled items) */
  prior: ImportReport;
  /** defined names of 概况 carried, with their values */
  overview: { name: string; value: CellValue }[];
  /** forms carried, by project name */
  forms: string[];
}

/** The cell a single-cell defined name points at, or undefined. */
function namedCell(p: Packet, name: string): { sheet: SheetModel; row: number; col: number } | undefined {
  const ref = p.names.find((n) => n.name === name)?.ref;
  const m = ref ? /^'?((?:[^']|'')+?)'?!\$?([A-Z]{1,3})\$?(\d+)$/.exec(ref) : null;
  if (!m) return undefined;
  const sheet = p.sheets.find((s) => s.name === m[1].replace(/''/g, "'"));
  const at = parseA1(`${m[2]}${m[3]}`);
  return sheet && at ? { sheet, row: at.row, col: at.col } : undefined;
}

function valueOf(p: Packet, name: string): CellValue {
  const c = namedCell(p, name);
  return c ? c.sheet.cells[c.row]?.[c.col]?.v ?? null : null;
}

/** The year a packet reports on (its defined name 决算年度), refused when absent. */
export function packetYear(p: Packet): number {
  const v = valueOf(p, YEAR_NAME);
  const n = typeof v === 'number' ? v : Number(String(v ?? '').replace(/年度?$/, ''));
  if (!Number.isInteger(n) || n < 1900 || n > 2099) {
    throw new PacketError(`公开包的决算年度「${v ?? '（空）'}」不是年度：请先在「概况」中填写决算年度（如 2024），再新建下一年度。`);
  }
  return n;
}

/** A form of year N as the form of year N+1 starts: the project and its plan, none of the year's results. */
export function carriedForm(d: FormData): FormData {
  return {
    ...d,
    funds: d.funds.map((f) => ({ ...f, A: null, B: null, rate: null, score: null })),
    goalActual: '',
    indicators: d.indicators.map((i) => ({ ...i, actual: '', score: null, deviation: '' })),
    totalScore: null,
  };
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

export async function newYear(oldBytes: Uint8Array, old: Packet, opts: NewYearOptions): Promise<NewYearResult> {
  const year = packetYear(old) + 1;
  const packet = clone(opts.template);
  if (!namedCell(packet, YEAR_NAME)) throw new PacketError(`所选模板套没有定义名称「${YEAR_NAME}」，无法设定新年度。`);

  // 概况 by defined name: only the template's input cells on its overview sheet
  const overview: { name: string; value: CellValue }[] = [];
  for (const n of packet.names) {
    const at = namedCell(packet, n.name);
    if (!at || at.sheet.kind !== 'overview') continue;
    const cell = at.sheet.cells[at.row]?.[at.col];
    if (!cell?.input) continue;
    const value = n.name === YEAR_NAME ? year : valueOf(old, n.name);
    if (value === null || value === '') continue;
    cell.v = value;
    overview.push({ name: n.name, value });
  }

  // forms: the project plans carried, the year's figures and results cleared
  const forms: FormData[] = [];
  for (const s of formSheets(old)) {
    const r = readForm(modelGrid(s));
    if (typeof r === 'string') throw new PacketError(`自评表「${s.name}」无法读取（${r}），未新建下一年度。`);
    forms.push(carriedForm(r.data));
  }
  if (forms.length) installForms(packet, forms, old.meta['评分规则'] ? { profile: old.meta['评分规则'] } : {});
  if (old.meta['评分规则']) packet.meta['评分规则'] = old.meta['评分规则'];

  // 上年数 through each row's 取数公式, by the ordinary 上年数 import
  const session = new PacketSession(packet);
  const result = await importWorkbook(oldBytes, session, {
    file: opts.file, mode: 'prior-year', template: opts.template, vocabulary: opts.vocabulary, overwrite: true,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  session.dirty = true;
  return { session, year, prior: result.report, overview, forms: forms.map((f) => f.name) };
}

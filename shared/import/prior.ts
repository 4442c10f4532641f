/**
 * Import as 上年数: last year's package is imported into an empty copy of this year's template, and each
 * row of the packet's 上年数 sheet (A 项目, B 上年数, C 取数公式 over this year's layout) takes its figure by
 * evaluating C there. The accountant's packet itself only changes in column B.
 */
import { a1 } from '../a1.js';
import { PacketSession } from '../engine.js';
import { PacketError } from '../errors.js';
import type { CellValue, Packet } from '../model.js';
import { applyPlan } from './apply.js';
import { planBook, type ImportPlan, type PlannedCell, type ProgressFn } from './plan.js';
import type { Overwrite, PriorYearItem } from './report.js';
import { summarize } from './report.js';
import type { SourceBook } from './source.js';
import { round2 } from './text.js';

export const PRIOR_SHEET = '上年数';

const B = 1;
const C = 2;

function text(v: CellValue | undefined): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** The sheets a formula reads: sheet-qualified references and defined names. */
export function sheetsOf(formula: string, packet: Packet): string[] {
  const out = new Set<string>();
  const re = /(?:'((?:[^']|'')+)'|([^\s'!(),+\-*/&=<>:;"]+))!/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(formula))) out.add((m[1] ?? m[2]).replace(/''/g, "'"));
  for (const n of packet.names) {
    if (!new RegExp(`(^|[^\\p{L}\\p{N}_.])${n.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[^\\p{L}\\p{N}_.(])`, 'u').test(formula)) continue;
    const s = /^'?(.*?)'?!/.exec(n.ref)?.[1]?.replace(/''/g, "'");
    if (s) out.add(s);
  }
  return [...out];
}

function clonePacket(p: Packet): Packet {
  return JSON.parse(JSON.stringify(p)) as Packet;
}

export interface PriorOptions {
  file: string;
  onProgress?: ProgressFn;
}

/**
 * Plan a 上年数 import. `template` is an empty packet of the same template set (templates/<set>/tables.xlsx):
 * the source is placed there, never in the accountant's packet.
 */
export async function planPriorYear(book: SourceBook, session: PacketSession, template: Packet, opts: PriorOptions): Promise<ImportPlan> {
  const prior = session.packet.sheets.find((s) => s.name === PRIOR_SHEET);
  if (!prior) {
    throw new PacketError(`公开包中没有「${PRIOR_SHEET}」工作表，无法导入上年数。请先用新版本的模板创建公开包，或在公开包中添加「${PRIOR_SHEET}」表（A 项目、B 上年数、C 取数公式）。`);
  }
  const scratch = new PacketSession(clonePacket(template));
  let plan: ImportPlan;
  try {
    const inner = await planBook(book, scratch, { file: opts.file, mode: 'prior-year', onProgress: opts.onProgress, span: [0.25, 0.75] });
    const applied = await applyPlan(scratch, inner, { onProgress: opts.onProgress, span: [0.75, 0.9] });
    const report = applied.report;
    report.applied = false;
    report.overwrites = [];
    const withData = new Set(report.sheets.filter((s) => s.table && !s.reason && s.cellsPlaced + s.cellsVerified > 0).map((s) => s.table!));
    const filled: PriorYearItem[] = [];
    const notFilled: PriorYearItem[] = [];
    const cells: PlannedCell[] = [];
    const overwrites: Overwrite[] = [];
    opts.onProgress?.({ phase: '计算上年数', done: 0, total: prior.cells.length, fraction: 0.9 });
    for (let r = 1; r < prior.cells.length; r++) {
      const item = text(prior.cells[r]?.[0]?.v);
      const cCell = prior.cells[r]?.[C];
      const formula = (cCell?.f ? cCell.f : text(cCell?.v)).replace(/^=/, '');
      if (!item && !formula) continue;
      const base: PriorYearItem = { row: r, item: item || `第${r + 1}行`, formula };
      if (!prior.cells[r]?.[B]?.input) {
        notFilled.push({ ...base, reason: `${PRIOR_SHEET}!${a1(r, B)} 不是填报单元格` });
        continue;
      }
      if (!formula) {
        notFilled.push({ ...base, reason: '没有取数公式（C 列）' });
        continue;
      }
      const sheets = sheetsOf(formula, scratch.packet).filter((s) => s !== PRIOR_SHEET);
      const missing = sheets.filter((s) => !withData.has(s));
      if (!sheets.length || missing.length === sheets.length) {
        notFilled.push({ ...base, reason: sheets.length ? `源文件中没有${missing.join('、')}的数` : '取数公式没有引用任何公开表' });
        continue;
      }
      let v: CellValue;
      try {
        v = scratch.calculate(formula);
      } catch (e) {
        notFilled.push({ ...base, reason: `取数公式「${formula}」无法计算：${(e as Error).message}` });
        continue;
      }
      // a blank in an imported table is last year's "none": 0, not unknown
      if (v === null || v === '') v = 0;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        notFilled.push({ ...base, reason: `取数公式「${formula}」的结果不是数字（${String(v)}）` });
        continue;
      }
      const value = round2(v);
      const before = prior.cells[r]?.[B]?.v ?? null;
      cells.push({ sheet: PRIOR_SHEET, row: r, col: B, value, kind: 'prior', source: formula, report: -1, rowLabel: base.item, column: '上年数', before });
      if (before !== null && before !== '' && !(typeof before === 'number' && Math.abs(before - value) < 1e-9)) {
        overwrites.push({ sheet: PRIOR_SHEET, cell: a1(r, B), row: base.item, column: '上年数', before, after: value, source: formula });
      }
      filled.push({ ...base, value });
    }
    report.priorYear = { filled, notFilled };
    report.overwrites = overwrites;
    if (missing(report)) report.notes.push('源文件中没有识别出任何公开表，上年数未填。');
    report.summary = summarize(report);
    plan = { report, cells, checks: [], rows: [] };
  } finally {
    scratch.destroy();
  }
  return plan;
}

function missing(r: ImportPlan['report']): boolean {
  return !r.sheets.some((s) => s.table && !s.reason);
}

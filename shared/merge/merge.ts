/**
 * 汇总: unit packets of one template set and year (本级 + 下属单位) → one department packet.
 *
 * Bytes in, bytes out. The template set's 汇总规则 (merge.json, parsed by rules.ts) says what is summed, what is
 * taken from 本级 and which rows are transfers inside the group; the 科目 tables are the ones the set declares
 * with a 层级 审核 row, aligned by 科目编码 over the union of the units' rows. The result is opened with the one
 * engine (PacketSession) for the full check and written with the one writer (writePacket).
 */
import { a1, colLetters, parseSheetRange } from '../a1.js';
import { codeRows, codeText, parseParams } from '../checks.js';
import { PacketSession, type Finding } from '../engine.js';
import { PacketError } from '../errors.js';
import { addForm, formSheetName, formSheets, rebuildSummary } from '../forms/collection.js';
import { formLayout } from '../forms/layout.js';
import type { Cell, CellValue, Packet, SheetModel } from '../model.js';
import { readPacket, writePacket } from '../xlsx.js';
import type { MergeRules, TransferRule, TransferSide } from './rules.js';
import { isSubjectCode } from '../subject-code.js';

export interface UnitInput {
  /** what the user chose (a file name); shown in messages and in 汇总说明 */
  label: string;
  bytes: Uint8Array;
}

export interface MergeOptions {
  /** index of the 本级 packet among the units (default 0) */
  main?: number;
  /** the department's name for 概况 单位名称 (default: 本级's) */
  departmentName?: string;
  /** the department packet of the previous run: the result then says what changed */
  previous?: Uint8Array;
}

export interface Elimination {
  rule: string;
  code: string;
  name: string;
  /** per receiving unit / paying unit: its figure at this code */
  income: { unit: string; amount: number }[];
  expense: { unit: string; amount: number }[];
  eliminated: number;
  /** income − eliminated, expense − eliminated: transfers with a side outside the group, or mismatches */
  incomeLeft: number;
  expenseLeft: number;
}

export interface MergeChange {
  sheet: string;
  cell: string;
  label: string;
  before: CellValue;
  after: CellValue;
}

export interface MergeResult {
  bytes: Uint8Array;
  packet: Packet;
  findings: Finding[];
  units: { label: string; unit: string; role: '本级' | '下属单位'; digest: string }[];
  eliminations: Elimination[];
  /** things the accountant should know (names that differ, texts taken from 本级 …) */
  notes: string[];
  /** against `previous`; undefined on a first run */
  changes?: { units: string[]; cells: MergeChange[]; totalCells: number };
}

export const MERGE_SHEET = '汇总说明';
export const MERGE_META_KEY = '汇总来源';
const MAX_LISTED_CHANGES = 500;
export const MAX_UNITS = 200;

// ---------------------------------------------------------------- small helpers

const round2 = (x: number) => Math.round(x * 100 + (x >= 0 ? 1e-9 : -1e-9)) / 100;
/** sums of figures kept to 元 precision (1.7409 万元) must not grow binary noise */
const clean = (x: number) => Math.round(x * 1e8) / 1e8;

function clonePacket(p: Packet): Packet {
  return JSON.parse(JSON.stringify(p)) as Packet;
}

function nameCell(packet: Packet, name: string): { sheet: string; row: number; col: number } | null {
  const n = packet.names.find((x) => x.name === name);
  const r = n ? parseSheetRange(n.ref) : null;
  return r && r.top === r.bottom && r.left === r.right ? { sheet: r.sheet, row: r.top, col: r.left } : null;
}

function requireName(packet: Packet, name: string, what: string): { sheet: string; row: number; col: number } {
  const c = nameCell(packet, name);
  if (!c) throw new PacketError(`${what}缺少汇总规则所用的定义名称「${name}」（应指向一个单元格）。`);
  return c;
}

function valueAt(packet: Packet, at: { sheet: string; row: number; col: number }): CellValue {
  return packet.sheets.find((s) => s.name === at.sheet)?.cells[at.row]?.[at.col]?.v ?? null;
}

function setValue(s: SheetModel, row: number, col: number, v: CellValue): void {
  while (s.cells.length <= row) s.cells.push([]);
  const r = s.cells[row];
  while (r.length <= col) r.push(null);
  const c: Cell = r[col] ?? {};
  if (v === null) delete c.v;
  else c.v = v;
  r[col] = c;
}

function num(v: CellValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** FNV-1a over the unit's input cells: enough to tell that a unit changed between two runs. */
export function packetDigest(p: Packet): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const feed = (t: string) => {
    for (let i = 0; i < t.length; i++) {
      const ch = t.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ ch, 0x5bd1e995) >>> 0;
    }
  };
  for (const s of p.sheets) {
    feed(`\u0001${s.name}`);
    s.cells.forEach((row, r) => row.forEach((c, col) => {
      if (c?.input && c.v !== undefined && c.v !== null && c.v !== '') feed(`\u0002${r},${col}=${String(c.v)}`);
    }));
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------- 科目 tables

interface CodeTable {
  sheet: string;
  codeCol: number;
  nameCol: number;
  cols: number[];
  headerRow: number;
  totalLabel: string;
}

function codeTables(packet: Packet): CodeTable[] {
  const out: CodeTable[] = [];
  for (const d of packet.checks) {
    if (d.kind !== '层级') continue;
    const p = parseParams(d.params);
    const [from, to] = (p['金额列'] ?? '').split(':');
    if (!p['表'] || !from) continue;
    const cols: number[] = [];
    const fc = colIdx(from);
    const tc = to ? colIdx(to) : fc;
    for (let c = fc; c <= tc; c++) cols.push(c);
    out.push({
      sheet: p['表'].trim(),
      codeCol: colIdx(p['编码列'] ?? 'A'),
      nameCol: colIdx(p['名称列'] ?? 'B'),
      cols,
      headerRow: Math.max(0, Number(p['表头行'] ?? 1) - 1),
      totalLabel: (p['合计行'] ?? '合计').trim(),
    });
  }
  return out;
}

function colIdx(letters: string): number {
  let n = 0;
  for (const ch of letters.trim().toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function totalRowOf(s: SheetModel, t: CodeTable): number {
  for (let r = t.headerRow; r < s.cells.length; r++) {
    if (codeText(s.cells[r]?.[t.nameCol]?.v).replace(/\s/g, '') === t.totalLabel) return r;
  }
  throw new PacketError(`${s.name}没有「${t.totalLabel}」行，无法汇总。`);
}

/** The block of 科目 input rows under the 合计 row (template spare rows included). */
function codeBlock(s: SheetModel, t: CodeTable): { first: number; last: number } {
  const total = totalRowOf(s, t);
  let first = total + 1;
  while (first < s.cells.length && !s.cells[first]?.[t.codeCol]?.input) {
    if (first > total + 3) throw new PacketError(`${s.name}的合计行下没有可填写的科目行，无法汇总。`);
    first++;
  }
  let last = first;
  while (s.cells[last + 1]?.[t.codeCol]?.input) last++;
  return { first, last };
}

interface TableData {
  total: (number | null)[];
  rows: Map<string, { name: string; values: (number | null)[] }>;
}

function readTable(s: SheetModel, t: CodeTable): TableData {
  const total = totalRowOf(s, t);
  const rows = new Map<string, { name: string; values: (number | null)[] }>();
  for (const cr of codeRows(s, t.codeCol, t.nameCol, total + 1)) {
    const values = t.cols.map((c) => num(s.cells[cr.row]?.[c]?.v));
    const had = rows.get(cr.code);
    // the same code twice in one unit: add, as the report software's 汇总 would; the 层级 check flags it there
    if (had) had.values = had.values.map((v, i) => (v === null && values[i] === null ? null : clean((v ?? 0) + (values[i] ?? 0))));
    else rows.set(cr.code, { name: cr.name, values });
  }
  return { total: t.cols.map((c) => num(s.cells[total]?.[c]?.v)), rows };
}

function addInto(acc: (number | null)[], add: (number | null)[]): (number | null)[] {
  return acc.map((v, i) => (v === null && add[i] === null ? null : clean((v ?? 0) + (add[i] ?? 0))));
}

// ---------------------------------------------------------------- the merge

function sheetOf(p: Packet, name: string, what: string): SheetModel {
  const s = p.sheets.find((x) => x.name === name);
  if (!s) throw new PacketError(`${what}没有工作表「${name}」，与汇总规则不符，无法汇总。`);
  return s;
}

function rowLabel(s: SheetModel, row: number, col: number): string {
  const parts: string[] = [];
  for (let c = 0; c < col; c++) {
    const v = s.cells[row]?.[c]?.v;
    if (typeof v === 'string' && v.trim()) parts.push(v.trim());
  }
  return parts.slice(-2).join(' ');
}

export async function mergePackets(units: UnitInput[], rules: MergeRules, opts: MergeOptions = {}): Promise<MergeResult> {
  if (units.length < 2) throw new PacketError('汇总至少需要两个单位的公开包（本级和下属单位）。');
  // every unit's packet is held in memory at once (a few MB each): a bigger group is merged level by level
  if (units.length > MAX_UNITS) throw new PacketError(`一次汇总 ${units.length} 个单位，超过 ${MAX_UNITS} 个的上限：请分级汇总（先按乡镇或科室汇总，再汇总这些汇总包）。`);
  const mainIx = opts.main ?? 0;
  if (mainIx < 0 || mainIx >= units.length) throw new PacketError('指定的本级单位不在所选公开包之中。');
  const packets: Packet[] = [];
  for (const u of units) packets.push(await readPacket(u.bytes, `单位公开包「${u.label}」`));
  const main = packets[mainIx];
  const unitName = (p: Packet, i: number) => {
    const at = nameCell(p, rules.overview.unitName);
    const v = at ? valueAt(p, at) : null;
    return typeof v === 'string' && v.trim() ? v.trim() : units[i].label;
  };
  const names = packets.map(unitName);
  const notes: string[] = [];

  // ---- same set, same year
  const set = main.meta['模板套'] ?? '';
  packets.forEach((p, i) => {
    if ((p.meta['模板套'] ?? '') !== set) {
      throw new PacketError(`「${units[i].label}」的模板套是「${p.meta['模板套'] ?? '（未注明）'}」，与本级「${set || '（未注明）'}」不同，不能汇总。`);
    }
  });
  for (const n of rules.overview.same) {
    const want = valueAt(main, requireName(main, n, `本级公开包「${units[mainIx].label}」`));
    packets.forEach((p, i) => {
      const v = valueAt(p, requireName(p, n, `「${units[i].label}」`));
      if (String(v ?? '') !== String(want ?? '')) {
        throw new PacketError(`「${units[i].label}」的${n}是「${v ?? '空'}」，本级是「${want ?? '空'}」：只能汇总同一${n}的公开包。`);
      }
    });
  }

  // ---- the 科目 tables: union of codes, sized in the base through the engine (formulas and names follow)
  let base = clonePacket(main);
  const tables = codeTables(base).filter((t) => rules.sumSheets.includes(t.sheet));
  const data = new Map<string, TableData[]>();
  for (const t of tables) data.set(t.sheet, packets.map((p, i) => readTable(sheetOf(p, t.sheet, `「${units[i].label}」`), t)));
  const unionOf = (sheet: string) => [...new Set(data.get(sheet)!.flatMap((d) => [...d.rows.keys()]))].sort();
  const grow: { sheet: string; at: number; count: number }[] = [];
  for (const t of tables) {
    const s = sheetOf(base, t.sheet, '本级公开包');
    const blk = codeBlock(s, t);
    const need = unionOf(t.sheet).length - (blk.last - blk.first + 1);
    if (need > 0) grow.push({ sheet: t.sheet, at: blk.last + 1, count: need });
  }
  if (grow.length) {
    const session = new PacketSession(base);
    for (const g of grow) session.insertRows(g.sheet, g.at, g.count, g.at - 1);
    base = clonePacket(session.toPacket());
    session.destroy();
  }

  // ---- merged 科目 data before elimination
  const merged = new Map<string, TableData & { names: Map<string, string> }>();
  for (const t of tables) {
    const all = data.get(t.sheet)!;
    const out = { total: t.cols.map(() => null as number | null), rows: new Map<string, { name: string; values: (number | null)[] }>(), names: new Map<string, string>() };
    for (const d of all) out.total = addInto(out.total, d.total);
    for (const code of unionOf(t.sheet)) {
      let values: (number | null)[] = t.cols.map(() => null);
      const seen = new Set<string>();
      let name = '';
      all.forEach((d, i) => {
        const r = d.rows.get(code);
        if (!r) return;
        values = addInto(values, r.values);
        if (r.name) seen.add(r.name);
        if (!name || i === mainIx) name = r.name || name;
      });
      if (seen.size > 1) notes.push(`${t.sheet} 科目 ${code} 在各单位的名称不同（${[...seen].join('／')}），汇总表用「${name}」。`);
      out.rows.set(code, { name, values });
    }
    merged.set(t.sheet, out);
  }

  // ---- fixed-layout sheets: cell by cell
  const fixed = rules.sumSheets.filter((n) => !tables.some((t) => t.sheet === n));
  for (const sheetName of fixed) {
    const s = sheetOf(base, sheetName, '本级公开包');
    const others = packets.map((p, i) => sheetOf(p, sheetName, `「${units[i].label}」`));
    others.forEach((o, i) => {
      if (i === mainIx) return;
      // same layout: the fixed labels must agree row by row, or a cell-by-cell sum would add unlike things
      for (let r = 0; r < s.cells.length; r++) {
        for (let c = 0; c < (s.cells[r]?.length ?? 0); c++) {
          const bc = s.cells[r]?.[c];
          if (!bc || bc.input || bc.f || typeof bc.v !== 'string') continue;
          const oc = o.cells[r]?.[c];
          if ((oc?.v ?? '') !== bc.v) {
            throw new PacketError(`「${units[i].label}」的${sheetName}与本级版式不同（${a1(r, c)} 为「${String(oc?.v ?? '')}」，本级为「${bc.v}」），无法逐格汇总。`);
          }
        }
      }
    });
    let textsFromMain = false;
    s.cells.forEach((row, r) => row.forEach((cell, c) => {
      if (!cell?.input) return;
      const vals = others.map((o) => o.cells[r]?.[c]?.v ?? null);
      const nums = vals.map(num);
      if (nums.some((x) => x !== null)) {
        setValue(s, r, c, clean(nums.reduce<number>((a, x) => a + (x ?? 0), 0)));
      } else if (vals.some((v, i) => i !== mainIx && typeof v === 'string' && v.trim() && v !== vals[mainIx])) {
        textsFromMain = true;
        const mv = vals[mainIx];
        if (mv === null || mv === '') setValue(s, r, c, vals.find((v) => typeof v === 'string' && v.trim()) ?? null);
      }
    }));
    if (textsFromMain) notes.push(`${sheetName} 中的文字（原因说明等）各单位不同，汇总表取本级的文字；请按部门口径修改。`);
  }

  // ---- eliminations
  const eliminations: Elimination[] = [];
  const namedDelta = new Map<string, number>(); // defined name → amount to subtract
  const classDelta = new Map<string, number>(); // "sheet|row|col" → amount to subtract
  const touched = new Set<string>(); // "sheet|code|k" (code '' = 合计 row) changed by an elimination
  for (const rule of rules.transfers) eliminations.push(...eliminate(rule, packets, names, mainIx, merged, tables, namedDelta, classDelta, touched));

  // ---- write the 科目 tables
  for (const t of tables) {
    const s = sheetOf(base, t.sheet, '本级公开包');
    const m = merged.get(t.sheet)!;
    const total = totalRowOf(s, t);
    const blk = codeBlock(s, t);
    const codes = [...m.rows.keys()];
    // a class row and a detail row look different in the template: take each look from a base row of that level
    const looks = new Map<number, (Cell | null)[]>();
    for (let r = blk.first; r <= blk.last; r++) {
      const code = codeText(s.cells[r]?.[t.codeCol]?.v);
      if (/^\d+$/.test(code) && !looks.has(code.length)) looks.set(code.length, (s.cells[r] ?? []).map((c) => (c ? { ...c } : null)));
    }
    const plain = (s.cells[blk.last] ?? []).map((c) => (c ? { ...c } : null));
    const zeroOrBlank = (k: number, code: string | null, x: number): number | null => {
      if (Math.abs(x) > 1e-9 || !touched.has(`${t.sheet}|${code ?? ''}|${k}`)) return x;
      // emptied by an elimination: 0.00 where a unit reported 0, blank where none did (as the units printed it)
      const said = data.get(t.sheet)!.map((d) => (code === null ? d.total[k] : d.rows.get(code)?.values[k] ?? null));
      return said.some((y) => y === 0) ? 0 : null;
    };
    t.cols.forEach((c, k) => {
      const x = m.total[k];
      setValue(s, total, c, x === null ? null : zeroOrBlank(k, null, round6(x)));
    });
    for (let k = 0, r = blk.first; r <= blk.last; r++, k++) {
      const code = codes[k];
      const look = (code && looks.get(code.length)) || looks.get(7) || looks.get(5) || plain;
      s.cells[r] = look.map((c) => (c ? { ...(c.s !== undefined ? { s: c.s } : {}), ...(c.input ? { input: true } : {}) } : null));
      if (!code) continue;
      const row = m.rows.get(code)!;
      setValue(s, r, t.codeCol, code);
      setValue(s, r, t.nameCol, row.name || null);
      t.cols.forEach((c, i) => setValue(s, r, c, row.values[i] === null ? null : zeroOrBlank(i, code, round6(row.values[i]!))));
    }
  }

  // ---- eliminations on single cells (01表 上级补助收入, 合计, 总计, class lines)
  const takeOff = (sheet: string, row: number, col: number, d: number) => {
    const s = sheetOf(base, sheet, '本级公开包');
    const x = round6((num(s.cells[row]?.[col]?.v) ?? 0) - d);
    const someZero = packets.some((p) => p.sheets.find((y) => y.name === sheet)?.cells[row]?.[col]?.v === 0);
    setValue(s, row, col, Math.abs(x) > 1e-9 || someZero ? x : null);
  };
  for (const [n, d] of namedDelta) {
    const at = requireName(base, n, '本级公开包');
    takeOff(at.sheet, at.row, at.col, d);
  }
  for (const [k, d] of classDelta) {
    const [sheet, row, col] = k.split('|');
    takeOff(sheet, Number(row), Number(col), d);
  }

  // ---- 概况
  const ov = rules.overview;
  const at = (n: string) => requireName(base, n, '本级公开包');
  const put = (n: string, v: CellValue) => {
    const c = at(n);
    setValue(sheetOf(base, c.sheet, '本级公开包'), c.row, c.col, v);
  };
  put(ov.unitName, opts.departmentName?.trim() || names[mainIx]);
  put(ov.composition, names.map((n, i) => `${n}（${i === mainIx ? '本级' : '下属单位'}）`).join('、'));
  put(ov.unitCount, packets.reduce((a, p) => a + (num(valueAt(p, requireName(p, ov.unitCount, '单位公开包'))) ?? 1), 0));
  for (const n of ov.sum) {
    const vals = packets.map((p, i) => num(valueAt(p, requireName(p, n, `「${units[i].label}」`))));
    put(n, vals.every((v) => v === null) ? null : vals.reduce<number>((a, v) => a + (v ?? 0), 0));
  }
  for (const n of rules.fromMain) {
    const mine = base.sheets.find((s) => s.name === n);
    if (!mine) continue;
    const inputs = (s: SheetModel | undefined) => JSON.stringify(s?.cells.map((r) => r.map((c) => (c?.input ? c.v ?? null : null))) ?? null);
    const differs = packets.some((p, i) => i !== mainIx && inputs(p.sheets.find((s) => s.name === n)) !== inputs(mine));
    if (differs) notes.push(`「${n}」各单位填写的内容不同，汇总表取本级的内容，请按部门口径修改。`);
  }

  // ---- forms of all units, in unit order (本级 first)
  const order = [mainIx, ...packets.map((_p, i) => i).filter((i) => i !== mainIx)];
  const totalForms = packets.reduce((a, p) => a + formSheets(p).length, 0);
  const width = Math.max(2, String(totalForms).length);
  for (const i of order.slice(1)) {
    for (const f of formSheets(packets[i])) {
      // numbered on from 本级's forms: 自评NN follows the printed order of the department packet
      const l = formLayout(f);
      const project = typeof l === 'string' ? '' : String(f.cells[l.nameCell.row]?.[l.nameCell.col]?.v ?? '');
      const name = formSheetName(base, formSheets(base).length + 1, project, width);
      addForm(base, { template: { packet: packets[i], sheet: f.name }, deferSummary: true, name });
    }
  }
  if (formSheets(base).length) rebuildSummary(base, new Map());

  // ---- 汇总说明 and the sources
  const unitsOut = packets.map((p, i) => ({ label: units[i].label, unit: names[i], role: (i === mainIx ? '本级' : '下属单位') as '本级' | '下属单位', digest: packetDigest(p) }));
  unitsOut.forEach((u, i) => {
    const twin = unitsOut.findIndex((x) => x.digest === u.digest);
    // the same packet chosen twice doubles every figure; say so rather than guess which one to drop
    if (twin < i) notes.push(`「${u.label}」与「${unitsOut[twin].label}」的内容完全相同，是否重复选择了同一个单位？其数字已被加了两次。`);
  });
  base.meta[MERGE_META_KEY] = JSON.stringify(unitsOut.map((u) => ({ 文件: u.label, 单位: u.unit, 角色: u.role, 指纹: u.digest })));

  let changes: MergeResult['changes'];
  if (opts.previous) {
    const prev = await readPacket(opts.previous, '上次汇总的部门公开包');
    changes = diffPackets(prev, base, unitsOut, rules);
  }
  const sheet = explanationSheet(base, unitsOut, eliminations, notes, changes, rules);
  const old = base.sheets.findIndex((s) => s.name === MERGE_SHEET);
  if (old >= 0) base.sheets.splice(old, 1);
  const overview = base.sheets.findIndex((s) => s.kind === 'overview');
  base.sheets.splice(overview >= 0 ? overview + 1 : 0, 0, sheet);

  // ---- the full check, with the one engine; its computed values go into the file
  const session = new PacketSession(base);
  const findings = session.findings();
  const packet = session.toPacket();
  session.destroy();
  const bytes = await writePacket(packet);
  return { bytes, packet, findings, units: unitsOut, eliminations, notes, ...(changes ? { changes } : {}) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function eliminate(
  rule: TransferRule, packets: Packet[], names: string[], mainIx: number,
  merged: Map<string, TableData & { names: Map<string, string> }>, tables: { sheet: string; cols: number[] }[],
  namedDelta: Map<string, number>, classDelta: Map<string, number>, touched: Set<string>,
): Elimination[] {
  const receivers = packets.map((_p, i) => i).filter((i) => (rule.receiver === '本级' ? i === mainIx : i !== mainIx));
  const payers = packets.map((_p, i) => i).filter((i) => (rule.receiver === '本级' ? i !== mainIx : i === mainIx));
  // both sides must be in the group; with one 本级 and at least one 下属单位 they are
  if (!receivers.length || !payers.length) return [];
  const inc = tableOf(rule.income, merged, tables);
  const exp = tableOf(rule.expense, merged, tables);
  const leafAmounts = (side: TransferSide, who: number[]) => {
    const t = tables.find((x) => x.sheet === side.sheet)!;
    const k = t.cols.indexOf(side.col);
    const codes = [...merged.get(side.sheet)!.rows.keys()];
    const leaves = codes.filter((c) => !codes.some((d) => d !== c && d.startsWith(c)));
    const out = new Map<string, { unit: string; amount: number }[]>();
    for (const code of leaves) {
      const list: { unit: string; amount: number }[] = [];
      for (const i of who) {
        const s = packets[i].sheets.find((x) => x.name === side.sheet)!;
        const d = readTableCached(s, side.sheet, packets[i], tables);
        const v = d.rows.get(code)?.values[k] ?? null;
        if (v) list.push({ unit: names[i], amount: v });
      }
      if (list.length) out.set(code, list);
    }
    return out;
  };
  const incomeBy = leafAmounts(rule.income, receivers);
  const expenseBy = leafAmounts(rule.expense, payers);
  const out: Elimination[] = [];
  for (const code of [...new Set([...incomeBy.keys(), ...expenseBy.keys()])].sort()) {
    const income = incomeBy.get(code) ?? [];
    const expense = expenseBy.get(code) ?? [];
    const ti = round2(income.reduce((a, x) => a + x.amount, 0));
    const te = round2(expense.reduce((a, x) => a + x.amount, 0));
    const e = ti > 0 && te > 0 ? Math.min(ti, te) : 0;
    const name = inc.rows.get(code)?.name || exp.rows.get(code)?.name || '';
    out.push({ rule: rule.name, code, name, income, expense, eliminated: e, incomeLeft: round2(ti - e), expenseLeft: round2(te - e) });
    if (!e) continue;
    subtract(rule.income, inc, code, e, tables, touched);
    subtract(rule.expense, exp, code, e, tables, touched);
    for (const n of rule.income.names) namedDelta.set(n, round6((namedDelta.get(n) ?? 0) + e));
    for (const n of rule.expense.names) namedDelta.set(n, round6((namedDelta.get(n) ?? 0) + e));
    for (const side of [rule.income, rule.expense]) {
      const row = side.byClass?.rows.get(code.slice(0, 3));
      if (side.byClass && row !== undefined) {
        const key = `${side.byClass.sheet}|${row}|${side.byClass.col}`;
        classDelta.set(key, round6((classDelta.get(key) ?? 0) + e));
      }
    }
  }
  return out;
}

const tableCache = new WeakMap<SheetModel, TableData>();
function readTableCached(s: SheetModel, sheet: string, p: Packet, tables: { sheet: string }[]): TableData {
  let d = tableCache.get(s);
  if (!d) {
    const t = codeTables(p).find((x) => x.sheet === sheet && tables.some((y) => y.sheet === sheet));
    if (!t) throw new PacketError(`汇总规则的内部往来引用的「${sheet}」不是科目表。`);
    d = readTable(s, t);
    tableCache.set(s, d);
  }
  return d;
}

function tableOf(side: TransferSide, merged: Map<string, TableData>, tables: { sheet: string; cols: number[] }[]): TableData {
  const t = tables.find((x) => x.sheet === side.sheet);
  const m = merged.get(side.sheet);
  if (!t || !m) throw new PacketError(`汇总规则的内部往来引用的「${side.sheet}」不是汇总的科目表。`);
  if (!t.cols.includes(side.col) || !t.cols.includes(side.totalCol)) throw new PacketError(`汇总规则的内部往来引用了${side.sheet}金额列以外的列。`);
  return m;
}

/** Take `e` off the item column and the row's total column at the code, its 款 and 类 rows and the 合计 row. */
function subtract(side: TransferSide, m: TableData, code: string, e: number, tables: { sheet: string; cols: number[] }[], touched: Set<string>): void {
  const t = tables.find((x) => x.sheet === side.sheet)!;
  const ks = [t.cols.indexOf(side.col), t.cols.indexOf(side.totalCol)];
  const take = (values: (number | null)[], at: string) => {
    for (const k of ks) {
      values[k] = round6((values[k] ?? 0) - e);
      touched.add(`${side.sheet}|${at}|${k}`);
    }
  };
  for (const c of new Set([code.slice(0, 3), code.slice(0, 5), code])) {
    const r = m.rows.get(c);
    if (r) take(r.values, c);
  }
  take(m.total, '');
}

// ---------------------------------------------------------------- what changed since the last run

function diffPackets(prev: Packet, next: Packet, units: MergeResult['units'], rules: MergeRules): NonNullable<MergeResult['changes']> {
  let before: { 文件: string; 单位: string; 指纹: string }[] = [];
  try {
    before = JSON.parse(prev.meta[MERGE_META_KEY] ?? '[]') as typeof before;
  } catch {
    before = [];
  }
  const unitNotes: string[] = [];
  for (const u of units) {
    const b = before.find((x) => x.单位 === u.unit) ?? before.find((x) => x.文件 === u.label);
    if (!b) unitNotes.push(`新增单位：${u.unit}`);
    else if (b.指纹 !== u.digest) unitNotes.push(`有变化：${u.unit}`);
  }
  for (const b of before) if (!units.some((u) => u.unit === b.单位 || u.label === b.文件)) unitNotes.push(`已移除：${b.单位}`);
  const cells: MergeChange[] = [];
  let totalCells = 0;
  const sheets = [...rules.sumSheets, ...next.sheets.filter((s) => s.kind === 'overview').map((s) => s.name)];
  for (const name of sheets) {
    const a = prev.sheets.find((s) => s.name === name);
    const b = next.sheets.find((s) => s.name === name);
    if (!a || !b) continue;
    const tables = codeTables(next).filter((t) => t.sheet === name);
    const key = (s: SheetModel, r: number, c: number): string => {
      if (!tables.length) return `${r},${c}`;
      const code = codeText(s.cells[r]?.[tables[0].codeCol]?.v);
      return isSubjectCode(code) ? `${code}:${c}` : `${r},${c}`;
    };
    const old = new Map<string, CellValue>();
    a.cells.forEach((row, r) => row.forEach((cell, c) => {
      if (cell?.input) old.set(key(a, r, c), cell.v ?? null);
    }));
    const seen = new Set<string>();
    b.cells.forEach((row, r) => row.forEach((cell, c) => {
      if (!cell?.input) return;
      const k = key(b, r, c);
      seen.add(k);
      const was = old.get(k) ?? null;
      const now = cell.v ?? null;
      if (String(was ?? '') === String(now ?? '')) return;
      totalCells++;
      if (cells.length < MAX_LISTED_CHANGES) cells.push({ sheet: name, cell: a1(r, c), label: rowLabel(b, r, c) || codeText(b.cells[r]?.[0]?.v), before: was, after: now });
    }));
    for (const [k, v] of old) {
      if (seen.has(k) || v === null || v === '') continue;
      totalCells++;
      if (cells.length < MAX_LISTED_CHANGES) cells.push({ sheet: name, cell: k.includes(':') ? `科目 ${k.split(':')[0]}` : k, label: '（该行已不在汇总表中）', before: v, after: null });
    }
  }
  return { units: unitNotes, cells, totalCells };
}

// ---------------------------------------------------------------- the 汇总说明 sheet

function explanationSheet(
  p: Packet, units: MergeResult['units'], elims: Elimination[], notes: string[], changes: MergeResult['changes'], rules: MergeRules,
): SheetModel {
  const style = (font: { bold?: boolean; size?: number }, numFmt?: string) => {
    const st = { font: { name: '宋体', size: font.size ?? 10, ...(font.bold ? { bold: true } : {}) }, align: { v: 'middle' as const, wrap: true }, ...(numFmt ? { numFmt } : {}) };
    const key = JSON.stringify(st);
    const i = p.styles.findIndex((x) => JSON.stringify(x) === key);
    if (i >= 0) return i;
    p.styles.push(st);
    return p.styles.length - 1;
  };
  const title = style({ bold: true, size: 14 });
  const head = style({ bold: true });
  const text = style({});
  const money = style({}, '#,##0.00');
  const cells: (Cell | null)[][] = [];
  const row = (vals: CellValue[], s = text) => cells.push(vals.map((v) => (v === null ? null : { v, s: typeof v === 'number' ? money : s })));
  row(['汇总说明'], title);
  row([`本部门公开包由 ${units.length} 个单位的公开包汇总而成。金额逐格相加；科目表按科目编码取各单位科目的并集；组内往来按下列规则抵销。`]);
  row([]);
  row(['单位', '角色', '文件', '指纹'], head);
  for (const u of units) row([u.unit, u.role, u.label, u.digest]);
  row([]);
  row(['抵销规则'], head);
  for (const t of rules.transfers) {
    row([`${t.name}：收入方为${t.receiver}（${t.income.sheet} ${colLetters(t.income.col)}列），支出方为${t.receiver === '本级' ? '下属单位' : '本级'}（${t.expense.sheet} ${colLetters(t.expense.col)}列）；双方都在本次汇总中时，按科目编码逐项取两方较小者抵销，差额不抵销、在下表列出。`]);
  }
  row([]);
  row(['往来项目', '科目编码', '科目名称', '收入方', '收入方金额', '支出方', '支出方金额', '抵销金额', '未抵销（收入方）', '未抵销（支出方）'], head);
  const withAmounts = elims.filter((e) => e.eliminated || e.incomeLeft || e.expenseLeft);
  if (!withAmounts.length) row(['（没有需要抵销的组内往来）']);
  for (const e of withAmounts) {
    row([e.rule, e.code, e.name, e.income.map((x) => x.unit).join('、') || '—', round2(e.income.reduce((a, x) => a + x.amount, 0)),
      e.expense.map((x) => x.unit).join('、') || '—', round2(e.expense.reduce((a, x) => a + x.amount, 0)), e.eliminated, e.incomeLeft, e.expenseLeft]);
  }
  const sum = round2(elims.reduce((a, e) => a + e.eliminated, 0));
  row(['抵销合计', null, null, null, null, null, null, sum]);
  row([]);
  row(['说明'], head);
  if (!notes.length) row(['（无）']);
  for (const n of notes) row([n]);
  if (changes) {
    row([]);
    row(['与上次汇总相比'], head);
    if (!changes.units.length && !changes.totalCells) row(['各单位公开包与上次汇总时相同，部门数字没有变化。']);
    for (const u of changes.units) row([u]);
    if (changes.totalCells) {
      row([`部门公开包中 ${changes.totalCells} 个数字有变化${changes.totalCells > changes.cells.length ? `（下面列出前 ${changes.cells.length} 个）` : ''}：`]);
      row(['工作表', '单元格', '项目', '上次', '本次'], head);
      for (const c of changes.cells) row([c.sheet, c.cell, c.label, c.before, c.after]);
    }
  }
  return {
    name: MERGE_SHEET,
    kind: 'other',
    hidden: false,
    cells,
    merges: [],
    colWidths: [30, 12, 30, 24, 14, 24, 14, 14, 16, 16],
    rowHeights: [],
    frozenRows: 0,
    print: { orientation: 'landscape', fitToWidth: true },
  };
}

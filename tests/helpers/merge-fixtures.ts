/**
 * Fixtures for 汇总 and batch review, built from the reference packet by the tests themselves:
 *  - splitReference: the reference packet as three units whose amounts add up to the cent, with an internal
 *    上级补助收入 / 对附属单位补助支出 pair (本级 pays, 下属单位甲 receives) that the merge must eliminate;
 *  - batchPackets: many packets, some with planted errors (each remembered with its cell), some unreadable.
 */
import { readFileSync } from 'node:fs';
import { a1, parseA1 } from '../../shared/a1.js';
import { deleteForm, formSheets } from '../../shared/forms/collection.js';
import type { Packet, SheetModel } from '../../shared/model.js';
import { parseMergeRules, type MergeRules } from '../../shared/merge/rules.js';
import { writePacket } from '../../shared/xlsx.js';
import { loadPacket } from './packets.js';

export const RULES_PATH = 'templates/jiangxi-2024/merge.json';
export function mergeRules(): MergeRules {
  return parseMergeRules(JSON.parse(readFileSync(RULES_PATH, 'utf8')));
}

export const UNIT_NAMES = ['昌南新区党群工作部（本级）', '昌南新区党员教育中心', '昌南新区融媒体中心'];
/** the internal transfer planted in the split: 本级 → 下属单位 #1, at this 项 code */
export const TRANSFER = { amount: 50, code: '2019999' };

const clone = (p: Packet) => JSON.parse(JSON.stringify(p)) as Packet;
const sheet = (p: Packet, n: string): SheetModel => p.sheets.find((s) => s.name === n)!;

function nameAt(p: Packet, name: string): { sheet: string; row: number; col: number } {
  const ref = p.names.find((n) => n.name === name)!.ref;
  const m = /^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)$/.exec(ref)!;
  const at = parseA1(`${m[2]}${m[3]}`)!;
  return { sheet: m[1], ...at };
}

/** three parts that add up exactly: integers stay integers, amounts split on whole cents (the last takes the rest) */
export function split3(v: number): [number, number, number] {
  if (Number.isInteger(v)) {
    const a = Math.floor(v / 2);
    const b = Math.floor((v * 3) / 10);
    return [a, b, v - a - b];
  }
  const micro = Math.round(v * 1e6);
  const a = Math.floor(micro / 2 / 1e4) * 1e4;
  const b = Math.floor((micro * 3) / 10 / 1e4) * 1e4;
  return [a / 1e6, b / 1e6, (micro - a - b) / 1e6];
}

function add(p: Packet, sheetName: string, address: string, delta: number): void {
  const { row, col } = parseA1(address)!;
  const c = sheet(p, sheetName).cells[row][col]!;
  c.v = Math.round(((typeof c.v === 'number' ? c.v : 0) + delta) * 1e6) / 1e6;
}

function codeRow(p: Packet, sheetName: string, code: string): number {
  const r = sheet(p, sheetName).cells.findIndex((row) => String(row[0]?.v ?? '') === code);
  if (r < 0) throw new Error(`${sheetName} has no ${code}`);
  return r + 1;
}

/** add `delta` to columns of a 项 row, its 款 and 类 rows and the 合计 row (row 6) */
export function addCode(p: Packet, sheetName: string, code: string, cols: string[], delta: number): void {
  for (const c of [code.slice(0, 3), code.slice(0, 5), code]) for (const col of cols) add(p, sheetName, `${col}${codeRow(p, sheetName, c)}`, delta);
  for (const col of cols) add(p, sheetName, `${col}6`, delta);
}

export async function splitReference(opts: { transfer?: boolean } = {}): Promise<{ reference: Packet; units: Packet[]; rules: MergeRules }> {
  const rules = mergeRules();
  const reference = await loadPacket();
  const units = [clone(reference), clone(reference), clone(reference)];
  const sumNames = new Set(rules.overview.sum);
  for (const s of reference.sheets) {
    const summed = rules.sumSheets.includes(s.name);
    s.cells.forEach((row, r) => row.forEach((c, col) => {
      if (!c?.input || typeof c.v !== 'number') return;
      const isOverviewSum = s.kind === 'overview' && [...sumNames].some((n) => {
        const at = nameAt(reference, n);
        return at.sheet === s.name && at.row === r && at.col === col;
      });
      if (!summed && !isOverviewSum) return;
      const parts = split3(c.v);
      units.forEach((u, i) => (sheet(u, s.name).cells[r][col]!.v = parts[i]));
    }));
  }
  units.forEach((u, i) => {
    const n = nameAt(u, '单位名称');
    sheet(u, n.sheet).cells[n.row][n.col]!.v = UNIT_NAMES[i];
    const k = nameAt(u, '单位数');
    sheet(u, k.sheet).cells[k.row][k.col]!.v = 1;
  });
  // the forms: 本级 keeps the first third, each 下属单位 the next
  const forms = formSheets(reference).map((f) => f.name);
  const third = Math.ceil(forms.length / 3);
  units.forEach((u, i) => {
    for (const [j, f] of forms.entries()) if (Math.floor(j / third) !== i) deleteForm(u, f);
  });
  if (opts.transfer ?? true) {
    const t = TRANSFER.amount;
    const cls = TRANSFER.code.slice(0, 3);
    const classRow = rules.transfers[0].expense.byClass!.rows.get(cls)! + 1;
    const [main, sub] = units;
    const at = (u: Packet, n: string) => {
      const x = nameAt(u, n);
      return { s: x.sheet, a: a1(x.row, x.col) };
    };
    const addName = (u: Packet, n: string, d: number) => {
      const x = at(u, n);
      add(u, x.s, x.a, d);
    };
    // 本级 pays t to 下属单位 as 对附属单位补助支出, out of one more t of 一般公共预算 财政拨款
    addCode(main, '公开03表', TRANSFER.code, ['C', 'H'], t);
    add(main, '公开01表', `F${classRow}`, t);
    for (const n of ['本年支出合计', '支出总计', '一般公共预算财政拨款收入', '本年收入合计', '收入总计']) addName(main, n, t);
    addCode(main, '公开02表', TRANSFER.code, ['C', 'D'], t);
    addCode(main, '公开05表', TRANSFER.code, ['C', 'E'], t);
    for (const a of ['C7', 'C33', 'C38', `G${classRow}`, 'G33', 'G38']) add(main, '公开04表', a, t);
    // 下属单位 receives it as 上级补助收入: t less 财政拨款, the same spending
    addCode(sub, '公开02表', TRANSFER.code, ['D'], -t);
    addCode(sub, '公开02表', TRANSFER.code, ['E'], t);
    addName(sub, '一般公共预算财政拨款收入', -t);
    addName(sub, '上级补助收入', t);
    addCode(sub, '公开05表', TRANSFER.code, ['C', 'E'], -t);
    for (const a of ['C7', 'C33', 'C38', `G${classRow}`, 'G33', 'G38']) add(sub, '公开04表', a, -t);
  }
  return { reference, units, rules };
}

// ---------------------------------------------------------------- batch

export interface Planted {
  file: string;
  kind: 'error' | 'rounding';
  sheet: string;
  cell: string;
  what: string;
  delta: number;
}

export interface BatchFixture {
  files: { path: string; bytes: Uint8Array }[];
  planted: Planted[];
  unreadable: string[];
  clean: string[];
}

/** Planted defects: [sheet, cell, delta, kind]. A 尾数差 (+0.01 on a detail) is a hint, the others errors. */
const DEFECTS: { sheet: string; cell: string; delta: number; kind: Planted['kind']; what: string }[] = [
  { sheet: '公开02表', cell: 'D22', delta: 12.5, kind: 'error', what: '02表 项 财政拨款收入多填 12.50' },
  { sheet: '公开01表', cell: 'C33', delta: -100, kind: 'error', what: '01表 本年收入合计少填 100.00' },
  { sheet: '公开09表', cell: 'E12', delta: 0.5, kind: 'error', what: '09表 国内接待费多填 0.50' },
  { sheet: '公开06表', cell: 'C7', delta: 3, kind: 'error', what: '06表 人员经费 类级多填 3.00' },
  { sheet: '公开02表', cell: 'D22', delta: 0.01, kind: 'rounding', what: '02表 项 多 0.01（尾数差）' },
];

function unreadableBytes(i: number, good: Uint8Array): { name: string; bytes: Uint8Array; why: string } {
  switch (i % 4) {
    case 0: return { name: 'bad-random.xlsx', bytes: new Uint8Array(Array.from({ length: 2048 }, (_x, k) => (k * 7919 + i) & 255)), why: 'random' };
    case 1: return { name: 'bad-truncated.xlsx', bytes: good.slice(0, Math.floor(good.length / 3)), why: 'truncated' };
    case 2: return { name: 'bad-empty.xlsx', bytes: new Uint8Array(0), why: 'empty' };
    default: return { name: 'bad-text.xlsx', bytes: new TextEncoder().encode('这不是一个公开包\n'), why: 'text' };
  }
}

/**
 * `count` files in two sub-folders: every `unreadableEvery`-th file is unreadable (random bytes, a truncated
 * packet, an empty file, a text file); of the packets, every `plantEvery`-th carries one planted defect (cycling
 * through DEFECTS). Each packet has its own 单位名称, so each file is a distinct packet.
 */
export async function batchPackets(count: number, opts: { plantEvery?: number; unreadableEvery?: number } = {}): Promise<BatchFixture> {
  const plantEvery = opts.plantEvery ?? 5;
  const unreadableEvery = opts.unreadableEvery ?? 25;
  const ref = await loadPacket();
  const unitAt = nameAt(ref, '单位名称');
  const files: BatchFixture['files'] = [];
  const planted: Planted[] = [];
  const unreadable: string[] = [];
  const clean: string[] = [];
  let good: Uint8Array | null = null;
  let packetNo = 0;
  for (let i = 0; i < count; i++) {
    const dir = i % 2 ? '乡镇/' : '';
    const no = String(i + 1).padStart(4, '0');
    if (i % unreadableEvery === unreadableEvery - 1) {
      good ??= await writePacket(ref);
      const u = unreadableBytes(unreadable.length, good);
      const path = `${dir}${no}-${u.name}`;
      files.push({ path, bytes: u.bytes });
      unreadable.push(path);
      continue;
    }
    const p = clone(ref);
    sheet(p, unitAt.sheet).cells[unitAt.row][unitAt.col]!.v = `测试单位${no}`;
    const path = `${dir}${no}-测试单位.xlsx`;
    if (packetNo++ % plantEvery === 0) {
      const d = DEFECTS[planted.length % DEFECTS.length];
      add(p, d.sheet, d.cell, d.delta);
      planted.push({ file: path, kind: d.kind, sheet: d.sheet, cell: d.cell, what: d.what, delta: d.delta });
    } else clean.push(path);
    const bytes = await writePacket(p);
    good ??= bytes;
    files.push({ path, bytes });
  }
  return { files, planted, unreadable, clean };
}

/**
 * bin/juesuan merge <本级.xlsx> <下属单位.xlsx>… --out <部门.xlsx> [--main <文件>] [--name 部门名称] [--json]
 * 汇总: the first file (or --main) is 本级, the others 下属单位. When --out already holds a department packet
 * from an earlier run, the new one replaces it (atomically, the old kept as .bak.xlsx) and the command says
 * what changed. Exit 0 when the department packet has no errors, 1 when it has, 2 unreadable input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketError } from '../shared/errors.js';
import { mergePackets, MERGE_SHEET, type MergeResult } from '../shared/merge/merge.js';
import { parseMergeRules, type MergeRules } from '../shared/merge/rules.js';
import { templateSetId } from '../shared/safety/template-set.js';
import { readPacket } from '../shared/xlsx.js';
import { saveAtomic } from '../node/atomic-save.js';
import { findingsJson } from './check.js';
import { EXIT_FINDINGS, EXIT_OK, fail, parseArgs, readBytes, UsageError } from './io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The 汇总规则 the template set ships (templates/<set>/merge.json). */
export function mergeRulesFor(meta: Record<string, string>): MergeRules {
  const set = templateSetId(meta);
  if (!set) fail('本级公开包没有注明有效的模板套（公开包信息表中的「模板套」），无法确定汇总规则。');
  const path = resolve(ROOT, 'templates', set, 'merge.json');
  if (!existsSync(path)) fail(`模板套「${set}」没有汇总规则（${path}），无法汇总。`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`汇总规则 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  return parseMergeRules(json);
}

function money(x: number): string {
  return x.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function mergeText(r: MergeResult, out: string): string {
  const lines: string[] = [];
  lines.push(`已汇总 ${r.units.length} 个单位 → ${out}`);
  for (const u of r.units) lines.push(`  ${u.role === '本级' ? '本级    ' : '下属单位'}  ${u.unit}（${u.label}）`);
  const done = r.eliminations.filter((e) => e.eliminated > 0);
  const left = r.eliminations.filter((e) => e.incomeLeft || e.expenseLeft);
  if (done.length) {
    lines.push(`抵销组内往来 ${done.length} 项，共 ${money(done.reduce((a, e) => a + e.eliminated, 0))} 万元：`);
    for (const e of done) lines.push(`  ${e.rule} ${e.code} ${e.name}：${money(e.eliminated)}`);
  } else lines.push('没有需要抵销的组内往来。');
  for (const e of left) lines.push(`  未抵销：${e.rule} ${e.code}，收入方余 ${money(e.incomeLeft)}，支出方余 ${money(e.expenseLeft)}（请核对）`);
  for (const n of r.notes) lines.push(`说明：${n}`);
  if (r.changes) {
    if (!r.changes.units.length && !r.changes.totalCells) lines.push('与上次汇总相比：没有变化。');
    else {
      lines.push(`与上次汇总相比：${r.changes.units.join('；') || '单位未变'}；部门数字变化 ${r.changes.totalCells} 处：`);
      for (const c of r.changes.cells.slice(0, 40)) lines.push(`  ${c.sheet} ${c.cell} ${c.label}：${c.before ?? '空'} → ${c.after ?? '空'}`);
      if (r.changes.totalCells > 40) lines.push(`  ……其余见「${MERGE_SHEET}」工作表`);
    }
  }
  const e = r.findings.filter((f) => f.severity === 'error').length;
  const w = r.findings.length - e;
  lines.push(`汇总后审核：${e} 个错误，${w} 个提示（其中尾数差 ${r.findings.filter((f) => f.rounding).length} 个）。${e ? '用 juesuan check 查看详情。' : ''}`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['out', 'main', 'name'], ['json']);
  if (positional.length < 2) throw new UsageError('merge 需要至少两个单位公开包（第一个为本级）');
  if (typeof flags.out !== 'string') throw new UsageError('merge 需要 --out <部门公开包.xlsx>');
  const out = flags.out;
  if (positional.some((p) => resolve(p) === resolve(out))) throw new UsageError('--out 不能是参与汇总的单位公开包之一');
  let main = 0;
  if (typeof flags.main === 'string') {
    main = positional.findIndex((p) => resolve(p) === resolve(flags.main as string));
    if (main < 0) throw new UsageError(`--main「${flags.main}」不在所列的单位公开包之中`);
  }
  const units = positional.map((p) => ({ label: basename(p), bytes: readBytes(p) }));
  const mainPacket = await readPacket(units[main].bytes, `单位公开包「${units[main].label}」`);
  const rules = mergeRulesFor(mainPacket.meta);
  let previous: Uint8Array | undefined;
  if (existsSync(out)) {
    previous = readBytes(out);
    try {
      await readPacket(previous, '上次汇总的部门公开包');
    } catch (e) {
      if (e instanceof PacketError) fail(`--out 所指的文件已存在，但不是公开包（${e.message}）。为免覆盖他人文件，请换一个文件名。`);
      throw e;
    }
  }
  const result = await mergePackets(units, rules, {
    main,
    ...(typeof flags.name === 'string' ? { departmentName: flags.name } : {}),
    ...(previous ? { previous } : {}),
  });
  await saveAtomic(out, result.bytes);
  if (flags.json) {
    process.stdout.write(JSON.stringify({
      out, units: result.units, eliminations: result.eliminations, notes: result.notes, changes: result.changes ?? null,
      ...findingsJson(result.findings),
    }, null, 1) + '\n');
  } else process.stdout.write(mergeText(result, out) + '\n');
  return result.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

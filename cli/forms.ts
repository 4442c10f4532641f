/**
 * bin/juesuan forms <packet.xlsx> [--json]: one line per 项目支出绩效自评表 (A, B, 执行率, 执行率得分, 总分,
 * 等级, number of findings), the count of each grade the packet declares (自评评分规则), ΣA and ΣB.
 * Also the template builder's hook: the forms of the reference packet and templates/…/form.xlsx.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { PacketSession } from '../shared/engine.js';
import {
  addForm, ensureFormSupport, formsReport, installForms, PROFILE_NAME, PROFILE_SHEET, rebuildSummary, stampFindingCounts, SUMMARY_SHEET, useStyles,
  type FormData, type FormsReport,
} from '../shared/forms.js';
import type { CellStyle, CheckDef, DefinedName, Packet, SheetModel } from '../shared/model.js';
import { writePacket } from '../shared/xlsx.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, openPacket, parseArgs, UsageError } from './io.js';

export function formsText(r: FormsReport): string {
  const fmt = (n: number | null, d = 2) => (n === null ? '—' : n.toFixed(d));
  const lines = r.forms.map((f) =>
    [f.sheet.padEnd(20), `A ${fmt(f.A)}`, `B ${fmt(f.B)}`, `执行率 ${f.rate === null ? '—' : f.rate}`, `执行率得分 ${fmt(f.rateScore)}`,
      `总分 ${fmt(f.total)}`, f.grade || '—', f.findings ? `${f.findings} 个问题` : ''].join('  '));
  lines.push(`共 ${r.forms.length} 张自评表：${Object.entries(r.counts).map(([g, n]) => `${g} ${n}`).join('，')}；全年预算数合计 ${r.sumA.toFixed(2)}，全年执行数合计 ${r.sumB.toFixed(2)}（万元）。`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, [], ['json']);
  if (positional.length !== 1) throw new UsageError('forms 需要一个公开包文件');
  const session = await buildSession(await openPacket(positional[0]));
  const report = formsReport(session);
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  else process.stdout.write(formsText(report) + '\n');
  // errors on a form, on the summary or in the scoring rules (an unknown profile code) fail the command
  const sheets = new Set([...report.forms.map((f) => f.sheet), SUMMARY_SHEET, PROFILE_SHEET]);
  const errors = session.findings().some((f) => f.severity === 'error' && sheets.has(f.sheet));
  return errors ? EXIT_FINDINGS : EXIT_OK;
}

// ---------------------------------------------------------------- template builder hook

interface BuildContext {
  sheets: SheetModel[];
  checks: CheckDef[];
  names: DefinedName[];
  styles: { list: CellStyle[]; get(s: CellStyle): number };
  filled: boolean;
  dir: string;
}

/**
 * Called from scripts/build-templates.ts (FORMS-HOOK): appends the 72 reference forms (filled) or none
 * (the empty packet), the 自评评分规则 sheet and 绩效自评汇总; on the empty build also writes form.xlsx.
 */
export function formsBuildHook(ctx: BuildContext): void {
  const packet: Packet = { sheets: ctx.sheets, styles: ctx.styles.list, checks: ctx.checks, names: ctx.names, meta: {} };
  useStyles(packet, (s) => ctx.styles.get(s));
  const forms = ctx.filled ? (JSON.parse(readFileSync(`${ctx.dir}/source/reference-forms.json`, 'utf8')) as FormData[]) : [];
  installForms(packet, forms, { profile: 'stepped' });
  if (ctx.filled) {
    // 审核问题数 as of the build, so the saved summary shows it without a recalculation
    const session = new PacketSession({ ...packet, sheets: [...packet.sheets], checks: [...packet.checks], names: [...packet.names] });
    const findings = session.findings();
    session.destroy();
    stampFindingCounts(packet, findings);
  } else {
    rebuildSummary(packet);
    pending.push(writeFormTemplate(`${ctx.dir}/form.xlsx`, basename(ctx.dir)));
  }
}

const pending: Promise<void>[] = [];

/** The empty form template of the template set `set` (its folder name): one form, the profiles, its checks. */
export function formTemplatePacket(set: string): Packet {
  const packet: Packet = { sheets: [], styles: [], checks: [], names: [], meta: { 模板套: set, 模板类型: '项目支出绩效自评表', [PROFILE_NAME]: 'stepped', 决算年度: '2024', 格式版本: '1' } };
  ensureFormSupport(packet, 'stepped');
  addForm(packet, { name: '自评表' });
  // a lone form has no tables to tie to and no one to summarise: keep only the form and its rules
  packet.sheets.splice(0, packet.sheets.length, ...packet.sheets.filter((s) => s.kind !== 'summary'));
  packet.checks.splice(0, packet.checks.length, ...packet.checks.filter((c) => !c.id.startsWith('绩效自评汇总:')));
  packet.names.splice(0, packet.names.length, ...packet.names.filter((n) => !n.ref.includes('绩效自评汇总')));
  return packet;
}

async function writeFormTemplate(path: string, set: string): Promise<void> {
  try {
    const packet = new PacketSession(formTemplatePacket(set)).toPacket();
    writeFileSync(path, await writePacket(packet));
    console.log(`wrote ${path}`);
  } catch (e) {
    console.error(`form.xlsx: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

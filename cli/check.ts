import { statSync } from 'node:fs';
import type { Finding } from '../shared/engine.js';
import { auditReportHtml, auditReportXlsx, buildAuditReport, explainFindings, reportSummary } from '../shared/report/index.js';
import { saveAtomic } from '../node/atomic-save.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, openPacket, parseArgs, UsageError } from './io.js';

export function findingsJson(findings: Finding[], explained?: ReturnType<typeof explainFindings>) {
  return {
    findings: findings.map((f, i) => {
      const x = explained?.[i];
      const note = x && x.state !== 'none' ? { explanation: { text: x.explanation!.text, state: x.state === 'ok' ? '已说明' : '待复核' } } : {};
      return { rule: f.rule, severity: f.severity, rounding: f.rounding, sheet: f.sheet, cells: f.cells, message: f.message, ...note };
    }),
    summary: {
      error: findings.filter((f) => f.severity === 'error').length,
      warning: findings.filter((f) => f.severity === 'warning').length,
    },
  };
}

/** `explained`: the 出错说明 state of each finding by index (explainFindings), printed after the message. */
export function findingsText(findings: Finding[], explained?: ReturnType<typeof explainFindings>): string {
  const lines: string[] = [];
  findings.forEach((f, i) => {
    const tag = f.severity === 'error' ? '错误' : f.rounding ? '尾数差' : '提示';
    const x = explained?.[i];
    const note = x?.state === 'ok' ? `  【出错说明】${x.explanation!.text}` : x?.state === 'stale' ? `  【出错说明待复核：数字已变】${x.explanation!.text}` : '';
    lines.push(`[${tag}] ${f.sheet}${f.cells.length ? ' ' + f.cells.join(',') : ''}  ${f.message}${note}`);
  });
  const e = findings.filter((f) => f.severity === 'error').length;
  const w = findings.length - e;
  const r = findings.filter((f) => f.rounding).length;
  lines.push(`共 ${e} 个错误，${w} 个提示（其中尾数差 ${r} 个）。`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  // a folder: the finance bureau's batch review (cli/batch.ts)
  if (args[0] && !args[0].startsWith('--') && statSync(args[0], { throwIfNoEntry: false })?.isDirectory()) return (await import('./batch.js')).run(args);
  const { positional, flags } = parseArgs(args, ['report'], ['json']);
  if (positional.length !== 1) throw new UsageError('check 需要一个公开包文件');
  const reportPath = typeof flags.report === 'string' ? flags.report : undefined;
  if (reportPath !== undefined && !/\.(xlsx|pdf)$/i.test(reportPath)) throw new UsageError('--report 的文件名应以 .xlsx 或 .pdf 结尾，如 审核报告.xlsx');
  const session = await buildSession(await openPacket(positional[0]));
  const findings = session.findings();
  if (reportPath) {
    const report = buildAuditReport(session);
    let bytes: Uint8Array;
    if (/\.pdf$/i.test(reportPath)) {
      const { htmlToPdf } = await import('../node/pdf.js');
      bytes = await htmlToPdf(auditReportHtml(report));
    } else bytes = await auditReportXlsx(report);
    await saveAtomic(reportPath, bytes, { backup: false });
    process.stderr.write(`已写出审核报告 ${reportPath}：${reportSummary(report)}\n`);
  }
  if (flags.json) process.stdout.write(JSON.stringify(findingsJson(findings, explainFindings(session, findings)), null, 1) + '\n');
  else process.stdout.write(findingsText(findings, explainFindings(session, findings)) + '\n');
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

import { statSync } from 'node:fs';
import type { Finding } from '../shared/engine.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, openPacket, parseArgs, UsageError } from './io.js';

export function findingsJson(findings: Finding[]) {
  return {
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, rounding: f.rounding, sheet: f.sheet, cells: f.cells, message: f.message })),
    summary: {
      error: findings.filter((f) => f.severity === 'error').length,
      warning: findings.filter((f) => f.severity === 'warning').length,
    },
  };
}

export function findingsText(findings: Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    const tag = f.severity === 'error' ? '错误' : f.rounding ? '尾数差' : '提示';
    lines.push(`[${tag}] ${f.sheet}${f.cells.length ? ' ' + f.cells.join(',') : ''}  ${f.message}`);
  }
  const e = findings.filter((f) => f.severity === 'error').length;
  const w = findings.length - e;
  const r = findings.filter((f) => f.rounding).length;
  lines.push(`共 ${e} 个错误，${w} 个提示（其中尾数差 ${r} 个）。`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  // a folder: the finance bureau's batch review (cli/batch.ts)
  if (args[0] && !args[0].startsWith('--') && statSync(args[0], { throwIfNoEntry: false })?.isDirectory()) return (await import('./batch.js')).run(args);
  const { positional, flags } = parseArgs(args, [], ['json']);
  if (positional.length !== 1) throw new UsageError('check 需要一个公开包文件');
  const session = await buildSession(await openPacket(positional[0]));
  const findings = session.findings();
  if (flags.json) process.stdout.write(JSON.stringify(findingsJson(findings), null, 1) + '\n');
  else process.stdout.write(findingsText(findings) + '\n');
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

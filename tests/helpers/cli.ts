import { spawnSync } from 'node:child_process';

/** Run bin/juesuan as a user would, from the repository root. */
export function juesuan(...args: string[]): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync('bin/juesuan', args, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

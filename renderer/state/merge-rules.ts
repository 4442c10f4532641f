/**
 * The 汇总规则 each shipped template set declares (templates/<set>/merge.json) and one 汇总 run, shared by the
 * dialog's worker (renderer/workers/merge-review.worker.ts) and its main-thread fallback.
 */
import { PacketError } from '../../shared/errors';
import { mergePackets, type MergeResult } from '../../shared/merge/merge';
import { parseMergeRules, type MergeRules } from '../../shared/merge/rules';
import { readPacket } from '../../shared/xlsx';
import { mergeRulesOf } from '../sets';

export function rulesFor(meta: Record<string, string>): MergeRules {
  const set = meta['模板套'] ?? '';
  const json = mergeRulesOf(set);
  if (!json) throw new PacketError(`模板套「${set || '（未注明）'}」没有随本软件提供的汇总规则，无法汇总。`);
  return parseMergeRules(json);
}

export interface MergeJob {
  units: { label: string; bytes: Uint8Array }[];
  main: number;
  departmentName?: string;
  previous?: Uint8Array;
}

export async function runMergeJob(job: MergeJob): Promise<MergeResult> {
  const main = await readPacket(job.units[job.main].bytes, `单位公开包「${job.units[job.main].label}」`);
  return mergePackets(job.units, rulesFor(main.meta), {
    main: job.main,
    ...(job.departmentName ? { departmentName: job.departmentName } : {}),
    ...(job.previous ? { previous: job.previous } : {}),
  });
}

/**
 * 汇总 and 批量审核 off the page's main thread (renderer/state/merge-jobs.ts): the same shared code the command
 * line runs (shared/merge), each packet read and checked here while the page keeps painting its progress.
 */
import { PacketError } from '../../shared/errors';
import type { MergeResult } from '../../shared/merge/merge';
import { reviewOrExplain, type ReviewRow } from '../../shared/merge/review';
import { runMergeJob, type MergeJob } from '../state/merge-rules';

export type JobRequest = { id: number; kind: 'review'; name: string; bytes: Uint8Array } | { id: number; kind: 'merge'; job: MergeJob };

export type JobReply =
  | { id: number; kind: 'review'; row: ReviewRow }
  | { id: number; kind: 'merge'; result: MergeResult }
  | { id: number; kind: 'error'; message: string; packetError: boolean };

const post = (m: JobReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<JobRequest>) => {
  const m = e.data;
  try {
    if (m.kind === 'review') post({ id: m.id, kind: 'review', row: await reviewOrExplain(m.bytes, m.name) });
    else {
      const result = await runMergeJob(m.job);
      post({ id: m.id, kind: 'merge', result }, [result.bytes.buffer]);
    }
  } catch (err) {
    post({ id: m.id, kind: 'error', message: (err as Error)?.message ?? String(err), packetError: err instanceof PacketError });
  }
};

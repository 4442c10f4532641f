/**
 * Runs 汇总 and 批量审核 in Web Workers (renderer/workers/merge-review.worker.ts) so that the page keeps
 * answering and painting its progress while packets are read and checked: 批量审核 with one worker per core
 * (at most 4: each holds a packet's engine), each worker taking the next file as soon as it is done, as the
 * command line's `check <folder>` does. Where a worker cannot start, the same code runs on the main thread,
 * one file at a time with a pause between files for painting: slower to look at, never wrong.
 */
import { PacketError } from '../../shared/errors';
import type { MergeResult } from '../../shared/merge/merge';
import { reviewOrExplain, type ReviewRow } from '../../shared/merge/review';
import type { JobReply, JobRequest } from '../workers/merge-review.worker';
import type { MergeJob } from './merge-rules';

/** Where the last job ran: 'worker' or 'main' (shown on the dialog for the tests). */
export let lastRunner: 'worker' | 'main' | '' = '';
let seq = 0;

function newWorker(): Worker | null {
  try {
    return new Worker(new URL('../workers/merge-review.worker.ts', import.meta.url), { type: 'module', name: 'merge-review' });
  } catch {
    return null;
  }
}

/** One request to a worker; rejects when the worker dies (out of memory) so the caller can list the file. */
function ask(w: Worker, req: JobRequest, transfer: Transferable[] = []): Promise<JobReply> {
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<JobReply>) => {
      if (e.data.id === req.id) resolve(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message || 'worker-failed'));
    };
    w.postMessage(req, transfer);
  });
}

const breathe = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Check every file; `onRow` gets each row as it is ready (rows in the order of `files`); `stopped` is asked
 * before each file (the dialog was closed). Never throws: a file that kills its worker is listed as unreadable.
 */
export async function reviewFiles(files: { name: string; bytes: Uint8Array }[], onRow: (rows: ReviewRow[], done: number) => void, stopped: () => boolean): Promise<ReviewRow[]> {
  const rows: ReviewRow[] = new Array(files.length);
  let done = 0;
  const finish = (i: number, row: ReviewRow) => {
    rows[i] = row;
    done++;
    onRow(rows.filter(Boolean), done);
  };
  const jobs = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2, files.length));
  const first = newWorker();
  if (!first) {
    lastRunner = 'main';
    for (let i = 0; i < files.length; i++) {
      await breathe();
      if (stopped()) break;
      finish(i, await reviewOrExplain(files[i].bytes, files[i].name));
    }
    return rows.filter(Boolean);
  }
  lastRunner = 'worker';
  let next = 0;
  const lane = async (start: Worker | null) => {
    let w = start ?? newWorker();
    try {
      while (next < files.length && !stopped()) {
        const i = next++;
        if (!w) w = newWorker();
        if (!w) {
          finish(i, await reviewOrExplain(files[i].bytes, files[i].name));
          continue;
        }
        try {
          const r = await ask(w, { id: ++seq, kind: 'review', name: files[i].name, bytes: files[i].bytes });
          finish(i, r.kind === 'review' ? r.row : { file: files[i].name, ok: false, reason: r.kind === 'error' ? r.message : '审核时出错。' });
        } catch (e) {
          // the worker died on this file (memory): it is listed, and a fresh worker takes the next one
          finish(i, { file: files[i].name, ok: false, reason: `审核时出错（${(e as Error).message}），文件可能过大或已损坏。` });
          w.terminate();
          w = null;
        }
      }
    } finally {
      w?.terminate();
    }
  };
  await Promise.all(Array.from({ length: jobs }, (_x, k) => lane(k === 0 ? first : null)));
  return rows.filter(Boolean);
}

/** 汇总 in a worker (or inline where none can start); errors come back as PacketError with the Chinese message. */
export async function mergeInWorker(job: MergeJob, inline: (job: MergeJob) => Promise<MergeResult>): Promise<MergeResult> {
  const w = newWorker();
  if (!w) {
    lastRunner = 'main';
    return inline(job);
  }
  lastRunner = 'worker';
  try {
    const r = await ask(w, { id: ++seq, kind: 'merge', job });
    if (r.kind === 'merge') return r.result;
    if (r.kind === 'error') throw r.packetError ? new PacketError(r.message) : new Error(r.message);
    throw new Error('unexpected reply');
  } catch (e) {
    if (e instanceof PacketError) throw e;
    throw new PacketError(`汇总时出错（${(e as Error).message}），所选公开包可能过大或已损坏。`);
  } finally {
    w.terminate();
  }
}

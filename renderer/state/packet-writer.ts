/**
 * Packet → .xlsx bytes for 保存 and the autosave, in a worker (renderer/workers/packet-writer.worker.ts).
 * The snapshot (session.toPacket(), a few tens of ms) is taken on the main thread, so the bytes are exactly
 * the packet at that moment; only the ExcelJS serialisation moves. Where a worker cannot start, the bytes
 * are written on the main thread as before: slower to type through, never lost.
 */
import { writePacket, type Packet } from '../../shared/index';
import type { WriteReply, WriteRequest } from '../workers/packet-writer.worker';

let worker: Worker | null = null;
/** `?writer=main` writes on the main thread: the benchmark's comparison, and a way out on a machine whose workers misbehave */
let broken = typeof location !== 'undefined' && new URLSearchParams(location.search).get('writer') === 'main';
let seq = 0;
const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();

function failAll(message: string): void {
  for (const p of pending.values()) p.reject(new Error(message));
  pending.clear();
}

function start(): Worker | null {
  if (worker || broken) return worker;
  try {
    worker = new Worker(new URL('../workers/packet-writer.worker.ts', import.meta.url), { type: 'module', name: 'packet-writer' });
  } catch {
    broken = true;
    return null;
  }
  worker.onmessage = (e: MessageEvent<WriteReply>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if ('error' in e.data) p.reject(new Error(e.data.error));
    else p.resolve(e.data.bytes);
  };
  worker.onerror = (e) => {
    // a worker that cannot load (or dies) is not used again; the writes waiting on it are retried inline
    e.preventDefault();
    broken = true;
    worker?.terminate();
    worker = null;
    failAll('worker-failed');
  };
  return worker;
}

/** How the last packet was written: 'worker' or 'main' (for the tests and the status of the app). */
export let lastWriter: 'worker' | 'main' | '' = '';

export async function packetBytes(packet: Packet): Promise<Uint8Array> {
  const w = start();
  if (w) {
    const id = ++seq;
    try {
      const bytes = await new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, packet } satisfies WriteRequest);
      });
      lastWriter = 'worker';
      return bytes;
    } catch (e) {
      if ((e as Error).message !== 'worker-failed') throw e;
    }
  }
  const bytes = await writePacket(packet);
  lastWriter = 'main';
  return bytes;
}

/**
 * Packet → .xlsx bytes for 保存 and the autosave. The core worker that holds the session snapshots the packet
 * and serialises it with ExcelJS (about 0.4 s for the reference packet with its 72 forms) and transfers the
 * bytes back: the page's main thread does none of it.
 */
import { writePacket } from '../../shared/index';
import type { Packet } from '../../shared/index';
import type { SessionMirror } from '../core/mirror';

/** `?writer=main` writes on the main thread (the worker still takes the snapshot): the benchmark's comparison */
const onMain = typeof location !== 'undefined' && new URLSearchParams(location.search).get('writer') === 'main';

/** How the last packet was written: 'worker' or 'main' (for the tests and the status of the app). */
export let lastWriter: 'worker' | 'main' | '' = '';

export async function packetBytes(session: SessionMirror): Promise<Uint8Array> {
  if (onMain) {
    const bytes = await writePacket(await session.core.request<Packet>({ op: 'snapshot' }));
    lastWriter = 'main';
    return bytes;
  }
  const bytes = await session.core.request<Uint8Array>({ op: 'bytes' });
  lastWriter = 'worker';
  return bytes;
}

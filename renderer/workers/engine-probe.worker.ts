/**
 * A trial build of a packet's engine off the main thread (renderer/state/engine-probe.ts): the page asks for
 * it before building on its own thread when the packet's formulas are unusually costly. The worker can be
 * stopped at the time limit; a HyperFormula build on the main thread could not.
 */
import { PacketSession } from '../../shared/engine';
import { PacketError } from '../../shared/errors';
import type { Packet } from '../../shared/model';

export interface ProbeRequest {
  packet: Packet;
}

export type ProbeReply = { ok: true; ms: number } | { ok: false; error: string; packetError: boolean };

self.onmessage = (e: MessageEvent<ProbeRequest>) => {
  const t0 = performance.now();
  try {
    const session = new PacketSession(e.data.packet);
    session.findings();
    session.destroy();
    (self as unknown as Worker).postMessage({ ok: true, ms: performance.now() - t0 } satisfies ProbeReply);
  } catch (err) {
    (self as unknown as Worker).postMessage({ ok: false, error: (err as Error).message || String(err), packetError: err instanceof PacketError } satisfies ProbeReply);
  }
};

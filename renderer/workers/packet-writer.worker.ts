/**
 * Writes packet bytes (ExcelJS) off the main thread. Writing the reference packet with its 72 forms takes
 * about 0.4 s; on the main thread the autosave would freeze the grid that long every few seconds of typing.
 */
import { writePacket } from '../../shared/xlsx';
import type { Packet } from '../../shared/model';

export interface WriteRequest {
  id: number;
  packet: Packet;
}

export type WriteReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

self.onmessage = async (e: MessageEvent<WriteRequest>) => {
  const { id, packet } = e.data;
  try {
    const bytes = await writePacket(packet);
    (self as unknown as Worker).postMessage({ id, bytes } satisfies WriteReply, [bytes.buffer]);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: (err as Error).message || String(err) } satisfies WriteReply);
  }
};

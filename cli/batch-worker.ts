/**
 * One worker of `juesuan check <folder>`: reads the files it is sent and checks each with the same path as
 * `juesuan check` (shared/merge/review.ts → readPacket → PacketSession). Never throws: an unreadable file
 * comes back as a row saying why.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { reviewOrExplain } from '../shared/merge/review.js';

parentPort!.on('message', (msg: { id: number; path: string; file: string }) => {
  void (async () => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(msg.path));
    } catch (e) {
      parentPort!.postMessage({ id: msg.id, row: { file: msg.file, ok: false, reason: `无法读取文件：${(e as Error).message}` } });
      return;
    }
    const row = await reviewOrExplain(bytes, msg.file);
    parentPort!.postMessage({ id: msg.id, row });
  })();
});

/**
 * The app's time limit on building a packet's engine (issue 18). The engine is built on the page's main
 * thread, where a synchronous HyperFormula loop cannot be interrupted: a packet whose own formulas make it
 * compute for minutes would freeze the page. Before that build, the packet's formulas are costed
 * (shared/safety/engine-cost.ts); an ordinary packet (the reference packet reads about 0.5 million cells)
 * goes straight on. One that reads more than LIMITS.engineProbeFromReads is first built in a Web Worker under
 * the command line's own time limit (LIMITS.loadTimeMs): if the trial does not finish in time, or dies, the
 * worker is stopped and the packet refused with a Chinese message; if it finishes, the page builds it
 * knowing it ends.
 */
import { LIMITS } from '../../shared/safety/limits';
import { engineCost } from '../../shared/safety/engine-cost';
import { PacketError } from '../../shared/errors';
import type { Packet } from '../../shared/model';
import type { ProbeReply, ProbeRequest } from '../workers/engine-probe.worker';

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`;
}

/** What the last open decided, for the status of the app and its tests. */
export let lastProbe: { cellReads: number; probed: boolean; ms?: number; outcome?: 'ok' | 'refused' } | null = null;

/**
 * Resolves when the packet may be built on the main thread; throws a PacketError when it must not be.
 * `onSlow` is told when a trial build starts (the page says what it is doing meanwhile).
 */
export async function checkEngineCost(packet: Packet, what: string, onSlow?: (message: string) => void): Promise<void> {
  const cost = engineCost(packet);
  lastProbe = { cellReads: cost.cellReads, probed: false };
  if (cost.cellReads <= LIMITS.engineProbeFromReads) return;
  lastProbe.probed = true;
  onSlow?.(`${what}的公式计算量很大（约 ${Math.round(cost.cellReads / 10000).toLocaleString('en-US')} 万次单元格读取），正在后台试算，最多 ${seconds(LIMITS.loadTimeMs)}…`);
  let worker: Worker;
  try {
    worker = new Worker(new URL('../workers/engine-probe.worker.ts', import.meta.url), { type: 'module', name: 'engine-probe' });
  } catch {
    // no worker: the page cannot protect itself, so it does not take the risk
    lastProbe.outcome = 'refused';
    throw new PacketError(`${what}的公式计算量过大（约 ${Math.round(cost.cellReads / 10000).toLocaleString('en-US')} 万次单元格读取），本机无法在后台试算，已停止打开。`);
  }
  const t0 = performance.now();
  const reply = await new Promise<ProbeReply | 'timeout' | 'crashed'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), LIMITS.loadTimeMs);
    worker.onmessage = (e: MessageEvent<ProbeReply>) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      clearTimeout(timer);
      resolve('crashed');
    };
    worker.postMessage({ packet } satisfies ProbeRequest);
  });
  worker.terminate();
  lastProbe.ms = performance.now() - t0;
  const where = cost.heaviest ? `（计算量最大的一处：工作表「${cost.heaviest.sheet}」${cost.heaviest.cell}）` : '';
  if (reply === 'timeout') {
    lastProbe.outcome = 'refused';
    throw new PacketError(`${what}的公式与审核计算用时超过 ${seconds(LIMITS.loadTimeMs)}仍未完成，已停止打开${where}。文件可能含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。`);
  }
  if (reply === 'crashed') {
    lastProbe.outcome = 'refused';
    throw new PacketError(`${what}的公式与审核计算所需内存超出上限，已停止打开${where}。文件可能过大或含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。`);
  }
  if (!reply.ok) {
    lastProbe.outcome = 'refused';
    throw new PacketError(reply.packetError ? reply.error : `${what}的公式无法载入，已停止打开。请在 Excel/WPS 中检查公式后另存为 .xlsx 再试。`);
  }
  lastProbe.outcome = 'ok';
}

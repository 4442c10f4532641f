/**
 * Opening a packet into a new core worker, under the app's time limit on building its engine (issue 18,
 * LIMITS.loadTimeMs). The build runs in the worker, so the page stays responsive however long it takes; a
 * packet that does not finish in time, or kills its worker, is refused with a Chinese message and its worker
 * stopped, while the packet already open keeps its own worker untouched.
 */
import { LIMITS } from '../../shared/safety/limits';
import { PacketError } from '../../shared/errors';
import type { Packet, SheetModel } from '../../shared/model';
import { CoreClient, CoreGone } from './client';
import { SessionMirror } from './mirror';
import type { CoreRequest, OpenDone, OpenProgress, ValuePatch } from './protocol';

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} 秒` : `${ms} 毫秒`;
}

/** What the last open decided, for the status of the app and its tests. */
export let lastProbe: { cellReads: number; probed: boolean; ms?: number; outcome?: 'ok' | 'refused' } | null = null;

/**
 * Builds the packet (file bytes, or a packet made on the page such as a new year's) in a new worker and returns
 * its mirror. `onSlow` is told when the packet's formulas are costly enough to say so while waiting.
 */
export async function openInCore(source: { bytes: Uint8Array } | { packet: Packet }, what: string, onSlow?: (message: string) => void): Promise<SessionMirror> {
  let core: CoreClient;
  try {
    core = new CoreClient();
  } catch {
    throw new PacketError(`${what}无法打开：本机无法启动后台计算。`);
  }
  let head: Omit<Packet, 'sheets'> | null = null;
  const sheets: SheetModel[] = [];
  const values: ValuePatch[] = [];
  let heaviest: { sheet: string; cell: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const t0 = performance.now();
  lastProbe = null;
  const request: CoreRequest = 'bytes' in source ? { op: 'open', bytes: source.bytes, what } : { op: 'install', packet: source.packet };
  try {
    const done = await core.request<OpenDone>(request, (raw) => {
      const p = raw as OpenProgress;
      if (p.step === 'cost') {
        heaviest = p.heaviest;
        lastProbe = { cellReads: p.cellReads, probed: p.probe };
        if (p.probe) onSlow?.(`${what}的公式计算量很大（约 ${Math.round(p.cellReads / 10000).toLocaleString('en-US')} 万次单元格读取），正在后台试算，最多 ${seconds(LIMITS.loadTimeMs)}…`);
        // the limit is on the engine build, as the command line's: the file's read has budgets of its own
        timer = setTimeout(() => {
          timedOut = true;
          core.terminate();
        }, LIMITS.loadTimeMs);
      } else if (p.step === 'packet') head = p.packet;
      else if (p.step === 'sheet') sheets.push(p.sheet);
      else for (const v of p.values) values.push(v);
    });
    clearTimeout(timer);
    if (lastProbe) Object.assign(lastProbe, { ms: performance.now() - t0, outcome: 'ok' });
    return new SessionMirror(core, { ...head!, sheets }, values, done);
  } catch (e) {
    clearTimeout(timer);
    core.terminate();
    if (lastProbe) Object.assign(lastProbe, { ms: performance.now() - t0, outcome: 'refused' });
    const h = heaviest as { sheet: string; cell: string } | null;
    const where = h ? `（计算量最大的一处：工作表「${h.sheet}」${h.cell}）` : '';
    if (timedOut) {
      throw new PacketError(`${what}的公式与审核计算用时超过 ${seconds(LIMITS.loadTimeMs)}仍未完成，已停止打开${where}。文件可能含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。`);
    }
    if (e instanceof CoreGone) {
      throw new PacketError(`${what}的公式与审核计算所需内存超出上限，已停止打开${where}。文件可能过大或含有异常复杂的公式；请在 Excel/WPS 中检查后另存为 .xlsx 再试。`);
    }
    throw e;
  }
}

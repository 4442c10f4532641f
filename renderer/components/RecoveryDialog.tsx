/**
 * 恢复未保存的工作: at start, the unsaved work that a crashed session (power cut, frozen machine, a killed
 * program) left in its recovery files is offered back, newest first. 恢复 opens it as unsaved work; 放弃
 * deletes it after asking; 以后再说 keeps it for the next start.
 */
import { create } from 'zustand';
import type { RecoveryOffer } from '../host/host';
import { controller } from '../state/controller';
import { say, useUi } from '../state/store';

interface RecoveryState {
  offers: RecoveryOffer[];
  busy: boolean;
}

export const useRecovery = create<RecoveryState>(() => ({ offers: [], busy: false }));

/** Ask the host for recovery files and show the dialog when there are any. */
export async function offerRecovery(): Promise<void> {
  const host = controller.host;
  if (!host) return;
  try {
    const offers = await host.recoveryList();
    useRecovery.setState({ offers });
  } catch (e) {
    say(`无法读取自动保存的恢复文件：${(e as Error).message}`, 'warn');
  }
}

async function recover(offer: RecoveryOffer): Promise<void> {
  const host = controller.host;
  if (!host) return;
  useRecovery.setState({ busy: true });
  try {
    // the packet open now must not autosave over the file being taken over
    await controller.retireAutosave();
    const file = await host.recoveryOpen(offer.id);
    useRecovery.setState({ offers: [], busy: false });
    if (!file) return;
    await controller.open(file);
    if (useUi.getState().status === 'ready' && useUi.getState().dirty) {
      say(`已恢复「${file.name}」上次未保存的工作（自动保存于 ${when(offer.savedAt)}）。请核对后保存。`);
    }
  } catch (e) {
    useRecovery.setState({ busy: false });
    say(`恢复失败：${(e as Error).message}`, 'error');
  } finally {
    // whatever happened, the packet that is open now is autosaved again
    controller.resumeAutosave();
  }
}

async function decline(offer: RecoveryOffer): Promise<void> {
  const host = controller.host;
  if (!host) return;
  if (!confirm(`放弃后，「${offer.title}」自动保存于 ${when(offer.savedAt)} 的修改将无法找回。确定放弃吗？`)) return;
  useRecovery.setState({ busy: true });
  try {
    await host.recoveryDecline(offer.id);
    useRecovery.setState((s) => ({ offers: s.offers.filter((o) => o.id !== offer.id), busy: false }));
    say(`已放弃「${offer.title}」的恢复文件。`);
  } catch (e) {
    useRecovery.setState({ busy: false });
    say(`放弃失败：${(e as Error).message}`, 'error');
  }
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('zh-CN', { hour12: false });
}

export function RecoveryDialog() {
  const { offers, busy } = useRecovery();
  if (!offers.length) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal recovery" role="dialog" aria-modal="true" aria-labelledby="recovery-title" data-testid="recovery-dialog">
        <h3 id="recovery-title">发现未保存的工作</h3>
        <p>决算公开助手上次没有正常关闭（断电、死机或程序出错）。下面的工作在关闭前已自动保存，可以恢复：</p>
        <ul className="recovery-list">
          {offers.map((o) => (
            <li key={o.id} data-testid="recovery-offer">
              <div>
                <strong>{o.title}</strong>
                <div className="muted">
                  自动保存于 {when(o.savedAt)}
                  {o.fileName && o.fileName !== o.title ? `，原文件「${o.fileName}」` : ''}
                </div>
                {o.fileSavedLater && (
                  <div className="warn" data-testid="recovery-newer">
                    注意：原文件在 {when(o.fileSavedLater)} 又保存过，比这份恢复的内容新。恢复后如果保存，会覆盖那次保存的修改；可以用「另存为」另存一份。
                  </div>
                )}
              </div>
              <span className="modal-buttons">
                <button type="button" disabled={busy} onClick={() => void recover(o)}>恢复</button>
                <button type="button" disabled={busy} onClick={() => void decline(o)}>放弃</button>
              </span>
            </li>
          ))}
        </ul>
        <div className="modal-buttons">
          <button type="button" disabled={busy} onClick={() => useRecovery.setState({ offers: [] })}>以后再说</button>
        </div>
      </div>
    </div>
  );
}

/**
 * 新年度: choose last year's packet (and the template set), and the editor opens a new, unsaved packet of the
 * next year — 上年数 filled through each row's 取数公式, 概况 and 自评表 carried (shared/newyear).
 */
import { create } from 'zustand';
import { PacketError, readPacket } from '../../shared/index';
import { newYear, packetYear, type NewYearResult } from '../../shared/newyear/index';
import { templateSets, vocabularyOf } from '../sets';
import type { OpenedFile } from '../host/host';
import { controller } from '../state/controller';
import { say, useUi } from '../state/store';

interface SetChoice {
  id: string;
  label: string;
}

interface NewYearState {
  open: boolean;
  stage: 'choose' | 'working' | 'done' | 'error';
  file: OpenedFile | null;
  fromYear: number | null;
  sets: SetChoice[];
  set: string;
  error: string;
  result: { year: number; filled: number; notFilled: { item: string; reason?: string }[]; forms: number; overview: string[] } | null;
}

export const useNewYear = create<NewYearState>(() => ({
  open: false, stage: 'choose', file: null, fromYear: null, sets: [], set: '', error: '', result: null,
}));

/** The template sets this build carries (each templates folder with a set.json): the new year may move to another set. */
function templateChoices(): SetChoice[] {
  return templateSets().map((t) => ({ id: t.id, label: `${t.name}（${t.id}）` }));
}

export async function openNewYear(): Promise<void> {
  useNewYear.setState({ open: true, stage: 'choose', file: null, fromYear: null, error: '', result: null });
  const sets = templateChoices();
  useNewYear.setState({ sets, set: sets[0]?.id ?? '' });
}

export function closeNewYear(): void {
  useNewYear.setState({ open: false, file: null, result: null, error: '' });
}

async function chooseFile(): Promise<void> {
  const f = await controller.host?.openDialog();
  if (!f) return;
  try {
    const p = await readPacket(f.bytes);
    useNewYear.setState({ file: f, fromYear: packetYear(p), error: '', stage: 'choose' });
  } catch (e) {
    useNewYear.setState({ file: null, fromYear: null, stage: 'error', error: e instanceof PacketError ? e.message : `无法读取「${f.name}」：${(e as Error).message}` });
  }
}

async function createNewYear(): Promise<void> {
  const { file, set } = useNewYear.getState();
  if (!file) return;
  if (useUi.getState().dirty && !confirm('当前公开包有未保存的修改。放弃这些修改并新建下一年度吗？')) return;
  useNewYear.setState({ stage: 'working', error: '' });
  try {
    const t = set ? await controller.host?.openTemplate(set) : null;
    const vocabulary = set ? vocabularyOf(set) : null;
    if (!t || !vocabulary) throw new PacketError(`无法载入模板套「${set}」的空白模板或导入词表。`);
    const bytes = t.bytes;
    const old = await readPacket(file.bytes);
    const r: NewYearResult = await newYear(file.bytes, old, {
      file: file.name, template: await readPacket(bytes), vocabulary,
    });
    // the new packet is built once more in its own core worker, where the document's session lives
    const packet = r.session.toPacket();
    r.session.destroy();
    if (!(await controller.openPacket(packet, `${r.year}年度公开包.xlsx`))) throw new PacketError(useUi.getState().message || useUi.getState().loadError || '无法打开新年度公开包。');
    const p = r.prior.priorYear ?? { filled: [], notFilled: [] };
    useNewYear.setState({
      stage: 'done',
      result: {
        year: r.year, filled: p.filled.length, notFilled: p.notFilled.map((i) => ({ item: i.item, ...(i.reason ? { reason: i.reason } : {}) })),
        forms: r.forms.length, overview: r.overview.map((o) => o.name).filter((n) => n !== '决算年度'),
      },
    });
    say(`已新建 ${r.year} 年度公开包：上年数填入 ${p.filled.length} 项，未填 ${p.notFilled.length} 项；沿用自评表 ${r.forms.length} 张。请保存。`);
  } catch (e) {
    useNewYear.setState({ stage: 'error', error: e instanceof PacketError ? e.message : `新建下一年度失败：${(e as Error).message}` });
  }
}

export function NewYearDialog() {
  const st = useNewYear();
  if (!st.open) return null;
  const r = st.result;
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label="新年度" data-testid="new-year-dialog" data-stage={st.stage}>
        <h3>新年度：从上一年度的公开包新建</h3>
        {st.stage !== 'done' && (
          <>
            <p>
              上一年度公开包：{st.file ? <b data-testid="new-year-file">{st.file.name}（{st.fromYear} 年度）</b> : <span className="muted">未选择</span>}{' '}
              <button type="button" data-testid="new-year-choose" onClick={() => void chooseFile()} disabled={st.stage === 'working'}>选择文件…</button>
            </p>
            <p>
              模板套：{' '}
              <select value={st.set} onChange={(e) => useNewYear.setState({ set: e.target.value })} data-testid="new-year-set">
                {st.sets.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
              </select>
            </p>
            <p className="muted">
              新年度为 {st.fromYear ? st.fromYear + 1 : '（上一年度 + 1）'} 年度：上年数按「上年数」表各行的取数公式从上一年度的公开包取数；
              概况沿用；自评表沿用项目、绩效目标、分值和年初预算数，全年预算数、执行数、实际完成值、得分和偏差原因清空；
              上一年度的金额和说明文字不带入。
            </p>
          </>
        )}
        {st.stage === 'working' && <p data-testid="new-year-working">正在新建…</p>}
        {st.stage === 'error' && <p className="load-error" data-testid="new-year-error">{st.error}</p>}
        {r && (
          <div data-testid="new-year-result">
            <p>已新建 {r.year} 年度公开包（尚未保存）。</p>
            <p data-testid="new-year-prior">上年数：按取数公式填入 {r.filled} 项，未填 {r.notFilled.length} 项</p>
            {r.notFilled.length > 0 && (
              <ul className="warn">{r.notFilled.map((i) => <li key={i.item}>{i.item}：{i.reason}</li>)}</ul>
            )}
            <p>概况：沿用 {r.overview.join('、') || '（无）'}</p>
            <p data-testid="new-year-forms">自评表：沿用 {r.forms} 张</p>
          </div>
        )}
        <p className="buttons">
          {st.stage !== 'done' && (
            <button type="button" data-testid="new-year-create" disabled={!st.file || !st.set || st.stage === 'working'} onClick={() => void createNewYear()}>新建 {st.fromYear ? `${st.fromYear + 1} 年度` : ''}</button>
          )}
          <button type="button" data-testid="new-year-close" onClick={closeNewYear} disabled={st.stage === 'working'}>{st.stage === 'done' ? '完成' : '取消'}</button>
        </p>
      </div>
    </div>
  );
}

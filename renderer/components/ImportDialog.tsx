/**
 * 导入: a legacy workbook (last year's package, another region's layout, .xls or .xlsx) is planned against the
 * open packet, the placement report is shown with the figures it would overwrite, and only 确认导入 changes
 * the packet — through the session as one undoable step, whatever its size (an import that adds 自评表 forms
 * still continues with a new session). Planning and applying run in the core worker beside the session
 * (renderer/core/), which reports its progress; the plan itself stays there until 确认导入.
 */
import { create } from 'zustand';
import type { ImportMode, ImportProgress, ImportReport, SheetReport } from '../../shared/import/index';
import { PacketError, type CellValue } from '../../shared/index';
import type { PlannedImport } from '../core/protocol';
import { packetSet, vocabularyOf } from '../sets';
import type { OpenedFile } from '../host/host';
import { controller } from '../state/controller';
import { say } from '../state/store';

interface ImportState {
  file: OpenedFile | null;
  mode: ImportMode;
  stage: 'planning' | 'review' | 'applying' | 'error';
  progress: ImportProgress | null;
  plan: PlannedImport | null;
  error: string;
  overwrite: boolean;
}

export const useImport = create<ImportState>(() => ({
  file: null, mode: 'current', stage: 'planning', progress: null, plan: null, error: '', overwrite: true,
}));

/** The import vocabulary of the packet's own set (its 模板套), never another set's. */
function importVocabulary(meta: Record<string, string>) {
  const { id, problem } = packetSet(meta);
  if (problem) throw new PacketError(`${problem}无法按本套的导入词表导入。`);
  const v = vocabularyOf(id);
  if (!v) throw new PacketError(`模板套「${id}」没有导入词表（templates/${id}/import/vocabulary.json），无法导入。`);
  return { id, vocabulary: v };
}

/** Bumped per planning run so a stale plan (mode changed meanwhile) is dropped. */
let run = 0;

export async function startImport(file: OpenedFile, mode: ImportMode = useImport.getState().mode): Promise<void> {
  const session = controller.session;
  if (!session) return;
  const mine = ++run;
  useImport.setState({ file, mode, stage: 'planning', progress: null, plan: null, error: '' });
  const onProgress = (p: ImportProgress) => {
    if (mine === run) useImport.setState({ progress: p });
  };
  try {
    const { id, vocabulary } = importVocabulary(session.packet.meta);
    let templateBytes: Uint8Array | undefined;
    if (mode === 'prior-year') {
      // 上年数 are computed by importing last year's package into an empty copy of this year's tables (of its own set)
      const t = await controller.host?.openTemplate(id);
      if (!t) throw new Error('无法载入空白模板');
      templateBytes = t.bytes;
    }
    const plan = await session.core.request<PlannedImport>(
      { op: 'importPlan', bytes: file.bytes, file: file.name, mode, vocabulary, ...(templateBytes ? { templateBytes } : {}) },
      (p) => onProgress(p as ImportProgress),
    );
    if (mine === run) useImport.setState({ stage: 'review', plan });
  } catch (e) {
    if (mine === run) useImport.setState({ stage: 'error', error: e instanceof PacketError ? e.message : `无法导入：${(e as Error).message}` });
  }
}

export function closeImport(): void {
  run++;
  const plan = useImport.getState().plan;
  if (plan) void controller.session?.core.request({ op: 'importDrop', plan: plan.plan }).catch(() => undefined);
  useImport.setState({ file: null, plan: null, progress: null, error: '' });
}

async function confirmImport(): Promise<void> {
  const { plan, overwrite, file } = useImport.getState();
  const session = controller.session;
  if (!plan || !session || !file) return;
  useImport.setState({ stage: 'applying', progress: null });
  try {
    const result = await controller.applyImport(plan.plan, overwrite, (p) => useImport.setState({ progress: p as ImportProgress }));
    if (!result) return;
    const s = result.report.summary;
    closeImport();
    say(`已导入「${file.name}」：金额 ${s.amounts} 个，放入 ${s.amountsPlaced}，未放入 ${s.amountsNotPlaced}；新增科目行 ${s.rowsInserted} 行。`);
  } catch (e) {
    useImport.setState({ stage: 'error', error: e instanceof PacketError ? e.message : `导入失败：${(e as Error).message}` });
  }
}

function fmt(v: CellValue): string {
  if (v === null || v === undefined || v === '') return '空';
  return String(v);
}

function unitText(sh: SheetReport): string {
  const u = sh.unit;
  if (!u) return '';
  if (u.unit && u.unit !== '万元') return `金额单位：${u.unit}（${u.from}），已换算为万元（÷${u.factor}），换算 ${u.converted} 个，其中 ${u.rounded} 个有舍入`;
  return u.unit ? `金额单位：万元（${u.from}）` : '金额单位：未注明，按万元导入，请核对';
}

function SheetBlock({ sh }: { sh: SheetReport }) {
  return (
    <section className="import-sheet" data-source-sheet={sh.sheet}>
      <h4>
        【{sh.sheet}】
        {sh.table ? (
          <span data-testid="import-target">→ {sh.table}（按{sh.recognizedBy}识别{sh.title ? `「${sh.title}」` : ''}）</span>
        ) : (
          <span className="muted">→ 未导入</span>
        )}
      </h4>
      {sh.reason && <p className="warn">原因：{sh.reason}</p>}
      {sh.amounts && sh.amounts.total > 0 && (
        <p className={sh.amounts.notPlaced ? 'warn' : ''} data-testid="import-amounts">
          金额 {sh.amounts.total} 个：放入 {sh.amounts.placed}，未放入 {sh.amounts.notPlaced}
        </p>
      )}
      {sh.unit && <p>{unitText(sh)}</p>}
      {sh.table && !sh.reason && (
        <p>
          放入 <b>{sh.cellsPlaced}</b> 个单元格（{sh.rowsPlaced} 行），核对一致的合计 {sh.cellsVerified} 个，清空 {sh.cellsCleared} 个
          {sh.rowsInserted.length > 0 && `；新增科目行 ${sh.rowsInserted.length} 行`}。
        </p>
      )}
      {sh.columns.length > 0 && (
        <ul className="import-cols">
          {sh.columns.map((c) => (
            <li key={c.source}>
              {c.source}列「{c.header || '（无表头）'}」→ {c.targets.length ? `${c.targets.join('、')}列${c.targetHeader ? `「${c.targetHeader}」` : ''}` : '未对应'}：放入 {c.placed}
              {c.notPlaced ? `，未放入 ${c.notPlaced}` : ''}
            </li>
          ))}
        </ul>
      )}
      {sh.notes.map((n, i) => <p key={i} className="warn">注意：{n}</p>)}
      {sh.notPlaced.length > 0 && (
        <details open={sh.notPlaced.length <= 10}>
          <summary>未放入 {sh.notPlaced.length} 个单元格</summary>
          <ul className="import-notplaced">
            {sh.notPlaced.map((c) => (
              <li key={c.cell}>
                {c.cell}「{String(c.value)}」{c.row ? `（${c.row}${c.column ? ' / ' + c.column : ''}）` : ''}：{c.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Report({ report }: { report: ImportReport }) {
  const s = report.summary;
  return (
    <div className="import-report" data-testid="import-report">
      <p className="import-summary" data-testid="import-summary">
        {report.file}（{report.format}{report.mode === 'prior-year' ? '，作为上年数' : ''}）：{s.sheets} 个工作表，识别 {s.tables} 张表；
        金额 {s.amounts} 个：放入 {s.amountsPlaced}，未放入 {s.amountsNotPlaced}；新增科目行 {s.rowsInserted} 行，覆盖已有数 {s.overwrites} 个。
      </p>
      {report.tablesWithoutSource && report.tablesWithoutSource.length > 0 && (
        <p className="muted" data-testid="import-no-source">源文件中没有这些表（未导入，保持原样）：{report.tablesWithoutSource.join('、')}</p>
      )}
      {report.notes.map((n, i) => <p key={i} className="warn">注意：{n}</p>)}
      {report.priorYear && (
        <section className="import-sheet">
          <h4>上年数：填入 {report.priorYear.filled.length} 项，未填 {report.priorYear.notFilled.length} 项</h4>
          <ul>
            {report.priorYear.filled.map((i) => <li key={i.row}>{i.item}：{i.value}</li>)}
            {report.priorYear.notFilled.map((i) => <li key={i.row} className="warn">{i.item}：未填（{i.reason}）</li>)}
          </ul>
        </section>
      )}
      {report.sheets.map((sh) => <SheetBlock key={sh.sheet} sh={sh} />)}
      {report.overwrites.length > 0 && (
        <section className="import-sheet" data-testid="import-overwrites">
          <h4>将覆盖公开包中已有的 {report.overwrites.length} 个数</h4>
          <table className="import-overwrites">
            <thead>
              <tr><th>单元格</th><th>行</th><th>列</th><th>原值</th><th>导入值</th></tr>
            </thead>
            <tbody>
              {report.overwrites.map((o) => (
                <tr key={`${o.sheet}!${o.cell}`}>
                  <td>{o.sheet}!{o.cell}</td><td>{o.row}</td><td>{o.column}</td><td>{fmt(o.before)}</td><td>{fmt(o.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

export function ProgressBar({ fraction, label, testid }: { fraction: number; label: string; testid: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="progress" data-testid={testid}>
      <progress max={100} value={pct} />
      <span>{label}（{pct}%）</span>
    </div>
  );
}

export function ImportDialog() {
  const st = useImport();
  if (!st.file) return null;
  const busy = st.stage === 'planning' || st.stage === 'applying';
  return (
    <div className="modal-backdrop">
      <div className="modal import-dialog" role="dialog" aria-label="导入" data-testid="import-dialog" data-stage={st.stage}>
        <h3>导入「{st.file.name}」</h3>
        <div className="modal-row">
          <label>
            <input type="radio" name="import-mode" checked={st.mode === 'current'} disabled={busy}
              onChange={() => void startImport(st.file!, 'current')} /> 导入到公开表
          </label>{' '}
          <label>
            <input type="radio" name="import-mode" checked={st.mode === 'prior-year'} disabled={busy}
              onChange={() => void startImport(st.file!, 'prior-year')} /> 作为上年数
          </label>
        </div>
        {busy && (
          <ProgressBar testid="import-progress" fraction={st.progress?.fraction ?? 0}
            label={st.progress?.phase ?? (st.stage === 'planning' ? '读取文件' : '写入公开包')} />
        )}
        {st.stage === 'error' && <p className="load-error" data-testid="import-error">{st.error}</p>}
        {st.plan && st.stage === 'review' && <Report report={st.plan.report} />}
        <div className="modal-buttons">
          {st.plan && st.stage === 'review' && st.plan.report.overwrites.length > 0 && (
            <label>
              <input type="checkbox" checked={st.overwrite} onChange={(e) => useImport.setState({ overwrite: e.target.checked })} />
              覆盖已有的 {st.plan.report.overwrites.length} 个数
            </label>
          )}
          <button type="button" data-testid="import-confirm" disabled={st.stage !== 'review'} onClick={() => void confirmImport()}>
            确认导入
          </button>
          <button type="button" data-testid="import-cancel" disabled={st.stage === 'applying'} onClick={closeImport}>
            取消
          </button>
        </div>
      </div>
    </div>
  );
}

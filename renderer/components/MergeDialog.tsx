/**
 * 汇总 and 批量审核 in the app. 汇总: choose the unit packets (本级 marked), optionally last run's department
 * packet → the department packet (open it, or save it), with the eliminations, the notes and what changed.
 * 批量审核: choose a folder (or files) → a sortable row per unit and the 审核汇总.xlsx to save. Both run the
 * shared code the command line runs (shared/merge), on the same engine; nothing is checked twice differently.
 */
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import { PacketError } from '../../shared/index';
import type { MergeResult } from '../../shared/merge/merge';
import { reviewWorkbook, type ReviewRow, type UnitReview } from '../../shared/merge/review';
import { controller } from '../state/controller';
import { lastRunner, mergeInWorker, reviewFiles } from '../state/merge-jobs';
import { say } from '../state/store';
import { runMergeJob } from '../state/merge-rules';
import { ProgressBar } from './ImportDialog';

interface Picked {
  name: string;
  bytes: Uint8Array;
}

type SortKey = 'file' | 'unit' | 'errors' | 'hints' | 'rounding' | 'unexplained' | 'largest';

interface MergeUi {
  open: null | 'merge' | 'review';
  busy: boolean;
  progress: { done: number; total: number } | null;
  /** when the running 汇总 started (the elapsed time shown while it runs) */
  startedAt: number;
  /** where the last job ran (merge-jobs.ts): 'worker', or 'main' where no worker could start */
  runner: string;
  error: string;
  units: Picked[];
  main: number;
  name: string;
  previous: Picked | null;
  result: MergeResult | null;
  rows: ReviewRow[];
  sort: { key: SortKey; desc: boolean };
}

const initial = (): Omit<MergeUi, 'open'> => ({
  busy: false, progress: null, startedAt: 0, runner: '', error: '', units: [], main: 0, name: '', previous: null, result: null, rows: [], sort: { key: 'errors', desc: true },
});

export const useMerge = create<MergeUi>(() => ({ open: null, ...initial() }));

export function openMergeDialog(kind: 'merge' | 'review'): void {
  useMerge.setState({ open: kind, ...initial() });
}

function close(): void {
  useMerge.setState({ open: null, ...initial() });
}

async function readFiles(list: FileList | null): Promise<Picked[]> {
  const files = [...(list ?? [])].filter((f) => /\.xlsx?$/i.test(f.name) && !f.name.startsWith('~$'));
  const out: Picked[] = [];
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
    out.push({ name: rel || f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const message = (e: unknown, what: string) => (e instanceof PacketError ? e.message : `${what}：${(e as Error)?.message ?? String(e)}`);

async function runMerge(): Promise<void> {
  const st = useMerge.getState();
  if (st.units.length < 2) {
    useMerge.setState({ error: '请至少选择两个单位的公开包（本级和下属单位）。' });
    return;
  }
  useMerge.setState({ busy: true, error: '', result: null, startedAt: Date.now() });
  try {
    // in a worker: the page keeps painting (the elapsed time below ticks) while the units are read and summed
    const job = {
      units: st.units.map((u) => ({ label: u.name, bytes: u.bytes })),
      main: st.main,
      ...(st.name.trim() ? { departmentName: st.name.trim() } : {}),
      ...(st.previous ? { previous: st.previous.bytes } : {}),
    };
    const result = await mergeInWorker(job, runMergeJob);
    useMerge.setState({ busy: false, result, runner: lastRunner });
  } catch (e) {
    useMerge.setState({ busy: false, error: message(e, '汇总失败') });
  }
}

async function runReview(files: Picked[]): Promise<void> {
  if (!files.length) {
    useMerge.setState({ error: '所选文件夹中没有 .xlsx 或 .xls 文件。' });
    return;
  }
  useMerge.setState({ busy: true, error: '', rows: [], progress: { done: 0, total: files.length } });
  const stopped = () => useMerge.getState().open !== 'review'; // closed meanwhile
  const rows = await reviewFiles(files, (sofar, done) => {
    if (!stopped()) useMerge.setState({ rows: sofar, progress: { done, total: files.length } });
  }, stopped);
  if (!stopped()) useMerge.setState({ busy: false, rows, runner: lastRunner });
}

function deptFileName(r: MergeResult): string {
  const u = r.units.find((x) => x.role === '本级');
  return `${(u?.unit ?? '部门').replace(/[\\/:*?"<>|]/g, '_')}-汇总.xlsx`;
}

async function openResult(): Promise<void> {
  const r = useMerge.getState().result;
  if (!r) return;
  if (useMerge.getState().busy) return;
  const name = deptFileName(r);
  close();
  await controller.open({ name, bytes: r.bytes, untitled: true });
}

async function saveBytes(bytes: Uint8Array, name: string): Promise<void> {
  const saved = await controller.host?.exportFile(bytes, name, 'xlsx');
  if (saved) say(`已保存「${saved.name}」。`);
}

const money = (x: number) => x.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function MergeView() {
  const st = useMerge();
  const r = st.result;
  return (
    <>
      <div className="modal-row">
        <label>
          单位公开包（.xlsx，可多选）：
          <input type="file" multiple accept=".xlsx" data-testid="merge-units" disabled={st.busy}
            onChange={(e) => void readFiles(e.target.files).then((units) => useMerge.setState({ units, main: 0, result: null, error: '' }))} />
        </label>
      </div>
      {st.units.length > 0 && (
        <table className="merge-units" data-testid="merge-unit-list">
          <thead><tr><th>本级</th><th>文件</th></tr></thead>
          <tbody>
            {st.units.map((u, i) => (
              <tr key={u.name}>
                <td><input type="radio" name="merge-main" checked={st.main === i} disabled={st.busy} onChange={() => useMerge.setState({ main: i, result: null })} /></td>
                <td>{u.name}{st.main === i ? '（本级）' : '（下属单位）'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="modal-row">
        <label>
          部门名称（默认取本级单位名称）：
          <input type="text" value={st.name} disabled={st.busy} data-testid="merge-name" onChange={(e) => useMerge.setState({ name: e.target.value })} />
        </label>
      </div>
      <div className="modal-row">
        <label>
          上次汇总的部门公开包（可选，用于列出变化）：
          <input type="file" accept=".xlsx" data-testid="merge-previous" disabled={st.busy}
            onChange={(e) => void readFiles(e.target.files).then((p) => useMerge.setState({ previous: p[0] ?? null, result: null }))} />
        </label>
      </div>
      {st.busy && <p data-testid="merge-busy">正在汇总并审核……<Elapsed since={st.startedAt} /></p>}
      {r && (
        <div className="merge-result" data-testid="merge-result">
          <p data-testid="merge-summary">
            已汇总 {r.units.length} 个单位；汇总后审核：{r.findings.filter((f) => f.severity === 'error').length} 个错误，
            {r.findings.filter((f) => f.severity === 'warning').length} 个提示（其中尾数差 {r.findings.filter((f) => f.rounding).length} 个）。
          </p>
          <h4>组内往来抵销</h4>
          {r.eliminations.filter((e) => e.eliminated || e.incomeLeft || e.expenseLeft).length === 0 && <p>没有需要抵销的组内往来。</p>}
          <ul data-testid="merge-eliminations">
            {r.eliminations.filter((e) => e.eliminated || e.incomeLeft || e.expenseLeft).map((e) => (
              <li key={`${e.rule}${e.code}`}>
                {e.rule} {e.code} {e.name}：抵销 {money(e.eliminated)} 万元
                {(e.incomeLeft || e.expenseLeft) ? `；未抵销 收入方 ${money(e.incomeLeft)}、支出方 ${money(e.expenseLeft)}，请核对` : ''}
              </li>
            ))}
          </ul>
          {r.notes.length > 0 && <ul>{r.notes.map((n, i) => <li key={i} className="warn">{n}</li>)}</ul>}
          {r.changes && (
            <div data-testid="merge-changes">
              <h4>与上次汇总相比</h4>
              {!r.changes.units.length && !r.changes.totalCells && <p>没有变化。</p>}
              {r.changes.units.map((u) => <p key={u}>{u}</p>)}
              {r.changes.totalCells > 0 && (
                <table className="merge-changes">
                  <thead><tr><th>工作表</th><th>单元格</th><th>项目</th><th>上次</th><th>本次</th></tr></thead>
                  <tbody>
                    {r.changes.cells.slice(0, 100).map((c) => (
                      <tr key={`${c.sheet}!${c.cell}`}><td>{c.sheet}</td><td>{c.cell}</td><td>{c.label}</td><td>{String(c.before ?? '空')}</td><td>{String(c.after ?? '空')}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
        </div>
      )}
      <div className="modal-buttons">
        <button type="button" data-testid="merge-run" disabled={st.busy || st.units.length < 2} onClick={() => void runMerge()}>汇总</button>
        <button type="button" data-testid="merge-open" disabled={!r || st.busy} onClick={() => void openResult()}>打开部门公开包</button>
        <button type="button" data-testid="merge-save" disabled={!r || st.busy} onClick={() => r && void saveBytes(r.bytes, deptFileName(r))}>保存部门公开包</button>
        <button type="button" data-testid="merge-close" onClick={close}>关闭</button>
      </div>
    </>
  );
}

const COLUMNS: { key: SortKey; label: string; get: (r: UnitReview) => string | number }[] = [
  { key: 'file', label: '文件', get: (r) => r.file },
  { key: 'unit', label: '单位名称', get: (r) => r.unit },
  { key: 'errors', label: '错误', get: (r) => r.errors },
  { key: 'hints', label: '提示', get: (r) => r.hints },
  { key: 'rounding', label: '尾数差', get: (r) => r.rounding },
  { key: 'unexplained', label: '未说明提示', get: (r) => r.unexplained },
  { key: 'largest', label: '最大差额', get: (r) => r.largest?.amount ?? 0 },
];

function ReviewView() {
  const st = useMerge();
  const ok = st.rows.filter((r): r is UnitReview => r.ok);
  const bad = st.rows.filter((r) => !r.ok);
  const col = COLUMNS.find((c) => c.key === st.sort.key)!;
  const sorted = [...ok].sort((a, b) => {
    const x = col.get(a);
    const y = col.get(b);
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return st.sort.desc ? -d : d;
  });
  const setSort = (key: SortKey) => useMerge.setState({ sort: { key, desc: st.sort.key === key ? !st.sort.desc : key !== 'file' && key !== 'unit' } });
  return (
    <>
      <div className="modal-row">
        <label>
          选择文件夹（含子文件夹）：
          <input type="file" data-testid="review-folder" disabled={st.busy} {...{ webkitdirectory: '', directory: '' }}
            onChange={(e) => void readFiles(e.target.files).then(runReview)} />
        </label>{' '}
        <label>
          或选择文件：
          <input type="file" multiple accept=".xlsx,.xls" data-testid="review-files" disabled={st.busy}
            onChange={(e) => void readFiles(e.target.files).then(runReview)} />
        </label>
      </div>
      {st.progress && st.busy && <ProgressBar testid="review-progress" fraction={st.progress.done / st.progress.total} label={`已审核 ${st.progress.done}/${st.progress.total}`} />}
      {st.rows.length > 0 && (
        <p data-testid="review-summary">
          {ok.length} 个公开包，其中 {ok.filter((r) => r.errors > 0).length} 个有错误；{bad.length} 个文件无法读取。点列标题排序。
        </p>
      )}
      {ok.length > 0 && (
        <table className="review-table" data-testid="review-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} onClick={() => setSort(c.key)} data-sort={st.sort.key === c.key ? (st.sort.desc ? 'desc' : 'asc') : undefined} style={{ cursor: 'pointer' }}>
                  {c.label}{st.sort.key === c.key ? (st.sort.desc ? ' ▼' : ' ▲') : ''}
                </th>
              ))}
              <th>最大差额位置</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.file} data-file={r.file} className={r.errors ? 'has-errors' : ''}>
                <td>{r.file}</td><td>{r.unit}</td><td>{r.errors}</td><td>{r.hints}</td><td>{r.rounding}</td><td>{r.unexplained}</td>
                <td>{r.largest ? money(r.largest.amount) : ''}</td>
                <td>{r.largest ? `${r.largest.sheet} ${r.largest.cells.join(',')}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {bad.length > 0 && (
        <div data-testid="review-unreadable">
          <h4>无法读取的文件</h4>
          <ul>{bad.map((r) => !r.ok && <li key={r.file}>{r.file}：{r.reason}</li>)}</ul>
        </div>
      )}
      <div className="modal-buttons">
        <button type="button" data-testid="review-save" disabled={st.busy || !st.rows.length}
          onClick={() => void reviewWorkbook(st.rows).then((b) => saveBytes(b, '审核汇总.xlsx'))}>保存审核汇总.xlsx</button>
        <button type="button" data-testid="review-close" onClick={close}>关闭</button>
      </div>
    </>
  );
}

/** seconds since `since`, ticking: the 汇总 runs in a worker and the page keeps counting */
function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, []);
  return <span data-testid="merge-elapsed">（已用 {Math.max(0, Math.floor((now - since) / 1000))} 秒）</span>;
}

export function MergeDialog() {
  const open = useMerge((s) => s.open);
  const error = useMerge((s) => s.error);
  const runner = useMerge((s) => s.runner);
  if (!open) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal merge-dialog" role="dialog" aria-label={open === 'merge' ? '汇总' : '批量审核'} data-testid={`${open}-dialog`} data-runner={runner}>
        <h3>{open === 'merge' ? '汇总：本级和下属单位 → 部门公开包' : '批量审核'}</h3>
        {open === 'merge' ? <MergeView /> : <ReviewView />}
        {error && <p className="load-error" data-testid="merge-error">{error}</p>}
      </div>
    </div>
  );
}

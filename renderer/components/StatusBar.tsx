/** Status bar: messages, 求和 / 平均 / 计数 of the selection, zoom. */
import { formatMoney } from '../../shared/index';
import { controller } from '../state/controller';
import { useUi } from '../state/store';
import { setZoom } from '../commands';

export function selectionStats(): { sum: number; count: number; numbers: number } | null {
  const sel = useUi.getState().selection;
  if (!sel || !controller.session) return null;
  let sum = 0;
  let count = 0;
  let numbers = 0;
  const maxCells = 100_000;
  for (let r = sel.row; r <= sel.row2; r++) {
    for (let c = sel.col; c <= sel.col2; c++) {
      if (count > maxCells) break;
      const v = controller.value(sel.sheet, r, c);
      if (v === null || v === '') continue;
      count++;
      if (typeof v === 'number') {
        sum += v;
        numbers++;
      }
    }
  }
  return { sum, count, numbers };
}

/**
 * The packet's finding counts, read from the live findings (the panel's 错误 / 提示 / 尾数差): a message such as
 * "没有错误" would be stale after the next edit, these never are.
 */
function FindingCounts() {
  const findings = useUi((s) => s.findings);
  let errors = 0;
  let warnings = 0;
  let rounding = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.rounding) rounding++;
    else warnings++;
  }
  return (
    <span
      className="status-counts"
      data-testid="status-counts"
      title="审核结果（单击打开审核结果面板）"
      onClick={() => useUi.setState({ checksOpen: true })}
    >
      <span className={errors ? 'err' : 'ok'}>{errors ? `错误 ${errors}` : '没有错误'}</span>
      <span>提示 {warnings}</span>
      {rounding > 0 && <span className="round">尾数差 {rounding}</span>}
    </span>
  );
}

export function StatusBar() {
  const message = useUi((s) => s.message);
  const kind = useUi((s) => s.messageKind);
  const zoom = useUi((s) => s.zoom);
  const zoomFit = useUi((s) => s.zoomFit);
  const sel = useUi((s) => s.selection);
  const autosavedAt = useUi((s) => s.autosavedAt);
  const dirty = useUi((s) => s.dirty);
  useUi((s) => s.editVersion);
  const stats = sel && (sel.row !== sel.row2 || sel.col !== sel.col2) ? selectionStats() : null;
  return (
    <footer className="status">
      <FindingCounts />
      <span className={`status-msg ${kind}`} data-testid="status-message">{message}</span>
      {stats && (
        <span className="stats" data-testid="selection-stats">
          {stats.numbers > 0 && <span>求和：{formatMoney(stats.sum)}</span>}
          {stats.numbers > 0 && <span>平均：{formatMoney(stats.sum / stats.numbers)}</span>}
          <span>计数：{stats.count}</span>
        </span>
      )}
      {dirty && autosavedAt && (
        <span className="autosaved" data-testid="autosaved" title="未保存的修改已写入恢复文件：程序意外关闭后，下次启动可以恢复。">
          已自动保存 {autosavedAt}
        </span>
      )}
      <span className="zoom">
        <button type="button" onClick={() => setZoom(zoom - 0.1)} title="缩小（Ctrl+-）">−</button>
        <input type="range" min={50} max={200} step={5} value={Math.round(zoom * 100)} onChange={(e) => setZoom(Number(e.target.value) / 100)} aria-label="缩放" />
        <button type="button" onClick={() => setZoom(zoom + 0.1)} title="放大（Ctrl+=）">+</button>
        <button type="button" className="zoom-pct" onClick={() => setZoom(1)} title="缩放到 100%（Ctrl+0）">{Math.round(zoom * 100)}%</button>
        <button type="button" className={`zoom-fit${zoomFit ? ' on' : ''}`} aria-pressed={zoomFit} data-testid="zoom-fit" onClick={() => useUi.setState({ zoomFit: !zoomFit })} title="适应宽度：按窗口宽度缩放，使整张表的宽度都能看到">适应宽度</button>
      </span>
    </footer>
  );
}

/**
 * 运算（全部重算）: recomputes every derived cell from its details in one undoable step and lists what it
 * changed. 尾数差 figures (published rounded totals such as 545.72 against 545.73) and blanks the form leaves
 * empty are listed and kept; 「尾数差也按公式重算」 recomputes them too, as a second undoable step.
 */
import { create } from 'zustand';
import type { CellValue } from '../../shared/index';
import { controller, type RecalcReport } from '../state/controller';
import { editText } from '../grid/format';

interface RecalcState {
  report: RecalcReport | null;
}

const useRecalc = create<RecalcState>(() => ({ report: null }));

export async function openRecalc(includeRounding = false): Promise<void> {
  const report = await controller.recalculateAll(includeRounding);
  if (report) useRecalc.setState({ report });
}

const fig = (v: CellValue) => (v === null || v === '' ? '空' : editText(v));

export function RecalcDialog() {
  const report = useRecalc((s) => s.report);
  if (!report) return null;
  const close = () => {
    useRecalc.setState({ report: null });
    // back to the grid, so Ctrl+Z undoes the 运算 right away
    controller.gridPort()?.focus();
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal recalc-dialog" role="dialog" aria-label="运算结果" data-testid="recalc-dialog">
        <h3>运算（全部重算）</h3>
        <p data-testid="recalc-summary">
          {report.changed.length ? `按运算公式重算了 ${report.changed.length} 个单元格（可用「撤销」还原）。` : '所有合计、类款和执行率都与其明细一致，没有重算任何单元格。'}
          {report.kept.length ? ` 另有 ${report.kept.length} 个单元格与公式只差尾数或为空白，保留原数：` : ''}
        </p>
        <div className="list">
          {report.changed.length > 0 && (
            <table data-testid="recalc-changed">
              <thead><tr><th>工作表</th><th>单元格</th><th>原数</th><th>重算后</th></tr></thead>
              <tbody>
                {report.changed.map((c) => (
                  <tr key={`${c.sheet}!${c.cell}`}><td>{c.sheet}</td><td>{c.cell}</td><td>{fig(c.before)}</td><td>{fig(c.after)}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {report.kept.length > 0 && (
            <table data-testid="recalc-kept">
              <thead><tr><th>工作表</th><th>单元格</th><th>现填</th><th>运算得</th><th>说明</th></tr></thead>
              <tbody>
                {report.kept.map((c) => (
                  <tr key={`${c.sheet}!${c.cell}`}><td>{c.sheet}</td><td>{c.cell}</td><td>{fig(c.value)}</td><td>{fig(c.computed)}</td><td>{c.why === '尾数差' ? '尾数差（公开数，保留）' : '空白（保留）'}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="modal-buttons">
          {report.kept.length > 0 && (
            <button type="button" data-testid="recalc-rounding" onClick={() => openRecalc(true)} title="把上表保留的尾数差和空白也改为运算结果（可撤销）">
              尾数差也按公式重算
            </button>
          )}
          <button type="button" data-testid="recalc-close" autoFocus onClick={close}>关闭</button>
        </div>
      </div>
    </div>
  );
}

/**
 * The live checks panel: findings grouped by sheet (sheets with errors first, errors before warnings in each),
 * 尾数差 in their own collapsible group. A click opens the sheet and selects the cell.
 */
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { Finding } from '../../shared/index';
import { controller } from '../state/controller';
import { useUi } from '../state/store';
import { perf } from '../perf';

function group(list: Finding[], order: Map<string, number>): [string, Finding[]][] {
  const m = new Map<string, Finding[]>();
  for (const f of list) {
    const s = controller.sheetOf(f) || '（其他）';
    let g = m.get(s);
    if (!g) m.set(s, (g = []));
    g.push(f);
  }
  const hasErr = (g: Finding[]) => (g.some((f) => f.severity === 'error') ? 0 : 1);
  return [...m.entries()].sort((a, b) => hasErr(a[1]) - hasErr(b[1]) || (order.get(a[0]) ?? 9999) - (order.get(b[0]) ?? 9999));
}

function FindingItem({ f }: { f: Finding }) {
  const loc = controller.locate(f);
  const kind = f.severity === 'error' ? 'err' : f.rounding ? 'round' : 'warn';
  return (
    <li
      className={`finding ${kind}`}
      data-rule={f.rule}
      role="button"
      tabIndex={0}
      onClick={() => controller.goToFinding(f)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          controller.goToFinding(f);
        }
      }}
    >
      <span className={`sev ${kind}`}>{f.severity === 'error' ? '错误' : f.rounding ? '尾数' : '提示'}</span>
      <span className="where">{loc?.cells[0] ?? ''}</span>
      <span className="msg">{f.message}</span>
    </li>
  );
}

export function ChecksPanel() {
  const findings = useUi((s) => s.findings);
  const sheets = useUi((s) => s.sheets);
  const roundingOpen = useUi((s) => s.roundingOpen);
  const order = useMemo(() => new Map(sheets.map((s, i) => [s.name, i])), [sheets]);
  const main = useMemo(() => findings.filter((f) => !f.rounding), [findings]);
  const rounding = useMemo(() => findings.filter((f) => f.rounding), [findings]);
  const groups = useMemo(() => group(main, order), [main, order]);
  const roundingGroups = useMemo(() => group(rounding, order), [rounding, order]);
  const errors = main.filter((f) => f.severity === 'error').length;
  const warnings = main.length - errors;

  const body = useRef<HTMLDivElement>(null);
  const seenErrors = useRef<Set<string> | null>(null);
  useLayoutEffect(() => {
    perf.panelCommitted();
    // a new error must be seen: bring the first one that just appeared into view
    const now = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule));
    const before = seenErrors.current;
    seenErrors.current = now;
    if (!before) return;
    const fresh = [...now].find((r) => !before.has(r));
    const item = fresh ? body.current?.querySelector(`[data-rule="${CSS.escape(fresh)}"]`) : null;
    // its sheet's heading too, so the accountant sees where it is
    (item?.closest('.check-group') ?? item)?.scrollIntoView({ block: 'nearest' });
  }, [findings]);

  return (
    <aside className="checks" aria-label="审核结果">
      <div className="checks-head">
        <span className="checks-title">审核结果</span>
        <span className={`count err${errors ? '' : ' zero'}`} data-testid="error-count">错误 {errors}</span>
        <span className={`count warn${warnings ? '' : ' zero'}`} data-testid="warning-count">提示 {warnings}</span>
        <span className="count round" data-testid="rounding-count">尾数差 {rounding.length}</span>
        <button type="button" className="recheck" data-testid="recheck" onClick={() => controller.recheck()} title="重新审核：每条审核公式都从头再算一遍（平时随输入自动审核，无需手动）">
          重新审核
        </button>
      </div>
      <div className="checks-body" ref={body}>
        {errors === 0 && <div className="all-good">✓ 没有错误{warnings ? '，请看下面的提示' : ''}</div>}
        {groups.map(([sheet, list]) => (
          <section key={sheet} className="check-group" data-sheet={sheet}>
            <h3 onClick={() => controller.showSheet(sheet)}>
              {sheet}
              <span className="n">{list.length}</span>
            </h3>
            <ul>
              {list.map((f) => (
                <FindingItem key={f.rule} f={f} />
              ))}
            </ul>
          </section>
        ))}
        {rounding.length > 0 && (
          <section className={`check-group rounding${roundingOpen ? ' open' : ''}`} data-testid="rounding-group">
            <h3 className="toggle" onClick={() => useUi.setState({ roundingOpen: !roundingOpen })} role="button" aria-expanded={roundingOpen}>
              <span className="caret">{roundingOpen ? '▾' : '▸'}</span> 尾数差（{rounding.length}）
              <span className="hint">金额单位换算造成，在允许范围内，可不调整</span>
            </h3>
            {roundingOpen &&
              roundingGroups.map(([sheet, list]) => (
                <div key={sheet} className="sub-group">
                  <h4>{sheet}</h4>
                  <ul>
                    {list.map((f) => (
                      <FindingItem key={f.rule} f={f} />
                    ))}
                  </ul>
                </div>
              ))}
          </section>
        )}
      </div>
    </aside>
  );
}

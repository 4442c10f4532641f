/**
 * The live checks panel: findings grouped by sheet (sheets with errors first, errors before warnings in each),
 * 尾数差 in their own collapsible group. A click opens the sheet and selects the cell. A 提示 takes an 出错说明
 * (stored in the packet, shared/report/explanations.ts): 已说明 while its figures are unchanged, 待复核 when they
 * change. Errors take none: they must be corrected. 全审 (toolbar) writes the 审核报告 with every finding.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import type { Finding } from '../../shared/index';
import { explainFindings, setExplanation, type ExplainedFinding } from '../../shared/report/index';
import type { AuditOut } from '../core/protocol';
import { safeFileName } from '../../shared/export/index';
import { controller } from '../state/controller';
import { say, useUi } from '../state/store';
import { perf } from '../perf';

/** Bumped when an 出错说明 changes (the findings list does not change then, but what the panel shows does). */
const useExplained = create<{ version: number }>(() => ({ version: 0 }));

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

function saveExplanation(f: Finding, text: string): void {
  const s = controller.session;
  if (!s) return;
  try {
    setExplanation(s, f, text);
    // the worker's packet is the one saved: it takes the list as the page made it
    void s.core.request({ op: 'setExplanations', explanations: s.packet.explanations ?? [] }).catch(() => undefined);
  } catch (e) {
    say((e as Error).message, 'error');
    return;
  }
  controller.changedOutsideEngine();
  useExplained.setState((st) => ({ version: st.version + 1 }));
  say(text.trim() ? '已保存出错说明，保存公开包后随文件保存。' : '已删除出错说明。');
}

/** The 出错说明 of one 提示: its state, its text, and the editor. Keys and clicks stay inside (the item is a button). */
function Explanation({ x }: { x: ExplainedFinding }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const f = x.finding;
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation();
  if (editing) {
    return (
      <div className="explain editing" onClick={stop} onKeyDown={stop} data-testid="explain-editor">
        <textarea
          data-testid="explain-text"
          aria-label="出错说明"
          placeholder="说明这条提示为什么可以保留，如：公开文本原样如此。"
          value={draft}
          rows={3}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              saveExplanation(f, draft);
              setEditing(false);
            }
          }}
        />
        <div className="explain-buttons">
          <button type="button" data-testid="explain-save" onClick={() => (saveExplanation(f, draft), setEditing(false))}>保存说明</button>
          <button type="button" onClick={() => setEditing(false)}>取消</button>
        </div>
      </div>
    );
  }
  const open = () => {
    setDraft(x.explanation?.text ?? '');
    setEditing(true);
  };
  if (x.state === 'none') {
    if (f.rounding) return null;
    return (
      <div className="explain" onClick={stop} onKeyDown={stop}>
        <button type="button" className="explain-open" data-testid="explain-open" onClick={open}>写出错说明</button>
      </div>
    );
  }
  return (
    <div className={`explain ${x.state}`} onClick={stop} onKeyDown={stop}>
      <span className={`explain-state ${x.state}`} data-testid="explain-state" title={x.state === 'stale' ? `说明写于 ${x.explanation!.at}，当时为：${x.explanation!.message}` : `写于 ${x.explanation!.at}`}>
        {x.state === 'ok' ? '已说明' : '待复核'}
      </span>
      <span className="explain-text" data-testid="explain-shown">{x.explanation!.text}</span>
      {x.state === 'stale' && (
        <button type="button" data-testid="explain-confirm" title="数字已变；说明仍然适用时点这里确认" onClick={() => saveExplanation(f, x.explanation!.text)}>仍适用</button>
      )}
      <button type="button" data-testid="explain-edit" onClick={open}>修改</button>
    </div>
  );
}

function FindingItem({ x }: { x: ExplainedFinding }) {
  const f = x.finding;
  const loc = controller.locate(f);
  const kind = f.severity === 'error' ? 'err' : f.rounding ? 'round' : 'warn';
  return (
    <li
      className={`finding ${kind}${x.state !== 'none' ? ` explained-${x.state}` : ''}`}
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
      {f.severity === 'warning' && <Explanation x={x} />}
    </li>
  );
}

/** 全审: check the whole packet again and save the 审核报告 (every finding by table, with the 出错说明). */
export async function runFullAudit(): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  if (!s || !host) return;
  try {
    // the whole packet checked again and the report written beside the session, in the core worker
    const { bytes, summary } = await s.core.request<AuditOut>({ op: 'auditReport' });
    const base = safeFileName(controller.fileName.replace(/\.xlsx$/i, '') || '决算公开');
    useUi.setState({ checksOpen: true });
    const saved = await host.exportFile(bytes, `${base}审核报告.xlsx`, 'xlsx');
    if (saved) say(`已写出审核报告「${saved.name}」：${summary}`);
  } catch (e) {
    say(`无法生成审核报告：${(e as Error).message}`, 'error');
  }
}

/** Memoised: it reads the store itself; a re-render of the window (an open's progress line) must not redo it. */
export const ChecksPanel = memo(function ChecksPanel() {
  const findings = useUi((s) => s.findings);
  const sheets = useUi((s) => s.sheets);
  const roundingOpen = useUi((s) => s.roundingOpen);
  const version = useExplained((s) => s.version);
  const order = useMemo(() => new Map(sheets.map((s, i) => [s.name, i])), [sheets]);
  const explained = useMemo(() => {
    const s = controller.session;
    const list = s ? explainFindings(s, findings) : findings.map((f) => ({ finding: f, state: 'none' as const }));
    return new Map(list.map((x) => [x.finding, x]));
    // version: an 出错说明 changed
  }, [findings, version]);
  const main = useMemo(() => findings.filter((f) => !f.rounding), [findings]);
  const rounding = useMemo(() => findings.filter((f) => f.rounding), [findings]);
  const groups = useMemo(() => group(main, order), [main, order]);
  const roundingGroups = useMemo(() => group(rounding, order), [rounding, order]);
  const errors = main.filter((f) => f.severity === 'error').length;
  const warnings = main.length - errors;
  const unexplained = main.filter((f) => f.severity === 'warning' && explained.get(f)?.state !== 'ok').length;
  const item = (f: Finding) => <FindingItem key={f.rule} x={explained.get(f) ?? { finding: f, state: 'none' }} />;

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
    const el = fresh ? body.current?.querySelector(`[data-rule="${CSS.escape(fresh)}"]`) : null;
    // its sheet's heading too, so the accountant sees where it is
    (el?.closest('.check-group') ?? el)?.scrollIntoView({ block: 'nearest' });
  }, [findings]);

  return (
    <aside className="checks" aria-label="审核结果">
      <div className="checks-head">
        <span className="checks-title">审核结果</span>
        <span className={`count err${errors ? '' : ' zero'}`} data-testid="error-count">错误 {errors}</span>
        <span className={`count warn${warnings ? '' : ' zero'}`} data-testid="warning-count">提示 {warnings}</span>
        <span className="count round" data-testid="rounding-count">尾数差 {rounding.length}</span>
        <span className={`count unexplained${unexplained ? '' : ' zero'}`} data-testid="unexplained-count" title="没有出错说明（或说明待复核）的提示">未说明 {unexplained}</span>
        <button type="button" className="recheck" data-testid="recheck" onClick={() => controller.recheck()} title="重新审核：每条审核公式都从头再算一遍（平时随输入自动审核，无需手动）">
          重新审核
        </button>
      </div>
      <div className="checks-body" ref={body}>
        {errors === 0 && <div className="all-good">✓ 没有错误{unexplained ? '，请看下面的提示并写出错说明' : ''}</div>}
        {groups.map(([sheet, list]) => (
          <section key={sheet} className="check-group" data-sheet={sheet}>
            <h3 onClick={() => controller.showSheet(sheet)}>
              {sheet}
              <span className="n">{list.length}</span>
            </h3>
            <ul>{list.map(item)}</ul>
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
                  <ul>{list.map(item)}</ul>
                </div>
              ))}
          </section>
        )}
      </div>
    </aside>
  );
});

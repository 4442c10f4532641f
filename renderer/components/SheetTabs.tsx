/**
 * Sheet tabs along the bottom of the grid, as in Excel/WPS: every sheet of the packet in the tree's order,
 * the active one marked and scrolled into view; Ctrl+PgUp / Ctrl+PgDn (commands.ts) step through the same
 * order. Arrow keys move between tabs, Enter or a click opens one.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { controller } from '../state/controller';
import { NARRATIVE_VIEW, useUi, type SheetEntry } from '../state/store';

/** The order of the tree: 概况, 公开表, 情况说明, 汇总, 自评表, others. */
export function sheetOrder(sheets: SheetEntry[]): { name: string; label: string }[] {
  const of = (k: SheetEntry['kind']) => sheets.filter((s) => s.kind === k).map((s) => ({ name: s.name, label: s.name === '概况' ? '部门概况' : s.name }));
  return [...of('overview'), ...of('table'), { name: NARRATIVE_VIEW, label: '情况说明' }, ...of('summary'), ...of('form'), ...of('other')];
}

/** Open a sheet from the keyboard and give it the keyboard (the grid's first cell, or the 情况说明 view). */
export function openSheetByKeyboard(name: string): void {
  if (name === NARRATIVE_VIEW) {
    controller.showSheet(name);
    return;
  }
  const sel = useUi.getState().selection;
  if (sel && sel.sheet === name) controller.goTo(name, sel.row, sel.col, sel.row2, sel.col2);
  else controller.goTo(name, 0, 0);
}

/** Ctrl+PgDn (+1) / Ctrl+PgUp (−1): the next or previous sheet; it stops at the ends, as Excel does. */
export function stepSheet(dir: 1 | -1): void {
  const st = useUi.getState();
  const order = sheetOrder(st.sheets);
  const i = order.findIndex((s) => s.name === st.activeSheet);
  const next = order[Math.min(order.length - 1, Math.max(0, (i < 0 ? -1 : i) + dir))];
  if (next && next.name !== st.activeSheet) openSheetByKeyboard(next.name);
}

export function SheetTabs() {
  const sheets = useUi((s) => s.sheets);
  const active = useUi((s) => s.activeSheet);
  const findings = useUi((s) => s.findings);
  const order = useMemo(() => sheetOrder(sheets), [sheets]);
  const errors = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of findings) if (f.severity === 'error') m.set(controller.sheetOf(f), (m.get(controller.sheetOf(f)) ?? 0) + 1);
    return m;
  }, [findings]);
  const strip = useRef<HTMLDivElement>(null);
  useEffect(() => {
    strip.current?.querySelector<HTMLElement>('.sheet-tab.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, order]);
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? order.length - 1 : -2;
    if (to === -2) return;
    e.preventDefault();
    const t = strip.current?.querySelectorAll<HTMLElement>('.sheet-tab')[Math.max(0, Math.min(order.length - 1, to))];
    t?.focus();
    t?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  const scroll = (d: number) => strip.current?.scrollBy({ left: d * 240 });
  return (
    <div className="sheet-tabs" data-testid="sheet-tabs">
      <button type="button" className="tabs-scroll" aria-label="向左滚动工作表标签" title="向左滚动" onClick={() => scroll(-1)}>◀</button>
      <button type="button" className="tabs-scroll" aria-label="向右滚动工作表标签" title="向右滚动" onClick={() => scroll(1)}>▶</button>
      <div className="sheet-tab-strip" role="tablist" aria-label="工作表" ref={strip}>
        {order.map((s, i) => {
          const on = s.name === active;
          const n = errors.get(s.name) ?? 0;
          return (
            <button
              key={s.name}
              type="button"
              role="tab"
              aria-selected={on}
              tabIndex={on || (!active && i === 0) ? 0 : -1}
              className={`sheet-tab${on ? ' active' : ''}`}
              data-sheet={s.name}
              title={`${s.label}（Ctrl+PgUp / Ctrl+PgDn 切换工作表）`}
              onClick={() => controller.showSheet(s.name)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  openSheetByKeyboard(s.name);
                } else onKey(e, i);
              }}
            >
              {s.label}
              {n > 0 && <span className="tab-err" aria-label={`${n} 个错误`}>{n}</span>}
            </button>
          );
        })}
      </div>
    </div>
  );
}

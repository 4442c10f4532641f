/** The packet tree: 概况, the 公开表, the 自评表 (searchable), 情况说明 — each with its error/warning badge. */
import { memo, useMemo, type KeyboardEvent } from 'react';
import { openSheetByKeyboard } from './SheetTabs';
import { currentHot } from '../grid/SheetGrid';
import type { Finding } from '../../shared/index';
import { controller } from '../state/controller';
import { NARRATIVE_VIEW, useUi, type SheetEntry } from '../state/store';

interface Counts {
  error: number;
  /** hints that ask for a look (not the 尾数差) */
  warning: number;
  /** 尾数差: rounding within tolerance, not something to worry about; shown quietly, never as an alarm */
  rounding: number;
}

function countBySheet(findings: Finding[]): Map<string, Counts> {
  const m = new Map<string, Counts>();
  for (const f of findings) {
    const sheet = controller.sheetOf(f);
    let c = m.get(sheet);
    if (!c) m.set(sheet, (c = { error: 0, warning: 0, rounding: 0 }));
    if (f.severity === 'error') c.error++;
    else if (f.rounding) c.rounding++;
    else c.warning++;
  }
  return m;
}

function Badges({ c }: { c: Counts | undefined }) {
  if (!c || (!c.error && !c.warning && !c.rounding)) return null;
  return (
    <span className="badges">
      {c.error > 0 && <span className="badge err" title={`${c.error} 个错误`}>{c.error}</span>}
      {c.warning > 0 && <span className="badge warn" title={`${c.warning} 条提示`}>{c.warning}</span>}
      {c.rounding > 0 && (
        <span className="badge round" title={`${c.rounding} 处尾数差：金额单位换算造成，在允许范围内，可不调整`}>{c.rounding}</span>
      )}
    </span>
  );
}

/**
 * Keyboard in the tree (one tab stop, the active item): ↑/↓ move, Home/End jump, Enter or Space opens the
 * sheet and hands the keyboard to its grid.
 */
function onItemKey(e: KeyboardEvent<HTMLLIElement>, sheet: string): void {
  const items = [...(e.currentTarget.closest('.tree')?.querySelectorAll<HTMLElement>('.tree-item') ?? [])];
  const i = items.indexOf(e.currentTarget);
  let to: number;
  if (e.key === 'ArrowDown') to = Math.min(items.length - 1, i + 1);
  else if (e.key === 'ArrowUp') to = Math.max(0, i - 1);
  else if (e.key === 'Home') to = 0;
  else if (e.key === 'End') to = items.length - 1;
  else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    openSheetByKeyboard(sheet);
    return;
  } else return;
  e.preventDefault();
  items[to]?.focus();
}

function Item({ s, label, sub, counts, active }: { s: string; label: string; sub?: string; counts?: Counts; active: boolean }) {
  const activeSheet = useUi((st) => st.activeSheet);
  // roving tab stop: the open sheet's item, or the first item when none is open
  const first = !activeSheet && s === useUi.getState().sheets[0]?.name;
  return (
    <li
      className={`tree-item${active ? ' active' : ''}`}
      data-sheet={s}
      role="treeitem"
      aria-selected={active}
      tabIndex={active || first ? 0 : -1}
      onClick={() => controller.showSheet(s)}
      onKeyDown={(e) => onItemKey(e, s)}
      title={sub ? `${label} ${sub}` : label}
    >
      <span className="tree-label">
        {label}
        {sub && <span className="tree-sub">{sub}</span>}
      </span>
      <Badges c={counts} />
    </li>
  );
}

function sum(list: SheetEntry[], counts: Map<string, Counts>): Counts {
  const t = { error: 0, warning: 0, rounding: 0 };
  for (const s of list) {
    const c = counts.get(s.name);
    if (c) {
      t.error += c.error;
      t.warning += c.warning;
      t.rounding += c.rounding;
    }
  }
  return t;
}

/** Memoised: it reads the store itself; a re-render of the window (an open's progress line) must not redo it. */
export const PacketTree = memo(function PacketTree() {
  const sheets = useUi((s) => s.sheets);
  const findings = useUi((s) => s.findings);
  const active = useUi((s) => s.activeSheet);
  const query = useUi((s) => s.formQuery);
  const counts = useMemo(() => countBySheet(findings), [findings]);
  const overview = sheets.filter((s) => s.kind === 'overview');
  const tables = sheets.filter((s) => s.kind === 'table');
  const summary = sheets.filter((s) => s.kind === 'summary');
  const forms = sheets.filter((s) => s.kind === 'form');
  const others = sheets.filter((s) => s.kind === 'other');
  const q = query.trim();
  const shownForms = q ? forms.filter((f) => f.name.includes(q) || f.title.includes(q)) : forms;

  return (
    <nav className="tree" aria-label="公开包目录" role="tree">
      <button
        type="button"
        className="tree-collapse"
        data-testid="collapse-tree"
        title="收起目录（表格区域更宽）"
        aria-label="收起目录"
        onClick={() => {
          useUi.setState({ treeOpen: false });
          requestAnimationFrame(() => currentHot()?.refreshDimensions());
        }}
      >
        «
      </button>
      <div className="tree-group">
        <div className="tree-head">第一部分 概况</div>
        <ul>
          {overview.map((s) => (
            <Item key={s.name} s={s.name} label={s.name === '概况' ? '部门概况' : s.name} counts={counts.get(s.name)} active={active === s.name} />
          ))}
        </ul>
      </div>
      <div className="tree-group">
        <div className="tree-head">
          第二部分 公开表 <Badges c={sum(tables, counts)} />
        </div>
        <ul>
          {tables.map((s) => (
            <Item key={s.name} s={s.name} label={s.name} sub={s.title} counts={counts.get(s.name)} active={active === s.name} />
          ))}
        </ul>
      </div>
      <div className="tree-group">
        <div className="tree-head">
          第三部分 情况说明
        </div>
        <ul>
          <Item s={NARRATIVE_VIEW} label="情况说明" active={active === NARRATIVE_VIEW} />
        </ul>
      </div>
      <div className="tree-group forms">
        <div className="tree-head">
          项目支出绩效自评表（{forms.length}） <Badges c={sum([...summary, ...forms], counts)} />
        </div>
        <ul>
          {summary.map((s) => (
            <Item key={s.name} s={s.name} label={s.name} counts={counts.get(s.name)} active={active === s.name} />
          ))}
        </ul>
        <input
          className="tree-search"
          type="search"
          placeholder="搜索自评表（项目名称）"
          value={query}
          onChange={(e) => useUi.setState({ formQuery: e.target.value })}
          aria-label="搜索自评表"
        />
        {forms.length === 0 ? (
          <div className="tree-empty">本公开包还没有自评表。</div>
        ) : (
          <ul className="form-list">
            {shownForms.map((s) => (
              <Item key={s.name} s={s.name} label={s.name} sub={s.title && s.title !== s.name ? s.title : undefined} counts={counts.get(s.name)} active={active === s.name} />
            ))}
            {shownForms.length === 0 && <li className="tree-empty">没有名称含「{q}」的自评表。</li>}
          </ul>
        )}
      </div>
      {others.length > 0 && (
        <div className="tree-group">
          <div className="tree-head">其他</div>
          <ul>
            {others.map((s) => (
              <Item key={s.name} s={s.name} label={s.name} counts={counts.get(s.name)} active={active === s.name} />
            ))}
          </ul>
        </div>
      )}
    </nav>
  );
});

/** The editor window: toolbar and formula bar on top, packet tree left, grid centre, checks right, status below. */
import { memo, useEffect, useRef, type KeyboardEvent, type PointerEvent, type RefObject } from 'react';
import { controller } from './state/controller';
import { NARRATIVE_VIEW, useUi } from './state/store';
import { SheetGrid } from './grid/SheetGrid';
import { PacketTree } from './components/PacketTree';
import { ChecksPanel } from './components/ChecksPanel';
import { FormulaBar } from './components/FormulaBar';
import { StatusBar } from './components/StatusBar';
import { FindDialog } from './components/FindDialog';
import { Toolbar } from './components/Toolbar';
import { NarrativeView } from './components/NarrativeSlot';
import { ImportDialog } from './components/ImportDialog';
import { ExportDialogs } from './components/ExportDialog';
import { RecoveryDialog } from './components/RecoveryDialog';
import { RecalcDialog } from './components/RecalcDialog';
import { MergeDialog } from './components/MergeDialog';
import { NewYearDialog } from './components/NewYearDialog';
import { templateSets } from './sets';
import { PrintDialog } from './components/PrintDialog';
import { SheetTabs } from './components/SheetTabs';
import { onGlobalKeyDown, runCommand } from './commands';
import { sheetWidthPx } from './grid/layout';
import { currentHot } from './grid/SheetGrid';
import { CHECKS_WIDTH, TREE_WIDTH } from './state/layout-prefs';

/** Row header and vertical scrollbar of the grid, beside its columns. */
const GRID_CHROME_PX = 70;
const STRIP_PX = 28;

/** Fit-width zoom: the whole width of the sheet in the centre, never above 100% nor below 50%. */
function useFitWidth(centre: RefObject<HTMLElement | null>, sheet: string): void {
  const fit = useUi((s) => s.zoomFit);
  const version = useUi((s) => s.layoutVersion);
  useEffect(() => {
    const el = centre.current;
    if (!fit || !el || !sheet || sheet === NARRATIVE_VIEW || !controller.session) return;
    let need = 0;
    try {
      need = sheetWidthPx(controller.session.sheet(sheet)) + GRID_CHROME_PX;
    } catch {
      return;
    }
    const apply = () => {
      if (!el.clientWidth) return;
      const z = Math.min(1, Math.max(0.5, Math.floor((el.clientWidth / need) * 100) / 100));
      if (Math.abs(z - useUi.getState().zoom) > 0.001) {
        useUi.setState({ zoom: z });
        requestAnimationFrame(() => currentHot()?.refreshDimensions());
      }
    };
    apply();
    const ro = new ResizeObserver(apply);
    ro.observe(el);
    return () => ro.disconnect();
  }, [centre, fit, sheet, version]);
}

/** A draggable (and keyboard-adjustable) border between a side panel and the centre. */
function Splitter({ side }: { side: 'tree' | 'checks' }) {
  const key = side === 'tree' ? 'treeWidth' : 'checksWidth';
  const lim = side === 'tree' ? TREE_WIDTH : CHECKS_WIDTH;
  const width = useUi((s) => s[key]);
  const set = (w: number) => {
    useUi.setState({ [key]: Math.min(lim.max, Math.max(lim.min, Math.round(w))) });
    requestAnimationFrame(() => currentHot()?.refreshDimensions());
  };
  const drag = useRef<{ x: number; w: number } | null>(null);
  const sign = side === 'tree' ? 1 : -1;
  return (
    <div
      className={`splitter ${side}`}
      role="separator"
      aria-orientation="vertical"
      aria-label={side === 'tree' ? '调整目录宽度（左右方向键）' : '调整审核结果宽度（左右方向键）'}
      aria-valuemin={lim.min}
      aria-valuemax={lim.max}
      aria-valuenow={width}
      tabIndex={0}
      data-testid={`splitter-${side}`}
      onPointerDown={(e: PointerEvent<HTMLDivElement>) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, w: width };
      }}
      onPointerMove={(e) => drag.current && set(drag.current.w + sign * (e.clientX - drag.current.x))}
      onPointerUp={() => (drag.current = null)}
      onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => {
        const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!d) return;
        e.preventDefault();
        set(width + sign * d * lim.step);
      }}
    />
  );
}

/** A collapsed side panel: a narrow strip that opens it again. */
function Strip({ side }: { side: 'tree' | 'checks' }) {
  const findings = useUi((s) => s.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const hints = findings.filter((f) => f.severity !== 'error' && !f.rounding).length;
  const open = () => {
    useUi.setState(side === 'tree' ? { treeOpen: true } : { checksOpen: true });
    requestAnimationFrame(() => currentHot()?.refreshDimensions());
  };
  return (
    <div className={`side-strip ${side}`}>
      <button type="button" data-testid={`expand-${side}`} onClick={open} title={side === 'tree' ? '展开目录' : '展开审核结果'} aria-label={side === 'tree' ? '展开目录' : '展开审核结果'}>
        {side === 'tree' ? '»' : '«'}
      </button>
      <span className="strip-label">{side === 'tree' ? '目录' : '审核结果'}</span>
      {side === 'checks' && errors > 0 && <span className="badge err" title={`${errors} 个错误`}>{errors}</span>}
      {side === 'checks' && hints > 0 && <span className="badge warn" title={`${hints} 条提示`}>{hints}</span>}
    </div>
  );
}

/**
 * Memoised: it reads all it needs from the store itself, and a re-render from above (the status line of an
 * open under way) would hand Handsontable its settings again, which redraws the whole grid.
 */
const Centre = memo(function Centre() {
  const active = useUi((s) => s.activeSheet);
  const version = useUi((s) => s.layoutVersion);
  const zoom = useUi((s) => s.zoom);
  const body = useRef<HTMLDivElement>(null);
  useFitWidth(body, active);
  return (
    <main className="centre">
      <div className="centre-body" ref={body}>
        <CentreView active={active} version={version} zoom={zoom} />
      </div>
      <SheetTabs />
    </main>
  );
});

function CentreView({ active, version, zoom }: { active: string; version: number; zoom: number }) {
  if (active === NARRATIVE_VIEW) return <NarrativeView />;
  if (!active || !controller.session) return <div className="placeholder">请从左侧选择一张表。</div>;
  return (
    // CSS zoom scales the box too: size it 1/zoom of the centre so the zoomed grid fills the centre exactly
    <div className="grid-host" style={{ zoom, width: `${100 / zoom}%`, height: `${100 / zoom}%` }} data-sheet={active}>
      <SheetGrid key={`${active}#${version}`} sheet={active} />
    </div>
  );
}

/** 新建 from the menu when the build carries several sets: which one. */
function SetChooser() {
  const open = useUi((s) => s.chooseSet);
  if (!open) return null;
  const close = () => useUi.setState({ chooseSet: false });
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal" role="dialog" aria-label="新建公开包" data-testid="set-chooser">
        <h3>新建公开包：选择模板套</h3>
        {templateSets().map((set, i) => (
          <p key={set.id}>
            <button type="button" data-set={set.id} onClick={() => { close(); void runCommand('new', i); }}>{set.name}</button>
          </p>
        ))}
        <div className="modal-buttons">
          <button type="button" onClick={close}>取消</button>
        </div>
      </div>
    </div>
  );
}

/** The progress of an open over the packet already open, which stays as it is until the new one is built. */
function Opening() {
  const note = useUi((s) => s.message);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="status" data-testid="opening">
        正在打开公开包…{note && <p data-testid="load-progress">{note}</p>}
      </div>
    </div>
  );
}

function Loading() {
  const status = useUi((s) => s.status);
  const err = useUi((s) => s.loadError);
  const note = useUi((s) => s.message);
  // while opening, the message says what takes long (a costly packet is tried in a worker first)
  if (status === 'loading') return <div className="splash">正在打开公开包…{note && <p data-testid="load-progress">{note}</p>}</div>;
  return (
    <div className="splash">
      {status === 'error' && <p className="load-error" data-testid="load-error">{err}</p>}
      <p>
        <button type="button" onClick={() => void runCommand('open')}>打开公开包…</button>{' '}
        {templateSets().map((set, i) => (
          <span key={set.id}>
            {' '}
            <button type="button" data-set={set.id} onClick={() => void runCommand('new', i)}>新建（{set.name}）</button>
          </span>
        ))}
      </p>
    </div>
  );
}

export function App() {
  const status = useUi((s) => s.status);
  const findOpen = useUi((s) => s.findOpen);
  const checksOpen = useUi((s) => s.checksOpen);
  const treeOpen = useUi((s) => s.treeOpen);
  const treeWidth = useUi((s) => s.treeWidth);
  const checksWidth = useUi((s) => s.checksWidth);
  useEffect(() => {
    window.addEventListener('keydown', onGlobalKeyDown, true);
    const warn = (e: BeforeUnloadEvent) => {
      // the browser host: leaving with unsaved edits asks first (Electron asks in the main process)
      if (useUi.getState().dirty && controller.host?.kind === 'browser') e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    // leaving the window is when work is most at risk (the machine may be switched off next): write it now
    const flush = () => void controller.flushAutosave();
    const hidden = () => document.visibilityState === 'hidden' && flush();
    window.addEventListener('blur', flush);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('keydown', onGlobalKeyDown, true);
      window.removeEventListener('beforeunload', warn);
      window.removeEventListener('blur', flush);
      document.removeEventListener('visibilitychange', hidden);
    };
  }, []);
  // another packet opening over an open one: the open one stays mounted under the progress line, so the
  // page neither tears its grid down nor builds it again when the new one is refused (the core worker builds)
  const editor = status === 'ready' || (status === 'loading' && !!controller.session);
  return (
    <div className={`app${checksOpen ? '' : ' no-checks'}`}>
      <Toolbar />
      <FormulaBar />
      <div
        className="main"
        style={editor ? { gridTemplateColumns: `${treeOpen ? treeWidth : STRIP_PX}px ${treeOpen ? 5 : 0}px minmax(0, 1fr) ${checksOpen ? 5 : 0}px ${checksOpen ? checksWidth : STRIP_PX}px` } : undefined}
      >
        {editor ? (
          <>
            {treeOpen ? <PacketTree /> : <Strip side="tree" />}
            {treeOpen ? <Splitter side="tree" /> : <span />}
            <Centre />
            {checksOpen ? <Splitter side="checks" /> : <span />}
            {checksOpen ? <ChecksPanel /> : <Strip side="checks" />}
          </>
        ) : (
          <Loading />
        )}
      </div>
      <StatusBar />
      {editor && status === 'loading' && <Opening />}
      {findOpen && <FindDialog />}
      <ImportDialog />
      <ExportDialogs />
      <PrintDialog />
      <RecoveryDialog />
      <RecalcDialog />
      <MergeDialog />
      <SetChooser />
      <NewYearDialog />
    </div>
  );
}

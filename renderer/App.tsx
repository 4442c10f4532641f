/** The editor window: toolbar and formula bar on top, packet tree left, grid centre, checks right, status below. */
import { useEffect } from 'react';
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
import { PrintDialog } from './components/PrintDialog';
import { RecoveryDialog } from './components/RecoveryDialog';
import { RecalcDialog } from './components/RecalcDialog';
import { MergeDialog } from './components/MergeDialog';
import { onGlobalKeyDown, runCommand } from './commands';

function Centre() {
  const active = useUi((s) => s.activeSheet);
  const version = useUi((s) => s.layoutVersion);
  const zoom = useUi((s) => s.zoom);
  if (active === NARRATIVE_VIEW) return <NarrativeView />;
  if (!active || !controller.session) return <div className="placeholder">请从左侧选择一张表。</div>;
  return (
    // CSS zoom scales the box too: size it 1/zoom of the centre so the zoomed grid fills the centre exactly
    <div className="grid-host" style={{ zoom, width: `${100 / zoom}%`, height: `${100 / zoom}%` }} data-sheet={active}>
      <SheetGrid key={`${active}#${version}`} sheet={active} />
    </div>
  );
}

function Loading() {
  const status = useUi((s) => s.status);
  const err = useUi((s) => s.loadError);
  if (status === 'loading') return <div className="splash">正在打开公开包…</div>;
  return (
    <div className="splash">
      {status === 'error' && <p className="load-error" data-testid="load-error">{err}</p>}
      <p>
        <button type="button" onClick={() => void runCommand('open')}>打开公开包…</button>{' '}
        <button type="button" onClick={() => void runCommand('new')}>新建（江西 2024 模板）</button>
      </p>
    </div>
  );
}

export function App() {
  const status = useUi((s) => s.status);
  const findOpen = useUi((s) => s.findOpen);
  const checksOpen = useUi((s) => s.checksOpen);
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
  return (
    <div className={`app${checksOpen ? '' : ' no-checks'}`}>
      <Toolbar />
      <FormulaBar />
      <div className="main">
        {status === 'ready' ? (
          <>
            <PacketTree />
            <main className="centre">
              <Centre />
            </main>
            {checksOpen && <ChecksPanel />}
          </>
        ) : (
          <Loading />
        )}
      </div>
      <StatusBar />
      {findOpen && <FindDialog />}
      <ImportDialog />
      <ExportDialogs />
      <PrintDialog />
      <RecoveryDialog />
      <RecalcDialog />
      <MergeDialog />
    </div>
  );
}

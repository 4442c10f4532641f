/**
 * Every user command, whether it comes from a shortcut, the toolbar or an Electron menu, runs here.
 */
import type { MenuCommand } from './host/host';
import { controller } from './state/controller';
import { startImport } from './components/ImportDialog';
import { startExport } from './components/ExportDialog';
import { openPrintDialog } from './components/PrintDialog';
import { say, useUi } from './state/store';
import { currentHot } from './grid/SheetGrid';
import { rowOpsOf } from './grid/layout';
import { templateSets } from './sets';
import { stepSheet } from './components/SheetTabs';

export const ZOOMS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2];

function confirmDiscard(what: string): boolean {
  if (!useUi.getState().dirty) return true;
  return confirm(`当前公开包有未保存的修改。放弃这些修改并${what}吗？`);
}

/** A zoom chosen by hand: fit-width stops following the window until 适应宽度 is chosen again. */
export function setZoom(z: number): void {
  const zoom = Math.min(2, Math.max(0.5, Math.round(z * 100) / 100));
  useUi.setState({ zoom, zoomFit: false });
  requestAnimationFrame(() => currentHot()?.refreshDimensions());
}

function stepZoom(dir: 1 | -1): void {
  const z = useUi.getState().zoom;
  const next = dir > 0 ? ZOOMS.find((x) => x > z + 0.001) : [...ZOOMS].reverse().find((x) => x < z - 0.001);
  setZoom(next ?? z);
}

function rowCommand(kind: 'insert' | 'delete'): void {
  const st = useUi.getState();
  const sel = st.selection;
  const s = controller.session;
  if (!s || !sel || sel.sheet !== st.activeSheet) {
    say('请先选中一个科目行或指标行。', 'warn');
    return;
  }
  const ops = rowOpsOf(s.packet, s.sheet(sel.sheet));
  if (!ops || sel.row < ops.first || sel.row > ops.last) {
    say(ops ? `只能在第 ${ops.first + 1}—${ops.last + 1} 行之间${kind === 'insert' ? '插入' : '删除'}${ops.kind}行。` : '本表没有可以插入或删除的行。', 'warn');
    return;
  }
  if (kind === 'insert') controller.insertRows(sel.sheet, sel.row, 1);
  else controller.removeRows(sel.sheet, sel.row, 1);
}

export async function runCommand(cmd: MenuCommand, arg?: number): Promise<void> {
  const host = controller.host;
  if (!host) return;
  switch (cmd) {
    case 'new': {
      // 新建 in a chosen set: the splash passes its index; the menu asks when the build carries several
      const sets = templateSets();
      if (arg === undefined && sets.length > 1) {
        useUi.setState({ chooseSet: true });
        return;
      }
      const set = sets[arg ?? 0];
      if (!set || !confirmDiscard('新建')) return;
      const f = await host.openTemplate(set.id);
      if (f) await controller.open(f);
      return;
    }
    case 'open': {
      if (!confirmDiscard('打开其他公开包')) return;
      const f = await host.openDialog();
      if (f) await controller.open(f);
      return;
    }
    case 'open-recent': {
      if (arg === undefined || !confirmDiscard('打开其他公开包')) return;
      const f = await host.openRecent(arg);
      if (f) await controller.open(f);
      return;
    }
    case 'save':
      await controller.save(false);
      return;
    case 'save-as':
      await controller.save(true);
      return;
    case 'save-then-close':
      if (await controller.save(false)) host.closeWindow();
      return;
    case 'import': {
      if (!controller.session) return;
      const f = await host.importDialog();
      if (f) await startImport(f);
      return;
    }
    case 'export':
      await startExport();
      return;
    case 'print':
      await openPrintDialog();
      return;
    case 'undo':
      controller.undo();
      return;
    case 'redo':
      controller.redo();
      return;
    case 'find':
      useUi.setState({ findOpen: true });
      return;
    case 'insert-row':
      rowCommand('insert');
      return;
    case 'delete-row':
      rowCommand('delete');
      return;
    case 'zoom-in':
      stepZoom(1);
      return;
    case 'zoom-out':
      stepZoom(-1);
      return;
    case 'zoom-reset':
      setZoom(1);
      return;
    case 'toggle-checks':
      useUi.setState({ checksOpen: !useUi.getState().checksOpen });
      requestAnimationFrame(() => currentHot()?.refreshDimensions());
      return;
    case 'about':
      alert('决算公开助手\n部门决算公开包的离线编辑与审核工具。\n许可证：GPL-3.0-or-later');
      return;
  }
}

function editorOpen(): boolean {
  return !!currentHot()?.getActiveEditor()?.isOpened();
}

function inTextField(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  // Handsontable keeps focus on its (closed) editor textarea; that is the grid, not a text field
  if (t.closest('.handsontable, .ht-root-wrapper') || t.classList.contains('htFocusCatcher')) return editorOpen();
  return t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable;
}

/** Application shortcuts, in the capture phase so the grid never sees them. */
/**
 * F6 / Shift+F6: the next / previous pane (目录 → 表格 → 审核结果 → 工作表标签), as Windows and Excel move
 * between panes: the keyboard reaches the findings without leaving the grid by Tab (which moves cells).
 */
function cyclePane(back: boolean): void {
  const panes: (() => HTMLElement | null | undefined)[] = [
    () => document.querySelector<HTMLElement>('.tree .tree-item[tabindex="0"]') ?? document.querySelector<HTMLElement>('[data-testid="expand-tree"]'),
    () => {
      const hot = currentHot();
      if (!hot) return document.querySelector<HTMLElement>('[data-testid="narrative-view"] textarea, [data-testid="narrative-view"] input');
      if (!hot.getSelectedLast()) hot.selectCell(0, 0);
      hot.listen();
      return null;
    },
    () => document.querySelector<HTMLElement>('.checks .finding') ?? document.querySelector<HTMLElement>('[data-testid="expand-checks"]'),
    () => document.querySelector<HTMLElement>('.sheet-tab[tabindex="0"]'),
  ];
  const a = document.activeElement;
  const inGrid = !!a?.closest('.handsontable, .ht-root-wrapper, .grid-host, .narrative') || ((!a || a === document.body) && !!currentHot()?.isListening());
  const current = a?.closest('.tree, .side-strip.tree') ? 0 : inGrid ? 1 : a?.closest('.checks, .side-strip.checks') ? 2 : a?.closest('.sheet-tabs') ? 3 : -1;
  const next = current < 0 ? (back ? 3 : 0) : (current + (back ? 3 : 1)) % 4;
  const hot = currentHot();
  if (current === 1 && hot) hot.unlisten();
  panes[next]()?.focus();
}

export function onGlobalKeyDown(e: KeyboardEvent): void {
  if (e.key === 'F6' && !e.ctrlKey && !e.metaKey && !e.altKey && useUi.getState().status === 'ready' && !editorOpen()) {
    e.preventDefault();
    e.stopPropagation();
    cyclePane(e.shiftKey);
    return;
  }
  const mod = e.ctrlKey || e.metaKey;
  if (!mod || e.altKey) return;
  const k = e.key.toLowerCase();
  // Ctrl+PgUp / Ctrl+PgDn: previous / next sheet, as in Excel and WPS (not while a cell is being edited)
  if ((k === 'pagedown' || k === 'pageup') && !e.shiftKey && !editorOpen() && useUi.getState().status === 'ready') {
    e.preventDefault();
    e.stopPropagation();
    stepSheet(k === 'pagedown' ? 1 : -1);
    return;
  }
  let cmd: MenuCommand | null = null;
  if (k === 'z' && !e.shiftKey) cmd = inTextField(e) ? null : 'undo';
  else if (k === 'y' || (k === 'z' && e.shiftKey)) cmd = inTextField(e) ? null : 'redo';
  else if (k === 's') cmd = e.shiftKey ? 'save-as' : 'save';
  else if (k === 'o') cmd = 'open';
  else if (k === 'n') cmd = 'new';
  else if (k === 'p') cmd = 'print';
  else if (k === 'f') cmd = 'find';
  else if (k === '=' || k === '+') cmd = 'zoom-in';
  else if (k === '-') cmd = 'zoom-out';
  else if (k === '0') cmd = 'zoom-reset';
  if (!cmd) return;
  e.preventDefault();
  e.stopPropagation();
  void runCommand(cmd);
}

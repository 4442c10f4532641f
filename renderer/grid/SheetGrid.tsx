/**
 * The Handsontable grid of one sheet. Handsontable holds plain values read from the session; it never edits
 * them itself: every change (typing, paste, fill, Delete, cut) is cancelled in `beforeChange`/`beforePaste`
 * and sent through the controller to the session, whose result writes the changed cells back.
 *
 * The component is keyed by sheet and layout version and takes no other props, so the React wrapper never
 * calls updateSettings after the grid is built (see STACK-NOTES: the wrapper's re-render loop).
 */
import { memo, useMemo } from 'react';
import { HotTable, type HotTableProps } from '@handsontable/react-wrapper';
import Handsontable from 'handsontable';
import type { CellChange, ChangeSource, CellProperties, GridSettings, HotInstance, RangeType } from 'handsontable';
import { baseRenderer } from 'handsontable/renderers/baseRenderer';
import 'handsontable/languages/zh-CN';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-classic.min.css';
import type { CellEdit, CellValue } from '../../shared/index';
import { controller, type GridPort } from '../state/controller';
import { say, useUi } from '../state/store';
import { perf } from '../perf';
import { buildLayout, type SheetLayout } from './layout';
import { displayText, editText } from './format';

const formatFigure = (v: CellValue): string => (v === null || v === '' ? '空' : editText(v));
import { parseTsv } from './clipboard';

export const LICENSE_KEY: string = (import.meta.env.VITE_HOT_LICENSE as string | undefined) || 'non-commercial-and-evaluation';

const EDIT_SOURCES = new Set<string>(['edit', 'CopyPaste.paste', 'CopyPaste.cut', 'Autofill.fill', 'populateFromArray', 'ContextMenu.clearColumn']);

let liveHot: HotInstance | null = null;
/** how long an edit's draw waits for the core worker's answer before the grid draws what was typed */
const RENDER_WAIT_MS = 200;

/** The grid instance on screen (tests and the benchmark read values through it: rows off screen have no DOM). */
export function currentHot(): HotInstance | null {
  return liveHot && !liveHot.isDestroyed ? liveHot : null;
}

function cellValueForEdit(v: unknown): CellEdit['value'] {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** Edits for a block of pasted text placed at (row, col), only on cells that exist and take input. */
export function pasteEdits(layout: SheetLayout, block: string[][], top: number, left: number, bottom: number, right: number): { edits: CellEdit[]; skipped: number } {
  const edits: CellEdit[] = [];
  let skipped = 0;
  const h = block.length;
  const w = Math.max(...block.map((r) => r.length));
  // one value into a larger selection fills it, a block into a multiple of its size tiles it, as Excel does
  const tile = (bottom - top + 1) % h === 0 && (right - left + 1) % w === 0;
  const rows = tile ? bottom - top + 1 : h;
  const cols = tile ? right - left + 1 : w;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const r = top + i;
      const c = left + j;
      if (r >= layout.rows || c >= layout.cols) continue;
      const text = block[i % h]?.[j % w] ?? '';
      if (!layout.looks[r][c].input) {
        skipped++;
        continue;
      }
      edits.push({ sheet: layout.sheet, row: r, col: c, value: text });
    }
  }
  return { edits, skipped };
}

function selectedBlock(hot: HotInstance): { top: number; left: number; bottom: number; right: number } | null {
  const r = hot.getSelectedRangeLast();
  if (!r) return null;
  const a = r.getTopStartCorner();
  const b = r.getBottomEndCorner();
  return { top: Math.max(0, a.row ?? 0), left: Math.max(0, a.col ?? 0), bottom: Math.max(0, b.row ?? 0), right: Math.max(0, b.col ?? 0) };
}

/** Ctrl+D: the top row of the selection copied down over the input cells below it. */
export function fillDown(hot: HotInstance, layout: SheetLayout): void {
  const b = selectedBlock(hot);
  if (!b) return;
  const edits: CellEdit[] = [];
  for (let c = b.left; c <= b.right; c++) {
    const top = b.bottom > b.top ? b.top : Math.max(0, b.top - 1);
    const v = controller.value(layout.sheet, top, c);
    for (let r = top + 1; r <= b.bottom; r++) if (layout.looks[r]?.[c]?.input) edits.push({ sheet: layout.sheet, row: r, col: c, value: v });
  }
  if (edits.length) controller.apply(edits);
  else say('向下填充只作用于填报单元格。', 'warn');
}

/**
 * Delete, Backspace, F2 or a typed character where nothing takes input (a title, a label, a formula total):
 * Handsontable ignores the key without a word. The edit goes to the session instead, which refuses it with
 * its reason (「… 不是填报单元格」), and the controller shows that in the status bar. A selection with some input
 * cells in it is left to Handsontable, which clears those.
 */
function refuseLockedKey(hot: HotInstance, layout: SheetLayout, e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || hot.getActiveEditor()?.isOpened()) return;
  const typed = e.key.length === 1 || e.key === 'Process';
  if (!typed && e.key !== 'Delete' && e.key !== 'Backspace' && e.key !== 'F2') return;
  const b = selectedBlock(hot);
  if (!b) return;
  for (let r = b.top; r <= b.bottom; r++) for (let c = b.left; c <= b.right; c++) if (layout.looks[r]?.[c]?.input) return;
  const active = hot.getSelectedRangeLast()?.highlight;
  const row = Math.max(0, active?.row ?? b.top);
  const col = Math.max(0, active?.col ?? b.left);
  controller.apply([{ sheet: layout.sheet, row, col, value: typed && e.key !== 'Process' ? e.key : null }]);
}

function makeSettings(layout: SheetLayout): HotTableProps {
  const sheet = layout.sheet;
  const ops = layout.rowOps;
  const rowLabel = ops?.kind === '指标' ? '指标' : '科目';
  const selRow = (hot: HotInstance) => selectedBlock(hot)?.top ?? -1;
  const canInsert = (r: number) => !!ops && r >= ops.first && r <= ops.last;
  let port: GridPort | null = null;

  function cellRenderer(this: unknown, hot: HotInstance, td: HTMLTableCellElement, row: number, col: number, prop: string | number, value: unknown, cp: CellProperties) {
    baseRenderer.call(this, hot, td, row, col, prop, value, cp);
    const look = layout.looks[row]?.[col];
    // unchanged text is left alone: re-setting it makes the browser shape every Chinese label again
    const text = displayText(value as never, look);
    if (td.textContent !== text) td.textContent = text;
    const m = controller.cellMark(sheet, row, col);
    // 手工调整: a derived cell that does not stand as its 运算公式 gives it (a typed-over or published rounded total)
    const d = controller.derivedMark(sheet, row, col);
    const manual = d && (d.agree === 'rounding' || d.agree === 'no') ? `手工调整：运算公式 ${d.formula} 得 ${formatFigure(d.computed)}` : '';
    if (manual) td.classList.add('jc-manual');
    if (m || manual) {
      if (m) td.classList.add(m.severity === 'error' ? 'jc-err' : m.rounding ? 'jc-round' : 'jc-warn');
      td.title = [...(m?.messages ?? []), ...(manual ? [manual] : [])].join('\n');
    } else if (td.title) td.removeAttribute('title');
  }

  const settings = {
    data: layout.data,
    licenseKey: LICENSE_KEY,
    themeName: 'ht-theme-classic',
    language: 'zh-CN',
    rowHeaders: true,
    colHeaders: true,
    width: '100%',
    height: '100%',
    colWidths: layout.colWidths,
    // the template's heights are minimums; wrapped text grows its row, as in Excel (rows without a fixed height)
    minRowHeights: (r: number) => layout.rowHeights[r] ?? 24,
    autoRowSize: true,
    autoColumnSize: false,
    mergeCells: layout.merges,
    fixedRowsTop: layout.frozenRows,
    maxRows: layout.rows,
    maxCols: layout.cols,
    wordWrap: true,
    manualColumnResize: true,
    outsideClickDeselects: false,
    undo: false,
    imeFastEdit: true,
    enterMoves: { row: 1, col: 0 },
    autoWrapRow: false,
    autoWrapCol: false,
    trimWhitespace: false,
    fillHandle: { direction: 'vertical', autoInsertRow: false },
    copyPaste: true,
    cells(row: number, col: number) {
      const look = layout.looks[row]?.[col];
      return { readOnly: !look?.input, className: look?.className ?? '' };
    },
    hotRenderer: cellRenderer,
    contextMenu: {
      items: {
        copy: { name: '复制' },
        cut: { name: '剪切' },
        sp1: '---------',
        jc_insert_above: {
          name: `在上方插入${rowLabel}行`,
          hidden(this: HotInstance) {
            return !canInsert(selRow(this));
          },
          callback(this: HotInstance) {
            const r = selRow(this);
            controller.insertRows(sheet, r, 1);
          },
        },
        jc_insert_below: {
          name: `在下方插入${rowLabel}行`,
          hidden(this: HotInstance) {
            return !canInsert(selRow(this));
          },
          callback(this: HotInstance) {
            // the new row takes the look and input cells of the row it is inserted below
            const r = selRow(this);
            controller.insertRows(sheet, r + 1, 1, r);
          },
        },
        jc_remove: {
          name: `删除本${rowLabel}行`,
          hidden(this: HotInstance) {
            return !canInsert(selRow(this));
          },
          callback(this: HotInstance) {
            controller.removeRows(sheet, selRow(this), 1);
          },
        },
      },
    },
    beforeChange(changes: (CellChange | null)[], source: ChangeSource | string) {
      if (!EDIT_SOURCES.has(source)) return;
      const edits: CellEdit[] = [];
      const at: number[] = [];
      changes.forEach((ch, i) => {
        if (!ch) return;
        const [row, prop, , next] = ch;
        const col = typeof prop === 'number' ? prop : Number(prop);
        if (!Number.isInteger(col) || !layout.looks[row]?.[col]?.input) {
          changes[i] = null;
          return;
        }
        edits.push({ sheet, row, col, value: cellValueForEdit(next) });
        at.push(i);
      });
      if (!edits.length) return false;
      // The session (in the core worker) decides: the grid shows its values (parsed, or unchanged when refused)
      // when it answers, a few milliseconds later. Handsontable's own draw after this edit waits for that
      // answer, so it draws once with every cell the edit changed in place: drawing first and again on the
      // answer doubled the keystroke's cost on the page. Until the answer the cell holds what was typed; an
      // answer that does not come within RENDER_WAIT_MS lets the grid draw anyway.
      const hot = liveHot && !liveHot.isDestroyed ? liveHot : null;
      hot?.suspendRender();
      let resumed = false;
      const resume = () => {
        if (resumed) return;
        resumed = true;
        if (hot && !hot.isDestroyed) hot.resumeRender();
      };
      const timer = setTimeout(resume, RENDER_WAIT_MS);
      void controller.apply(edits).finally(() => {
        clearTimeout(timer);
        resume();
      });
      at.forEach((i, k) => {
        changes[i]![3] = edits[k].value;
      });
      return undefined;
    },
    beforePaste(data: unknown[][], coords: RangeType[]) {
      const c = coords[0];
      if (!c) return false;
      const block = data.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))));
      const { edits, skipped } = pasteEdits(layout, block, c.startRow, c.startCol, c.endRow, c.endCol);
      queueMicrotask(() => {
        // said after the edit's own answer, which clears the message line first
        void controller.apply(edits).then(() => skipped && say(`已粘贴 ${edits.length} 个单元格；${skipped} 个不是填报单元格，未粘贴。`, 'warn'));
      });
      return false;
    },
    beforeKeyDown(this: HotInstance, e: KeyboardEvent) {
      if (e.key === 'Enter' && this.getActiveEditor()?.isOpened()) perf.keystroke();
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'd' || e.key === 'D') && !this.getActiveEditor()?.isOpened()) {
        e.preventDefault();
        e.stopImmediatePropagation();
        fillDown(this, layout);
      }
      refuseLockedKey(this, layout, e);
    },
    afterSelectionEnd(row: number, col: number, row2: number, col2: number) {
      useUi.setState({
        selection: {
          sheet,
          row: Math.max(0, Math.min(row, row2)),
          col: Math.max(0, Math.min(col, col2)),
          row2: Math.max(0, Math.max(row, row2)),
          col2: Math.max(0, Math.max(col, col2)),
        },
      });
    },
    afterInit(this: HotInstance) {
      init(this);
    },
    afterDestroy() {
      if (port && controller.gridPort() === port) controller.attachGrid(null);
      port = null;
    },
  } as GridSettings as HotTableProps;

  function init(hot: HotInstance): void {
    liveHot = hot;
    // Handsontable's IME fast edit selects the editor's text on a debounce after each selection change; when
    // a render is slow that select() lands after the accountant has started typing the next figure and the
    // next key replaces the first. Only hand it the textarea while no editor is open.
    hot.getFocusManager().setRefocusElementGetter(() => {
      const ed = hot.getActiveEditor() as unknown as { TEXTAREA?: HTMLTextAreaElement; isOpened(): boolean } | undefined;
      // Handsontable calls getRefocusElement()?.select(): undefined means "leave it"
      return (ed && !ed.isOpened() ? ed.TEXTAREA : undefined) as HTMLElement;
    });
    port = {
      sheet,
      refreshCells(cells) {
        for (const c of cells) {
          if (c.row >= layout.rows || c.col >= layout.cols) continue;
          layout.data[c.row][c.col] = controller.value(sheet, c.row, c.col);
        }
        // after a typed edit the grid's draw is suspended until this answer (beforeChange): this is that one draw
        hot.render();
      },
      refreshMarks() {
        hot.render();
      },
      select(row, col, row2, col2, focus) {
        hot.selectCell(row, col, row2, col2, true, false);
        // the key that asked for this (Enter on a tree item, a tab or a finding) is still on its way to the
        // document, where a listening grid would take it as its own and move the cursor: listen after it
        if (focus) setTimeout(() => !hot.isDestroyed && hot.listen(), 0);
      },
      focus() {
        hot.listen();
      },
    };
    controller.attachGrid(port);
    // The merge plugin asks for Handsontable's two-pass layout (render, measure, render again), which
    // doubles the cost of every edit. Our merges are title and header bands that do not change the
    // scroll size, so the single pass predicts the same layout. Registered after the plugin's hook, so it
    // has the last word.
    hot.addHook('modifySinglePassLayout', () => true);
    // Row heights are measured once, when the sheet opens (wrapped labels, long texts); measuring them again
    // on every render was a quarter of each edit's cost. Figures never change a row's height.
    const heights = Array.from({ length: hot.countRows() }, (_x, r) => hot.getRowHeight(r) ?? layout.rowHeights[r] ?? 24);
    hot.updateSettings({ autoRowSize: false, rowHeights: heights });
    // select before anyone can type: a selection made later would close an editor already open
    if (controller.pendingSelect?.sheet === sheet) controller.flushPendingSelect();
    else {
      const first = firstInput(layout);
      // no scroll: a wide merged input would push the labels on the left out of view
      hot.selectCell(first.row, first.col, first.row, first.col, false);
    }
    performance.mark('grid-build-end');
    requestAnimationFrame(() => perf.loaded());
  }

  return settings;
}

function firstInput(layout: SheetLayout): { row: number; col: number } {
  for (let r = layout.frozenRows; r < layout.rows; r++) {
    for (let c = 0; c < layout.cols; c++) if (layout.looks[r][c].input) return { row: r, col: c };
  }
  return { row: 0, col: 0 };
}

export const SheetGrid = memo(function SheetGrid({ sheet }: { sheet: string }) {
  // keyed by sheet and layout version in the parent: one layout and one settings object per instance
  const settings = useMemo(() => {
    // the grid's build, from its layout to Handsontable's first draw, is named in the Long Tasks record (tests/e2e/long-tasks)
    performance.mark('grid-build-start');
    return makeSettings(buildLayout(controller.session!, sheet));
  }, [sheet]);
  return <HotTable {...settings} />;
});

export { Handsontable, parseTsv };

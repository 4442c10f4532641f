/**
 * The document controller: owns the open packet's one PacketSession and routes every change through it.
 * Typing, paste, fill, Delete, undo/redo and row insert/delete all end in `dispatch(result)`, which updates
 * the findings from the EditResult's diff (never re-checking the packet), tells the grid which cells
 * changed, and updates the title.
 *
 * Its other jobs live beside it: document-file.ts (open and save), autosave.ts (the recovery file),
 * marks.ts (findings → cell marks), navigation.ts (go to a sheet, a cell, a finding).
 */
import {
  PacketError, PacketSession,
  type CellEdit, type CellValue, type EditResult, type Finding,
} from '../../shared/index';
import { lastWriter } from './packet-writer';
import type { Host, OpenedFile } from '../host/host';
import { perf } from '../perf';
import { AutosaveSlot } from './autosave';
import { DocumentFile } from './document-file';
import { MarksIndex, type CellMark } from './marks';
import { Navigator, type PendingSelect } from './navigation';
import { NARRATIVE_VIEW, say, useUi, type SheetEntry } from './store';

export type { CellMark } from './marks';

export interface DerivedMark {
  /** the 运算公式, with '=' */
  formula: string;
  computed: CellValue;
  agree: 'exact' | 'rounding' | 'blank' | 'no';
}

export type RecalcReport = ReturnType<PacketSession['recalculateAll']>;

/** What the grid of the visible sheet does with a result; registered by the grid component. */
export interface GridPort {
  sheet: string;
  /** values changed on the visible sheet */
  refreshCells(cells: { row: number; col: number }[]): void;
  /** finding marks changed on the visible sheet */
  refreshMarks(): void;
  /** `focus` false keeps the keyboard where it is (the find box) */
  select(row: number, col: number, row2: number, col2: number, focus: boolean): void;
  focus(): void;
}

class Controller {
  host: Host | null = null;
  session: PacketSession | null = null;
  private grid: GridPort | null = null;
  /** the findings and the cells they mark */
  private marksIndex = new MarksIndex(() => this.session?.packet);
  /** 运算 state of the derived cells of a sheet ("r,c" → formula and standing), read lazily, dropped on every edit */
  private derivedCache = new Map<string, Map<string, DerivedMark>>();
  private autosave: AutosaveSlot = new AutosaveSlot(() => this.host, (): Promise<Uint8Array> => this.file.bytes());
  private file: DocumentFile = new DocumentFile(this, this.autosave);
  private nav = new Navigator(() => this.grid, (f) => this.locate(f));

  // ---- opening ----

  async open(file: OpenedFile): Promise<void> {
    return this.file.open(file);
  }

  /** Make `session` the open document (after opening, or when an import rebuilt the packet). */
  install(session: PacketSession, name: string, untitled: boolean, keepSheet = false, recovered = false): void {
    if (this.session !== session) {
      this.session?.destroy();
      // the previous document's recovery file goes with it (its unsaved changes were confirmed away)
      this.autosave.replace();
    }
    // recovered work is unsaved work: it keeps its recovery file, which already holds exactly this
    if (recovered) session.dirty = true;
    // a packet rebuilt by an import is unsaved work from the start
    else if (session.dirty) this.autosave.changed();
    this.session = session;
    this.file.savedName = name;
    this.file.untitled = untitled;
    const sheets = sheetEntries(session);
    useUi.setState({ sheets });
    this.marksIndex.reset(session.findings());
    this.derivedCache.clear();
    const first = sheets.find((s) => s.kind === 'table') ?? sheets[0];
    const st = useUi.getState();
    const keep = keepSheet && (st.activeSheet === NARRATIVE_VIEW || sheets.some((s) => s.name === st.activeSheet));
    useUi.setState({
      status: 'ready',
      fileName: name,
      dirty: untitled || session.dirty,
      activeSheet: keep ? st.activeSheet : (first?.name ?? ''),
      layoutVersion: st.layoutVersion + 1,
      editVersion: st.editVersion + 1,
      findings: this.sortedFindings(),
      selection: null,
      canUndo: session.canUndo(),
      canRedo: session.canRedo(),
    });
    this.pushTitle();
  }

  /** completed recovery writes of the open document (the e2e tests wait for one) */
  get autosaveWrites(): number {
    return this.autosave.writes;
  }

  /** where the last packet bytes were written: 'worker' or 'main' */
  get packetWriter(): string {
    return lastWriter;
  }

  /** Write the recovery file now if anything is unwritten (the window lost focus, the page is hidden). */
  flushAutosave(): Promise<void> {
    return this.autosave.flush();
  }

  /**
   * Stop autosaving the open document and remove its recovery file, before another document (a
   * recovered one) takes this window's recovery file over: a late write must not land on it.
   */
  async retireAutosave(): Promise<void> {
    await this.autosave.retire();
  }

  /** Autosave the open document again after a recovery that did not happen (it failed, or the file was bad). */
  resumeAutosave(): void {
    this.autosave.resume(!!this.session, !!this.session?.dirty);
  }

  get fileName(): string {
    return this.file.savedName;
  }

  get isUntitled(): boolean {
    return this.file.untitled;
  }

  errorCount(): number {
    return this.marksIndex.errorCount();
  }

  // ---- the grid ----

  attachGrid(port: GridPort | null): void {
    this.grid = port;
  }

  gridPort(): GridPort | null {
    return this.grid;
  }

  marksOf(sheet: string): Map<string, Set<string>> | undefined {
    return this.marksIndex.marksOf(sheet);
  }

  cellMark(sheet: string, row: number, col: number): CellMark | null {
    return this.marksIndex.cellMark(sheet, row, col);
  }

  // ---- the one edit path ----

  apply(edits: CellEdit[]): void {
    const s = this.session;
    if (!s || !edits.length) return;
    let result: EditResult;
    try {
      result = s.apply(edits);
    } catch (e) {
      // the grid must survive whatever the engine throws; the figure simply is not taken
      say(e instanceof PacketError ? e.message : `修改未生效：${(e as Error).message}`, 'error');
      return;
    }
    this.dispatch(result);
    // a block edit (paste, fill) over labels and totals says how many it skipped itself; one refused cell says why
    const refused = result.rejected.filter((r) => r.code !== 'not-input' || edits.length === 1);
    if (refused.length) say(refused.length === 1 ? refused[0].reason : `${refused.length} 个单元格未修改：${refused[0].reason}`, 'warn');
  }

  undo(): void {
    if (!this.session?.canUndo()) {
      say('没有可以撤销的操作。');
      return;
    }
    this.structural(() => this.session!.undo()!, '已撤销。');
  }

  redo(): void {
    if (!this.session?.canRedo()) {
      say('没有可以重做的操作。');
      return;
    }
    this.structural(() => this.session!.redo()!, '已重做。');
  }

  /** `likeRow`: the row the new one copies its look and input cells from (below the last 科目 row: that row) */
  insertRows(sheet: string, row: number, count = 1, likeRow?: number): boolean {
    return this.structural(() => this.session!.insertRows(sheet, row, count, likeRow), `已在 ${sheet} 第 ${row + 1} 行插入 ${count} 行。`);
  }

  removeRows(sheet: string, row: number, count = 1): boolean {
    return this.structural(() => this.session!.removeRows(sheet, row, count), `已删除 ${sheet} 第 ${row + 1} 行。`);
  }

  private structural(op: () => EditResult, done: string): boolean {
    if (!this.session) return false;
    try {
      this.dispatch(op());
      say(done);
      return true;
    } catch (e) {
      say(e instanceof PacketError ? e.message : (e as Error).message, 'error');
      return false;
    }
  }

  /** A derived cell's 运算公式 and whether it stands as its formula gives it or is 手工调整. */
  derivedMark(sheet: string, row: number, col: number): DerivedMark | null {
    return this.derivedOf(sheet)?.get(`${row},${col}`) ?? null;
  }

  private derivedOf(sheet: string): Map<string, DerivedMark> | null {
    const s = this.session;
    if (!s) return null;
    let m = this.derivedCache.get(sheet);
    if (!m) {
      m = new Map();
      try {
        for (const d of s.derivedCells(sheet)) {
          const k = `${d.row},${d.col}`;
          const prev = m.get(k);
          // a cell with two formulas (a 款's row identity and its column sum) is 手工调整 when either disagrees
          if (!prev || (prev.agree === 'exact' && d.agree !== 'exact')) m.set(k, { formula: `=${d.formula}`, computed: d.computed, agree: d.agree });
        }
      } catch {
        // a sheet the session no longer has: no marks
      }
      this.derivedCache.set(sheet, m);
    }
    return m;
  }

  /**
   * 运算（全部重算）: every derived cell recomputed from its details in one undoable step. 尾数差 figures (published
   * rounded totals) and blanks the form leaves empty are listed and kept unless `includeRounding`.
   */
  recalculateAll(includeRounding = false): RecalcReport | null {
    const s = this.session;
    if (!s) return null;
    let out: RecalcReport;
    try {
      out = s.recalculateAll({ includeRounding });
    } catch (e) {
      say(e instanceof PacketError ? e.message : `运算未完成：${(e as Error).message}`, 'error');
      return null;
    }
    this.dispatch(out.result);
    const kept = out.kept.length ? `；${out.kept.length} 个尾数差或空白保留原数` : '';
    say(out.changed.length ? `运算完成：重算了 ${out.changed.length} 个单元格${kept}（可撤销）。` : `运算完成：没有需要重算的单元格${kept}。`);
    return out;
  }

  /**
   * 重新审核: every check read again from the engine. The edit path keeps the findings current on its own; this
   * is the accountant's way to see that for themselves (and a safety net), not part of any edit.
   */
  recheck(): void {
    const s = this.session;
    if (!s) return;
    this.marksIndex.reset(s.recheckAll());
    const st = useUi.getState();
    useUi.setState({ findings: this.sortedFindings(), editVersion: st.editVersion + 1 });
    this.grid?.refreshMarks();
    const list = this.marksIndex.list();
    const errors = list.filter((f) => f.severity === 'error').length;
    const rounding = list.filter((f) => f.severity !== 'error' && f.rounding).length;
    say(`重新审核完成：错误 ${errors} 条，提示 ${list.length - errors - rounding} 条，尾数差 ${rounding} 条。`);
  }

  dispatch(result: EditResult): void {
    this.derivedCache.clear();
    // the last message was about the previous action ("已撤销。", a refusal): it must not stand beside this one's
    // findings; whoever called dispatch says what this action did after it
    if (useUi.getState().message) say('');
    const touched = this.marksIndex.applyDiff(result);
    const s = this.session!;
    const st = useUi.getState();
    const structural = result.structural.length > 0;
    if (structural) {
      // sheets added or removed (forms imported, or that step undone): the tree and the tabs follow
      const sheets = sheetEntries(s);
      if (sheets.map((x) => x.name).join('\u0000') !== st.sheets.map((x) => x.name).join('\u0000')) {
        useUi.setState({ sheets, ...(sheets.some((x) => x.name === st.activeSheet) || st.activeSheet === NARRATIVE_VIEW ? {} : { activeSheet: sheets[0]?.name ?? '', selection: null }) });
      }
      this.marksIndex.rebuildMarks();
      // the grid of a sheet whose rows changed is rebuilt; it keeps the selection where it was
      const sel = st.selection;
      if (sel && result.structural.includes(sel.sheet)) this.pendingSelect = { ...sel, focus: true };
    }
    useUi.setState({
      findings: result.added.length || result.removed.length || result.updated.length || structural ? this.sortedFindings() : st.findings,
      dirty: s.dirty,
      canUndo: s.canUndo(),
      canRedo: s.canRedo(),
      editVersion: st.editVersion + 1,
      ...(structural && result.structural.includes(st.activeSheet) ? { layoutVersion: st.layoutVersion + 1 } : {}),
    });
    const g = this.grid;
    if (g && !(structural && result.structural.includes(g.sheet))) {
      const mine = result.changed.filter((c) => c.sheet === g.sheet);
      // a derived cell's 手工调整 mark can change when only its details did
      if (mine.length) for (const k of this.derivedOf(g.sheet)?.keys() ?? []) {
        const [row, col] = k.split(',').map(Number);
        mine.push({ sheet: g.sheet, row, col });
      }
      if (mine.length) g.refreshCells(mine);
      else if (touched.has(g.sheet)) g.refreshMarks();
    }
    if (!st.dirty && s.dirty) this.pushTitle();
    if (s.dirty && (result.changed.length || structural)) this.autosave.changed();
    perf.dispatched();
  }

  private sortedFindings(): Finding[] {
    return this.marksIndex.sorted(useUi.getState().sheets.map((s) => s.name));
  }

  // ---- finding → cells ----

  /** Where a finding points: its own sheet and cells, or — when the check locates a defined name — the name's cell. */
  locate(f: Finding): { sheet: string; cells: string[] } | null {
    return this.marksIndex.locate(f);
  }

  /** The sheet a finding belongs to in the tree and the panel. */
  sheetOf(f: Finding): string {
    return this.marksIndex.sheetOf(f);
  }

  // ---- navigation ----

  showSheet(name: string): void {
    this.nav.showSheet(name);
  }

  /** Open the finding's sheet and select its cell(s), scrolled into view. */
  goToFinding(f: Finding): void {
    this.nav.goToFinding(f);
  }

  goTo(sheet: string, row: number, col: number, row2 = row, col2 = col, focus = true): void {
    this.nav.goTo(sheet, row, col, row2, col2, focus);
  }

  get pendingSelect(): PendingSelect | null {
    return this.nav.pendingSelect;
  }

  set pendingSelect(p: PendingSelect | null) {
    this.nav.pendingSelect = p;
  }

  flushPendingSelect(): void {
    this.nav.flushPendingSelect();
  }

  // ---- reading for the UI ----

  value(sheet: string, row: number, col: number): CellValue {
    try {
      return this.session?.getValue(sheet, row, col) ?? null;
    } catch {
      return null;
    }
  }

  // ---- saving ----

  async save(saveAs = false): Promise<boolean> {
    return this.file.save(saveAs);
  }

  /**
   * A change the engine does not see (an 出错说明, the cover date: packet data outside the cells) is still a
   * change: the document is dirty, the title says so and the recovery file is written.
   */
  changedOutsideEngine(): void {
    const s = this.session;
    if (!s) return;
    s.dirty = true;
    const was = useUi.getState().dirty;
    useUi.setState({ dirty: true });
    if (!was) this.pushTitle();
    this.autosave.changed();
  }

  /**
   * A packet fact kept in 公开包信息 rather than in a cell (the cover date chosen in the print dialog): no
   * check reads it, so it bypasses the edit path; it marks the packet unsaved and goes into the recovery file.
   */
  setMeta(key: string, value: string): void {
    const s = this.session;
    if (!s || s.packet.meta[key] === value) return;
    s.packet.meta[key] = value;
    s.dirty = true;
    useUi.setState({ dirty: true });
    this.pushTitle();
    this.autosave.changed();
  }

  pushTitle(): void {
    const st = useUi.getState();
    this.host?.setDocumentState({ name: st.fileName || '决算公开助手', dirty: st.dirty });
  }

  isNarrative(name: string): boolean {
    return name === NARRATIVE_VIEW;
  }
}

function sheetEntries(session: PacketSession): SheetEntry[] {
  return session.packet.sheets
    .filter((s) => !s.hidden)
    .map((s) => ({ name: s.name, kind: s.kind, title: sheetTitle(s.cells) }));
}

function sheetTitle(cells: ({ v?: CellValue } | null)[][]): string {
  for (const row of cells.slice(0, 3)) {
    for (const c of row) {
      if (c && typeof c.v === 'string' && c.v.trim() && !c.v.startsWith('公开')) return c.v.trim();
    }
  }
  return '';
}

export const controller = new Controller();

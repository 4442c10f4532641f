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
  PacketError,
  type CellEdit, type CellValue, type EditResult, type Finding, type Packet,
} from '../../shared/index';
import { CoreGone } from '../core/client';
import type { SessionMirror } from '../core/mirror';
import type { AppliedImport, DerivedOut, MirrorUpdate } from '../core/protocol';
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

export interface RecalcReport {
  changed: { sheet: string; cell: string; before: CellValue; after: CellValue }[];
  kept: { sheet: string; cell: string; value: CellValue; computed: CellValue; why: '尾数差' | '空白' }[];
}

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
  /**
   * The open packet as the page sees it: a mirror of the session that lives in the core worker
   * (renderer/core/). Reads are synchronous; every change is a request to the worker, answered in order.
   */
  session: SessionMirror | null = null;
  private grid: GridPort | null = null;
  /** the findings and the cells they mark */
  private marksIndex = new MarksIndex(() => this.session?.packet);
  /** 运算 state of the derived cells of a sheet ("r,c" → formula and standing), read lazily, dropped on every edit */
  private derivedCache = new Map<string, Map<string, DerivedMark>>();
  /** sheets whose derived cells were asked of the worker and have not come yet */
  private derivedAsked = new Set<string>();
  private autosave: AutosaveSlot = new AutosaveSlot(() => this.host, (): Promise<Uint8Array> => this.file.bytes());
  private file: DocumentFile = new DocumentFile(this, this.autosave);
  private nav = new Navigator(() => this.grid, (f) => this.locate(f));

  // ---- opening ----

  /**
   * Resolves once every change asked of the core worker so far has been answered and shown (the worker
   * answers in order, so its answer to a no-op request comes after all of them). For tests and for commands
   * that must read the packet after the edits before them.
   */
  async settled(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.core.request({ op: 'ping' }).catch(() => undefined);
    // the answers before it were dispatched in their own callbacks, before this one
    await new Promise((r) => setTimeout(r, 0));
  }

  async open(file: OpenedFile): Promise<void> {
    return this.file.open(file);
  }

  /** Make `session` the open document (after opening, or when an import rebuilt the packet). */
  install(session: SessionMirror, name: string, untitled: boolean, keepSheet = false, recovered = false): void {
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
    // the first sheet's 手工调整 marks came with the open: its first draw is its only one
    const d = session.initialDerived;
    session.initialDerived = undefined;
    if (d) this.derivedCache.set(d.sheet, derivedMap(d.cells));
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

  /**
   * Every change is a request to the core worker; the worker answers them in the order they were made, and
   * each answer is dispatched as it comes. The grid does not wait: it shows the worker's values when they come.
   */
  private change(request: Parameters<SessionMirror['core']['request']>[0], after: (u: MirrorUpdate) => void, failed = '修改未生效'): Promise<boolean> {
    const s = this.session;
    if (!s) return Promise.resolve(false);
    return s.core.request<MirrorUpdate>(request).then(
      (u) => {
        // a reply for a document since replaced is dropped with it
        if (this.session !== s) return false;
        this.absorb(u);
        after(u);
        return true;
      },
      (e: unknown) => {
        if (this.session !== s) return false;
        // the grid must survive whatever the engine throws; the figure simply is not taken
        say(failure(e, failed), 'error');
        return false;
      },
    );
  }

  /** the visible sheet, whose derived cells each change brings back with it */
  private derivedSheet(): { derivedSheet?: string } {
    const g = this.grid;
    return g ? { derivedSheet: g.sheet } : {};
  }

  /** The worker's answer to a change into the mirror and the derived cells' cache; then the usual dispatch. */
  private absorb(u: MirrorUpdate): void {
    this.session!.absorb(u);
    this.derivedCache.clear();
    if (u.derived) this.derivedCache.set(u.derived.sheet, derivedMap(u.derived.cells));
    this.dispatch(u.result);
  }

  /** Fire and forget for the grid; the promise (settled when the worker's answer is shown) is for whoever waits. */
  apply(edits: CellEdit[]): Promise<boolean> {
    if (!this.session || !edits.length) return Promise.resolve(false);
    return this.change({ op: 'apply', edits, ...this.derivedSheet() }, ({ result }) => {
      // a block edit (paste, fill) over labels and totals says how many it skipped itself; one refused cell says why
      const refused = result.rejected.filter((r) => r.code !== 'not-input' || edits.length === 1);
      if (refused.length) say(refused.length === 1 ? refused[0].reason : `${refused.length} 个单元格未修改：${refused[0].reason}`, 'warn');
    });
  }

  undo(): Promise<boolean> {
    if (!this.session?.canUndo()) {
      say('没有可以撤销的操作。');
      return Promise.resolve(false);
    }
    return this.structural({ op: 'undo', ...this.derivedSheet() }, '已撤销。');
  }

  redo(): Promise<boolean> {
    if (!this.session?.canRedo()) {
      say('没有可以重做的操作。');
      return Promise.resolve(false);
    }
    return this.structural({ op: 'redo', ...this.derivedSheet() }, '已重做。');
  }

  /** `likeRow`: the row the new one copies its look and input cells from (below the last 科目 row: that row) */
  insertRows(sheet: string, row: number, count = 1, likeRow?: number): Promise<boolean> {
    return this.structural({ op: 'insertRows', sheet, row, count, ...(likeRow === undefined ? {} : { likeRow }), ...this.derivedSheet() }, `已在 ${sheet} 第 ${row + 1} 行插入 ${count} 行。`);
  }

  removeRows(sheet: string, row: number, count = 1): Promise<boolean> {
    return this.structural({ op: 'removeRows', sheet, row, count, ...this.derivedSheet() }, `已删除 ${sheet} 第 ${row + 1} 行。`);
  }

  private structural(request: Parameters<SessionMirror['core']['request']>[0], done: string): Promise<boolean> {
    return this.change(request, () => say(done), '操作未完成');
  }

  /**
   * 确认导入: the plan the worker keeps applied into its session as one undoable step; forms added or replaced
   * come back among the result's structural sheets. Null when the document was replaced meanwhile.
   */
  async applyImport(plan: number, overwrite: boolean, onProgress: (p: unknown) => void): Promise<AppliedImport | null> {
    const s = this.session;
    if (!s) return null;
    const out = await s.core.request<AppliedImport>({ op: 'importApply', plan, overwrite, ...this.derivedSheet() }, onProgress);
    if (this.session !== s) return null;
    if (out.update) this.absorb(out.update);
    return out;
  }

  /** A packet made on the page (a new year's) becomes the document, built in its own core worker. */
  openPacket(packet: Packet, name: string): Promise<boolean> {
    return this.file.openPacket(packet, name);
  }

  /** A derived cell's 运算公式 and whether it stands as its formula gives it or is 手工调整. */
  derivedMark(sheet: string, row: number, col: number): DerivedMark | null {
    return this.derivedOf(sheet)?.get(`${row},${col}`) ?? null;
  }

  /**
   * The derived cells of a sheet, from the cache: each change brings those of the visible sheet back with it.
   * Another sheet's are asked of the worker once; until they come the sheet shows no 手工调整 marks, and then
   * its grid draws them.
   */
  private derivedOf(sheet: string): Map<string, DerivedMark> | null {
    const s = this.session;
    if (!s) return null;
    const m = this.derivedCache.get(sheet);
    if (m) return m;
    if (!this.derivedAsked.has(sheet)) {
      this.derivedAsked.add(sheet);
      void s.core.request<DerivedOut[]>({ op: 'derived', sheet }).then(
        (cells) => {
          this.derivedAsked.delete(sheet);
          if (this.session !== s || this.derivedCache.has(sheet)) return;
          const got = derivedMap(cells);
          this.derivedCache.set(sheet, got);
          const g = this.grid;
          if (g?.sheet === sheet && got.size) g.refreshCells([...got.keys()].map((k) => {
            const [row, col] = k.split(',').map(Number);
            return { sheet, row, col };
          }));
        },
        () => this.derivedAsked.delete(sheet),
      );
    }
    return null;
  }

  /**
   * 运算（全部重算）: every derived cell recomputed from its details in one undoable step. 尾数差 figures (published
   * rounded totals) and blanks the form leaves empty are listed and kept unless `includeRounding`.
   */
  async recalculateAll(includeRounding = false): Promise<RecalcReport | null> {
    const s = this.session;
    if (!s) return null;
    let out: RecalcReport & { update: MirrorUpdate };
    try {
      out = await s.core.request<RecalcReport & { update: MirrorUpdate }>({ op: 'recalculateAll', includeRounding, ...this.derivedSheet() });
    } catch (e) {
      if (this.session === s) say(e instanceof PacketError ? e.message : `运算未完成：${(e as Error).message}`, 'error');
      return null;
    }
    if (this.session !== s) return null;
    this.absorb(out.update);
    const kept = out.kept.length ? `；${out.kept.length} 个尾数差或空白保留原数` : '';
    say(out.changed.length ? `运算完成：重算了 ${out.changed.length} 个单元格${kept}（可撤销）。` : `运算完成：没有需要重算的单元格${kept}。`);
    return out;
  }

  /**
   * 重新审核: every check read again from the engine. The edit path keeps the findings current on its own; this
   * is the accountant's way to see that for themselves (and a safety net), not part of any edit.
   */
  async recheck(): Promise<void> {
    const s = this.session;
    if (!s) return;
    let list: Finding[];
    try {
      list = await s.core.request<Finding[]>({ op: 'recheckAll' });
    } catch (e) {
      if (this.session === s) say(`重新审核未完成：${(e as Error).message}`, 'error');
      return;
    }
    if (this.session !== s) return;
    s.resetFindings(list);
    this.marksIndex.reset(list);
    const st = useUi.getState();
    useUi.setState({ findings: this.sortedFindings(), editVersion: st.editVersion + 1 });
    this.grid?.refreshMarks();
    const all = this.marksIndex.list();
    const errors = all.filter((f) => f.severity === 'error').length;
    const rounding = all.filter((f) => f.severity !== 'error' && f.rounding).length;
    say(`重新审核完成：错误 ${errors} 条，提示 ${all.length - errors - rounding} 条，尾数差 ${rounding} 条。`);
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
    void s.core.request({ op: 'setMeta', key, value }).catch(() => undefined);
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

/** What a failed request says: the engine's own Chinese message, or that the core worker is gone. */
function failure(e: unknown, what: string): string {
  if (e instanceof PacketError) return e.message;
  if (e instanceof CoreGone) return `${what}：后台计算进程意外退出，本公开包无法继续编辑。请重新打开公开包；已自动保存的修改可在重新启动本软件时恢复。`;
  return `${what}：${(e as Error).message}`;
}

function derivedMap(cells: DerivedOut[]): Map<string, DerivedMark> {
  const m = new Map<string, DerivedMark>();
  for (const d of cells) {
    const k = `${d.row},${d.col}`;
    const prev = m.get(k);
    // a cell with two formulas (a 款's row identity and its column sum) is 手工调整 when either disagrees
    if (!prev || (prev.agree === 'exact' && d.agree !== 'exact')) m.set(k, { formula: `=${d.formula}`, computed: d.computed, agree: d.agree });
  }
  return m;
}

function sheetEntries(session: SessionMirror): SheetEntry[] {
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

/**
 * The document controller: owns the open packet's one PacketSession and routes every change through it.
 * Typing, paste, fill, Delete, undo/redo and row insert/delete all end in `dispatch(result)`, which updates
 * the findings from the EditResult's diff (never re-checking the packet), tells the grid which cells
 * changed, and updates the title.
 */
import {
  PacketError, PacketSession, a1, parseSheetRange, readPacket, sortFindings, splitLocate,
  type CellEdit, type CellValue, type EditResult, type Finding, type Packet,
} from '../../shared/index';
import { Autosaver } from '../../shared/safety/index';
import { lastWriter, packetBytes } from './packet-writer';
import { checkEngineCost } from './engine-probe';
import type { Host, OpenedFile } from '../host/host';
import { perf } from '../perf';
import { NARRATIVE_VIEW, say, useUi, type SheetEntry } from './store';

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

export interface CellMark {
  severity: 'error' | 'warning';
  rounding: boolean;
  messages: string[];
}

class Controller {
  host: Host | null = null;
  session: PacketSession | null = null;
  private grid: GridPort | null = null;
  /** rule → finding, kept in step with the session by applying each result's diff */
  private findings = new Map<string, Finding>();
  /** sheet → "row,col" → rules marking that cell */
  private marks = new Map<string, Map<string, Set<string>>>();
  /** 运算 state of the derived cells of a sheet ("r,c" → formula and standing), read lazily, dropped on every edit */
  private derivedCache = new Map<string, Map<string, DerivedMark>>();
  /** rule → the cells it marks, so a removed finding can unmark exactly those */
  private marked = new Map<string, { sheet: string; key: string }[]>();
  /** rule → where the finding points (its sheet, or the sheet of the defined name it locates) */
  private located = new Map<string, { sheet: string; cells: string[] } | null>();
  private savedName = '';
  private untitled = false;
  /** writes the unsaved work of the open packet to its recovery file every few seconds of change */
  private autosaver: Autosaver | null = null;

  // ---- opening ----

  async open(file: OpenedFile): Promise<void> {
    // the last message ("已打开「…」") must not stand as the progress line of this open
    useUi.setState({ status: 'loading', loadError: '', message: '' });
    perf.phase('read-start');
    let packet: Packet;
    try {
      packet = await readPacket(file.bytes, `文件「${file.name}」`);
      perf.phase('read-done');
      // a packet whose formulas would compute for minutes is tried in a worker first (engine-probe.ts)
      await checkEngineCost(packet, `文件「${file.name}」`, (m) => say(m));
    } catch (e) {
      this.failOpen(e);
      return;
    }
    let session: PacketSession;
    try {
      session = new PacketSession(packet);
      perf.phase('session-done');
    } catch (e) {
      this.failOpen(e);
      return;
    }
    this.install(session, file.name, !!file.untitled, false, !!file.recovered);
    // the counts are not repeated here: the status bar shows them live, a message would go stale on the next edit
    say(`已打开「${file.name}」。`);
  }

  /** Make `session` the open document (after opening, or when an import rebuilt the packet). */
  install(session: PacketSession, name: string, untitled: boolean, keepSheet = false, recovered = false): void {
    if (this.session !== session) {
      this.session?.destroy();
      // the previous document's recovery file goes with it (its unsaved changes were confirmed away)
      void this.autosaver?.close();
      this.autosaver = this.host ? this.newAutosaver() : null;
    }
    // recovered work is unsaved work: it keeps its recovery file, which already holds exactly this
    if (recovered) session.dirty = true;
    // a packet rebuilt by an import is unsaved work from the start
    else if (session.dirty) this.autosaver?.changed();
    this.session = session;
    this.savedName = name;
    this.untitled = untitled;
    const packet = session.packet;
    const sheets: SheetEntry[] = packet.sheets
      .filter((s) => !s.hidden)
      .map((s) => ({ name: s.name, kind: s.kind, title: sheetTitle(s.cells) }));
    useUi.setState({ sheets });
    this.findings = new Map(session.findings().map((f) => [f.rule, f]));
    this.derivedCache.clear();
    this.rebuildMarks();
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

  private newAutosaver(): Autosaver {
    const host = this.host!;
    let warned = false;
    return new Autosaver({
      snapshot: () => this.bytes(),
      write: async (bytes) => {
        await host.recoveryWrite(bytes);
        useUi.setState({ autosavedAt: new Date().toLocaleTimeString('zh-CN', { hour12: false }) });
      },
      discard: async () => {
        await host.recoveryDiscard();
        useUi.setState({ autosavedAt: '' });
      },
      onError: (e) => {
        // said once per document: a full disk must not flood the status line on every keystroke
        if (!warned) say(`自动保存恢复文件失败：${(e as Error).message}。请尽快手动保存。`, 'warn');
        warned = true;
      },
    });
  }

  /** completed recovery writes of the open document (the e2e tests wait for one) */
  get autosaveWrites(): number {
    return this.autosaver?.writes ?? 0;
  }

  /** where the last packet bytes were written: 'worker' or 'main' */
  get packetWriter(): string {
    return lastWriter;
  }

  /** Write the recovery file now if anything is unwritten (the window lost focus, the page is hidden). */
  flushAutosave(): Promise<void> {
    return this.autosaver?.flush() ?? Promise.resolve();
  }

  /**
   * Stop autosaving the open document and remove its recovery file, before another document (a
   * recovered one) takes this window's recovery file over: a late write must not land on it.
   */
  async retireAutosave(): Promise<void> {
    const a = this.autosaver;
    this.autosaver = null;
    await a?.close();
  }

  /** Autosave the open document again after a recovery that did not happen (it failed, or the file was bad). */
  resumeAutosave(): void {
    if (this.autosaver || !this.session || !this.host) return;
    this.autosaver = this.newAutosaver();
    if (this.session.dirty) this.autosaver.changed();
  }

  get fileName(): string {
    return this.savedName;
  }

  get isUntitled(): boolean {
    return this.untitled;
  }

  errorCount(): number {
    return [...this.findings.values()].filter((f) => f.severity === 'error').length;
  }

  private failOpen(e: unknown): void {
    const msg = e instanceof PacketError ? e.message : `无法打开文件：${(e as Error).message}`;
    if (this.session) {
      useUi.setState({ status: 'ready' });
      say(msg, 'error');
    } else {
      useUi.setState({ status: 'error', loadError: msg });
    }
  }

  // ---- the grid ----

  attachGrid(port: GridPort | null): void {
    this.grid = port;
  }

  gridPort(): GridPort | null {
    return this.grid;
  }

  marksOf(sheet: string): Map<string, Set<string>> | undefined {
    return this.marks.get(sheet);
  }

  cellMark(sheet: string, row: number, col: number): CellMark | null {
    const rules = this.marks.get(sheet)?.get(`${row},${col}`);
    if (!rules?.size) return null;
    const list = [...rules].map((r) => this.findings.get(r)).filter((f): f is Finding => !!f);
    if (!list.length) return null;
    const err = list.some((f) => f.severity === 'error');
    return {
      severity: err ? 'error' : 'warning',
      rounding: !err && list.every((f) => f.rounding),
      messages: list.map((f) => f.message),
    };
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
    this.findings = new Map(s.recheckAll().map((f) => [f.rule, f]));
    this.rebuildMarks();
    const st = useUi.getState();
    useUi.setState({ findings: this.sortedFindings(), editVersion: st.editVersion + 1 });
    this.grid?.refreshMarks();
    const list = [...this.findings.values()];
    const errors = list.filter((f) => f.severity === 'error').length;
    const rounding = list.filter((f) => f.severity !== 'error' && f.rounding).length;
    say(`重新审核完成：错误 ${errors} 条，提示 ${list.length - errors - rounding} 条，尾数差 ${rounding} 条。`);
  }

  dispatch(result: EditResult): void {
    this.derivedCache.clear();
    // the last message was about the previous action ("已撤销。", a refusal): it must not stand beside this one's
    // findings; whoever called dispatch says what this action did after it
    if (useUi.getState().message) say('');
    const touched = new Set<string>();
    for (const f of result.removed) {
      this.findings.delete(f.rule);
      this.unmark(f.rule, touched);
    }
    for (const f of [...result.updated, ...result.added]) {
      this.unmark(f.rule, touched);
      this.findings.set(f.rule, f);
      this.mark(f, touched);
    }
    const s = this.session!;
    const st = useUi.getState();
    const structural = result.structural.length > 0;
    if (structural) {
      this.rebuildMarks();
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
    if (s.dirty && (result.changed.length || structural)) this.autosaver?.changed();
    perf.dispatched();
  }

  private sortedFindings(): Finding[] {
    const order = new Map(useUi.getState().sheets.map((s, i) => [s.name, i]));
    return sortFindings([...this.findings.values()], (f) => order.get(this.sheetOf(f)) ?? 9999);
  }

  // ---- finding → cells ----

  /** Where a finding points: its own sheet and cells, or — when the check locates a defined name — the name's cell. */
  locate(f: Finding): { sheet: string; cells: string[] } | null {
    if (f.sheet && f.cells.length) return { sheet: f.sheet, cells: f.cells };
    const packet = this.session?.packet;
    if (!packet) return null;
    const def = packet.checks.find((c) => c.id === f.rule || f.rule.startsWith(`${c.id}:`));
    const parts = def ? splitLocate(def.locate) : [];
    for (const p of parts) {
      const name = packet.names.find((n) => n.name === p);
      const r = parseSheetRange(name ? name.ref : p, f.sheet);
      if (r && r.sheet) return { sheet: r.sheet, cells: [a1(r.top, r.left) + (r.bottom !== r.top || r.right !== r.left ? `:${a1(r.bottom, r.right)}` : '')] };
    }
    return f.sheet ? { sheet: f.sheet, cells: [] } : null;
  }

  /** The sheet a finding belongs to in the tree and the panel. */
  sheetOf(f: Finding): string {
    return this.located.get(f.rule)?.sheet ?? f.sheet;
  }

  private mark(f: Finding, touched: Set<string>): void {
    const loc = this.locate(f);
    this.located.set(f.rule, loc);
    if (!loc) return;
    const list: { sheet: string; key: string }[] = [];
    let bySheet = this.marks.get(loc.sheet);
    if (!bySheet) this.marks.set(loc.sheet, (bySheet = new Map()));
    for (const c of loc.cells) {
      const r = parseSheetRange(c, loc.sheet);
      if (!r) continue;
      for (let row = r.top; row <= r.bottom && row <= r.top + 200; row++) {
        for (let col = r.left; col <= r.right; col++) {
          const key = `${row},${col}`;
          let set = bySheet.get(key);
          if (!set) bySheet.set(key, (set = new Set()));
          set.add(f.rule);
          list.push({ sheet: loc.sheet, key });
        }
      }
    }
    this.marked.set(f.rule, list);
    touched.add(loc.sheet);
  }

  private unmark(rule: string, touched: Set<string>): void {
    const list = this.marked.get(rule);
    if (!list) return;
    for (const { sheet, key } of list) {
      this.marks.get(sheet)?.get(key)?.delete(rule);
      touched.add(sheet);
    }
    this.marked.delete(rule);
    this.located.delete(rule);
  }

  private rebuildMarks(): void {
    this.marks.clear();
    this.marked.clear();
    this.located.clear();
    const touched = new Set<string>();
    for (const f of this.findings.values()) this.mark(f, touched);
  }

  // ---- navigation ----

  showSheet(name: string): void {
    if (useUi.getState().activeSheet !== name) useUi.setState({ activeSheet: name, selection: null });
  }

  /** Open the finding's sheet and select its cell(s), scrolled into view. */
  goToFinding(f: Finding): void {
    const loc = this.locate(f);
    if (!loc) {
      say('该审核结果没有对应的单元格。', 'warn');
      return;
    }
    const r = loc.cells.length ? parseSheetRange(loc.cells[0], loc.sheet) : null;
    this.goTo(loc.sheet, r ? r.top : 0, r ? r.left : 0, r ? r.bottom : 0, r ? r.right : 0);
  }

  goTo(sheet: string, row: number, col: number, row2 = row, col2 = col, focus = true): void {
    this.showSheet(sheet);
    this.pendingSelect = { sheet, row, col, row2, col2, focus };
    // the grid of another sheet mounts on the next render and picks the pending selection up
    const g = this.grid;
    if (g && g.sheet === sheet) this.flushPendingSelect();
  }

  pendingSelect: { sheet: string; row: number; col: number; row2: number; col2: number; focus: boolean } | null = null;

  flushPendingSelect(): void {
    const p = this.pendingSelect;
    const g = this.grid;
    if (!p || !g || g.sheet !== p.sheet) return;
    this.pendingSelect = null;
    g.select(p.row, p.col, p.row2, p.col2, p.focus);
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

  private async bytes(): Promise<Uint8Array> {
    return packetBytes(this.session!.toPacket());
  }

  async save(saveAs = false): Promise<boolean> {
    const s = this.session;
    if (!s || !this.host) return false;
    try {
      const bytes = await this.bytes();
      const saved = saveAs || this.untitled ? await this.host.saveAs(bytes, this.savedName) : await this.host.save(bytes);
      if (!saved) return false;
      s.dirty = false;
      void this.autosaver?.saved();
      this.savedName = saved.name;
      this.untitled = false;
      useUi.setState({ dirty: false, fileName: saved.name });
      this.pushTitle();
      say(`已保存「${saved.name}」。`);
      return true;
    } catch (e) {
      say(`保存失败：${(e as Error).message}`, 'error');
      return false;
    }
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
    this.autosaver?.changed();
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
    this.autosaver?.changed();
  }

  pushTitle(): void {
    const st = useUi.getState();
    this.host?.setDocumentState({ name: st.fileName || '决算公开助手', dirty: st.dirty });
  }

  isNarrative(name: string): boolean {
    return name === NARRATIVE_VIEW;
  }
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

/**
 * The marks index: the open packet's findings (rule → finding, kept in step with the session by applying each
 * EditResult's diff) and the cells each marks on the grid, so a removed finding unmarks exactly its cells and a
 * cell's tooltip reads its findings without scanning them all.
 */
import { a1, parseSheetRange, sortFindings, splitLocate, type EditResult, type Finding, type Packet } from '../../shared/index';

export interface CellMark {
  severity: 'error' | 'warning';
  rounding: boolean;
  messages: string[];
}

export class MarksIndex {
  /** rule → finding, kept in step with the session by applying each result's diff */
  private findings = new Map<string, Finding>();
  /** sheet → "row,col" → rules marking that cell */
  private marks = new Map<string, Map<string, Set<string>>>();
  /** rule → the cells it marks, so a removed finding can unmark exactly those */
  private marked = new Map<string, { sheet: string; key: string }[]>();
  /** rule → where the finding points (its sheet, or the sheet of the defined name it locates) */
  private located = new Map<string, { sheet: string; cells: string[] } | null>();

  /** `packet`: the open packet, whose checks and defined names say where a finding without cells points */
  constructor(private readonly packet: () => Packet | undefined) {}

  /** Every finding anew (a packet opened, every check read again). */
  reset(list: Finding[]): void {
    this.findings = new Map(list.map((f) => [f.rule, f]));
    this.rebuildMarks();
  }

  /** A result's diff applied; returns the sheets whose marks changed. */
  applyDiff(result: EditResult): Set<string> {
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
    return touched;
  }

  list(): Finding[] {
    return [...this.findings.values()];
  }

  errorCount(): number {
    return [...this.findings.values()].filter((f) => f.severity === 'error').length;
  }

  /** The findings in the one order, sheets in the order they are shown. */
  sorted(sheetOrder: string[]): Finding[] {
    const order = new Map(sheetOrder.map((s, i) => [s, i]));
    return sortFindings([...this.findings.values()], (f) => order.get(this.sheetOf(f)) ?? 9999);
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

  // ---- finding → cells ----

  /** Where a finding points: its own sheet and cells, or — when the check locates a defined name — the name's cell. */
  locate(f: Finding): { sheet: string; cells: string[] } | null {
    if (f.sheet && f.cells.length) return { sheet: f.sheet, cells: f.cells };
    const packet = this.packet();
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

  rebuildMarks(): void {
    this.marks.clear();
    this.marked.clear();
    this.located.clear();
    const touched = new Set<string>();
    for (const f of this.findings.values()) this.mark(f, touched);
  }
}

/**
 * The page's synchronous view of the packet open in the core worker: the read API the UI (and the e2e tests)
 * use — packet, sheet(), getValue(), getFormula(), isInput(), dirty, canUndo(), canRedo(), findings() — from
 * data the worker sent. The cell models come sheet by sheet; a cell's value is the engine value the worker
 * reported when it differs from the model's stored value, else the stored value.
 */
import { PacketError, type CellValue, type Finding, type Packet, type SheetModel } from '../../shared/index';
import type { CoreClient } from './client';
import type { DerivedOut, MirrorUpdate, OpenDone, ValuePatch } from './protocol';

export class SessionMirror {
  /** engine values that differ from the model's stored values: sheet → "r,c" → value */
  private values = new Map<string, Map<string, CellValue>>();
  private bySheet = new Map<string, SheetModel>();
  private current = new Map<string, Finding>();
  private _dirty: boolean;
  private undoable: boolean;
  private redoable: boolean;
  /** the first sheet's derived cells as the open computed them, taken once by the controller */
  initialDerived: OpenDone['derived'];

  constructor(
    readonly core: CoreClient,
    readonly packet: Packet,
    patches: ValuePatch[],
    done: OpenDone,
  ) {
    for (const s of packet.sheets) this.bySheet.set(s.name, s);
    this.patch(patches);
    for (const f of done.findings) this.current.set(f.rule, f);
    this._dirty = done.dirty;
    this.undoable = done.canUndo;
    this.redoable = done.canRedo;
    this.initialDerived = done.derived;
  }

  private patch(values: ValuePatch[]): void {
    for (const [sheet, row, col, v] of values) {
      let m = this.values.get(sheet);
      if (!m) this.values.set(sheet, (m = new Map()));
      m.set(`${row},${col}`, v);
    }
  }

  sheet(name: string): SheetModel {
    const s = this.bySheet.get(name);
    if (!s) throw new PacketError(`工作表「${name}」不存在`);
    return s;
  }

  getValue(sheet: string, row: number, col: number): CellValue {
    const v = this.values.get(sheet)?.get(`${row},${col}`);
    if (v !== undefined) return v;
    return this.sheet(sheet).cells[row]?.[col]?.v ?? null;
  }

  /** Formula text in Excel syntax (with '='), or undefined for a literal cell. */
  getFormula(sheet: string, row: number, col: number): string | undefined {
    const f = this.sheet(sheet).cells[row]?.[col]?.f;
    return f ? `=${f}` : undefined;
  }

  isInput(sheet: string, row: number, col: number): boolean {
    return !!this.sheet(sheet).cells[row]?.[col]?.input;
  }

  findings(): Finding[] {
    return [...this.current.values()];
  }

  get dirty(): boolean {
    return this._dirty;
  }

  /** Saved, or changed outside the engine (an 出错说明, the cover date): the worker's session is told too. */
  set dirty(v: boolean) {
    if (this._dirty === v) return;
    this._dirty = v;
    void this.core.request({ op: 'setDirty', dirty: v }).catch(() => undefined);
  }

  canUndo(): boolean {
    return this.undoable;
  }

  canRedo(): boolean {
    return this.redoable;
  }

  /** The worker's answer to a change: values, moved formulas, rebuilt sheets, findings and the undo state. */
  absorb(u: MirrorUpdate): void {
    for (const s of u.sheets) {
      this.bySheet.set(s.name, s);
      this.values.delete(s.name);
    }
    if (u.order) {
      const old = this.packet.sheets;
      this.packet.sheets = u.order.map((n) => this.bySheet.get(n) ?? old.find((x) => x.name === n)!).filter(Boolean);
      for (const n of [...this.bySheet.keys()]) if (!u.order.includes(n)) {
        this.bySheet.delete(n);
        this.values.delete(n);
      }
    }
    for (const [sheet, row, col, f] of u.formulas) {
      const c = this.bySheet.get(sheet)?.cells[row]?.[col];
      if (c) c.f = f;
    }
    this.patch(u.values);
    for (const f of u.result.removed) this.current.delete(f.rule);
    for (const f of [...u.result.added, ...u.result.updated]) this.current.set(f.rule, f);
    this._dirty = u.dirty;
    this.undoable = u.canUndo;
    this.redoable = u.canRedo;
  }

  /** The derived cells of a sheet with their 运算公式 and standing, computed in the worker. */
  derivedCells(sheet: string): Promise<DerivedOut[]> {
    return this.core.request<DerivedOut[]>({ op: 'derived', sheet });
  }

  /** Every check read again (重新审核): the findings as the worker found them. */
  resetFindings(list: Finding[]): void {
    this.current = new Map(list.map((f) => [f.rule, f]));
  }

  /** Stop the worker that holds this packet (another document replaced it). */
  destroy(): void {
    this.core.terminate();
  }
}

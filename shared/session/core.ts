/**
 * What every part of an open session shares: the packet (the model), the one HyperFormula instance, the
 * translator between Excel and engine formula text, and the sheet ids. HyperFormula is built by the session
 * once the checks are compiled; everything else reads it through here.
 */
import { DetailedCellError, HyperFormula, type RawCellContent } from 'hyperformula';
import { PacketError } from '../errors.js';
import { FormulaTranslator } from '../formula.js';
import { LIMITS } from '../safety/limits.js';
import type { CellValue, Packet, SheetModel } from '../model.js';

/**
 * The engine takes every sheet the readers let through (LIMITS.maxRows rows, Excel's 16,384 columns): its own
 * limits are never the first to refuse, and when they do the message is ours.
 */
export const ENGINE_SIZE = { maxRows: Math.max(LIMITS.maxRows, HyperFormula.defaultConfig.maxRows), maxColumns: Math.max(LIMITS.maxCols, HyperFormula.defaultConfig.maxColumns) };

export function engineLoadMessage(e: unknown, sheets: Record<string, RawCellContent[][]>): string {
  const m = String((e as Error)?.message ?? e);
  if (/size limit/i.test(m)) {
    const big = Object.entries(sheets).sort((a, b) => b[1].length - a[1].length)[0];
    return `公开包的工作表过大，超出计算引擎的上限（${ENGINE_SIZE.maxRows.toLocaleString('en-US')} 行 × ${ENGINE_SIZE.maxColumns.toLocaleString('en-US')} 列）` +
      `${big ? `：工作表「${big[0]}」有 ${big[1].length.toLocaleString('en-US')} 行` : ''}。请删去多余的空行、空列后另存再试。`;
  }
  // HyperFormula's own wording is English and means nothing to an accountant: say what failed, keep it short
  return '公开包的公式无法载入（计算引擎拒绝了其中的公式或名称）：请在 Excel/WPS 中检查公式与定义名称后另存再试。';
}

export class EngineCore {
  readonly packet: Packet;
  /** set by the session's constructor, once the check sheets are compiled */
  hf!: HyperFormula;
  readonly tr = new FormulaTranslator();
  readonly sheetIds = new Map<string, number>();
  /** edits since the last save */
  dirty = false;

  constructor(packet: Packet) {
    this.packet = packet;
  }

  sheetId(name: string): number {
    const id = this.sheetIds.get(name);
    if (id === undefined) throw new PacketError(`工作表「${name}」不存在。`);
    return id;
  }

  sheet(name: string): SheetModel {
    const s = this.packet.sheets.find((x) => x.name === name);
    if (!s) throw new PacketError(`工作表「${name}」不存在。`);
    return s;
  }

  getValue(sheet: string, row: number, col: number): CellValue {
    const v = this.hf.getCellValue({ sheet: this.sheetId(sheet), row, col });
    if (v instanceof DetailedCellError) return v.value;
    return v as CellValue;
  }
}

/**
 * A text cell stays text in the engine: a 科目编码 such as "2010301" must not turn into a number, and text
 * that looks like a formula ("=cmd|…") is data, never code. HyperFormula reads a leading apostrophe as "text".
 */
export function engineLiteral(v: CellValue): RawCellContent {
  if (typeof v !== 'string') return v;
  if (v.startsWith('=') || v.startsWith("'") || /^[\s+-]*[\d.]/.test(v) || /^(true|false)$/i.test(v.trim())) return `'${v}`;
  return v;
}

/** Edited cells as rectangles: runs of adjacent columns in a row, stacked while the runs line up. */
export function editBlocks(cells: { sheet: string; row: number; col: number; value: CellValue }[]): { sheet: string; row: number; col: number; values: RawCellContent[][] }[] {
  const last = new Map<string, { sheet: string; row: number; col: number; value: CellValue }>();
  for (const c of cells) last.set(`${c.sheet}\u0000${c.row}\u0000${c.col}`, c);
  const sorted = [...last.values()].sort((a, b) => (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : a.row - b.row || a.col - b.col));
  const runs: { sheet: string; row: number; col: number; values: RawCellContent[] }[] = [];
  for (const c of sorted) {
    const r = runs[runs.length - 1];
    if (r && r.sheet === c.sheet && r.row === c.row && r.col + r.values.length === c.col) r.values.push(engineLiteral(c.value));
    else runs.push({ sheet: c.sheet, row: c.row, col: c.col, values: [engineLiteral(c.value)] });
  }
  const blocks: { sheet: string; row: number; col: number; values: RawCellContent[][] }[] = [];
  // the block each column span is growing: rows of A:D and I (a gap between) stack as two blocks, not one per row
  const open = new Map<string, (typeof blocks)[number]>();
  for (const r of runs) {
    const k = `${r.sheet}\u0000${r.col}\u0000${r.values.length}`;
    const b = open.get(k);
    if (b && b.row + b.values.length === r.row) b.values.push(r.values);
    else {
      const nb = { sheet: r.sheet, row: r.row, col: r.col, values: [r.values] };
      blocks.push(nb);
      open.set(k, nb);
    }
  }
  return blocks;
}

/**
 * A part of the session (checks, 运算, undo) working on the one engine state: the names the moved code has always
 * used (hf, tr, packet, sheetId …) read through to the core, so no part keeps a copy that could drift.
 */
export abstract class OnCore {
  constructor(protected readonly core: EngineCore) {}

  protected get hf(): HyperFormula {
    return this.core.hf;
  }

  protected get tr(): FormulaTranslator {
    return this.core.tr;
  }

  protected get packet(): Packet {
    return this.core.packet;
  }

  protected get sheetIds(): Map<string, number> {
    return this.core.sheetIds;
  }

  protected sheetId(name: string): number {
    return this.core.sheetId(name);
  }

  protected sheet(name: string): SheetModel {
    return this.core.sheet(name);
  }

  protected getValue(sheet: string, row: number, col: number): CellValue {
    return this.core.getValue(sheet, row, col);
  }
}

/**
 * What building a packet's engine will cost, estimated from the packet before HyperFormula sees it.
 *
 * The reader's budget (LIMITS.maxFormulaRangeCells) counts each distinct range once, because HyperFormula
 * keeps one vertex per range: it bounds memory. It does not bound time: ten thousand cells each computing
 * =SUMPRODUCT(A1:Z20000,A1:Z20000) refer to one range of 520,000 cells (within the budget) and make
 * HyperFormula walk it ten thousand times — minutes of a synchronous loop nobody can interrupt. Here every
 * formula is charged for every cell it reads, as if nothing were shared: an upper bound of the work.
 *
 * The command line needs no estimate (its engine builds in a worker thread it can stop at the time limit);
 * the app builds on the page's main thread and uses it to decide when a trial build in a Web Worker, under
 * the same time limit, must come first (renderer/state/engine-probe.ts).
 */
import type { Packet } from '../model.js';
import { rangeCost } from './formulas.js';

export interface EngineCost {
  /** formula cells plus check formulas */
  formulas: number;
  /** Σ over formulas of 1 + the cells of every range it names */
  cellReads: number;
  /** the formula that reads the most, for the message */
  heaviest: { sheet: string; cell: string; reads: number } | null;
}

function colName(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function engineCost(packet: Packet): EngineCost {
  let formulas = 0;
  let cellReads = 0;
  let heaviest: EngineCost['heaviest'] = null;
  const charge = (text: string, sheet: string, cell: string) => {
    const reads = 1 + rangeCost(text, sheet, new Set());
    formulas++;
    cellReads += reads;
    if (!heaviest || reads > heaviest.reads) heaviest = { sheet, cell, reads };
  };
  for (const s of packet.sheets) {
    s.cells.forEach((row, r) =>
      row.forEach((c, col) => {
        if (c?.f) charge(c.f, s.name, `${colName(col)}${r + 1}`);
      }),
    );
  }
  for (const c of packet.checks) {
    if (c.formula) charge(c.formula, '审核', c.id);
    if (c.message.includes('{')) charge(c.message, '审核', c.id);
  }
  return { formulas, cellReads, heaviest };
}

/**
 * A packet within every reader budget whose own formulas would make the engine compute for minutes: `n`
 * cells each =SUMPRODUCT over one range of 520,000 cells (one distinct range: the memory budget lets it
 * through; n walks of it: the time is not bounded). Measured: 2.6 s per formula on the build machine.
 */
import type { Packet } from '../../shared/model.js';
import { smallPacket } from '../fixtures/hostile/corpus.js';

export const HEAVY_FORMULA = 'SUMPRODUCT(A1:Z20000,A1:Z20000)';

export function heavyPacket(n: number): Packet {
  const p = smallPacket();
  const s = p.sheets.find((x) => x.name === '公开01表')!;
  for (let k = 0; k < n; k++) s.cells.push([{ v: `行${k + 1}` }, null, { f: HEAVY_FORMULA, v: 0 }]);
  return p;
}

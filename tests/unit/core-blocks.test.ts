import { describe, expect, it } from 'vitest';
import { editBlocks } from '../../shared/engine.js';
import { openSession, set, valueAt } from '../helpers/packets.js';

describe('edits are written to the engine as rectangles', () => {
  it('groups adjacent cells, keeps holes out, and lets the last edit of a cell win', () => {
    const cells = [
      { sheet: 'A', row: 1, col: 2, value: 1 },
      { sheet: 'A', row: 1, col: 3, value: 2 },
      { sheet: 'A', row: 2, col: 2, value: 3 },
      { sheet: 'A', row: 2, col: 3, value: 4 },
      { sheet: 'A', row: 3, col: 3, value: 5 },
      { sheet: 'B', row: 1, col: 2, value: 6 },
      { sheet: 'A', row: 1, col: 2, value: 7 },
    ];
    expect(editBlocks(cells)).toEqual([
      { sheet: 'A', row: 1, col: 2, values: [[7, 2], [3, 4]] },
      { sheet: 'A', row: 3, col: 3, values: [[5]] },
      { sheet: 'B', row: 1, col: 2, values: [[6]] },
    ]);
  });

  it('a pasted 3×2 block lands cell by cell, and only there', async () => {
    const s = await openSession();
    const before = valueAt(s, '公开03表', 'F9');
    const r = s.apply([
      { sheet: '公开03表', row: 8, col: 2, value: 1 }, { sheet: '公开03表', row: 8, col: 3, value: 2 },
      { sheet: '公开03表', row: 9, col: 2, value: 3 }, { sheet: '公开03表', row: 9, col: 3, value: 4 },
      { sheet: '公开03表', row: 10, col: 2, value: 5 }, { sheet: '公开03表', row: 10, col: 3, value: 6 },
    ]);
    expect([valueAt(s, '公开03表', 'C9'), valueAt(s, '公开03表', 'D9'), valueAt(s, '公开03表', 'C11'), valueAt(s, '公开03表', 'D11')]).toEqual([1, 2, 5, 6]);
    expect(valueAt(s, '公开03表', 'F9')).toBe(before);
    expect(r.changed).toContainEqual({ sheet: '公开03表', row: 8, col: 2 });
    s.undo();
    expect(valueAt(s, '公开03表', 'C9')).toBe(39.45);
    set(s, '公开03表', 'C9', 39.45);
  });

  it('inserted rows take the look and input cells of the row named', async () => {
    const s = await openSession();
    const sheet = s.sheet('公开03表');
    const last = sheet.cells.findIndex((row) => row[0]?.v === '2299999');
    s.insertRows('公开03表', last + 1, 2, last);
    expect(s.isInput('公开03表', last + 1, 0)).toBe(true);
    expect(s.isInput('公开03表', last + 2, 4)).toBe(true);
    expect(sheet.cells[last + 1][2]?.s).toBe(sheet.cells[last][2]?.s);
    s.undo();
    s.redo();
    expect(s.isInput('公开03表', last + 2, 4)).toBe(true);
  });
});

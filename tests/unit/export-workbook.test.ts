/**
 * The exported workbook: export → read back gives identical values and formulas for every input and formula
 * cell, the template's formatting and print setup survive, the 审核 sheet is kept or left out by option, and
 * the per-table workbooks stand alone.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { exportTableWorkbooks, exportWorkbook, readsOutside } from '../../shared/export/workbook.js';
import { importWorkbook } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { CHECK_SHEET, META_SHEET } from '../../shared/model.js';
import { loadWorkbook, readPacket } from '../../shared/xlsx.js';
import { bytesOf, EMPTY_TABLES, loadPacket, REFERENCE, VOCABULARY } from '../helpers/packets.js';

/** Every input or formula cell whose value or formula differs between two sessions, as "sheet!A1: a ≠ b". */
function differences(a: PacketSession, b: PacketSession, kinds?: string[]): string[] {
  const out: string[] = [];
  for (const s of a.packet.sheets) {
    if (kinds && !kinds.includes(s.kind)) continue;
    let other;
    try {
      other = b.sheet(s.name);
    } catch {
      out.push(`${s.name}: 缺少工作表`);
      continue;
    }
    s.cells.forEach((row, r) =>
      row.forEach((c, col) => {
        if (!c || !(c.input || c.f)) return;
        const va = a.getValue(s.name, r, col);
        const vb = b.getValue(s.name, r, col);
        const fa = a.getFormula(s.name, r, col);
        const fb = b.getFormula(s.name, r, col);
        if (va !== vb || fa !== fb || !!other.cells[r]?.[col]?.input !== !!c.input) {
          out.push(`${s.name}!R${r + 1}C${col + 1}: ${JSON.stringify([va, fa, c.input])} ≠ ${JSON.stringify([vb, fb, other.cells[r]?.[col]?.input])}`);
        }
      }),
    );
  }
  return out;
}

let original: PacketSession;
let exported: Uint8Array;
let current: Packet;

beforeAll(async () => {
  original = new PacketSession(await loadPacket());
  current = original.toPacket();
  exported = await exportWorkbook(current);
}, 300_000);

describe('exportWorkbook', () => {
  it('round-trips: every input and formula cell reads back with the same value, formula and input flag', async () => {
    const back = new PacketSession(await readPacket(exported));
    const inputs = current.sheets.reduce((n, s) => n + s.cells.flat().filter((c) => c?.input || c?.f).length, 0);
    expect(inputs).toBeGreaterThan(5000);
    expect(differences(original, back)).toEqual([]);
    // the findings are the same: 0 errors, the same warnings
    const key = (f: { rule: string; sheet: string; message: string }) => `${f.rule}|${f.sheet}|${f.message}`;
    expect(back.findings().map(key).sort()).toEqual(original.findings().map(key).sort());
    expect(back.packet.sheets.filter((s) => s.kind === 'table')).toHaveLength(10);
  }, 300_000);

  it('the comparison catches a changed figure and a lost formula (it can fail)', async () => {
    const p = await readPacket(exported);
    const t01 = p.sheets.find((s) => s.name === '公开01表')!;
    t01.cells[6][2] = { ...t01.cells[6][2], v: 3000 };
    const withFormula = p.sheets.find((s) => s.cells.some((r) => r.some((c) => c?.f)))!;
    const r = withFormula.cells.findIndex((row) => row.some((c) => c?.f));
    const c = withFormula.cells[r].findIndex((x) => x?.f);
    const { f: _f, ...literal } = withFormula.cells[r][c]!;
    withFormula.cells[r][c] = literal;
    const d = differences(original, new PacketSession(p));
    expect(d.some((x) => x.startsWith('公开01表!R7C3'))).toBe(true);
    expect(d.some((x) => x.startsWith(`${withFormula.name}!R${r + 1}C${c + 1}`))).toBe(true);
  }, 300_000);

  it('keeps formulas with their cached results in the file (Excel/WPS show numbers without recalculating)', async () => {
    const wb = await loadWorkbook(exported);
    const c = wb.getWorksheet('公开01表')!.getCell('A3').value as { formula: string; result: unknown };
    expect(c.formula).toBe('"部门："&单位名称');
    expect(c.result).toBe('部门：中共景德镇市昌南新区工作委员会党群工作部');
    const xml = await (await JSZip.loadAsync(exported)).file('xl/worksheets/sheet2.xml')!.async('string');
    expect(/<c r="A3"[^>]*t="str"[^>]*><f>&quot;部门：&quot;&amp;单位名称<\/f><v>部门：中共景德镇市[^<]*<\/v>/.exec(xml)?.[0]).toBeDefined();
  });

  it('keeps the template formatting: merges, widths, heights, styles, frozen rows, hidden sheets', async () => {
    const back = await readPacket(exported);
    for (const s of current.sheets) {
      const b = back.sheets.find((x) => x.name === s.name)!;
      expect(b, s.name).toBeDefined();
      expect(b.merges.slice().sort(), s.name).toEqual(s.merges.slice().sort());
      expect(b.colWidths, s.name).toEqual(s.colWidths);
      expect(b.frozenRows, s.name).toBe(s.frozenRows);
      expect(b.hidden, s.name).toBe(s.hidden);
      expect(b.print.orientation, s.name).toBe(s.print.orientation);
      expect(b.print.fitToWidth, s.name).toBe(s.print.fitToWidth);
      s.cells.forEach((row, r) =>
        row.forEach((c, col) => {
          if (c?.s === undefined) return;
          const bc = b.cells[r]?.[col];
          expect(back.styles[bc!.s!], `${s.name} R${r + 1}C${col + 1}`).toEqual(current.styles[c.s]);
        }),
      );
    }
  }, 300_000);

  it('writes the print titles Excel and LibreOffice understand ($1:$6, not $$1:$$6) and reads them back', async () => {
    const xml = await (await JSZip.loadAsync(exported)).file('xl/workbook.xml')!.async('string');
    expect(xml.includes('&apos;公开01表&apos;!$1:$6</definedName>')).toBe(true);
    expect(xml.includes('$$')).toBe(false);
    const back = await readPacket(exported);
    for (const s of back.sheets.filter((x) => x.kind === 'table')) {
      expect(s.print.titleRows, s.name).toEqual([1, s.frozenRows]);
    }
    // A4 and fit to width in every sheet's page setup
    const sheet = await (await JSZip.loadAsync(exported)).file('xl/worksheets/sheet2.xml')!.async('string');
    expect(/<pageSetup[^>]*paperSize="9"[^>]*orientation="landscape"[^>]*fitToHeight="0"/.test(sheet)).toBe(true);
    expect(sheet.includes('<pageSetUpPr fitToPage="1"/>')).toBe(true);
  });

  it('keeps the hidden 审核 sheet by default and leaves it out on request', async () => {
    const keep = await loadWorkbook(exported);
    expect(keep.getWorksheet(CHECK_SHEET)?.state).toBe('hidden');
    expect(keep.getWorksheet(META_SHEET)?.state).toBe('hidden');
    const without = await loadWorkbook(await exportWorkbook(current, { includeChecks: false }));
    expect(without.getWorksheet(CHECK_SHEET)).toBeUndefined();
    expect(without.getWorksheet('公开01表')).toBeDefined();
    expect(without.worksheets.length).toBe(keep.worksheets.length - 2);
  }, 300_000);

  it('imports back into the empty template with the import module: identical tables and forms', async () => {
    const empty = new PacketSession(await readPacket(bytesOf(EMPTY_TABLES)));
    const res = await importWorkbook(exported, empty, { vocabulary: VOCABULARY, file: '决算公开表.xlsx' });
    const imported = empty;
    expect(res.edit).toBeDefined();
    expect(differences(original, imported, ['table', 'form'])).toEqual([]);
  }, 300_000);
});

describe('exportTableWorkbooks', () => {
  it('writes one standalone workbook per table: one sheet, its own formulas, outside references frozen to values', async () => {
    const books = await exportTableWorkbooks(current);
    expect(books.map((b) => b.fileName)).toEqual(Array.from({ length: 10 }, (_x, i) => `公开${String(i + 1).padStart(2, '0')}表.xlsx`));
    for (const b of books) {
      const wb = await loadWorkbook(b.bytes);
      expect(wb.worksheets.map((w) => w.name)).toEqual([b.sheet]);
      const ws = wb.getWorksheet(b.sheet)!;
      expect(ws.getCell('A3').value, b.sheet).toBe('部门：中共景德镇市昌南新区工作委员会党群工作部');
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          const f = (cell.value as { formula?: string })?.formula;
          if (f) expect(readsOutside(f, b.sheet, current), `${b.sheet}!${cell.address} =${f}`).toBe(false);
        }),
      );
    }
    // 04表 keeps its row sums as formulas
    const t04 = await loadWorkbook(books[3].bytes);
    const kept: string[] = [];
    t04.getWorksheet('公开04表')!.eachRow((row) => row.eachCell((c) => (c.value as { formula?: string })?.formula && kept.push(c.address)));
    expect(kept.length).toBeGreaterThan(0);
  });

  it('readsOutside tells sheet-local formulas from those reading other sheets or names elsewhere', () => {
    expect(readsOutside('SUM(G7:I7)', '公开04表', current)).toBe(false);
    expect(readsOutside('"部门："&单位名称', '公开01表', current)).toBe(true);
    expect(readsOutside("SUM('公开03表'!C7:C9)", '公开01表', current)).toBe(true);
    expect(readsOutside('公开03表!C7', '公开03表', current)).toBe(false);
    expect(readsOutside('本年收入合计*2', '公开01表', current)).toBe(false);
    expect(readsOutside('本年收入合计*2', '公开02表', current)).toBe(true);
    expect(readsOutside('"单位名称"&A1', '公开01表', current)).toBe(false);
  });
});

describe('exported workbook with a packet read from disk', () => {
  it('exports the reference file as read (no session) the same way', async () => {
    const p = await readPacket(bytesOf(REFERENCE));
    const back = await readPacket(await exportWorkbook(p));
    expect(back.sheets.map((s) => s.name)).toEqual(p.sheets.map((s) => s.name));
  }, 300_000);
});

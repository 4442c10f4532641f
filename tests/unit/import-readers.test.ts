/**
 * Issue 12, the door into the checks: every reader (ExcelJS, SheetJS .xls/SpreadsheetML, HTML, MHTML, CSV)
 * refuses an oversized sheet early with a Chinese message naming the size; GBK text is decoded; an ambiguous
 * number is refused with its cell named; a headerless column is taken only when its arithmetic holds; the 三公
 * blank-breakdown and the empty-table checks.
 */
import * as XLSX from '@e965/xlsx';
import * as cptable from '@e965/xlsx/dist/cpexcel.full.mjs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { decodeText, importWorkbook, MAX_SOURCE_ROWS, readSource } from '../../shared/import/index.js';
import { EMPTY_TABLES, openSession, REFERENCE, setDetailOnly, VOCABULARY } from '../helpers/packets.js';

const gbk = (s: string) => Uint8Array.from((cptable as unknown as { utils: { encode(p: number, t: string): ArrayLike<number> } }).utils.encode(936, s));

async function refused(bytes: Uint8Array): Promise<{ message: string; ms: number }> {
  const t0 = performance.now();
  const e = await readSource(bytes, '源文件').then(() => null, (x: Error) => x);
  expect(e).not.toBeNull();
  return { message: e!.message, ms: performance.now() - t0 };
}

describe('reader budgets: refused before the grid is built, the size named in Chinese', () => {
  it('a stray cell at XFD1048576 in a tiny SpreadsheetML file', async () => {
    const xml = `<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表1"><Table><Row><Cell><Data ss:Type="String">收入决算表</Data></Cell></Row><Row ss:Index="1048576"><Cell ss:Index="16384"><Data ss:Type="Number">1</Data></Cell></Row></Table></Worksheet></Workbook>`;
    const bytes = new TextEncoder().encode(xml);
    expect(bytes.length).toBeLessThan(800);
    const r = await refused(bytes);
    expect(r.message).toMatch(/工作表「表1」过大（1,048,576 行 × 16,384 列）/);
  });

  it('a 65,000-row .xls', async () => {
    // one column keeps SheetJS's (slow) BIFF writer to a few seconds; the reader sees 65,002 rows all the same
    const rows: (string | number)[][] = [['收入决算表'], ['金额']];
    for (let i = 0; i < 65_000; i++) rows.push([i]);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), '大表');
    const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xls' }) as ArrayBuffer);
    const r = await refused(bytes);
    expect(r.message).toMatch(/工作表「大表」过大（65,002 行 × 1 列）/);
    expect(r.message).toContain(`${MAX_SOURCE_ROWS.toLocaleString('en-US')} 行`);
    expect(r.message).not.toMatch(/[A-Za-z]{6,}/);
  }, 240_000);

  it('a 4.5-million-cell HTML ".xls"', async () => {
    const row = `<tr>${'<td>1</td>'.repeat(150)}</tr>`;
    const html = `<html><head><meta charset="utf-8"></head><body><table>${row.repeat(30_000)}</table></body></html>`;
    const r = await refused(new TextEncoder().encode(html));
    expect(r.message).toMatch(/过大（超过 1,000,000 个单元格）/);
    // timing is the bench's business (the machine is shared); here: refused, named, in Chinese
  });

  it('a CSV of 20,000 lines', async () => {
    const csv = Array.from({ length: 20_000 }, (_x, i) => `${i},项,${i}`).join('\n');
    expect((await refused(new TextEncoder().encode(csv))).message).toMatch(/「CSV」过大（20,000 行/);
  });

  it('an .xlsx with a row past the budget', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('表');
    ws.getCell('A1').value = '收入决算表';
    ws.getCell(MAX_SOURCE_ROWS + 5, 1).value = 1;
    const r = await refused(new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    expect(r.message).toMatch(/工作表「表」过大（10,005 行 × 1 列）/);
  });
});

describe('text files: GBK, GB18030, UTF-8, BOMs, MHTML', () => {
  it('decodes by BOM, declared charset, or the bytes themselves', () => {
    expect(decodeText(gbk('<meta charset="gb2312"><table><tr><td>收入决算表</td></tr></table>')).text).toContain('收入决算表');
    expect(decodeText(gbk('科目编码,科目名称\n201,一般公共服务支出')).encoding).toBe('GBK/GB18030');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('合计')])).text).toBe('合计');
    expect(decodeText(new TextEncoder().encode('合计')).encoding).toBe('UTF-8');
  });

  it('a GBK HTML table read as a sheet, its Chinese intact (not mojibake)', async () => {
    const html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body><table><tr><td colspan="2">支出决算表</td></tr><tr><td>科目编码</td><td>本年支出合计</td></tr><tr><td>201</td><td>1,736.34</td></tr></table></body></html>';
    const book = await readSource(gbk(html));
    expect(book.format).toBe('html');
    expect(book.sheets[0].cells[0][0]).toBe('支出决算表');
    expect(book.sheets[0].cells[2]).toEqual(['201', '1,736.34']);
    expect(book.sheets[0].merges).toEqual([{ top: 0, left: 0, bottom: 0, right: 1 }]);
  });
});

describe('an ambiguous number is refused with its cell named, never guessed', () => {
  it('"1 234,56" in a CSV: not placed, named, counted as an amount not placed', async () => {
    const csv = ['国有资本经营预算财政拨款支出决算表', '金额单位：万元', '科目编码,科目名称,本年支出合计,基本支出,项目支出', ',合计,"1 234,56",,"1 234,56"'].join('\r\n');
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(gbk(csv), session, { vocabulary: VOCABULARY, file: 'x.csv' });
    const np = r.report.sheets[0].notPlaced;
    expect(np.map((c) => c.cell)).toEqual(['CSV!C4', 'CSV!E4']);
    expect(np[0].reason).toMatch(/数字写法有歧义「1 234,56」/);
    expect(r.report.summary.amountsNotPlaced).toBe(2);
    expect(session.getValue('公开08表', 5, 2)).toBeNull();
  });
});

describe('a headerless amount column is inferred only when its own 合计 confirms it', () => {
  const book = async (total: number) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('总表');
    ws.addRow(['收入支出决算总表']);
    ws.addRow(['金额单位：万元']);
    ws.addRow(['收入', null, '支出']);
    ws.mergeCells('A3:B3');
    ws.mergeCells('C3:D3');
    ws.addRow(['项目', '金额', '项目', null]);
    ws.addRow(['一、一般公共预算财政拨款收入', 10, '一、一般公共服务支出', 6]);
    ws.addRow([null, null, '六、科学技术支出', 4]);
    ws.addRow(['本年收入合计', 10, '本年支出合计', total]);
    return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  };
  it('figures that add up to 本年支出合计: placed in the 支出 amount column', async () => {
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(await book(10), session, { vocabulary: VOCABULARY, file: 'a.xlsx' });
    expect(r.report.summary.amountsNotPlaced).toBe(0);
    expect(session.getValue('公开01表', 6, 5)).toBe(6);
    expect(session.getValue('公开01表', 32, 5)).toBe(10);
  });
  it('figures that do not: not placed, and the report says why', async () => {
    const session = await openSession(EMPTY_TABLES);
    const r = await importWorkbook(await book(12), session, { vocabulary: VOCABULARY, file: 'b.xlsx' });
    const np = r.report.sheets[0].notPlaced;
    expect(np.map((c) => c.cell)).toEqual(['总表!D5', '总表!D6', '总表!D7']);
    expect(np[0].reason).toMatch(/其数之和与本列的合计不符/);
    expect(session.getValue('公开01表', 6, 5)).toBeNull();
  });
});

describe('审核: a blank breakdown is not reported; an empty 公开表 has its own finding', () => {
  const rules = (s: Awaited<ReturnType<typeof openSession>>, re: RegExp) => s.findings().filter((f) => re.test(f.rule)).map((f) => `${f.rule} ${f.severity}${f.rounding ? ' 尾数差' : ''}`);
  it('公务接待费 without a 国内/国（境）外 split: no finding; a real split that differs: an error; a 尾数差: a hint', async () => {
    const s = await openSession(REFERENCE);
    expect(rules(s, /^09-3E$/)).toEqual([]);
    setDetailOnly(s, '公开09表', 'E12', null);
    expect(rules(s, /^09-3E$/)).toEqual([]);
    setDetailOnly(s, '公开09表', 'E12', 1.5);
    expect(rules(s, /^09-3E$/)).toEqual(['09-3E error']);
    setDetailOnly(s, '公开09表', 'E12', 1.74);
    expect(rules(s, /^09-3E$/)).toEqual(['09-3E warning 尾数差']);
    // a 国（境）外 figure alone is a reported split: 0.39 + blank against 1.74 is an error
    setDetailOnly(s, '公开09表', 'E12', null);
    setDetailOnly(s, '公开09表', 'E14', 0.39);
    expect(rules(s, /^09-3E$/)).toEqual(['09-3E error']);
  });

  it('a packet whose 公开03表 is empty: 03-00 names it; the reference and the empty template have none', async () => {
    const ref = await openSession(REFERENCE);
    expect(rules(ref, /-00$/)).toEqual([]);
    expect(rules(await openSession(EMPTY_TABLES), /-00$/)).toEqual([]);
    const edits = [];
    const sheet = ref.sheet('公开03表');
    for (let r = 5; r < sheet.cells.length; r++) for (let c = 2; c <= 7; c++) if (sheet.cells[r]?.[c]?.input && sheet.cells[r][c]!.v !== null) edits.push({ sheet: '公开03表', row: r, col: c, value: null });
    ref.apply(edits);
    const f = ref.findings().find((x) => x.rule === '03-00');
    expect(f?.severity).toBe('error');
    expect(f?.message).toBe('公开03表整张表为空（没有填报任何数），而公开01表本年支出合计为 3,966.62：请导入或填报公开03表。');
    expect(rules(ref, /-00$/)).toEqual(['03-00 error']);
  });
});

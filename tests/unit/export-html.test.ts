/**
 * The print HTML without a browser: a sheet's merges, borders, number formats, header rows and 注; the
 * packet document's parts and 目录; the PDF destination reader on hand-written PDFs.
 */
import { describe, expect, it } from 'vitest';
import { buildPacketHtml } from '../../shared/export/document.js';
import { missingPartText, printNarrative } from '../../shared/export/narrative.js';
import { formatCellText } from '../../shared/numfmt.js';
import { readPdfOutline } from '../../shared/export/pdf-dests.js';
import { renderSheet } from '../../shared/export/sheet-html.js';
import type { Cell, CellStyle, SheetModel } from '../../shared/model.js';
import type { NarrativeDoc } from '../../shared/narrative/types.js';
import { loadPacket } from '../helpers/packets.js';

const box = { t: true, r: true, b: true, l: true };
const STYLES: CellStyle[] = [
  { font: { name: '宋体', size: 18, bold: true }, align: { h: 'center', v: 'middle' } }, // 0 title
  { font: { name: '宋体', size: 10, bold: true }, align: { h: 'center', v: 'middle', wrap: true }, border: box }, // 1 head
  { font: { name: '宋体', size: 10 }, align: { h: 'left', v: 'middle', wrap: true }, border: box }, // 2 text
  { font: { name: '宋体', size: 10 }, align: { h: 'right', v: 'middle' }, border: box, numFmt: '#,##0.00' }, // 3 money
  { font: { name: '宋体', size: 9 }, align: { h: 'left', v: 'top', wrap: true } }, // 4 note
  { font: { name: '宋体', size: 10 }, align: { h: 'left', v: 'middle' } }, // 5 info, no wrap
];

function sheet(rows: (Cell | null)[][], extra: Partial<SheetModel> = {}): SheetModel {
  return {
    name: '测试表',
    kind: 'table',
    hidden: false,
    cells: rows,
    merges: [],
    colWidths: [12, 30, 14],
    rowHeights: [],
    frozenRows: 0,
    print: { orientation: 'landscape', fitToWidth: true, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6 } },
    ...extra,
  };
}

const T = (v: string, s: number): Cell => ({ v, s });

function small(): SheetModel {
  return sheet(
    [
      [T('收入决算表', 0), { s: 0 }, { s: 0 }],
      [T('部门：中共景德镇市昌南新区工作委员会党群工作部', 5), null, null],
      [T('科目编码', 1), T('科目名称', 1), T('金额', 1)],
      [T('类/款/项', 1), { s: 1 }, T('1', 1)],
      [T('201', 2), T('一般公共服务支出<script>', 2), { v: 1736.345, input: true, s: 3 }],
      [T('20103', 2), T('行政运行', 2), { v: -12, s: 3 }],
      [T('20104', 2), T('空', 2), { input: true, s: 3 }],
      [null, null, null],
      [T('注：本表反映部门本年度的收入。', 4), { s: 4 }, { s: 4 }],
    ],
    { merges: ['A1:C1', 'A4:B4', 'A9:C9'], frozenRows: 4 },
  );
}

describe('renderSheet', () => {
  const r = renderSheet(small(), STYLES, { id: 't-1', pageClass: 'newpage p-l' });

  it('turns merges into colspan/rowspan and drops the covered cells', () => {
    expect(r.html).toContain('<td class="s0" colspan="3">收入决算表</td>');
    expect(r.html).toMatch(/<td class="s1 bt br bb bl" colspan="2">类\/款\/项<\/td><td class="s1 bt br bb bl">1<\/td><\/tr>/);
    const vertical = renderSheet(sheet([[T('a', 2), T('b', 2)], [{ s: 2 }, T('c', 2)]], { merges: ['A1:A2'] }), STYLES);
    expect(vertical.html).toContain('<td class="s2 bt br bb bl" rowspan="2">a</td>');
    expect(vertical.html).toMatch(/<tr><td class="s2 bt br bb bl">c<\/td><\/tr>/);
  });

  it('prints numbers with the cell format (#,##0.00, negatives, blanks) and escapes text', () => {
    expect(r.html).toContain('>1,736.35</td>');
    expect(r.html).toContain('>-12.00</td>');
    expect(r.html).toContain('一般公共服务支出&lt;script&gt;');
    expect(r.html).not.toContain('<script>');
  });

  it('puts the frozen header rows in <thead> (repeated on every page) and the body in <tbody>', () => {
    const thead = /<thead>(.*)<\/thead>/s.exec(r.html)![1];
    expect(thead).toContain('收入决算表');
    expect(thead).toContain('科目名称');
    expect(thead).not.toContain('20103');
    expect(r.headerRows).toBe(4);
    expect(/<tbody>(.*)<\/tbody>/s.exec(r.html)![1]).toContain('20103');
  });

  it('prints the 注 once, under the table and outside it', () => {
    expect(r.notes).toEqual(['注：本表反映部门本年度的收入。']);
    const tableEnd = r.html.lastIndexOf('</table>');
    expect(r.html.indexOf('注：本表反映')).toBeGreaterThan(tableEnd);
    expect(r.html.match(/注：本表反映/g)).toHaveLength(1);
  });

  it('lets unwrapped text run over empty neighbours (as Excel prints it) instead of cutting it off', () => {
    expect(r.html).toContain('<td class="s5" colspan="3">部门：中共景德镇市昌南新区工作委员会党群工作部</td>');
    // with a neighbour in the way it stays in its cell (and wraps)
    const blocked = renderSheet(sheet([[T('部门：中共景德镇市昌南新区工作委员会党群工作部', 5), T('2024', 5), null]]), STYLES);
    expect(blocked.html).toContain('<td class="s5">部门：中共景德镇市昌南新区工作委员会党群工作部</td>');
  });

  it('fits a sheet wider than the page to its width, and leaves a narrow one alone', () => {
    expect(r.zoom).toBe(1);
    const wide = renderSheet(sheet([[T('x', 2), T('y', 2), T('z', 2)]], { colWidths: [100, 100, 100] }), STYLES);
    expect(wide.zoom).toBeLessThan(0.5);
    expect(wide.html).toContain(`zoom:${wide.zoom}`);
    const portrait = renderSheet(sheet([[T('x', 2)]], { print: { orientation: 'portrait', fitToWidth: true } }), STYLES);
    expect(portrait.geometry.orientation).toBe('portrait');
  });

  it('honours explicit print title rows, printing the rows above them once', () => {
    const s = small();
    s.print.titleRows = [3, 4];
    const t = renderSheet(s, STYLES);
    const thead = /<thead>(.*)<\/thead>/s.exec(t.html)![1];
    expect(thead).toContain('科目名称');
    expect(thead).not.toContain('收入决算表');
    expect(t.html.indexOf('收入决算表')).toBeLessThan(t.html.indexOf('<thead>'));
  });
});

describe('formatCellText', () => {
  it('formats like Excel for the formats templates use', () => {
    expect(formatCellText(1736.34, '#,##0.00')).toBe('1,736.34');
    expect(formatCellText(0, '#,##0.00')).toBe('0.00');
    expect(formatCellText(-0.001, '#,##0.00')).toBe('0.00');
    expect(formatCellText(1234567.891, '#,##0.00')).toBe('1,234,567.89');
    expect(formatCellText(45.316, '#,##0.00####')).toBe('45.316');
    expect(formatCellText(45.3, '#,##0.00####')).toBe('45.30');
    expect(formatCellText(17, '0')).toBe('17');
    expect(formatCellText(0.2487, '0.00%')).toBe('24.87%');
    expect(formatCellText(-5, '#,##0.00;(#,##0.00)')).toBe('(5.00)');
    expect(formatCellText(0, '#,##0.00;-#,##0.00;"-"')).toBe('-');
    expect(formatCellText(96.3, undefined)).toBe('96.3');
    expect(formatCellText(0.1 + 0.2, undefined)).toBe('0.3');
    expect(formatCellText('---', '#,##0.00')).toBe('---');
    expect(formatCellText(null, '#,##0.00')).toBe('');
    expect(formatCellText(true)).toBe('TRUE');
  });
});

describe('buildPacketHtml on the reference packet', () => {
  it('has cover, 目录, every part, all ten tables and every form, each sheet on its own named page', async () => {
    const packet = await loadPacket();
    const doc = buildPacketHtml({ packet, date: new Date(2025, 4, 20) });
    const { html } = doc;
    expect(html).toContain('<div class="cover" style="width:210mm;height:296mm">');
    expect(html).toContain('中共景德镇市昌南新区工作委员会党群工作部');
    expect(html).toContain('2025年5月20日');
    expect(html).toContain('id="toc"');
    expect(doc.tables.map((t) => t.sheet)).toEqual(Array.from({ length: 10 }, (_x, i) => `公开${String(i + 1).padStart(2, '0')}表`));
    expect(doc.tables[0].title).toBe('收入支出决算总表');
    const forms = packet.sheets.filter((s) => s.kind === 'form' && !s.hidden);
    expect(doc.forms.map((f) => f.sheet)).toEqual(forms.map((f) => f.name));
    for (const id of ['part-1', 'part-2', 'part-3', 'forms', 'part-4', 'part-5', ...doc.tables.map((t) => t.id)]) {
      expect(doc.toc.some((e) => e.id === id), id).toBe(true);
      expect(html).toContain(`id="${id}"`);
      expect(html).toContain(`href="#${id}"`);
    }
    // landscape tables and portrait ones print on different named pages
    const pageOf = (sheetName: string) => new RegExp(`<section class="sheet sheet-table newpage (p-[a-z0-9_-]+)"[^>]*data-sheet="${sheetName}"`).exec(html)?.[1];
    expect(pageOf('公开01表')).toMatch(/^p-a4-l-/);
    expect(pageOf('公开09表')).toMatch(/^p-a4-p-/);
    expect(html).toMatch(new RegExp(`@page ${pageOf('公开01表')} \\{ size: A4 landscape;`));
    expect(html).toContain('counter(page)');
    expect(html).toMatch(/thead \{ display: table-header-group; \}/);
    expect(html).toMatch(/tr \{ break-inside: avoid; \}/);
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('says plainly which parts are missing when there is no narrative, and never drops the part', async () => {
    const packet = await loadPacket();
    const doc = buildPacketHtml({ packet });
    expect(doc.missing).toEqual(['第一部分 概况', '第三部分 情况说明', '第四部分 名词解释', '第五部分 附件']);
    for (const key of ['overview', 'explanation', 'glossary', 'attachment'] as const) expect(doc.html).toContain(missingPartText(key));
    expect(doc.html).toContain('data-sheet="概况"');
  });

  it('says so when the packet has no 自评表, keeping the 目录 entry', async () => {
    const packet = await loadPacket();
    packet.sheets = packet.sheets.filter((s) => s.kind !== 'form' && s.kind !== 'summary');
    const doc = buildPacketHtml({ packet });
    expect(doc.missing).toContain('项目支出绩效自评表');
    expect(doc.forms).toEqual([]);
    expect(doc.toc.find((e) => e.id === 'forms')?.label).toBe('项目支出绩效自评表');
    expect(doc.html).toMatch(/id="forms"><h2>项目支出绩效自评表<\/h2><div class="missing">本公开包中没有项目支出绩效自评表/);
  });

  it('prints the narrative parts, lists their 一、… headings in the 目录 and puts the forms inside 第三部分 九', async () => {
    const packet = await loadPacket();
    const seg = (text: string, bold = false) => ({ t: 'text' as const, text, ...(bold ? { bold } : {}) });
    const nd: NarrativeDoc = {
      title: '单位2024年度部门决算',
      notes: ['注：本报告因金额单位转换原因可能存在尾数误差。'],
      parts: [
        { id: '一', heading: '第一部分 单位概况', paragraphs: [{ id: 'a', style: 'h1', segments: [seg('一、部门主要职责')] }, { id: 'b', style: 'body', segments: [seg('负责……')] }] },
        {
          id: '三',
          heading: '第三部分 2024年度部门决算情况说明',
          paragraphs: [
            { id: 'c', style: 'h1', segments: [seg('九、预算绩效情况说明')] },
            { id: 'd', style: 'h2', segments: [seg('（二）部门决算中项目绩效自评情况。')] },
            { id: 'e', style: 'body', segments: [seg('项目支出绩效自评结果如下：')] },
            { id: 'f', style: 'h2', segments: [seg('（三）部门评价项目绩效评价情况。')] },
          ],
        },
        { id: '四', heading: '第四部分 名词解释', paragraphs: [{ id: 'g', style: 'h1', segments: [seg('一、收入科目')] }, { id: 'h', style: 'term', segments: [seg('财政拨款收入：', true), seg('指……')] }] },
        { id: '五', heading: '第五部分 附件', paragraphs: [{ id: 'i', style: 'subtitle', segments: [seg('某项目部门评价报告')] }, { id: 'j', style: 'h1', segments: [seg('一、基本情况')] }] },
      ],
    };
    const narrative = printNarrative(nd);
    const doc = buildPacketHtml({ packet, narrative });
    expect(doc.missing).toEqual([]);
    const labels = doc.toc.map((e) => e.label);
    expect(labels).toContain('一、部门主要职责');
    expect(labels).toContain('九、预算绩效情况说明');
    expect(labels).toContain('某项目部门评价报告');
    // 名词解释 categories and the 附件's inner headings are not 目录 entries, as in the published packets
    expect(labels).not.toContain('一、收入科目');
    expect(labels).not.toContain('一、基本情况');
    const h = doc.html;
    expect(h.indexOf('项目支出绩效自评结果如下')).toBeLessThan(h.indexOf('id="forms"'));
    expect(h.indexOf('id="forms"')).toBeLessThan(h.indexOf('（三）部门评价项目绩效评价情况'));
    expect(h).toContain('<b>财政拨款收入：</b>指……');
    expect(h).toContain('注：本报告因金额单位转换原因可能存在尾数误差。');
  });
});

describe('readPdfOutline', () => {
  /** A minimal PDF with a classic xref table, built the way Skia writes it. */
  function pdf(objects: string[], root: number): Uint8Array {
    let out = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((o, i) => {
      offsets.push(out.length);
      out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    });
    const xref = out.length;
    out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
    out += `trailer\n<</Size ${objects.length + 1}\n/Root ${root} 0 R>>\nstartxref\n${xref}\n%%EOF`;
    return new Uint8Array([...out].map((c) => c.charCodeAt(0)));
  }

  it('maps /Dests names to 1-based pages through a nested page tree', () => {
    const bytes = pdf(
      [
        '<</Type /Catalog\n/Pages 2 0 R\n/Dests 7 0 R>>',
        '<</Type /Pages\n/Count 3\n/Kids [3 0 R 4 0 R]>>',
        '<</Type /Page\n/Parent 2 0 R>>',
        '<</Type /Pages\n/Count 2\n/Kids [5 0 R 6 0 R]>>',
        '<</Type /Page\n/Parent 4 0 R>>',
        '<</Type /Page\n/Parent 4 0 R>>',
        '<</t-1 [5 0 R /XYZ 0 580.7 0]\n/part#2D2 [6 0 R /XYZ 0 827 0]\n/cover [3 0 R /Fit]>>',
      ],
      1,
    );
    const o = readPdfOutline(bytes);
    expect(o.pageCount).toBe(3);
    expect(Object.fromEntries(o.dests)).toEqual({ 't-1': 2, 'part-2': 3, cover: 1 });
  });

  it('reads a /Names /Dests name tree and indirect destinations', () => {
    const bytes = pdf(
      [
        '<</Type /Catalog /Pages 2 0 R /Names << /Dests 5 0 R >> >>',
        '<</Type /Pages /Count 2 /Kids [3 0 R 4 0 R]>>',
        '<</Type /Page /Parent 2 0 R>>',
        '<</Type /Page /Parent 2 0 R>>',
        '<</Kids [6 0 R]>>',
        '<</Names [(forms) [4 0 R /XYZ 0 0 0] (toc) 7 0 R] /Limits [(forms) (toc)]>>',
        '<</D [3 0 R /Fit]>>',
      ],
      1,
    );
    expect(Object.fromEntries(readPdfOutline(bytes).dests)).toEqual({ forms: 2, toc: 1 });
  });

  it('finds nothing in a file without destinations, and survives a broken xref', () => {
    const bytes = pdf(['<</Type /Catalog /Pages 2 0 R>>', '<</Type /Pages /Count 1 /Kids [3 0 R]>>', '<</Type /Page>>'], 1);
    expect(readPdfOutline(bytes)).toEqual({ pageCount: 1, dests: new Map() });
    const broken = new Uint8Array([...bytes.slice(0, bytes.length - 20), ...new TextEncoder().encode('startxref\n99999\n%%EOF')]);
    expect(readPdfOutline(broken).pageCount).toBe(1);
  });
});

/**
 * 审核报告 (全审): every finding of the packet grouped by table, with severity, cells, message and the
 * accountant's 出错说明, as an .xlsx (ExcelJS) or as HTML the caller prints to PDF (the same printer as the
 * 公开包 PDF). Pure: bytes and strings out.
 */
import ExcelJS from 'exceljs';
import { findingRank, type Finding, type PacketSession } from '../engine.js';
import type { Explanation } from '../model.js';
import { packetUnit, packetYear, type AppendixSection } from '../export/document.js';
import type { PageGeometry } from '../export/sheet-html.js';
import { esc } from '../export/html.js';
import { heightForLines, wrappedLines } from '../export/row-height.js';
import { explainFindings, exportGate, orphanExplanations, type ExplanationState } from './explanations.js';

export interface ReportRow {
  sheet: string;
  /** 错误 / 提示 / 尾数差 */
  level: string;
  rule: string;
  cells: string;
  message: string;
  explanation: string;
  /** 已说明 / 待复核 / 未说明 / 须改正 / 无需说明 */
  status: string;
  state: ExplanationState;
  severity: Finding['severity'];
}

export interface AuditReport {
  unit: string;
  year: string;
  /** when the report was made, "YYYY-MM-DD HH:MM" */
  made: string;
  groups: { sheet: string; rows: ReportRow[] }[];
  counts: { errors: number; warnings: number; rounding: number; explained: number; stale: number; unexplained: number };
  /** 出错说明 whose finding no longer appears (fixed, or moved): printed so nothing written is lost */
  orphans: Explanation[];
}

function levelOf(f: Finding): string {
  return f.severity === 'error' ? '错误' : f.rounding ? '尾数差' : '提示';
}

function statusOf(f: Finding, state: ExplanationState): string {
  if (f.severity === 'error') return '须改正';
  if (state === 'ok') return '已说明';
  if (state === 'stale') return '待复核';
  return f.rounding ? '无需说明' : '未说明';
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

type ReportSession = Pick<PacketSession, 'getValue' | 'findings' | 'packet'>;

/** The report of the packet as it stands: groups in the packet's sheet order, errors first in each group. */
export function buildAuditReport(session: ReportSession, made: Date = new Date()): AuditReport {
  const findings = session.findings();
  const order = new Map(session.packet.sheets.map((s, i) => [s.name, i]));
  const groups = new Map<string, ReportRow[]>();
  // errors, then 提示, then 尾数差 in each table: the one ranking of findings (engine.ts findingRank)
  const explained = explainFindings(session, findings).sort((a, b) => findingRank(a.finding) - findingRank(b.finding));
  for (const x of explained) {
    const f = x.finding;
    let text = x.explanation?.text ?? '';
    if (x.state === 'stale' && x.explanation) text += `\n（待复核：说明写于 ${x.explanation.at}，当时的审核结果为「${x.explanation.message}」，数字已变。）`;
    const row: ReportRow = {
      sheet: f.sheet, level: levelOf(f), rule: f.rule, cells: f.cells.join(','), message: f.message, explanation: text,
      status: statusOf(f, x.state), state: x.state, severity: f.severity,
    };
    let g = groups.get(f.sheet);
    if (!g) groups.set(f.sheet, (g = []));
    g.push(row);
  }
  const sorted = [...groups.entries()]
    .sort((a, b) => (order.get(a[0]) ?? 1e9) - (order.get(b[0]) ?? 1e9) || a[0].localeCompare(b[0]))
    .map(([sheet, rows]) => ({ sheet, rows }));
  const gate = exportGate(session, findings);
  const errors = gate.errors.length;
  return {
    unit: packetUnit(session.packet),
    year: packetYear(session.packet),
    made: stamp(made),
    groups: sorted,
    counts: {
      errors,
      warnings: findings.length - errors,
      rounding: findings.filter((f) => f.severity === 'warning' && f.rounding).length,
      explained: gate.explained.length,
      stale: gate.stale.length,
      unexplained: gate.unexplained.length,
    },
    orphans: orphanExplanations(session, findings),
  };
}

export function reportTitle(r: AuditReport): string {
  return `${r.unit}${r.year ? `${r.year}年度` : ''}部门决算审核报告`;
}

export function reportSummary(r: AuditReport): string {
  const c = r.counts;
  return `错误 ${c.errors} 个；提示 ${c.warnings} 个（其中尾数差 ${c.rounding} 个，已写出错说明 ${c.explained} 个，待复核 ${c.stale} 个，未说明 ${c.unexplained} 个）。`;
}

const HEAD = ['序号', '级别', '编号', '单元格', '审核结果', '出错说明', '状态'];
const WIDTHS = [6, 8, 14, 14, 58, 44, 10];

/** The report as a workbook: one sheet 审核报告, A4 landscape, header rows repeated, page numbers in the footer. */
export async function auditReportXlsx(r: AuditReport): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '决算公开助手';
  const ws = wb.addWorksheet('审核报告', {
    pageSetup: {
      paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
    views: [{ state: 'frozen', ySplit: 4, xSplit: 0 }],
  });
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const font = { name: '宋体', size: 10 };
  const border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;
  ws.mergeCells('A1:G1');
  ws.getCell('A1').value = reportTitle(r);
  ws.getCell('A1').font = { name: '宋体', size: 16, bold: true };
  ws.getCell('A1').alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;
  ws.mergeCells('A2:G2');
  ws.getCell('A2').value = reportSummary(r);
  ws.getCell('A2').font = font;
  ws.mergeCells('A3:G3');
  ws.getCell('A3').value = `生成时间：${r.made}`;
  ws.getCell('A3').font = font;
  const head = ws.getRow(4);
  head.values = HEAD;
  head.eachCell((c) => {
    c.font = { ...font, bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = border;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });
  head.height = 20;
  let n = 0;
  const put = (values: (string | number)[], opts: { bold?: boolean; merge?: boolean; fill?: string } = {}) => {
    const row = ws.addRow(values);
    if (opts.merge) ws.mergeCells(row.number, 1, row.number, 7);
    let lines = 1;
    row.eachCell({ includeEmpty: true }, (c, col) => {
      c.font = { ...font, bold: !!opts.bold };
      c.alignment = { vertical: 'top', wrapText: true, horizontal: col === 1 ? 'center' : 'left' };
      c.border = border;
      if (opts.fill) c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: opts.fill } };
      const width = opts.merge ? WIDTHS.reduce((a, b) => a + b, 0) : WIDTHS[col - 1];
      if (!opts.merge || col === 1) lines = Math.max(lines, wrappedLines(String(c.value ?? ''), width, 10));
    });
    row.height = heightForLines(lines, 10);
    return row;
  };
  for (const g of r.groups) {
    put([`${g.sheet}（${g.rows.length} 条）`], { bold: true, merge: true, fill: 'FFF5F5F5' });
    for (const x of g.rows) {
      n++;
      const row = put([n, x.level, x.rule, x.cells, x.message, x.explanation, x.status]);
      if (x.severity === 'error') row.getCell(2).font = { ...font, bold: true, color: { argb: 'FFC00000' } };
      if (x.state === 'stale') row.getCell(7).font = { ...font, bold: true, color: { argb: 'FF9C5700' } };
    }
  }
  if (!r.groups.length) put(['没有审核问题。'], { merge: true });
  if (r.orphans.length) {
    put([`已不再出现的审核结果的出错说明（${r.orphans.length} 条，保留备查）`], { bold: true, merge: true, fill: 'FFF5F5F5' });
    for (const e of r.orphans) put(['', '', e.rule, `${e.sheet}!${e.cells}`, e.message, e.text, '已不出现']);
  }
  ws.pageSetup.printTitlesRow = '4:4';
  ws.pageSetup.printArea = `A1:G${ws.rowCount}`;
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

/** The report's page: A4 landscape, narrow margins (the columns of message and 出错说明 need the width). */
export const AUDIT_REPORT_PAGE: PageGeometry = { orientation: 'landscape', paper: 'A4', margins: { top: 14, right: 12, bottom: 16, left: 12 } };

/** The report's style; `scope` prefixes every selector ('' for the standalone page, '.appendix' inside the packet). */
function reportCss(scope: string): string {
  const at = (sel: string) => (scope ? `${scope} ${sel}` : sel);
  return `${scope || 'body'} { font: 10pt "Noto Serif CJK SC", "SimSun", "宋体", serif; margin: 0; }
${at('h1')} { font-size: 16pt; text-align: center; margin: 0 0 4mm; }
${at('p')} { margin: 0 0 2mm; }
${at('table')} { width: 100%; border-collapse: collapse; table-layout: fixed; }
${at('thead')} { display: table-header-group; }
${at('th')}, ${at('td')} { border: 0.5pt solid #000; padding: 1mm 1.5mm; vertical-align: top; word-break: break-all; }
${at('th')} { background: #efefef; }
${at('tr')} { break-inside: avoid; }
${at('tr.g td')} { background: #f5f5f5; font-weight: bold; }
${at('td.c')} { text-align: center; }
${at('tr.err .lv')} { color: #c00000; font-weight: bold; }
${at('tr.stale .st')} { color: #9c5700; font-weight: bold; }`;
}

/** The report's content (title, summary, the table), the same in the standalone page and in a packet print. */
function reportBody(r: AuditReport): string {
  const cell = (t: string) => esc(t).replace(/\n/g, '<br>');
  const rows: string[] = [];
  let n = 0;
  for (const g of r.groups) {
    rows.push(`<tr class="g"><td colspan="7">${esc(g.sheet)}（${g.rows.length} 条）</td></tr>`);
    for (const x of g.rows) {
      n++;
      rows.push(
        `<tr class="${x.severity === 'error' ? 'err' : x.state}"><td class="c">${n}</td><td class="c lv">${esc(x.level)}</td><td>${esc(x.rule)}</td>` +
          `<td>${esc(x.cells)}</td><td>${cell(x.message)}</td><td>${cell(x.explanation)}</td><td class="c st">${esc(x.status)}</td></tr>`,
      );
    }
  }
  if (!r.groups.length) rows.push('<tr><td colspan="7">没有审核问题。</td></tr>');
  if (r.orphans.length) {
    rows.push(`<tr class="g"><td colspan="7">已不再出现的审核结果的出错说明（${r.orphans.length} 条，保留备查）</td></tr>`);
    for (const e of r.orphans) rows.push(`<tr><td></td><td></td><td>${esc(e.rule)}</td><td>${esc(`${e.sheet}!${e.cells}`)}</td><td>${cell(e.message)}</td><td>${cell(e.text)}</td><td class="c">已不出现</td></tr>`);
  }
  return `<h1>${esc(reportTitle(r))}</h1>
<p>${esc(reportSummary(r))}</p>
<p>生成时间：${esc(r.made)}</p>
<table><colgroup>${WIDTHS.map((w) => `<col style="width:${((w / WIDTHS.reduce((a, b) => a + b, 0)) * 100).toFixed(1)}%">`).join('')}</colgroup>
<thead><tr>${HEAD.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** The report as one printable HTML page (A4 landscape, page numbers), for the PDF printer. */
export function auditReportHtml(r: AuditReport): string {
  const m = AUDIT_REPORT_PAGE.margins;
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(reportTitle(r))}</title>
<style>
@page { size: A4 landscape; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font: 9pt "Noto Serif CJK SC", "SimSun", serif; } }
${reportCss('')}
</style></head><body>
${reportBody(r)}
</body></html>`;
}

/**
 * The report as a part of a packet print (the print dialog's 审核报告): the same content and style as
 * auditReportHtml, on its own A4 landscape page, numbered on with the packet.
 */
export function auditReportSection(r: AuditReport): AppendixSection {
  return { key: 'report', title: reportTitle(r), css: reportCss('.appendix'), body: reportBody(r), page: AUDIT_REPORT_PAGE };
}

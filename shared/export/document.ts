/**
 * The submission packet (公开包) as one HTML document for Chromium to print: cover, 目录, 第一部分 概况, 第二部分
 * the tables, 第三部分 情况说明 with the 项目支出绩效自评表, 第四部分 名词解释, 第五部分 附件, page numbers on every
 * page but the cover. No script, no external resource: the same HTML prints the same way in Playwright's
 * page.pdf() and in Electron's webContents.printToPDF().
 *
 * The 目录's page numbers are filled in by a second pass (see pdf.ts): the first print tells on which page
 * each 目录 target landed (the PDF's named destinations), the second print carries the numbers. The numbers sit
 * in fixed-width boxes, so filling them in cannot move anything.
 */
import { coverDate } from './cover.js';
import { parseSheetRange } from '../a1.js';
import type { Packet, SheetModel } from '../model.js';
import { chineseDate, chineseNumber, esc, escLines, fontStack } from './html.js';
import { missingPartText, PART_NAMES, type NarrativeBlock, type NarrativePart, type NarrativePartKey, type PacketNarrative } from './narrative.js';
import { pageMm, renderSheet, sheetGeometry, styleCss, type PageGeometry, type PaperSize } from './sheet-html.js';

export type Orientation = PageGeometry['orientation'];

/**
 * What the print dialog changes about the pages: one paper for the whole print, and an orientation per part
 * (keys as print.ts names the parts: cover, toc, part-1, part-2, t-N, narrative, forms-summary, f-N, part-4,
 * part-5, report; `forms` stands for every f-N). Anything not given prints as the template set declares.
 */
export interface PacketLayout {
  paper?: PaperSize;
  orientation?: Record<string, Orientation>;
}

/** A printable section appended after the packet (the 审核报告): its body and CSS scoped to `.appendix`. */
export interface AppendixSection {
  key: string;
  title: string;
  /** CSS whose selectors start with `.appendix` */
  css: string;
  body: string;
  /** its own page declaration (the 审核报告: A4 landscape, narrow margins) */
  page: PageGeometry;
}

export interface PacketDocumentInput {
  packet: Packet;
  /** the text parts; where a part is missing the packet prints a page that says so */
  narrative?: PacketNarrative;
  /** the cover date; defaults to today */
  date?: Date;
  /** paper and per-part orientation chosen in the print dialog */
  layout?: PacketLayout;
  /** printed after the packet, with a bookmark but no 目录 line (it is not part of the published packet) */
  appendix?: AppendixSection;
}

export interface TocEntry {
  /** the element id (PDF named destination) */
  id: string;
  level: 1 | 2;
  /** as printed in the 目录, e.g. "一、收入支出决算总表" */
  label: string;
  /** text printed on the target page, e.g. "收入支出决算总表" */
  title: string;
  /** a bookmark and a destination, but no 目录 line (the 审核报告 appended to a print) */
  unlisted?: boolean;
}

export interface PacketDocument {
  html: string;
  toc: TocEntry[];
  /** ids of the sections that start on a new page, in order; the forms among them */
  forms: { sheet: string; id: string }[];
  tables: { sheet: string; id: string; title: string }[];
  /** plain statements of what the packet lacks (a narrative part, the forms), also printed in it */
  missing: string[];
  /** each print part's page as the template set declares it (before the dialog's layout), by part key */
  declared: Record<string, { orientation: Orientation; paper: PaperSize }>;
}

/** Page numbers by TocEntry.id; absent in the first pass. */
export type PageMap = Record<string, number>;

/** GB/T 9704 text page: margins top 37, right 26, bottom 35, left 28 mm. */
const TEXT_PAGE: PageGeometry = { orientation: 'portrait', margins: { top: 37, right: 26, bottom: 35, left: 28 } };

function nameValue(packet: Packet, name: string): string {
  const dn = packet.names.find((n) => n.name === name);
  if (!dn) return '';
  const ref = parseSheetRange(dn.ref.replace(/\$/g, ''));
  if (!ref) return '';
  const sheet = packet.sheets.find((s) => s.name === ref.sheet);
  const v = sheet?.cells[ref.top]?.[ref.left]?.v;
  return v === null || v === undefined ? '' : String(v).trim();
}

export function packetUnit(packet: Packet): string {
  return nameValue(packet, '单位名称') || packet.meta['单位名称'] || packet.meta['单位'] || '';
}

export function packetYear(packet: Packet): string {
  return nameValue(packet, '决算年度') || packet.meta['决算年度'] || packet.meta['年度'] || '';
}

function pageName(g: PageGeometry): string {
  const m = g.margins;
  return `p-${(g.paper ?? 'A4').toLowerCase()}-${g.orientation[0]}-${[m.top, m.right, m.bottom, m.left].map((x) => String(x).replace('.', '_')).join('-')}`;
}

function pageRule(name: string, g: PageGeometry): string {
  const m = g.margins;
  // a divider page (第二部分's title page) is centred in the text height of its own page
  const divider = `.divider.${name} { height: ${Math.max(60, pageMm(g).h - m.top - m.bottom - 25)}mm; }`;
  return `@page ${name} { size: ${g.paper ?? 'A4'} ${g.orientation}; margin: ${m.top}mm ${m.right}mm ${m.bottom}mm ${m.left}mm; }\n.${name} { page: ${name}; }\n${divider}`;
}

const BODY_FONT = fontStack('仿宋_GB2312');
const HEI = fontStack('黑体');
const KAI = fontStack('楷体_GB2312');
const TITLE_FONT = fontStack('方正小标宋简体');
const SONG = fontStack('宋体');

function baseCss(): string {
  const tm = TEXT_PAGE.margins;
  return `
@page { size: A4 portrait; margin: ${tm.top}mm ${tm.right}mm ${tm.bottom}mm ${tm.left}mm;
  @bottom-center { content: "— " counter(page) " —"; font-family: ${SONG}; font-size: 12pt; vertical-align: top; padding-top: 4mm; } }
@page cover { margin: 0; @bottom-center { content: none; } }
html, body { margin: 0; padding: 0; }
body { font-family: ${SONG}; color: #000; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.cover { page: cover; width: 210mm; height: 296mm; box-sizing: border-box; padding: 75mm 18mm 0; text-align: center; position: relative; overflow: hidden; }
.cover .unit { font-family: ${TITLE_FONT}; font-size: 22pt; font-weight: bold; line-height: 1.6; }
.cover .year { font-family: ${TITLE_FONT}; font-size: 22pt; font-weight: bold; margin-top: 8mm; }
.cover .date { position: absolute; left: 0; right: 0; bottom: 50mm; font-family: ${KAI}; font-size: 16pt; }
.newpage { break-before: page; }
.text { font-family: ${BODY_FONT}; font-size: 16pt; line-height: 28pt; }
.text h1 { font-family: ${TITLE_FONT}; font-size: 22pt; line-height: 1.4; text-align: center; font-weight: bold; margin: 0 0 28pt; }
.text h2 { font-family: ${HEI}; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; break-after: avoid; }
.text h3 { font-family: ${KAI}; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; break-after: avoid; }
.text h4, .text h5 { font-family: ${BODY_FONT}; font-size: 16pt; font-weight: bold; margin: 0; text-indent: 2em; break-after: avoid; }
.text p { margin: 0; text-indent: 2em; text-align: justify; orphans: 2; widows: 2; }
.text p b { font-family: ${HEI}; font-weight: normal; }
.text table.t { border-collapse: collapse; width: 100%; font-size: 12pt; line-height: 1.4; margin: 6pt 0; }
.text table.t td { border: 0.75pt solid #000; padding: 2pt 4pt; text-indent: 0; }
.text table.t tr { break-inside: avoid; }
.missing { border: 1.5pt solid #000; padding: 10pt 14pt; margin: 14pt 0; font-family: ${HEI}; font-size: 16pt; line-height: 28pt; }
.divider { display: flex; flex-direction: column; justify-content: center; height: 200mm; text-align: center; }
.divider h1 { margin: 0; }
.toc h1 { letter-spacing: 1em; text-indent: 1em; }
.toc-note { margin-top: 14pt !important; font-size: 14pt; }
.text h2.sub { font-family: ${TITLE_FONT}; font-size: 18pt; line-height: 1.5; text-align: center; text-indent: 0; font-weight: bold; margin: 0 0 14pt; }
.toc-e { text-indent: 0; break-inside: avoid; font-size: 14pt; line-height: 26pt; }
.toc-e a { color: #000; text-decoration: none; display: flex; align-items: flex-end; }
.toc-e .t { flex: 0 1 auto; min-width: 0; }
.toc-e .dots { flex: 1 1 2em; min-width: 2em; height: 0; border-bottom: 1.5pt dotted #000; margin: 0 4pt 8pt; }
.toc-e .pg { flex: 0 0 2.6em; text-align: right; font-family: ${SONG}; }
.toc-e .ph { visibility: hidden; }
.toc-e.l1 { font-family: ${HEI}; margin-top: 6pt; }
.toc-e.l2 { padding-left: 2em; }
.sheet .fit { width: 100%; }
/* defaults without specificity (:where), so each template style (.sN) overrides them */
:where(table.grid) { border-collapse: collapse; table-layout: fixed; margin: 0 auto; font-family: ${SONG}; font-size: 10pt; line-height: 1.25; }
:where(table.grid td) { padding: 1px 2px; vertical-align: bottom; overflow: hidden; white-space: normal; word-break: break-all; height: 18px; box-sizing: border-box; }
:where(table.grid td.n) { text-align: right; white-space: nowrap; }
:where(table.grid td.c) { text-align: center; }
table.grid thead { display: table-header-group; }
table.grid tr { break-inside: avoid; }
table.grid td.bt { border-top: 0.75pt solid #000; }
table.grid td.br { border-right: 0.75pt solid #000; }
table.grid td.bb { border-bottom: 0.75pt solid #000; }
table.grid td.bl { border-left: 0.75pt solid #000; }
.notes { margin: 4pt auto 0; font-family: ${SONG}; font-size: 9pt; line-height: 1.4; break-inside: avoid; }
.notes p { margin: 0; white-space: pre-wrap; }
`;
}

interface Builder {
  out: string[];
  toc: TocEntry[];
  pages: Map<string, PageGeometry>;
  layout: PacketLayout;
  declared: PacketDocument['declared'];
}

/** The page a part prints on: the declared one, with the dialog's paper and orientation for that part. */
function partGeometry(b: Builder, key: string, declared: PageGeometry): PageGeometry {
  const paper = declared.paper ?? 'A4';
  b.declared[key] = { orientation: declared.orientation, paper };
  const o = b.layout.orientation ?? {};
  const orientation = o[key] ?? (/^f-\d+$/.test(key) ? o.forms : undefined) ?? declared.orientation;
  return { ...declared, paper: b.layout.paper ?? paper, orientation };
}

function partPage(b: Builder, key: string, declared: PageGeometry): string {
  return usePage(b, partGeometry(b, key, declared));
}

function geometryOf(b: Builder, name: string): PageGeometry {
  return b.pages.get(name)!;
}

function usePage(b: Builder, g: PageGeometry): string {
  const name = pageName(g);
  b.pages.set(name, g);
  return name;
}

function blockHtml(block: NarrativeBlock): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level + 1}>${esc(block.text)}</h${block.level + 1}>`;
    case 'paragraph':
      return `<p>${block.lead ? `<b>${esc(block.lead)}</b>` : ''}${escLines(block.text)}</p>`;
    case 'table': {
      const head = block.header ?? 0;
      return `<table class="t">${block.rows
        .map((r, i) => `<tr>${r.map((c) => (i < head ? `<td><b>${esc(c)}</b></td>` : `<td>${escLines(c)}</td>`)).join('')}</tr>`)
        .join('')}</table>`;
    }
    case 'subtitle':
      return `<h2 class="sub">${esc(block.text)}</h2>`;
    case 'forms':
      return '';
  }
}

/** A part's blocks; level-1 headings become 目录 entries. Returns the html and whether a 'forms' block was met. */
/** Which headings of a part the 目录 lists: 一、… of 概况 and 情况说明, the report titles of 附件, none of 名词解释. */
type TocLevel = 'headings' | 'subtitles' | 'none';

function partBody(b: Builder, key: string, part: NarrativePart, formsHtml: () => string, listed: TocLevel = 'headings', pageClass = ''): string {
  let n = 0;
  const parts: string[] = [];
  for (const block of part.blocks) {
    if (block.kind === 'forms') {
      // p3-cont: where the text resumes after the 自评表, so a print of the 情况说明 alone can find it
      parts.push(`</div>${formsHtml()}<div class="text newpage ${pageClass}" id="p3-cont">`);
      continue;
    }
    const inToc = (listed === 'headings' && block.kind === 'heading' && block.level === 1) || (listed !== 'none' && block.kind === 'subtitle');
    if (inToc && (block.kind === 'heading' || block.kind === 'subtitle')) {
      const id = `${key}-h${++n}`;
      b.toc.push({ id, level: 2, label: block.text, title: block.text });
      parts.push(block.kind === 'subtitle' ? `<h2 class="sub" id="${id}">${esc(block.text)}</h2>` : `<h2 id="${id}">${esc(block.text)}</h2>`);
      continue;
    }
    parts.push(blockHtml(block));
  }
  return parts.join('\n');
}

function missingBox(text: string): string {
  return `<div class="missing">${esc(text)}</div>`;
}

function tocHtml(toc: TocEntry[], pages: PageMap | undefined, notes: string[], pageClass: string): string {
  const rows = toc.filter((e) => !e.unlisted).map((e) => {
    // the first pass prints invisible digits where the number goes: an empty box lays out differently
    const pg = pages?.[e.id];
    const num = pg === undefined ? '<span class="ph">000</span>' : String(pg);
    return `<div class="toc-e l${e.level}"><a href="#${e.id}"><span class="t">${esc(e.label)}</span><span class="dots"></span><span class="pg">${num}</span></a></div>`;
  });
  const foot = notes.map((n) => `<p class="toc-note">${esc(n)}</p>`).join('');
  return `<div class="text toc newpage ${pageClass}" id="toc"><h1>目录</h1>${rows.join('\n')}${foot}</div>`;
}

/**
 * 公开包信息 key listing the parts a set does not publish, separated by 、 — `项目支出绩效自评表`, or a text part's
 * name as PART_NAMES gives it (`第五部分 附件`). Such a part, when the packet indeed lacks it, gets no page and no 目录 entry.
 */
export const ABSENT_PARTS_KEY = '公开包不含';

/**
 * Build the packet document. Without `pages` the 目录 shows no numbers (first pass); with them it shows the
 * numbers. Everything else is identical between the passes.
 */
export function buildPacketHtml(input: PacketDocumentInput, pages?: PageMap): PacketDocument {
  const { packet } = input;
  const narrative = input.narrative ?? {};
  const unit = packetUnit(packet);
  const year = packetYear(packet);
  const b: Builder = { out: [], toc: [], pages: new Map(), layout: input.layout ?? {}, declared: {} };
  const missing: string[] = [];
  const visible = packet.sheets.filter((s) => !s.hidden);
  const tables = visible.filter((s) => s.kind === 'table');
  const forms = visible.filter((s) => s.kind === 'form');
  const summaries = visible.filter((s) => s.kind === 'summary');
  const overviewSheet = visible.find((s) => s.kind === 'overview');
  // parts the set declares it does not publish (a nine-table set has no 自评表 and no 附件): left out, not flagged missing
  const absent = new Set((packet.meta[ABSENT_PARTS_KEY] ?? '').split(/[、,，;；]/).map((x) => x.trim()).filter(Boolean));

  const sheetSection = (s: SheetModel, id: string, key: string) => {
    const page = partPage(b, key, sheetGeometry(s));
    return renderSheet(s, packet.styles, { id, pageClass: `newpage ${page}`, geometry: geometryOf(b, page) });
  };
  const textPage = (key: string) => partPage(b, key, TEXT_PAGE);
  const coverG = partGeometry(b, 'cover', TEXT_PAGE);
  const tocPage = textPage('toc');

  // -- 第一部分
  const p1Title = narrative.overview?.title ?? `第一部分 ${unit}概况`;
  b.toc.push({ id: 'part-1', level: 1, label: p1Title, title: p1Title });
  const p1Page = textPage('part-1');
  let p1 = `<div class="text newpage ${p1Page}" id="part-1"><h1>${esc(p1Title)}</h1>`;
  let p1After = '';
  if (narrative.overview) {
    p1 += partBody(b, 'p1', narrative.overview, () => '');
  } else {
    missing.push(PART_NAMES.overview);
    p1 += missingBox(missingPartText('overview') + (overviewSheet ? ' 下面按「概况」表列出本部分的内容。' : ''));
    if (overviewSheet) p1After = sheetSection(overviewSheet, 'overview-sheet', 'part-1').html;
  }
  p1 += '</div>';

  // -- 第二部分
  const p2Title = `第二部分 ${year}年度部门决算表`;
  b.toc.push({ id: 'part-2', level: 1, label: p2Title, title: p2Title });
  let p2 = `<div class="text newpage divider ${textPage('part-2')}" id="part-2"><h1>${esc(p2Title)}</h1></div>`;
  const tableInfo: PacketDocument['tables'] = [];
  tables.forEach((s, i) => {
    const id = `t-${i + 1}`;
    const r = sheetSection(s, id, id);
    tableInfo.push({ sheet: s.name, id, title: r.title });
    b.toc.push({ id, level: 2, label: `${chineseNumber(i + 1)}、${r.title}`, title: r.title });
    p2 += r.html;
  });
  if (!tables.length) {
    missing.push('公开表');
    p2 += `<div class="text newpage ${textPage('part-2')}">${missingBox('本公开包中没有公开表。')}</div>`;
  }

  // -- 项目支出绩效自评表 (inside 第三部分)
  const formInfo: PacketDocument['forms'] = [];
  let formsEntry: TocEntry | undefined;
  const formsHtml = (): string => {
    const title = '项目支出绩效自评表';
    if (!forms.length && !summaries.length && absent.has(title)) return '';
    // no divider page: the 目录 entry points at the first sheet (the 汇总 when there is one)
    let h = '';
    let firstTitle = '';
    const section = (s: SheetModel, id: string, key: string) => {
      const r = sheetSection(s, id, key);
      firstTitle ||= r.title;
      h += r.html;
    };
    summaries.forEach((s, i) => section(s, i === 0 ? 'forms' : `forms-summary-${i + 1}`, 'forms-summary'));
    forms.forEach((s, i) => {
      const id = !summaries.length && i === 0 ? 'forms' : `f-${i + 1}`;
      formInfo.push({ sheet: s.name, id });
      section(s, id, `f-${i + 1}`);
    });
    if (!forms.length) {
      missing.push('项目支出绩效自评表');
      h += `<div class="text newpage ${textPage('narrative')}" id="forms"><h2>${title}</h2>${missingBox('本公开包中没有项目支出绩效自评表：请在「自评表」中添加项目后重新导出；本单位当年确无项目支出的，可不附。')}</div>`;
      firstTitle = title;
    }
    formsEntry = { id: 'forms', level: 2, label: forms.length ? `${title}（共${forms.length}张）` : title, title: firstTitle };
    b.toc.push(formsEntry);
    return h;
  };

  // -- 第三部分
  const p3Title = narrative.explanation?.title ?? `第三部分 ${year}年度部门决算情况说明`;
  b.toc.push({ id: 'part-3', level: 1, label: p3Title, title: p3Title });
  const p3Page = textPage('narrative');
  let p3 = `<div class="text newpage ${p3Page}" id="part-3"><h1>${esc(p3Title)}</h1>`;
  if (narrative.explanation) {
    p3 += partBody(b, 'p3', narrative.explanation, formsHtml, 'headings', p3Page);
  } else {
    missing.push(PART_NAMES.explanation);
    p3 += missingBox(missingPartText('explanation'));
  }
  p3 += '</div>';
  if (!formsEntry) p3 += formsHtml();

  // -- 第四、五部分
  const textPart = (key: NarrativePartKey, id: string, defaultTitle: string, short: string, listed: TocLevel) => {
    const part = narrative[key];
    if (!part && absent.has(PART_NAMES[key])) return '';
    const title = part?.title ?? defaultTitle;
    b.toc.push({ id, level: 1, label: title, title });
    let h = `<div class="text newpage ${textPage(id)}" id="${id}"><h1>${esc(title)}</h1>`;
    if (part) h += partBody(b, short, part, () => '', listed);
    else {
      missing.push(PART_NAMES[key]);
      h += missingBox(missingPartText(key));
    }
    return h + '</div>';
  };
  const p4 = textPart('glossary', 'part-4', '第四部分 名词解释', 'p4', 'none');
  const p5 = textPart('attachment', 'part-5', '第五部分 附件', 'p5', 'subtitles');

  const coverMm = pageMm(coverG);
  // the cover fills its page (1 mm short of the height, so rounding never spills a blank page)
  const cover = `<div class="cover" style="width:${coverMm.w}mm;height:${coverMm.h - 1}mm"><div class="unit">${esc(unit || '（单位名称未填）')}</div><div class="year">${esc(year || '（年度未填）')}年度部门决算</div><div class="date">${esc(chineseDate(input.date ?? coverDate(packet)))}</div></div>`;

  // the 目录 is built last (it lists every entry) but printed second
  let appendix = '';
  if (input.appendix) {
    const a = input.appendix;
    const page = partPage(b, a.key, a.page);
    b.toc.push({ id: a.key, level: 1, label: a.title, title: a.title, unlisted: true });
    appendix = `<div class="appendix newpage ${page}" id="${esc(a.key)}">${a.body}</div>`;
  }
  const body = [cover, tocHtml(b.toc, pages, narrative.notes ?? [], tocPage), p1, p1After, p2, p3, p4, p5, appendix].join('\n');
  // the cover's page keeps no margin and no page number, whatever paper and orientation it has
  const pageCss = [...b.pages].map(([name, g]) => pageRule(name, g)).join('\n') + `\n@page cover { size: ${coverG.paper} ${coverG.orientation}; }`;
  const html = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>${esc(`${unit}${year}年度部门决算公开`)}</title>
<style>${baseCss()}
${styleCss(packet.styles, fontStack)}
${pageCss}
${input.appendix?.css ?? ''}
</style></head>
<body>
${body}
</body></html>`;
  return { html, toc: b.toc, forms: formInfo, tables: tableInfo, missing, declared: b.declared };
}

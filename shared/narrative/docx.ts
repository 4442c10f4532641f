/**
 * 情况说明.docx in the GB/T 9704 layout: A4, margins 37 (top) / 35 (bottom) / 28 (left) / 26 (right) mm,
 * title 方正小标宋简体 二号, body 仿宋_GB2312 三号, 一级标题 黑体, 二级标题 楷体_GB2312, exact 28 pt lines
 * (22 lines of 28 characters), page numbers "— 1 —" in 四号宋体 (odd pages right, even pages left, one
 * character in). Fonts are set per run; the font table names a fallback for each, since 方正小标宋简体 and
 * the _GB2312 fonts are not part of Windows.
 */
import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, TextRun } from 'docx';
import type { NarrativeDoc, NarrativeParagraph, NarrativeTemplate } from './types.js';

type FontRole = 'title' | 'body' | 'h1' | 'h2' | 'page';

export const DEFAULT_FONTS: Record<FontRole, { name: string; fallbacks: string[] }> = {
  title: { name: '方正小标宋简体', fallbacks: ['华文中宋', '宋体'] },
  body: { name: '仿宋_GB2312', fallbacks: ['仿宋', 'FangSong'] },
  h1: { name: '黑体', fallbacks: ['SimHei'] },
  h2: { name: '楷体_GB2312', fallbacks: ['楷体', 'KaiTi'] },
  page: { name: '宋体', fallbacks: ['SimSun'] },
};

/** twips per millimetre */
const MM = 1440 / 25.4;
export const PAGE = {
  width: 11906,
  height: 16838,
  top: Math.round(37 * MM),
  bottom: Math.round(35 * MM),
  left: Math.round(28 * MM),
  right: Math.round(26 * MM),
};
/** 三号 = 16 pt, 二号 = 22 pt, 四号 = 14 pt; docx sizes are half-points */
export const SIZE = { 二号: 44, 三号: 32, 四号: 28 };
/** exact 28 pt line: 20 twips per point */
export const LINE = 560;
/** two characters of 三号 */
const INDENT = 640;

interface Look {
  font: FontRole;
  size: number;
  bold?: boolean;
  align?: (typeof AlignmentType)[keyof typeof AlignmentType];
  indent?: boolean;
  keepNext?: boolean;
  outline?: number;
}

const LOOKS: Record<NarrativeParagraph['style'], Look> = {
  title: { font: 'title', size: SIZE.二号, align: AlignmentType.CENTER, keepNext: true, outline: 0 },
  subtitle: { font: 'title', size: SIZE.二号, align: AlignmentType.CENTER, keepNext: true },
  part: { font: 'h1', size: SIZE.三号, align: AlignmentType.CENTER, keepNext: true, outline: 0 },
  h1: { font: 'h1', size: SIZE.三号, indent: true, keepNext: true, outline: 1, align: AlignmentType.BOTH },
  h2: { font: 'h2', size: SIZE.三号, indent: true, keepNext: true, outline: 2, align: AlignmentType.BOTH },
  h3: { font: 'body', size: SIZE.三号, bold: true, indent: true, keepNext: true, outline: 3, align: AlignmentType.BOTH },
  h4: { font: 'body', size: SIZE.三号, indent: true, keepNext: true, align: AlignmentType.BOTH },
  body: { font: 'body', size: SIZE.三号, indent: true, align: AlignmentType.BOTH },
  term: { font: 'body', size: SIZE.三号, indent: true, align: AlignmentType.BOTH },
  note: { font: 'body', size: SIZE.三号, indent: true, align: AlignmentType.BOTH },
};

/** The 目录 page: part lines in 黑体 flush left, their 一级标题 indented in the body font, as the seed prints it. */
const TOC_LOOKS = {
  part: { font: 'h1', size: SIZE.三号, align: AlignmentType.LEFT } satisfies Look,
  item: { font: 'body', size: SIZE.三号, indent: true, align: AlignmentType.LEFT } satisfies Look,
};

/** 概况 and 情况说明 list their sections; the terms of 名词解释 and the report in 附件 are no sections (the seed lists neither). */
const PARTS_WITH_LISTED_SECTIONS = new Set(['一', '三']);

function fonts(template?: NarrativeTemplate): Record<FontRole, { name: string; fallbacks: string[] }> {
  return { ...DEFAULT_FONTS, ...(template?.fonts ?? {}) };
}

function run(text: string, look: Look, f: Record<FontRole, { name: string }>, bold = false): TextRun {
  const name = f[look.font].name;
  // digits and Latin letters of body text in Times New Roman, as government documents set them
  const latin = look.font === 'body' ? 'Times New Roman' : name;
  return new TextRun({
    text,
    font: { eastAsia: name, ascii: latin, hAnsi: latin },
    size: look.size,
    ...(look.bold || bold ? { bold: true } : {}),
  });
}

function paragraph(p: { style: NarrativeParagraph['style']; runs: { text: string; bold?: boolean }[] }, f: Record<FontRole, { name: string }>, pageBreak = false, look: Look = LOOKS[p.style]): Paragraph {
  return new Paragraph({
    children: p.runs.map((r) => run(r.text, look, f, r.bold)),
    spacing: { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
    ...(look.align ? { alignment: look.align } : {}),
    ...(look.indent ? { indent: { firstLine: INDENT } } : {}),
    ...(look.keepNext ? { keepNext: true, keepLines: true } : {}),
    ...(look.outline !== undefined ? { outlineLevel: look.outline } : {}),
    ...(pageBreak ? { pageBreakBefore: true } : {}),
  });
}

function pageFooter(side: 'odd' | 'even', f: Record<FontRole, { name: string }>): Footer {
  const font = { eastAsia: f.page.name, ascii: f.page.name, hAnsi: f.page.name };
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: 280 } : { left: 280 },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font, size: SIZE.四号 })],
      }),
    ],
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** word/fontTable.xml naming each font with its fallback, GB2312 charset and family, so Word substitutes sensibly. */
function fontTable(f: Record<FontRole, { name: string; fallbacks: string[] }>): string {
  const seen = new Set<string>();
  const entries: string[] = [];
  for (const role of Object.keys(f) as FontRole[]) {
    const { name, fallbacks } = f[role];
    if (seen.has(name)) continue;
    seen.add(name);
    const family = role === 'h1' ? 'modern' : 'roman';
    const alt = fallbacks[0] ? `<w:altName w:val="${xmlEscape(fallbacks[0])}"/>` : '';
    entries.push(`<w:font w:name="${xmlEscape(name)}">${alt}<w:charset w:val="86"/><w:family w:val="${family}"/><w:pitch w:val="variable"/></w:font>`);
  }
  entries.push('<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>');
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${entries.join('')}</w:fonts>`;
}

/** Which fonts the document asks for and what stands in where they are missing (shown to the user). */
export function fontNotes(template?: NarrativeTemplate): string[] {
  const f = fonts(template);
  const what: Record<FontRole, string> = { title: '标题', body: '正文', h1: '一级标题', h2: '二级标题', page: '页码' };
  return (Object.keys(what) as FontRole[]).map((k) => `${what[k]}：${f[k].name}${f[k].fallbacks.length ? `（缺少时用 ${f[k].fallbacks.join('、')}）` : ''}`);
}

/**
 * The 目录 as the seed prints it: each part and its 一级标题, without page numbers (Word would have to
 * update a TOC field on opening, and asks about it), then the notes (尾数误差).
 */
function contents(doc: NarrativeDoc, f: Record<FontRole, { name: string }>): Paragraph[] {
  const out = [paragraph({ style: 'part', runs: [{ text: '目  录' }] }, f)];
  for (const part of doc.parts) {
    out.push(paragraph({ style: 'body', runs: [{ text: part.heading }] }, f, false, TOC_LOOKS.part));
    if (!PARTS_WITH_LISTED_SECTIONS.has(part.id)) continue;
    for (const p of part.paragraphs.filter((x) => x.style === 'h1')) {
      out.push(paragraph({ style: 'body', runs: [{ text: p.segments.map((s) => s.text).join('') }] }, f, false, TOC_LOOKS.item));
    }
  }
  out.push(paragraph({ style: 'body', runs: [{ text: '' }] }, f));
  for (const n of doc.notes) out.push(paragraph({ style: 'note', runs: [{ text: n }] }, f));
  return out;
}

/** The narrative as .docx bytes: title and 目录, then 第一、三、四、五部分, each part from a new page. */
/** What follows "…自评结果如下：" in the .docx, which does not carry the forms themselves. */
export const FORMS_ELSEWHERE = '各项目的自评结果详见公开包第三部分所附《项目支出绩效自评表》。';

export async function narrativeDocx(doc: NarrativeDoc, template?: NarrativeTemplate): Promise<Uint8Array> {
  const f = fonts(template);
  const body: Paragraph[] = [];
  body.push(paragraph({ style: 'title', runs: [{ text: doc.title }] }, f));
  body.push(paragraph({ style: 'body', runs: [{ text: '' }] }, f));
  body.push(...contents(doc, f));
  doc.parts.forEach((part) => {
    body.push(paragraph({ style: 'part', runs: [{ text: part.heading }] }, f, true));
    body.push(paragraph({ style: 'body', runs: [{ text: '' }] }, f));
    part.paragraphs.forEach((p, i) => {
      body.push(paragraph({ style: p.style, runs: p.segments.map((s) => ({ text: s.text, ...(s.t === 'text' && s.bold ? { bold: true } : {}) })) }, f));
      // "…结果如下：" introduces the 自评表, which the PDF prints right after it but this document does not hold:
      // say where they are instead of ending the section on a colon
      const next = part.paragraphs[i + 1];
      const text = p.segments.map((s) => s.text).join('');
      if (p.style === 'body' && /自评结果如下[：:]\s*$/.test(text) && (!next || next.style !== 'body')) {
        body.push(paragraph({ style: 'body', runs: [{ text: FORMS_ELSEWHERE }] }, f));
      }
    });
  });
  const document = new Document({
    title: doc.title,
    creator: '决算公开助手',
    description: `字体：${fontNotes(template).join('；')}`,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: { eastAsia: f.body.name, ascii: 'Times New Roman', hAnsi: 'Times New Roman' }, size: SIZE.三号 },
          paragraph: { spacing: { line: LINE, lineRule: LineRuleType.EXACT } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: 851, footer: 1304 },
          },
        },
        footers: { default: pageFooter('odd', f), even: pageFooter('even', f) },
        children: body,
      },
    ],
  });
  return Packer.pack(document, 'uint8array', false, [{ path: 'word/fontTable.xml', data: fontTable(f) }]);
}

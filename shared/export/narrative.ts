/**
 * The text parts of the submission packet (第一部分 概况, 第三部分 情况说明, 第四部分 名词解释, 第五部分 附件) as
 * the print document needs them. The narrative module (shared/narrative) generates the text; the caller
 * hands it over in this shape. A part that is missing is printed as a page that says so, never left out.
 */

import type { NarrativeDoc, NarrativeParagraph } from '../narrative/index.js';

export type NarrativeBlock =
  /** level 1 = 一、… (listed in the 目录), 2 = （一）…, 3 and 4 = 1. / （1） */
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string }
  /** a centred title inside a part (an 附件's own title); listed in the 目录 */
  | { kind: 'subtitle'; text: string }
  /** `lead` is printed bold before the text (名词解释: "财政拨款收入：") */
  | { kind: 'paragraph'; text: string; lead?: string }
  /** a small text table inside the narrative (e.g. a list of projects); the first `header` rows are bold */
  | { kind: 'table'; rows: string[][]; header?: number }
  /** where the 项目支出绩效自评表 go inside 第三部分 (九、预算绩效情况说明); if absent, after 第三部分 */
  | { kind: 'forms' };

export interface NarrativePart {
  /** heading as printed, e.g. "第三部分 2024年度部门决算情况说明"; the builder supplies a default */
  title?: string;
  blocks: NarrativeBlock[];
}

export interface PacketNarrative {
  /** lines printed under the 目录 (e.g. "注：本报告因金额单位转换原因可能存在尾数误差。") */
  notes?: string[];
  overview?: NarrativePart;
  explanation?: NarrativePart;
  glossary?: NarrativePart;
  attachment?: NarrativePart;
  /** what produced the text, for the record (e.g. "情况说明生成器 1.0") */
  source?: string;
}

export type NarrativePartKey = 'overview' | 'explanation' | 'glossary' | 'attachment';

export const PART_NAMES: Record<NarrativePartKey, string> = {
  overview: '第一部分 概况',
  explanation: '第三部分 情况说明',
  glossary: '第四部分 名词解释',
  attachment: '第五部分 附件',
};

/** The plain statement printed where a part is missing, and reported by the CLI. */
export function missingPartText(key: NarrativePartKey): string {
  return `本部分（${PART_NAMES[key]}）的文字尚未生成：本程序的情况说明模块未提供该部分内容。请补充后重新导出，或另行附上。`;
}

const PART_KEYS: Record<string, NarrativePartKey> = { 一: 'overview', 三: 'explanation', 四: 'glossary', 五: 'attachment' };

function paragraphText(p: NarrativeParagraph): string {
  return p.segments.map((s) => s.text).join('');
}

function toBlock(p: NarrativeParagraph): NarrativeBlock | null {
  const text = paragraphText(p);
  switch (p.style) {
    case 'h1':
      return { kind: 'heading', level: 1, text };
    case 'h2':
      return { kind: 'heading', level: 2, text };
    case 'h3':
      return { kind: 'heading', level: 3, text };
    case 'h4':
      return { kind: 'heading', level: 4, text };
    case 'title':
    case 'subtitle':
      return { kind: 'subtitle', text };
    case 'part':
      return null;
    case 'term': {
      // the bold leading segments are the term ("财政拨款收入：")
      const lead = [];
      let i = 0;
      for (; i < p.segments.length; i++) {
        const s = p.segments[i];
        if (s.t === 'text' && s.bold) lead.push(s.text);
        else break;
      }
      return { kind: 'paragraph', lead: lead.join('') || undefined, text: p.segments.slice(i).map((s) => s.text).join('') };
    }
    default:
      return { kind: 'paragraph', text };
  }
}

/**
 * Where the 自评表 go in 第三部分: after the text of the sub-heading on the 项目 self-evaluation
 * ("（二）部门决算中项目绩效自评情况。"), before the next heading — where the published packets print them.
 */
function placeForms(blocks: NarrativeBlock[]): NarrativeBlock[] {
  const at = blocks.findIndex((b) => b.kind === 'heading' && b.level === 2 && /项目.*绩效自评|绩效自评.*项目|自评情况/.test(b.text));
  if (at < 0) return blocks;
  let end = at + 1;
  while (end < blocks.length && blocks[end].kind !== 'heading' && blocks[end].kind !== 'subtitle') end++;
  return [...blocks.slice(0, end), { kind: 'forms' }, ...blocks.slice(end)];
}

/**
 * The narrative module's document (generateNarrative) as the print document's parts. A part is recognised by
 * its heading (第一/三/四/五部分), so a template set may name them as it likes.
 */
export function printNarrative(doc: NarrativeDoc, source = '情况说明生成器'): PacketNarrative {
  const out: PacketNarrative = { source, notes: doc.notes.filter((n) => n.trim()) };
  doc.parts.forEach((part) => {
    const m = /第([一二三四五六])部分/.exec(part.heading);
    const key = m ? PART_KEYS[m[1]] : undefined;
    if (!key) return;
    let blocks = part.paragraphs.map(toBlock).filter((b): b is NarrativeBlock => b !== null);
    if (key === 'explanation') blocks = placeForms(blocks);
    out[key] = { title: part.heading, blocks };
  });
  return out;
}

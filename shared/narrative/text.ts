/**
 * Text helpers of the narrative shared by the generator and the checkers: a leaf module, so generate.ts and
 * the checkers do not import each other.
 */
import { ITEM_KEY, type Scope } from './facts.js';
import type { Segment } from './types.js';

/** A number as narratives write it: 3966.62, 3,966.62, 17. */
export const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
export const NUM_RE = new RegExp(NUM, 'g');

/** The same text, written the same way: no whitespace, one kind of quote, full-width punctuation, ASCII digits. */
export function normalizeText(s: string): string {
  return s
    .replace(/<\/?b>|\*\*/g, '')
    .replace(/^[ \t]*#+/gm, '')
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/．/g, '.')
    .replace(/％/g, '%')
    .replace(/[“”"「」『』]/g, '"')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/:/g, '：')
    .replace(/;/g, '；')
    .replace(/,(?!\d{3})/g, '，')
    .replace(/\s+/g, '');
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function plain(segs: Segment[]): string {
  return segs.map((s) => s.text).join('');
}

/** The id of one item's paragraph: the paragraph's id and the item's key (三.财政拨款.类.201). */
export function itemId(id: string, item: Scope): string {
  return `${id}.${item.get(ITEM_KEY).text}`;
}

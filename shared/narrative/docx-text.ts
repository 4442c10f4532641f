/** The text of a .docx (word/document.xml), one line per paragraph — what narrative-check reads from Word. */
import JSZip from 'jszip';
import { PacketError } from '../errors.js';

const MAX_DOCX_BYTES = 32 * 1024 * 1024;

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

export function documentXmlText(xml: string): string {
  const out: string[] = [];
  for (const p of xml.match(/<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g) ?? []) {
    let line = '';
    for (const m of p.matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>/g)) {
      line += m[1] !== undefined ? decode(m[1]) : m[0] === '<w:tab/>' ? '\t' : '\n';
    }
    out.push(line);
  }
  return out.join('\n');
}

export async function docxText(bytes: Uint8Array, what = '文件'): Promise<string> {
  if (bytes.length > MAX_DOCX_BYTES) throw new PacketError(`${what}过大（超过 ${MAX_DOCX_BYTES / 1048576} MB），未读取。`);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (e) {
    throw new PacketError(`${what}不是 Word 文档（.docx），无法打开（${(e as Error).message}）。若是 .doc，请先用 Word/WPS 另存为 .docx。`);
  }
  const doc = zip.file('word/document.xml');
  if (!doc) throw new PacketError(`${what}不是 Word 文档（.docx）：缺少 word/document.xml。`);
  return documentXmlText(await doc.async('string'));
}

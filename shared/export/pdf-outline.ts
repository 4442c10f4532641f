/**
 * PDF bookmarks (the viewer's 书签 pane) for the parts and tables of the packet. Chromium prints named
 * destinations for every 目录 target but no outline, so the outline is appended as an incremental update:
 * new outline objects, a copy of the catalog that points at them, an xref section for those objects and a
 * trailer with /Prev — the printed bytes stay as they are. Pure TypeScript over bytes (Node, Electron, Worker).
 */
import { readPdfOutline } from './pdf-dests.js';

export interface OutlineEntry {
  /** the named destination (the 目录 target id) */
  dest: string;
  title: string;
  /** 1 = part, 2 = table or form group inside the part before it */
  level: 1 | 2;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return s;
}

/** A PDF text string in UTF-16BE with its byte-order mark, as hex (any title, no escaping). */
function utf16Hex(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/** A PDF name: characters outside the regular set written as #xx. */
function pdfName(name: string): string {
  let out = '/';
  for (const b of new TextEncoder().encode(name)) {
    const ch = String.fromCharCode(b);
    out += b > 0x20 && b < 0x7f && !'#()<>[]{}/%'.includes(ch) ? ch : `#${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * The PDF with an outline of `entries` (those whose destination exists); the same bytes when none does or the
 * file's structure is not the classic xref table Chromium writes.
 */
export function addPdfOutline(pdf: Uint8Array, entries: OutlineEntry[]): Uint8Array {
  const dests = readPdfOutline(pdf).dests;
  const list = entries.filter((e) => dests.has(e.dest));
  if (!list.length) return pdf;
  const src = latin1(pdf);
  const sx = src.lastIndexOf('startxref');
  const prev = sx >= 0 ? /startxref\s+(\d+)/.exec(src.slice(sx, sx + 40))?.[1] : undefined;
  const tr = src.lastIndexOf('trailer');
  const trailer = tr >= 0 ? src.slice(tr, sx > tr ? sx : undefined) : '';
  const size = /\/Size\s+(\d+)/.exec(trailer)?.[1];
  const root = /\/Root\s+(\d+)\s+(\d+)\s+R/.exec(trailer);
  if (!prev || !size || !root) return pdf;
  const catRe = new RegExp(`(?:^|[\\r\\n\\s])${root[1]}\\s+${root[2]}\\s+obj\\s*([\\s\\S]*?)endobj`, 'g');
  let catalog: string | undefined;
  // the last definition wins (an earlier incremental update may have redefined it); nested dictionaries kept
  for (const m of src.matchAll(catRe)) catalog = m[1].trim();
  if (catalog && !(catalog.startsWith('<<') && catalog.endsWith('>>'))) return pdf;
  if (!catalog || /\/Outlines\b/.test(catalog)) return pdf;

  // object numbers: outline root, one per entry, then the new catalog
  const base = Number(size);
  const rootNum = base;
  const num = list.map((_e, i) => base + 1 + i);
  const catNum = base + 1 + list.length;
  // the tree: level-1 items under the root, level-2 items under the level-1 item before them
  const parent: number[] = [];
  let lastTop = -1;
  list.forEach((e, i) => {
    if (e.level === 1 || lastTop < 0) {
      parent[i] = -1;
      lastTop = i;
    } else parent[i] = lastTop;
  });
  const kids = (p: number) => list.map((_e, i) => i).filter((i) => parent[i] === p);
  const objs = new Map<number, string>();
  const top = kids(-1);
  objs.set(rootNum, `<< /Type /Outlines /First ${num[top[0]]} 0 R /Last ${num[top[top.length - 1]]} 0 R /Count ${list.length} >>`);
  const emit = (siblings: number[], parentNum: number) => {
    siblings.forEach((i, k) => {
      const own = kids(i);
      const parts = [`/Title ${utf16Hex(list[i].title)}`, `/Parent ${parentNum} 0 R`, `/Dest ${pdfName(list[i].dest)}`];
      if (k > 0) parts.push(`/Prev ${num[siblings[k - 1]]} 0 R`);
      if (k < siblings.length - 1) parts.push(`/Next ${num[siblings[k + 1]]} 0 R`);
      // parts open, their tables listed; a part with many forms stays readable because forms are one entry
      if (own.length) parts.push(`/First ${num[own[0]]} 0 R`, `/Last ${num[own[own.length - 1]]} 0 R`, `/Count ${own.length}`);
      objs.set(num[i], `<< ${parts.join(' ')} >>`);
      emit(own, num[i]);
    });
  };
  emit(top, rootNum);
  const inner = catalog.slice(2, -2).replace(/\/PageMode\s*\/\w+/, '');
  objs.set(catNum, `<<${inner} /Outlines ${rootNum} 0 R /PageMode /UseOutlines >>`);

  let out = src.endsWith('\n') ? '' : '\n';
  const offsets = new Map<number, number>();
  for (const [n, body] of [...objs.entries()].sort((a, b) => a[0] - b[0])) {
    offsets.set(n, pdf.length + out.length);
    out += `${n} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = pdf.length + out.length;
  out += `xref\n${base} ${objs.size}\n`;
  for (let n = base; n < base + objs.size; n++) out += `${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${base + objs.size} /Root ${catNum} 0 R /Prev ${prev}${/\/Info\s+\d+\s+\d+\s+R/.exec(trailer) ? ` ${/\/Info\s+\d+\s+\d+\s+R/.exec(trailer)![0]}` : ''} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const tail = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) tail[i] = out.charCodeAt(i);
  const res = new Uint8Array(pdf.length + tail.length);
  res.set(pdf, 0);
  res.set(tail, pdf.length);
  return res;
}

/** The outline as written: titles and destination pages, for tests and the print preview. */
export function readPdfBookmarks(pdf: Uint8Array): { title: string; page: number | undefined; level: number }[] {
  const src = latin1(pdf);
  const dests = readPdfOutline(pdf).dests;
  const out: { title: string; page: number | undefined; level: number }[] = [];
  const obj = (n: string) => {
    let found: string | undefined;
    for (const m of src.matchAll(new RegExp(`(?:^|[\\r\\n\\s])${n}\\s+0\\s+obj\\s*([\\s\\S]*?)endobj`, 'g'))) found = m[1].trim();
    return found ?? '';
  };
  const tr = src.lastIndexOf('trailer');
  const root = /\/Root\s+(\d+)\s+0\s+R/.exec(src.slice(tr))?.[1];
  const outlines = root ? /\/Outlines\s+(\d+)\s+0\s+R/.exec(obj(root))?.[1] : undefined;
  if (!outlines) return out;
  const walk = (first: string | undefined, level: number, guard: number) => {
    let cur = first;
    while (cur && guard-- > 0) {
      const o = obj(cur);
      const hex = /\/Title\s*<FEFF([0-9A-Fa-f]*)>/.exec(o)?.[1] ?? '';
      let title = '';
      for (let i = 0; i < hex.length; i += 4) title += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
      const dest = /\/Dest\s*\/([^\s/>]+)/.exec(o)?.[1]?.replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      out.push({ title, page: dest ? dests.get(dest) : undefined, level });
      walk(/\/First\s+(\d+)\s+0\s+R/.exec(o)?.[1], level + 1, guard);
      cur = /\/Next\s+(\d+)\s+0\s+R/.exec(o)?.[1];
    }
  };
  walk(/\/First\s+(\d+)\s+0\s+R/.exec(obj(outlines))?.[1], 1, 10000);
  return out;
}

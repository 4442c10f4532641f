/**
 * Where each named destination of a PDF points: the page (1-based) of every `<a href="#id">` target that
 * Chromium printed. Chromium (Skia) writes an uncompressed document structure with a classic xref table and
 * the destinations in the catalog's /Dests dictionary; a /Names /Dests name tree and a missing or broken xref
 * (found by scanning) are read as well. Pure TypeScript over bytes, so it runs in Node, Electron and a Worker.
 */

export interface PdfOutline {
  pageCount: number;
  /** destination name → 1-based page number */
  dests: Map<string, number>;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return s;
}

class PdfText {
  private offsets = new Map<number, number>();
  constructor(readonly src: string) {
    if (!this.readXref()) this.scan();
  }

  private readXref(): boolean {
    const at = this.src.lastIndexOf('startxref');
    if (at < 0) return false;
    const m = /startxref\s+(\d+)/.exec(this.src.slice(at, at + 40));
    if (!m) return false;
    let pos = Number(m[1]);
    const seen = new Set<number>();
    while (pos > 0 && !seen.has(pos)) {
      seen.add(pos);
      if (this.src.slice(pos, pos + 4) !== 'xref') return false;
      const re = /(\d+)[ \t]+(\d+)[ \t]*\r?\n/y;
      let i = pos + 4;
      while (/\s/.test(this.src[i])) i++;
      for (;;) {
        re.lastIndex = i;
        const sub = re.exec(this.src);
        if (!sub) break;
        const first = Number(sub[1]);
        const count = Number(sub[2]);
        i = re.lastIndex;
        for (let k = 0; k < count; k++) {
          const entry = this.src.slice(i, i + 20);
          const e = /^(\d{10}) (\d{5}) ([nf])/.exec(entry);
          if (!e) return false;
          if (e[3] === 'n' && !this.offsets.has(first + k)) this.offsets.set(first + k, Number(e[1]));
          i += 20;
        }
      }
      const trailer = this.src.slice(i, this.src.indexOf('>>', i) + 2);
      const prev = /\/Prev\s+(\d+)/.exec(trailer);
      pos = prev ? Number(prev[1]) : 0;
    }
    return this.offsets.size > 0;
  }

  private scan(): void {
    const re = /(?:^|[\r\n\s])(\d+)\s+0\s+obj\b/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.src))) this.offsets.set(Number(m[1]), m.index + m[0].indexOf(m[1]));
  }

  /** The object's text up to its stream data or endobj. */
  obj(num: number): string {
    const at = this.offsets.get(num);
    if (at === undefined) return '';
    const end = this.src.indexOf('endobj', at);
    const stream = this.src.indexOf('stream', at);
    const stop = stream >= 0 && stream < end ? stream : end;
    const body = this.src.slice(at, stop < 0 ? at + 4096 : stop);
    return body.replace(/^\s*\d+\s+\d+\s+obj/, '');
  }

  trailerRoot(): number | undefined {
    const at = this.src.lastIndexOf('trailer');
    const m = at >= 0 ? /\/Root\s+(\d+)\s+\d+\s+R/.exec(this.src.slice(at)) : null;
    if (m) return Number(m[1]);
    for (const [num] of this.offsets) if (/\/Type\s*\/Catalog\b/.test(this.obj(num))) return num;
    return undefined;
  }
}

/** The value after `/Key` in a dictionary text: an indirect reference or an inline dictionary/array. */
function dictEntry(dict: string, key: string): { ref?: number; inline?: string } | undefined {
  const re = new RegExp(`/${key}(?![A-Za-z0-9])\\s*`, 'g');
  const m = re.exec(dict);
  if (!m) return undefined;
  const rest = dict.slice(re.lastIndex);
  const ref = /^(\d+)\s+\d+\s+R/.exec(rest);
  if (ref) return { ref: Number(ref[1]) };
  if (rest.startsWith('<<') || rest.startsWith('[')) return { inline: balanced(rest) };
  return undefined;
}

/** The balanced <<…>> or […] at the start of `text`, skipping (strings). */
function balanced(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      // literal string: skip to its end, honouring escapes and nesting
      let d = 1;
      for (i++; i < text.length && d > 0; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '(') d++;
        else if (text[i] === ')') d--;
      }
      i--;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (c === '>' && text[i + 1] === '>') {
      depth--;
      i++;
    } else if (c === '[') depth++;
    else if (c === ']') depth--;
    if (depth === 0) return text.slice(0, i + 1);
  }
  return text;
}

function decodeName(raw: string): string {
  return raw.replace(/#([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decodeLiteral(raw: string): string {
  return raw.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_m, e: string) => {
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
    return map[e] ?? String.fromCharCode(parseInt(e, 8));
  });
}

/** Read the page tree and the named destinations of a PDF. */
export function readPdfOutline(pdf: Uint8Array): PdfOutline {
  const doc = new PdfText(latin1(pdf));
  const root = doc.trailerRoot();
  const dests = new Map<string, number>();
  if (root === undefined) return { pageCount: 0, dests };
  const catalog = doc.obj(root);

  const pageIndex = new Map<number, number>();
  const visit = (num: number, depth: number) => {
    if (depth > 64) return;
    const node = doc.obj(num);
    if (/\/Type\s*\/Pages\b/.test(node)) {
      const kids = dictEntry(node, 'Kids');
      const arr = kids?.inline ?? (kids?.ref !== undefined ? doc.obj(kids.ref) : '');
      for (const k of arr.matchAll(/(\d+)\s+\d+\s+R/g)) visit(Number(k[1]), depth + 1);
    } else if (/\/Type\s*\/Page\b/.test(node)) {
      pageIndex.set(num, pageIndex.size + 1);
    }
  };
  const pages = dictEntry(catalog, 'Pages');
  if (pages?.ref !== undefined) visit(pages.ref, 0);

  const target = (value: string): number | undefined => {
    let v = value.trim();
    const ind = /^(\d+)\s+\d+\s+R/.exec(v);
    if (ind) v = doc.obj(Number(ind[1])).trim();
    if (v.startsWith('<<')) {
      const d = dictEntry(v, 'D');
      v = d?.inline ?? (d?.ref !== undefined ? doc.obj(d.ref) : '');
    }
    const page = /^\[\s*(\d+)\s+\d+\s+R/.exec(v.trim());
    return page ? pageIndex.get(Number(page[1])) : undefined;
  };

  // PDF 1.1 style: /Dests << /name [page /XYZ …] … >>
  const d = dictEntry(catalog, 'Dests');
  const destDict = d?.inline ?? (d?.ref !== undefined ? doc.obj(d.ref) : '');
  if (destDict) {
    const inner = destDict.trim().replace(/^<</, '').replace(/>>$/, '');
    const re = /\/([^\s/[\]<>()]+)\s*/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(inner))) {
      const rest = inner.slice(re.lastIndex);
      const val = rest.startsWith('[') || rest.startsWith('<<') ? balanced(rest) : (/^\d+\s+\d+\s+R/.exec(rest)?.[0] ?? '');
      re.lastIndex += val.length;
      const p = target(val);
      if (p !== undefined) dests.set(decodeName(m[1]), p);
    }
  }

  // PDF 1.2 style: /Names << /Dests name-tree >>
  const names = dictEntry(catalog, 'Names');
  const namesDict = names?.inline ?? (names?.ref !== undefined ? doc.obj(names.ref) : '');
  const treeRef = namesDict ? dictEntry(namesDict, 'Dests') : undefined;
  const walkTree = (text: string, depth: number) => {
    if (depth > 32) return;
    const arr = dictEntry(text, 'Names');
    const list = arr?.inline ?? (arr?.ref !== undefined ? doc.obj(arr.ref) : '');
    if (list) {
      const re = /\(((?:\\.|[^\\)])*)\)\s*/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(list))) {
        const rest = list.slice(re.lastIndex);
        const val = rest.startsWith('[') || rest.startsWith('<<') ? balanced(rest) : (/^\d+\s+\d+\s+R/.exec(rest)?.[0] ?? '');
        re.lastIndex += val.length;
        const p = target(val);
        if (p !== undefined) dests.set(decodeLiteral(m[1]), p);
      }
    }
    const kids = dictEntry(text, 'Kids');
    const kidList = kids?.inline ?? (kids?.ref !== undefined ? doc.obj(kids.ref) : '');
    for (const k of kidList.matchAll(/(\d+)\s+\d+\s+R/g)) walkTree(doc.obj(Number(k[1])), depth + 1);
  };
  if (treeRef) walkTree(treeRef.inline ?? (treeRef.ref !== undefined ? doc.obj(treeRef.ref) : ''), 0);

  return { pageCount: pageIndex.size, dests };
}

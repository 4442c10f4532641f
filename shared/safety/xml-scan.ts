/**
 * A streaming, byte-level scan of the XML parts of an .xlsx, fed while the parts are inflated under a size
 * bound. It does not build a tree: it only sees tag names and the few attributes that decide how much
 * ExcelJS will allocate (row and cell positions, merged ranges, data validation ranges, column definitions,
 * defined names) and it flags DTDs, which a spreadsheet never needs and an entity bomb always does.
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const DASH = 0x2d;
const RBRACKET = 0x5d;

const enum S {
  Text,
  TagStart,
  Name,
  Attrs,
  AttrName,
  AttrEq,
  AttrValue,
  Bang,
  Comment,
  CData,
  Decl,
  Pi,
  /** the rest of a tag nobody asked about: jump to its '>' */
  Skip,
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export interface TagEvent {
  /** local name (namespace prefix dropped) */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** the wanted attributes present on the tag, entity references decoded */
  attrs: Record<string, string>;
}

export interface ScanSink {
  /** attribute names to capture for a tag, or undefined for none */
  wants(tag: string): readonly string[] | undefined;
  /** capture the text content of this tag (up to `textLimit` bytes) */
  wantsText(tag: string): boolean;
  onTag(e: TagEvent): void;
  onText(tag: string, text: string, truncated: boolean): void;
}

const MAX_NAME = 64;
const MAX_ATTR_VALUE = 4096;

/** Decode the five predefined entities and numeric character references, as an XML parser does. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n <= 0x10ffff ? String.fromCodePoint(n) : '';
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e as 'amp']!;
  });
}

interface Utf8Decoder {
  decode(b: Uint8Array): string;
}
// TextDecoder exists in every runtime the core runs in (Node, Chromium, workers); ES2022 only lacks its type
const utf8 = new (globalThis as unknown as { TextDecoder: new () => Utf8Decoder }).TextDecoder();

function text(bytes: number[]): string {
  return utf8.decode(Uint8Array.from(bytes));
}

/** The first `n` bytes as one character each, as String.fromCharCode(...bytes) gave (names are compared as such). */
function latin1(buf: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/**
 * The first `n` bytes of `buf` as text. Tag names, attribute names and the attributes the gate reads (cell
 * references, ranges, ids) are ASCII nearly always: those are made into a string directly, which decodes the
 * same as UTF-8; anything else goes through the UTF-8 decoder (invalid sequences become U+FFFD as before).
 */
function bufText(buf: Uint8Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c >= 0x80) return utf8.decode(buf.subarray(0, n));
    s += String.fromCharCode(c);
  }
  return s;
}

export class XmlScanner {
  elements = 0;
  doctype = false;
  private state = S.Text;
  // fixed buffers with a length: the scanner sees every tag of every part, and truncating arrays
  // (`length = 0`) and spreading them into String.fromCharCode was a third of its time
  private name = new Uint8Array(MAX_NAME);
  private nameLen = 0;
  private tagName = '';
  private closing = false;
  private selfClosing = false;
  private attrName = new Uint8Array(MAX_NAME);
  private attrNameLen = 0;
  private attrValue = new Uint8Array(MAX_ATTR_VALUE);
  private attrValueLen = 0;
  private quote = 0;
  private keep = false;
  private slashBefore = false;
  private wanted: readonly string[] | undefined;
  private attrs: Record<string, string> = {};
  private bang: number[] = [];
  private tail = 0;
  private textTag: string | undefined;
  private text: number[] = [];
  private textTruncated = false;

  constructor(
    private sink: ScanSink,
    private textLimit = 65_536,
  ) {}

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      switch (this.state) {
        case S.Text:
          if (this.textTag === undefined) {
            // '<' never occurs raw inside text or attribute values: jump to the next tag
            const k = chunk.indexOf(LT, i);
            if (k < 0) {
              i = n;
              continue;
            }
            i = k;
            this.state = S.TagStart;
          } else if (c === LT) this.state = S.TagStart;
          else {
            if (this.text.length < this.textLimit) this.text.push(c);
            else this.textTruncated = true;
          }
          break;
        case S.TagStart:
          this.closing = false;
          this.selfClosing = false;
          this.nameLen = 0;
          if (c === SLASH) {
            this.closing = true;
            this.state = S.Name;
          } else if (c === BANG) {
            this.bang.length = 0;
            this.state = S.Bang;
          } else if (c === QMARK) {
            this.tail = 0;
            this.state = S.Pi;
          } else {
            this.name[this.nameLen++] = c;
            this.state = S.Name;
          }
          break;
        case S.Name:
          if (isSpace(c)) this.startAttrs();
          else if (c === SLASH) {
            this.startAttrs();
            this.selfClosing = true;
            this.slashBefore = true;
          } else if (c === GT) {
            this.startAttrs();
            this.endTag();
          } else if (this.nameLen < MAX_NAME) this.name[this.nameLen++] = c;
          break;
        case S.Attrs:
          if (c === GT) this.endTag();
          else if (c === SLASH) this.selfClosing = true;
          else if (!isSpace(c)) {
            this.selfClosing = false;
            this.attrName[0] = c;
            this.attrNameLen = 1;
            this.state = S.AttrName;
          }
          break;
        case S.AttrName:
          if (c === EQ) this.state = S.AttrEq;
          else if (isSpace(c)) this.state = S.AttrEq;
          else if (c === GT) this.endTag();
          else if (this.attrNameLen < MAX_NAME) this.attrName[this.attrNameLen++] = c;
          break;
        case S.AttrEq:
          if (c === DQ || c === SQ) {
            this.quote = c;
            this.attrValueLen = 0;
            this.keep = this.wantedAttr();
            this.state = S.AttrValue;
          } else if (c === GT) this.endTag();
          break;
        case S.AttrValue:
          if (!this.keep) {
            const k = chunk.indexOf(this.quote, i);
            if (k < 0) {
              i = n;
              continue;
            }
            i = k;
            this.state = S.Attrs;
          } else if (c === this.quote) {
            this.endAttr();
            this.state = S.Attrs;
          } else if (this.attrValueLen < MAX_ATTR_VALUE) this.attrValue[this.attrValueLen++] = c;
          break;
        case S.Skip: {
          const k = chunk.indexOf(GT, i);
          if (k < 0) {
            this.slashBefore = chunk[n - 1] === SLASH;
            i = n;
            continue;
          }
          this.selfClosing = k > i ? chunk[k - 1] === SLASH : this.slashBefore || (k > 0 && chunk[k - 1] === SLASH);
          i = k;
          this.endTag();
          break;
        }
        case S.Bang:
          if (c === GT) {
            if (/^(DOCTYPE|ENTITY)/i.test(String.fromCharCode(...this.bang))) this.doctype = true;
            this.state = S.Text;
            break;
          }
          this.bang.push(c);
          if (this.bang.length === 2 && this.bang[0] === DASH && this.bang[1] === DASH) {
            this.tail = 0;
            this.state = S.Comment;
          } else if (this.bang.length === 7) {
            const word = String.fromCharCode(...this.bang);
            if (word === '[CDATA[') {
              this.tail = 0;
              this.state = S.CData;
            } else {
              if (/^(DOCTYPE|ENTITY)/i.test(word)) this.doctype = true;
              this.state = S.Decl;
            }
          }
          break;
        case S.Comment:
          // end at "-->": count the dashes just seen
          if (c === DASH) this.tail++;
          else {
            if (c === GT && this.tail >= 2) this.state = S.Text;
            this.tail = 0;
          }
          break;
        case S.CData:
          if (c === RBRACKET) this.tail++;
          else {
            if (c === GT && this.tail >= 2) this.state = S.Text;
            this.tail = 0;
          }
          break;
        case S.Decl:
          // a DTD's internal subset holds more declarations; the whole file is refused anyway
          if (c === GT) this.state = S.Text;
          break;
        case S.Pi:
          if (c === GT && this.tail === QMARK) this.state = S.Text;
          this.tail = c;
          break;
      }
    }
  }

  private startAttrs(): void {
    const raw = latin1(this.name, this.nameLen);
    const k = raw.lastIndexOf(':');
    this.tagName = k >= 0 ? raw.slice(k + 1) : raw;
    this.wanted = this.closing ? undefined : this.sink.wants(this.tagName);
    this.attrs = {};
    // a tag with nothing to read (and no text to capture) is skipped to its end in one jump
    const needsAttrs = this.wanted !== undefined || (!this.closing && this.sink.wantsText(this.tagName));
    this.slashBefore = false;
    this.state = needsAttrs ? S.Attrs : S.Skip;
  }

  private attrLocalName(): string {
    const raw = latin1(this.attrName, this.attrNameLen);
    const k = raw.lastIndexOf(':');
    return k >= 0 ? raw.slice(k + 1) : raw;
  }

  private wantedAttr(): boolean {
    return !!this.wanted && this.wanted.includes(this.attrLocalName());
  }

  private endAttr(): void {
    this.attrs[this.attrLocalName()] = decodeEntities(bufText(this.attrValue, this.attrValueLen));
  }

  private endTag(): void {
    const name = this.tagName;
    this.state = S.Text;
    if (this.closing) {
      if (this.textTag !== undefined && this.textTag === name) {
        this.sink.onText(name, decodeEntities(text(this.text)), this.textTruncated);
        this.textTag = undefined;
      }
      return;
    }
    this.elements++;
    this.sink.onTag({ name, closing: false, selfClosing: this.selfClosing, attrs: this.attrs });
    if (!this.selfClosing && this.sink.wantsText(name)) {
      this.textTag = name;
      this.text = [];
      this.textTruncated = false;
    }
  }
}

/**
 * Column and row of a cell reference the way ExcelJS decodes it: upper-case letters before the first digit
 * make the column, the digits the row; `$` is skipped. Returns 0 for a part that is missing.
 */
export function decodeCellRef(ref: string): { row: number; col: number } {
  let col = 0;
  let row = 0;
  let hasCol = false;
  let hasRow = false;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (!hasRow && c >= 65 && c <= 90) {
      hasCol = true;
      col = col * 26 + c - 64;
    } else if (c >= 48 && c <= 57) {
      hasRow = true;
      row = row * 10 + c - 48;
    } else if (hasRow && hasCol && c !== 36) break;
  }
  return { row, col };
}

/** A1 ranges separated by spaces ("A1:B5 D7"), each as bounds; a single cell is its own range. */
export function rangesOf(sqref: string): { top: number; left: number; bottom: number; right: number }[] {
  const out: { top: number; left: number; bottom: number; right: number }[] = [];
  for (const part of sqref.trim().split(/\s+/)) {
    if (!part) continue;
    const [a, b] = part.split(':');
    const p = decodeCellRef(a.toUpperCase());
    const q = b === undefined ? p : decodeCellRef(b.toUpperCase());
    out.push({ top: Math.min(p.row, q.row), left: Math.min(p.col, q.col), bottom: Math.max(p.row, q.row), right: Math.max(p.col, q.col) });
  }
  return out;
}

export function areaOf(r: { top: number; left: number; bottom: number; right: number }): number {
  return (r.bottom - r.top + 1) * (r.right - r.left + 1);
}

/**
 * One SheetModel as printed HTML: the template's merges, borders, fonts, alignment, number formats, column
 * widths and row heights; the print title rows in <thead> so Chromium repeats them on every page; the 注
 * lines under the table (outside it, so they print once); fit to the page width when the sheet says so.
 */
import { parseRange } from '../a1.js';
import type { Cell, CellStyle, SheetModel } from '../model.js';
import { esc, escLines } from './html.js';
import { formatCellText } from '../numfmt.js';

/** Excel's column width unit is the maximum digit width of the default font: 7 px at 96 dpi. */
export const PX_PER_CHAR = 7;
export const PX_PER_MM = 96 / 25.4;
const MM_PER_INCH = 25.4;

/** The papers the packet prints on (ISO 216). */
export type PaperSize = 'A4' | 'A3';
export const PAPER_MM: Record<PaperSize, { short: number; long: number }> = { A4: { short: 210, long: 297 }, A3: { short: 297, long: 420 } };

export interface PageGeometry {
  orientation: 'portrait' | 'landscape';
  /** default A4 */
  paper?: PaperSize;
  /** mm */
  margins: { top: number; right: number; bottom: number; left: number };
}

export const A4_MM = { short: 210, long: 297 };

/** The page's width and height in mm. */
export function pageMm(g: PageGeometry): { w: number; h: number } {
  const p = PAPER_MM[g.paper ?? 'A4'];
  return g.orientation === 'landscape' ? { w: p.long, h: p.short } : { w: p.short, h: p.long };
}

export function contentWidthPx(g: PageGeometry): number {
  const w = pageMm(g).w;
  return (w - g.margins.left - g.margins.right) * PX_PER_MM;
}

export function contentHeightPx(g: PageGeometry): number {
  const h = pageMm(g).h;
  return (h - g.margins.top - g.margins.bottom) * PX_PER_MM;
}

/** The sheet's own print setup; the bottom margin keeps room for the page number. */
export function sheetGeometry(sheet: SheetModel): PageGeometry {
  const m = sheet.print.margins ?? { left: 0.7, right: 0.7, top: 0.75, bottom: 0.75 };
  const mm = (inch: number) => Math.round(inch * MM_PER_INCH * 10) / 10;
  return {
    orientation: sheet.print.orientation,
    // the workbook's own pageSetup paperSize (Excel's code 8 is A3; anything else prints on A4, the templates' paper)
    paper: sheet.keep?.paperSize === 8 ? 'A3' : 'A4',
    margins: { top: mm(m.top), right: mm(m.right), bottom: Math.max(mm(m.bottom), 14), left: mm(m.left) },
  };
}

export interface RenderedSheet {
  html: string;
  /** the printed title (first text of the first row), for 目录 and bookmarks */
  title: string;
  geometry: PageGeometry;
  /** rows in <thead>, repeated on every page */
  headerRows: number;
  /** the 注 lines printed under the table */
  notes: string[];
  /** CSS zoom applied to fit the page width (1 = none) */
  zoom: number;
}

function hasBorder(style: CellStyle | undefined): boolean {
  const b = style?.border;
  return !!b && !!(b.t || b.r || b.b || b.l);
}

function hasContent(c: Cell | null | undefined): boolean {
  return !!c && ((c.v !== undefined && c.v !== null && c.v !== '') || !!c.f);
}

interface Span {
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** the column whose cell gives the content (an overflow span may start left of it) */
  src?: number;
}

const PT_TO_PX = 96 / 72;

/** A rough printed width of a text: CJK characters are one em, the rest about half. */
function textWidthPx(text: string, style: CellStyle | undefined): number {
  const em = (style?.font?.size ?? 11) * PT_TO_PX;
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! >= 0x2e80 ? em : em * 0.55;
  return w + 8;
}

/**
 * Excel prints an unwrapped text over the empty cells beside it (to the right when left-aligned, to the left
 * when right-aligned, both ways when centred). Those become colspans here, so the text never gets cut off.
 */
function overflowSpans(sheet: SheetModel, styles: CellStyle[], ncols: number, widths: number[], taken: Set<string>): Span[] {
  const out: Span[] = [];
  sheet.cells.forEach((row, r) => {
    const claimed = new Set<number>();
    const free = (c: number) => {
      if (c < 0 || c >= ncols || claimed.has(c) || taken.has(`${r},${c}`)) return false;
      const cell = row[c];
      return !hasContent(cell) && !hasBorder(cell?.s !== undefined ? styles[cell.s] : undefined);
    };
    row.forEach((cell, c) => {
      if (!cell || typeof cell.v !== 'string' || !cell.v || c >= ncols || taken.has(`${r},${c}`)) return;
      const style = cell.s !== undefined ? styles[cell.s] : undefined;
      if (style?.align?.wrap || hasBorder(style)) return;
      const need = Math.max(...cell.v.split(/\r?\n/).map((line) => textWidthPx(line, style)));
      let have = widths[c];
      if (need <= have) return;
      let left = c;
      let right = c;
      const h = style?.align?.h;
      while (have < need) {
        const goRight = h !== 'right' && free(right + 1);
        const goLeft = (h === 'right' || h === 'center') && free(left - 1);
        if (goRight && (h !== 'center' || !goLeft || right - c <= c - left)) have += widths[++right];
        else if (goLeft) have += widths[--left];
        else break;
      }
      if (left === c && right === c) return;
      for (let k = left; k <= right; k++) claimed.add(k);
      out.push({ top: r, bottom: r, left, right, src: c });
    });
  });
  return out;
}

function cellText(c: Cell | null | undefined, style: CellStyle | undefined): string {
  if (!c) return '';
  return formatCellText(c.v ?? null, style?.numFmt);
}

export interface SheetHtmlOptions {
  /** id of the section element, a link target of the 目录 */
  id?: string;
  /** CSS class names of the named @page this sheet prints on */
  pageClass?: string;
  /** the page it prints on when the print dialog overrides the sheet's own (paper, orientation) */
  geometry?: PageGeometry;
}

/** Render one sheet. `styles` is the packet's style table; CSS classes .s<N> come from styleCss(). */
export function renderSheet(sheet: SheetModel, styles: CellStyle[], opts: SheetHtmlOptions = {}): RenderedSheet {
  const styleOf = (c: Cell | null | undefined) => (c?.s !== undefined ? styles[c.s] : undefined);
  const geometry = opts.geometry ?? sheetGeometry(sheet);

  // used range: content, borders and merges
  let lastRow = -1;
  let lastCol = -1;
  let lastBordered = -1;
  sheet.cells.forEach((row, r) =>
    row.forEach((c, col) => {
      const bordered = hasBorder(styleOf(c));
      if (hasContent(c) || bordered) {
        lastRow = Math.max(lastRow, r);
        lastCol = Math.max(lastCol, col);
      }
      if (bordered) lastBordered = Math.max(lastBordered, r);
    }),
  );
  const spans: Span[] = [];
  for (const m of sheet.merges) {
    const r = parseRange(m);
    if (!r) continue;
    spans.push(r);
  }
  for (const s of spans) {
    if (s.top <= lastRow) lastCol = Math.max(lastCol, s.right);
  }
  const ncols = lastCol + 1;
  const title = firstText(sheet, styles);
  const widths = Array.from({ length: ncols }, (_x, i) => Math.round((sheet.colWidths[i] ?? 9) * PX_PER_CHAR));
  const merged = new Set<string>();
  for (const s of spans) for (let r = s.top; r <= s.bottom; r++) for (let c = s.left; c <= s.right; c++) merged.add(`${r},${c}`);
  spans.push(...overflowSpans(sheet, styles, ncols, widths, merged));

  // the table proper ends at its last bordered row; text rows after it are the 注
  const bodyEnd = lastBordered >= 0 ? lastBordered : lastRow;
  const notes: string[] = [];
  const noteStyles: (CellStyle | undefined)[] = [];
  for (let r = bodyEnd + 1; r <= lastRow; r++) {
    const parts = (sheet.cells[r] ?? []).filter(hasContent).map((c) => cellText(c, styleOf(c)));
    if (parts.length) {
      notes.push(parts.join(' '));
      noteStyles.push(styleOf((sheet.cells[r] ?? []).find(hasContent)));
    }
  }

  let headStart = 0;
  let headEnd = -1;
  if (sheet.print.titleRows) {
    headStart = sheet.print.titleRows[0] - 1;
    headEnd = Math.min(sheet.print.titleRows[1] - 1, bodyEnd);
  } else if (sheet.frozenRows > 0) {
    headEnd = Math.min(sheet.frozenRows - 1, bodyEnd);
  }
  if (headEnd < headStart) {
    headStart = 0;
    headEnd = -1;
  }

  // fit-to-width
  const natural = widths.reduce((a, b) => a + b, 0);
  const avail = contentWidthPx(geometry);
  const zoom = sheet.print.fitToWidth && natural > avail ? Math.floor((avail / natural) * 1000) / 1000 : 1;
  const colgroup = `<colgroup>${widths.map((w) => `<col style="width:${w}px">`).join('')}</colgroup>`;

  // cells covered by a merge, and each merge by its top-left cell
  const covered = new Set<string>();
  const spanAt = new Map<string, Span>();
  for (const s of spans) {
    spanAt.set(`${s.top},${s.left}`, s);
    for (let r = s.top; r <= s.bottom; r++) for (let c = s.left; c <= s.right; c++) if (r !== s.top || c !== s.left) covered.add(`${r},${c}`);
  }

  const rowsHtml = (from: number, to: number): string => {
    const out: string[] = [];
    for (let r = from; r <= to; r++) {
      const row = sheet.cells[r] ?? [];
      const h = sheet.rowHeights[r];
      const tds: string[] = [];
      for (let c = 0; c < ncols; c++) {
        const key = `${r},${c}`;
        let span = spanAt.get(key);
        if (covered.has(key)) {
          // a merge that began in an earlier section (above the header split) restarts here
          const owner = spans.find((s) => s.top < from && s.top <= r && r <= s.bottom && s.left === c);
          if (!owner || r !== from) continue;
          span = { ...owner, top: from };
        }
        const rs = span ? Math.min(span.bottom, to) - r + 1 : 1;
        const cs = span ? span.right - c + 1 : 1;
        const cell = span ? sheet.cells[span.top]?.[span.src ?? span.left] : row[c];
        tds.push(renderCell(sheet, styles, r, c, cell, rs, cs, span));
      }
      out.push(`<tr${h ? ` style="height:${h}pt"` : ''}>${tds.join('')}</tr>`);
    }
    return out.join('');
  };

  const width = Math.round(natural);
  const tableAttrs = `class="grid" style="width:${width}px"`;
  let html = '';
  if (headEnd >= 0 && headStart > 0) {
    html += `<table ${tableAttrs}>${colgroup}<tbody>${rowsHtml(0, headStart - 1)}</tbody></table>`;
  }
  const thead = headEnd >= 0 ? `<thead>${rowsHtml(headStart, headEnd)}</thead>` : '';
  const bodyFrom = headEnd >= 0 ? headEnd + 1 : 0;
  html += `<table ${tableAttrs}>${colgroup}${thead}<tbody>${rowsHtml(bodyFrom, bodyEnd)}</tbody></table>`;
  if (notes.length) {
    html += `<div class="notes" style="width:${width}px">${notes
      .map((n, i) => `<p class="${noteStyles[i] ? `s${styles.indexOf(noteStyles[i]!)}` : ''}">${escLines(n)}</p>`)
      .join('')}</div>`;
  }
  const zoomStyle = zoom < 1 ? ` style="zoom:${zoom}"` : '';
  const classes = ['sheet', `sheet-${sheet.kind}`, opts.pageClass].filter(Boolean).join(' ');
  const wrapped = `<section class="${classes}"${opts.id ? ` id="${esc(opts.id)}"` : ''} data-sheet="${esc(sheet.name)}"><div class="fit"${zoomStyle}>${html}</div></section>`;
  return { html: wrapped, title, geometry, headerRows: headEnd >= 0 ? headEnd - headStart + 1 : 0, notes, zoom };
}

function firstText(sheet: SheetModel, styles: CellStyle[]): string {
  for (const row of sheet.cells.slice(0, 3)) {
    for (const c of row) {
      const t = cellText(c, c?.s !== undefined ? styles[c.s] : undefined).trim();
      if (t) return t;
    }
  }
  return sheet.name;
}

function renderCell(
  sheet: SheetModel, styles: CellStyle[], r: number, c: number, cell: Cell | null | undefined,
  rs: number, cs: number, span: Span | undefined,
): string {
  const style = cell?.s !== undefined ? styles[cell.s] : undefined;
  const cls: string[] = [];
  if (cell?.s !== undefined) cls.push(`s${cell.s}`);
  // a merged block's outer borders come from its edge cells, as Excel draws them
  const edge = (rr: number, cc: number) => {
    const e = sheet.cells[rr]?.[cc];
    return e?.s !== undefined ? styles[e.s]?.border : undefined;
  };
  const b = style?.border ?? {};
  const right = span ? edge(r, span.right)?.r ?? b.r : b.r;
  const bottom = span ? edge(span.bottom, c)?.b ?? b.b : b.b;
  if (b.t) cls.push('bt');
  if (right) cls.push('br');
  if (bottom) cls.push('bb');
  if (b.l) cls.push('bl');
  const v = cell?.v;
  const text = cellText(cell, style);
  if (typeof v === 'number') cls.push('n');
  else if (typeof v === 'boolean') cls.push('c');
  const attrs = [cls.length ? `class="${cls.join(' ')}"` : '', rs > 1 ? `rowspan="${rs}"` : '', cs > 1 ? `colspan="${cs}"` : '']
    .filter(Boolean)
    .join(' ');
  return `<td${attrs ? ' ' + attrs : ''}>${escLines(text)}</td>`;
}

/** One CSS rule per style of the packet: fonts, alignment, wrapping, fill. Borders are per cell (bt/br/bb/bl). */
export function styleCss(styles: CellStyle[], fontStackOf: (name?: string) => string): string {
  return styles
    .map((s, i) => {
      const d: string[] = [];
      if (s.font?.name) d.push(`font-family:${fontStackOf(s.font.name)}`);
      if (s.font?.size) d.push(`font-size:${s.font.size}pt`);
      if (s.font?.bold) d.push('font-weight:bold');
      if (s.font?.italic) d.push('font-style:italic');
      if (s.align?.h) d.push(`text-align:${s.align.h}`);
      if (s.align?.v) d.push(`vertical-align:${s.align.v}`);
      if (s.align?.wrap) d.push('white-space:pre-wrap');
      if (s.align?.indent) d.push(`padding-left:${s.align.indent * 9 + 3}px`);
      if (s.fill && /^[0-9A-Fa-f]{8}$/.test(s.fill)) d.push(`background:#${s.fill.slice(2)}`);
      return d.length ? `.s${i}{${d.join(';')}}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

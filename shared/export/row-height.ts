/**
 * Row heights for wrapped text. An .xlsx row without a height is laid out by the reader: Excel grows it
 * when it opens the file, LibreOffice and WPS print it at the default height and the wrapped lines overlap the
 * next row. So whoever writes wrapped text states the height, estimated from the text and the column width.
 */

/** Width of a character in Excel's column-width units (the width of '0' in the default font). */
function charUnits(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  // CJK, full-width forms and symbols take about two digit widths
  if (c >= 0x2e80 || (c >= 0x2000 && c <= 0x206f && c !== 0x2002)) return 2.05;
  return 1.1;
}

/** Lines `text` takes in a cell `width` characters wide (Excel units) with the given font size (11 pt = 1). */
export function wrappedLines(text: string, width: number, fontPt = 11): number {
  const scale = fontPt / 11;
  // the cell's padding takes about one unit
  const room = Math.max(1, (width - 1) / scale);
  let lines = 0;
  for (const para of text.split(/\r?\n/)) {
    let units = 0;
    for (const ch of para) units += charUnits(ch);
    lines += Math.max(1, Math.ceil(units / room));
  }
  return Math.max(1, lines);
}

/** Points for `lines` lines of `fontPt` text (LibreOffice's line height for CJK fonts is about 1.4 em), plus padding. */
export function heightForLines(lines: number, fontPt = 11): number {
  return Math.ceil(lines * fontPt * 1.4 + 4);
}

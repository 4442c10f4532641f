/**
 * Text from an untrusted workbook, made safe to show, compare and save: C0/C1 control characters (shared
 * strings can carry them as _x0007_ escapes, which ExcelJS decodes), bidirectional overrides that make
 * "100" display as "001", byte-order marks, non-characters and unpaired surrogates are removed. Tab, line
 * feed and carriage return stay: a cell may hold several lines.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeText(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, '') : s;
}

export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}

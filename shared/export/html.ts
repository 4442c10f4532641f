/** Small HTML helpers for the print document. Every text that comes from a packet goes through esc(). */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c]);
}

/** Text with line breaks kept (cells and paragraphs may hold several lines). */
export function escLines(text: string): string {
  return esc(text).replace(/\r?\n/g, '<br>');
}

/** Font stacks: the template's font first, then the usual Windows and Linux equivalents. */
const FALLBACKS: [RegExp, string[]][] = [
  [/宋|song|simsun/i, ['SimSun', '宋体', 'Songti SC', 'Noto Serif CJK SC', 'Source Han Serif SC']],
  [/黑|hei/i, ['SimHei', '黑体', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC']],
  [/仿宋|fang/i, ['FangSong', '仿宋', 'FangSong_GB2312', 'STFangsong', 'Noto Serif CJK SC']],
  [/楷|kai/i, ['KaiTi', '楷体', 'KaiTi_GB2312', 'STKaiti', 'Noto Serif CJK SC']],
  [/小标宋|标宋/i, ['SimSun', '宋体', 'Noto Serif CJK SC']],
];
const LAST = ['SimSun', 'Noto Serif CJK SC', 'Noto Sans CJK SC', 'serif'];

function quoteFont(name: string): string {
  return /^[A-Za-z-]+$/.test(name) ? name : `"${name.replace(/["\\]/g, '')}"`;
}

export function fontStack(name?: string): string {
  const out: string[] = [];
  const add = (n: string) => {
    if (!out.includes(n)) out.push(n);
  };
  if (name) {
    add(name);
    for (const [re, list] of FALLBACKS) if (re.test(name)) list.forEach(add);
  }
  LAST.forEach(add);
  return out.map(quoteFont).join(', ');
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings and 目录 numbering up to 99). */
export function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n];
  if (n < 20) return '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  if (n < 100) return CN_DIGITS[Math.floor(n / 10)] + '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  return String(n);
}

/** 2025年3月1日 */
export function chineseDate(d: Date): string {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

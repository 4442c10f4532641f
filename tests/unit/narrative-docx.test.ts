/**
 * 情况说明.docx: GB/T 9704 layout asserted in document.xml, read back and re-checked, and converted to PDF
 * with LibreOffice where it is installed (Debian libreoffice-writer-nogui) so the pages can be looked at:
 * the PDF and its page images are left in tests/artifacts/narrative/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkNarrativeText } from '../../shared/narrative/check.js';
import { narrativeDocx } from '../../shared/narrative/docx.js';
import { docxText } from '../../shared/narrative/docx-text.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import type { NarrativeTemplate } from '../../shared/narrative/types.js';
import type { PacketSession } from '../../shared/engine.js';
import { session as openSession, template as loadTemplate } from '../fixtures/narrative/load.js';

const OUT = resolve('tests/artifacts/narrative');
const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => spawnSync(p, ['--version']).status === 0);
if (!soffice) {
  console.warn('narrative-docx: LibreOffice (soffice) 未安装，跳过 docx → PDF 转换。安装：apt-get install -y --no-install-recommends libreoffice-writer-nogui');
}

let s: PacketSession;
let t: NarrativeTemplate;
let bytes: Uint8Array;
let xml: string;
let zip: JSZip;

/** The <w:p> elements whose text contains `text`. */
function paragraphsWith(text: string): string[] {
  return (xml.match(/<w:p>[\s\S]*?<\/w:p>|<w:p [\s\S]*?<\/w:p>/g) ?? []).filter((p) => p.replace(/<[^>]+>/g, '').includes(text));
}

beforeAll(async () => {
  s = await openSession();
  t = loadTemplate();
  bytes = await narrativeDocx(generateNarrative(s, t), t);
  zip = await JSZip.loadAsync(bytes);
  xml = await zip.file('word/document.xml')!.async('string');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, '情况说明.docx'), bytes);
});

describe('情况说明.docx follows GB/T 9704', () => {
  it('A4 with margins 37 / 35 / 28 / 26 mm', () => {
    expect(xml).toContain('<w:pgSz w:w="11906" w:h="16838"');
    const m = /<w:pgMar ([^>]*)\/>/.exec(xml)![1];
    const attr = (k: string) => Number(new RegExp(`w:${k}="(\\d+)"`).exec(m)![1]);
    // twips: 1 mm = 56.69
    expect(attr('top')).toBe(Math.round(37 * 1440 / 25.4));
    expect(attr('bottom')).toBe(Math.round(35 * 1440 / 25.4));
    expect(attr('left')).toBe(Math.round(28 * 1440 / 25.4));
    expect(attr('right')).toBe(Math.round(26 * 1440 / 25.4));
  });

  it('title in 方正小标宋简体 二号, centred; body in 仿宋_GB2312 三号 with a two-character indent', () => {
    const [title] = paragraphsWith('中共景德镇市昌南新区工作委员会党群工作部2024年度部门决算');
    expect(title).toContain('w:eastAsia="方正小标宋简体"');
    expect(title).toContain('<w:sz w:val="44"/>');
    expect(title).toContain('<w:jc w:val="center"/>');
    const [body] = paragraphsWith('本部门2024年度收入总计3966.62万元');
    expect(body).toContain('w:eastAsia="仿宋_GB2312"');
    expect(body).toContain('<w:sz w:val="32"/>');
    expect(body).toMatch(/<w:ind w:firstLine="640"\/>/);
    expect(body).toContain('<w:jc w:val="both"/>');
  });

  it('一级标题 黑体, 二级标题 楷体_GB2312, both kept with the next paragraph', () => {
    // the second: the first is its line in the 目录
    const [, h1] = paragraphsWith('一、收入决算情况说明');
    expect(h1).toContain('w:eastAsia="黑体"');
    expect(h1).toContain('<w:keepNext/>');
    expect(h1).toContain('<w:sz w:val="32"/>');
    const [h2] = paragraphsWith('（一）绩效管理工作开展情况。');
    expect(h2).toContain('w:eastAsia="楷体_GB2312"');
    expect(h2).toContain('<w:keepNext/>');
    // 名词解释's terms bold in the body font
    const [term] = paragraphsWith('财政拨款收入：指本年度');
    expect(term).toMatch(/<w:b\/>[\s\S]*财政拨款收入：/);
  });

  it('every paragraph has exact 28 pt line spacing', () => {
    const ps = xml.match(/<w:p>[\s\S]*?<\/w:p>|<w:p [\s\S]*?<\/w:p>/g)!;
    expect(ps.length).toBeGreaterThan(150);
    for (const p of ps) expect(p).toMatch(/<w:spacing [^>]*w:line="560" w:lineRule="exact"/);
  });

  it('第一、三、四、五部分, each from a new page after the 目录; no 第二部分 (the tables go in the PDF packet)', () => {
    for (const h of ['第一部分', '第三部分', '第四部分', '第五部分']) expect(paragraphsWith(h).length).toBeGreaterThan(0);
    expect(paragraphsWith('第二部分')).toEqual([]);
    for (const h of ['第三部分 2024年度部门决算情况说明', '第四部分 名词解释', '第五部分 附件']) {
      // listed once in the 目录 (same page), then the part itself opens a page
      const [listed, part, ...more] = paragraphsWith(h);
      expect(listed).not.toContain('<w:pageBreakBefore/>');
      expect(part).toContain('<w:pageBreakBefore/>');
      expect(more).toEqual([]);
    }
  });

  it('the 目录 lists each part with its 一级标题, then the 尾数误差 note, as the seed does', () => {
    const text = (x: string) => x.replace(/<[^>]+>/g, '');
    const all = (xml.match(/<w:p>[\s\S]*?<\/w:p>|<w:p [\s\S]*?<\/w:p>/g) ?? []).map(text);
    const start = all.indexOf('目  录');
    const end = all.findIndex((x, i) => i > start && x.startsWith('注：本报告因金额单位转换原因'));
    expect(start).toBeGreaterThan(0);
    const toc = all.slice(start + 1, end).filter((x) => x);
    expect(toc.slice(0, 3)).toEqual([expect.stringMatching(/^第一部分 .*概况$/), '一、部门主要职责', '二、机构设置及人员情况']);
    const third = toc.indexOf('第三部分 2024年度部门决算情况说明');
    expect(toc.slice(third + 1, third + 10)).toEqual([
      '一、收入决算情况说明', '二、支出决算情况说明', '三、财政拨款支出决算情况说明', '四、一般公共预算财政拨款基本支出决算情况说明',
      '五、财政拨款“三公”经费支出决算情况说明', '六、机关运行经费支出情况说明', '七、政府采购支出情况说明', '八、国有资产占用情况说明', '九、预算绩效情况说明',
    ]);
    expect(toc.slice(third + 10)).toEqual(['第四部分 名词解释', '第五部分 附件']);
  });

  it('page numbers "— 1 —" in 四号宋体: odd pages right, even pages left', async () => {
    expect(await zip.file('word/settings.xml')!.async('string')).toContain('<w:evenAndOddHeaders/>');
    const footers = await Promise.all(Object.keys(zip.files).filter((f) => /^word\/footer\d+\.xml$/.test(f)).map((f) => zip.file(f)!.async('string')));
    expect(footers).toHaveLength(2);
    for (const f of footers) {
      expect(f.replace(/<[^>]+>/g, '')).toMatch(/^— PAGE\s*—$|— .*PAGE.* —/);
      expect(f).toContain('w:eastAsia="宋体"');
      expect(f).toContain('<w:sz w:val="28"/>');
    }
    expect(footers.map((f) => /<w:jc w:val="(\w+)"/.exec(f)![1]).sort()).toEqual(['left', 'right']);
  });

  it('names a fallback for each font the machine may lack', async () => {
    const fonts = await zip.file('word/fontTable.xml')!.async('string');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>');
    expect(fonts).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>');
    expect(fonts).toContain('<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>');
    expect(await zip.file('docProps/core.xml')!.async('string')).toContain('正文：仿宋_GB2312（缺少时用 仿宋');
  });

  it('reads back: the text of the .docx passes the number checker', async () => {
    const r = checkNarrativeText(s, t, await docxText(bytes));
    expect(r.failed).toEqual([]);
    expect(r.checks.length).toBeGreaterThan(170);
  });
});

describe.skipIf(!soffice)('LibreOffice renders it (docx → PDF)', () => {
  it('A4 pages, numbered — 1 — …, the parts where they belong; page images written for a look', () => {
    for (const f of readdirSync(OUT)) if (/\.(pdf|png)$/.test(f)) rmSync(join(OUT, f));
    execFileSync(soffice!, ['--headless', '--convert-to', 'pdf', '--outdir', OUT, join(OUT, '情况说明.docx')], { stdio: 'ignore', timeout: 120_000 });
    const pdf = join(OUT, '情况说明.pdf');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(pages).toBeGreaterThan(10);
    const pageText = (n: number) => execFileSync('pdftotext', ['-f', String(n), '-l', String(n), '-layout', pdf, '-'], { encoding: 'utf8' });
    for (let n = 1; n <= pages; n++) expect(pageText(n).replace(/\s+/g, '')).toContain(`—${n}—`);
    expect(pageText(1)).toContain('2024 年度部门决算');
    const starts = (h: string) => [...Array(pages).keys()].map((i) => i + 1).find((n) => pageText(n).replace(/\s+/g, '').startsWith(h));
    // each part opens a page
    expect(starts('第三部分')).toBeGreaterThan(1);
    expect(starts('第四部分')).toBeGreaterThan(starts('第三部分')!);
    expect(starts('第五部分')).toBeGreaterThan(starts('第四部分')!);
    // 22 lines of text on a full page at 28 pt: no page has more, and the full ones have 18 or more
    const lines = (n: number) => pageText(n).split('\n').filter((l) => l.trim() && !/^—\d+—$/.test(l.replace(/\s+/g, ''))).length;
    const counts = [...Array(pages).keys()].map((i) => lines(i + 1));
    expect(Math.max(...counts)).toBeLessThanOrEqual(22);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(18);
    // the 目录 page: title, 目录 and the part lines, before 第一部分 opens the next page
    expect(pageText(1).replace(/\s+/g, '')).toContain('目录第一部分');
    expect(starts('第一部分')).toBe(2);
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(OUT, 'page')]);
    expect(readdirSync(OUT).filter((f) => f.endsWith('.png')).length).toBe(pages);
  });
});

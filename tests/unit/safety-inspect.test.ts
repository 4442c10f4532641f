/**
 * shared/safety in isolation: the central-directory check (refusing before anything is inflated), the
 * bounded inflate, the streaming XML scan, text and formula sanitising, the time limit and the template-set
 * id. Each limit is shown holding (the reference packet and ordinary files pass) and failing.
 */
import { describe, expect, it } from 'vitest';
import { PacketError } from '../../shared/errors.js';
import { writePacket } from '../../shared/xlsx.js';
import {
  hasUnsafeText, inspectXlsx, LIMITS, notXlsxMessage, rangeCost, readZipDirectory, SafetyError, sanitizeText, templateSetId,
  templateSetStatus, TimeLimitError, unsafeFormula, unsafeFormulaReason, withTimeLimit,
} from '../../shared/safety/index.js';
import { decodeCellRef, XmlScanner, type ScanSink, type TagEvent } from '../../shared/safety/xml-scan.js';
import { buildZip, editPart, macroXls, smallPacket, withParts, zerosDeflated } from '../fixtures/hostile/corpus.js';
import { bytesOf, REFERENCE } from '../helpers/packets.js';

const te = new TextEncoder();

async function refusal(p: Promise<unknown>): Promise<PacketError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PacketError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the central directory, before inflating', () => {
  it('passes the reference packet and reports what it holds', async () => {
    const ref = bytesOf(REFERENCE);
    const dir = readZipDirectory(ref);
    expect(dir.entries.length).toBeGreaterThan(10);
    expect(dir.entries.some((e) => e.name === 'xl/workbook.xml')).toBe(true);
    const r = await inspectXlsx(ref);
    expect(r.uncompressedBytes).toBe(dir.totalUncompressed);
    expect(r.sheets.map((s) => s.name)).toContain('公开01表');
    expect(Math.max(...r.sheets.map((s) => s.rows))).toBeLessThan(LIMITS.maxRows);
  });

  it('refuses a 1 GiB part from its declared size alone: the data is garbage and is never inflated', async () => {
    const garbage = new Uint8Array(4096).map((_x, i) => (i * 131) & 0xff);
    const zip = buildZip([
      { name: 'xl/workbook.xml', data: te.encode('<workbook/>') },
      { name: 'xl/media/huge.bin', data: new Uint8Array(0), compressed: garbage, declaredSize: 1024 * 1048576 },
    ]);
    expect(() => readZipDirectory(zip)).toThrow(SafetyError);
    const e = await refusal(inspectXlsx(zip));
    // had anything been inflated, the garbage would have been reported as damaged data instead
    expect(e.message).toMatch(/1024 MB，超过单个部件 100 MB 的上限（疑似“压缩炸弹”）/);
    expect(e).toBeInstanceOf(SafetyError);
  });

  it('refuses by ratio and by total size, and accepts the same shapes within the limits', async () => {
    const ratio = buildZip([
      { name: 'xl/workbook.xml', data: te.encode('<workbook/>') },
      { name: 'xl/media/z.bin', data: new Uint8Array(0), compressed: zerosDeflated(20), declaredSize: 20 * 1048576 },
    ]);
    expect(() => readZipDirectory(ratio)).toThrow(/压缩比为 1,0\d\d:1/);
    expect(() => readZipDirectory(ratio, '文件', { ...LIMITS, maxRatio: 2000 })).not.toThrow();
    const many = buildZip(Array.from({ length: 50 }, (_x, k) => ({ name: `p${k}`, data: te.encode('x'), method: 0 as const })));
    expect(() => readZipDirectory(many, '文件', { ...LIMITS, maxEntries: 49 })).toThrow(/50 个部件，超过 49 个的上限/);
    expect(() => readZipDirectory(many, '文件', { ...LIMITS, maxEntries: 50 })).not.toThrow();
    expect(() => readZipDirectory(many, '文件', { ...LIMITS, maxTotalBytes: 49 })).toThrow(/总大小/);
  });

  it('refuses entries that share their bytes (the overlapping-file zip bomb)', () => {
    const entries = [
      { name: 'xl/workbook.xml', data: te.encode('<workbook/>') },
      { name: 'a.xml', data: te.encode('<a/>'.repeat(1000)) },
      { name: 'b.xml', data: new Uint8Array(0), aliasOf: 1 },
    ];
    expect(() => readZipDirectory(buildZip(entries))).toThrow(/互相重叠/);
    expect(() => readZipDirectory(buildZip(entries.slice(0, 2)))).not.toThrow();
  });

  it('reads ZIP64 records and prepended bytes the way JSZip does', async () => {
    const small = await writePacket(smallPacket());
    const JSZip = (await import('jszip')).default;
    const z = await JSZip.loadAsync(small);
    const entries = await Promise.all(Object.values(z.files).filter((f) => !f.dir).map(async (f) => ({ name: f.name, data: await f.async('uint8array') })));
    const zip64 = buildZip(entries.map((e) => ({ ...e, zip64: true })), { zip64Eocd: true });
    expect(readZipDirectory(zip64).entries.length).toBe(entries.length);
    expect((await inspectXlsx(zip64)).sheets.length).toBeGreaterThan(1);
    const shifted = buildZip(entries, { prepend: buildZip([{ name: 'x', data: te.encode('x') }]) });
    expect(readZipDirectory(shifted).entries.length).toBe(entries.length);
  });
});

describe('the bounded inflate', () => {
  it('stops a part that inflates beyond its declared size', async () => {
    const lying = buildZip([
      { name: 'xl/workbook.xml', data: te.encode('<workbook/>') },
      { name: 'xl/media/z.bin', data: new Uint8Array(0), compressed: zerosDeflated(1024), declaredSize: 1000 },
    ]);
    expect(() => readZipDirectory(lying)).not.toThrow();
    const e = await refusal(inspectXlsx(lying));
    expect(e.message).toContain('部件 xl/media/z.bin 解压后的实际大小超过了目录中声明的大小');
  });

  it('measures sheets as ExcelJS will allocate them: rows, columns, merges, validations, names', async () => {
    const small = await writePacket(smallPacket());
    const sheet = 'xl/worksheets/sheet2.xml';
    const ok = await inspectXlsx(small);
    const t01 = ok.sheets.find((s) => s.name === '公开01表')!;
    expect([t01.rows, t01.cols]).toEqual([5, 2]);

    const tall = await withParts(small, (p) => editPart(p, sheet, (s) => s.replace('</sheetData>', '<row r="300"><c r="B300"><v>1</v></c></row></sheetData>')));
    expect((await inspectXlsx(tall)).sheets.find((s) => s.name === '公开01表')!.rows).toBe(300);
    expect((await refusal(inspectXlsx(tall, '文件', { ...LIMITS, maxRows: 299 }))).message).toMatch(/工作表「公开01表」用到了第 300 行，超过 299 行的上限/);

    const merged = await withParts(small, (p) => editPart(p, sheet, (s) => s.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="D1:K40"/></mergeCells>')));
    const m = (await inspectXlsx(merged)).sheets.find((s) => s.name === '公开01表')!;
    expect([m.rows, m.cols]).toEqual([40, 11]);
    expect((await refusal(inspectXlsx(merged, '文件', { ...LIMITS, maxSheetArea: 439 }))).message).toContain('40 行 × 11 列');

    const dv = await withParts(small, (p) => editPart(p, sheet, (s) => s.replace('<pageMargins', '<dataValidations count="1"><dataValidation type="whole" sqref="A1:B10 D4"><formula1>1</formula1></dataValidation></dataValidations><pageMargins')));
    expect((await inspectXlsx(dv)).validationArea).toBe(21);
    expect((await refusal(inspectXlsx(dv, '文件', { ...LIMITS, maxValidationArea: 20 }))).message).toContain('数据验证');

    const named = await withParts(small, (p) => editPart(p, 'xl/workbook.xml', (s) => s.replace('</definedNames>', '<definedName name="区域">公开01表!$A$1:$C$10</definedName></definedNames>')));
    expect((await inspectXlsx(named)).nameArea).toBe(31);
    expect((await refusal(inspectXlsx(named, '文件', { ...LIMITS, maxNameArea: 30 }))).message).toContain('定义名称覆盖了约 31 个单元格');
  });

  it('refuses any DTD, which no spreadsheet needs and every entity bomb does', async () => {
    const small = await writePacket(smallPacket());
    const dtd = await withParts(small, (p) => editPart(p, 'xl/styles.xml', (s) => s.replace(/^(<\?xml[^>]*\?>)/, '$1<!DOCTYPE x [<!ENTITY a "b">]>')));
    expect((await refusal(inspectXlsx(dtd))).message).toContain('部件 xl/styles.xml 含有 DTD 或实体声明');
    // the word in a comment or as text is not a declaration
    const text = await withParts(small, (p) => editPart(p, 'xl/styles.xml', (s) => s.replace('</styleSheet>', '<!-- <!DOCTYPE --></styleSheet>')));
    await expect(inspectXlsx(text)).resolves.toBeTruthy();
  });
});

describe('the streaming XML scanner', () => {
  class Rec implements ScanSink {
    tags: TagEvent[] = [];
    texts: string[] = [];
    wants(tag: string) {
      return tag === 'row' || tag === 'c' ? ['r'] : undefined;
    }
    wantsText(tag: string) {
      return tag === 'definedName';
    }
    onTag(e: TagEvent) {
      this.tags.push({ ...e, attrs: { ...e.attrs } });
    }
    onText(_t: string, text: string) {
      this.texts.push(text);
    }
  }
  const xml =
    '<?xml version="1.0"?><x:worksheet><!-- <row r="9"> --><x:sheetData><row spans="1:2" r=\'7\'><c r="&#65;&#55;" t="s"/></row>' +
    '<![CDATA[<row r="8">]]><row r="1&#48;"/></x:sheetData><definedName name="n">\'A&amp;B\'!$A$1</definedName></x:worksheet>';

  it('sees the same tags whatever the chunking, with entities decoded and prefixes dropped', () => {
    const whole = new Rec();
    new XmlScanner(whole).push(te.encode(xml));
    const rows = whole.tags.filter((t) => t.name === 'row').map((t) => t.attrs.r);
    expect(rows).toEqual(['7', '10']);
    expect(whole.tags.find((t) => t.name === 'c')!.attrs.r).toBe('A7');
    expect(whole.texts).toEqual(["'A&B'!$A$1"]);
    const bytes = te.encode(xml);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const r = new Rec();
      const s = new XmlScanner(r);
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      expect(r.tags).toEqual(whole.tags);
      expect(r.texts).toEqual(whole.texts);
    }
  });

  it('decodes cell references like ExcelJS', () => {
    expect(decodeCellRef('A1')).toEqual({ row: 1, col: 1 });
    expect(decodeCellRef('$XFD$1048576')).toEqual({ row: 1048576, col: 16384 });
    expect(decodeCellRef('AB12')).toEqual({ row: 12, col: 28 });
  });
});

describe('text and formulas from untrusted files', () => {
  it('removes control, bidi and non-characters, keeps tabs, line breaks and Chinese', () => {
    expect(sanitizeText('合计\u0007金额\u001b[31m')).toBe('合计金额[31m');
    expect(sanitizeText('\u202e100\u202c元\u0085')).toBe('100元');
    expect(sanitizeText('第一行\n第二行\t备注')).toBe('第一行\n第二行\t备注');
    expect(sanitizeText('a\ud800b\udc00c😀')).toBe('abc😀');
    expect(hasUnsafeText('正常文字')).toBe(false);
    expect(hasUnsafeText('异常\u0001')).toBe(true);
  });

  it('keeps ordinary calculations and flags what could act outside the workbook', () => {
    for (const ok of ['SUM(B3:B4)', 'APPROX(公开01表!C7,SUM(公开01表!C8:C10),4)', "SUMIF('公开03表'!A:A,\"201\",'公开03表'!C:C)", 'IF(A1="cmd|x","[1]","HYPERLINK(")', "'a|b'!A1+1"]) {
      expect(unsafeFormulaReason(ok)).toBeNull();
    }
    const cases: [string, RegExp, boolean][] = [
      ["cmd|' /C calc'!A0", /DDE/, true],
      ["=MSEXCEL|'\\..\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe'!''", /DDE/, true],
      ["@SUM(1+1)*cmd|' /C calc'!A0", /DDE/, true],
      ['[1]Sheet1!A1', /其他工作簿/, false],
      ["'C:\\财务\\[2023.xlsx]公开01表'!C7", /其他工作簿/, false],
      ['HYPERLINK("http://example.invalid","x")', /HYPERLINK/, false],
      ['_xlfn.WEBSERVICE("http://example.invalid")', /WEBSERVICE/, false],
      ['_xll.EVIL(1)', /加载项/, true],
      ['CALL("kernel32","WinExec","JCJ","calc",0)', /CALL/, true],
      ['B3+'.repeat(3000) + '1', /过长/, false],
      ['('.repeat(65) + '1' + ')'.repeat(65), /嵌套/, false],
    ];
    for (const [f, why, code] of cases) {
      expect(unsafeFormula(f)?.reason).toMatch(why);
      expect(unsafeFormula(f)?.code).toBe(code);
    }
    expect(unsafeFormulaReason('('.repeat(64) + '1' + ')'.repeat(64))).toBeNull();
  });

  it('costs each distinct range once, and nothing for ranges the engine rejects itself', () => {
    const seen = new Set<string>();
    expect(rangeCost('SUM(A1:B10)+SUM(A1:B10)', '表', seen)).toBe(20);
    expect(rangeCost('SUM($A$1:$B$10)', '表', seen)).toBe(0);
    expect(rangeCost('SUM(A1:B10)', '另一表', seen)).toBe(20);
    expect(rangeCost('SUM(A1:A1048576)', '表', seen)).toBe(0);
    expect(rangeCost('SUM(C:D)', '表', seen)).toBe(2000);
    expect(rangeCost('"A1:Z9999"', '表', seen)).toBe(0);
  });
});

describe('what the file is when it is not .xlsx', () => {
  it('names .xls (and its macros), encrypted, PDF, web exports and empty files', () => {
    expect(notXlsxMessage(macroXls(), '文件')).toMatch(/旧版 Excel 97-2003 工作簿（\.xls）.*含有宏（软件不会运行任何宏）/);
    expect(notXlsxMessage(te.encode('%PDF-1.4'), '文件')).toContain('PDF');
    expect(notXlsxMessage(te.encode('<html><table>'), '文件')).toContain('网页');
    expect(notXlsxMessage(new Uint8Array(0), '文件')).toContain('空文件');
    expect(notXlsxMessage(te.encode('hello'), '文件')).toContain('不是 Excel 工作簿（.xlsx）');
  });
});

describe('the per-file time limit', () => {
  it('lets work finish inside the limit and stops waiting beyond it with a Chinese SafetyError', async () => {
    await expect(withTimeLimit(Promise.resolve(7), 1000)).resolves.toBe(7);
    const never = new Promise<number>(() => undefined);
    const e = await refusal(withTimeLimit(never, 20, '文件 a.xlsx '));
    expect(e).toBeInstanceOf(TimeLimitError);
    expect(e).toBeInstanceOf(SafetyError);
    expect(e.message).toMatch(/^文件 a\.xlsx 读取超时：超过 20 毫秒仍未读完/);
    // abandoned work that fails later is not an unhandled rejection
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    await refusal(withTimeLimit(new Promise((_r, reject) => setTimeout(() => reject(new Error('late')), 40)), 10));
    await new Promise((r) => setTimeout(r, 80));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toBe(0);
  });
});

describe('the template set a packet declares', () => {
  it('is trusted only in a shape that cannot leave the templates folder', () => {
    expect(templateSetId({ 模板套: 'jiangxi-2024' })).toBe('jiangxi-2024');
    for (const bad of ['../../etc', 'C:\\Windows', '/etc/passwd', 'a/b', '', 'JiangXi 2024']) expect(templateSetId({ 模板套: bad })).toBeNull();
    expect(templateSetStatus({ 模板套: 'jiangxi-2024' }, ['jiangxi-2024'])).toEqual({ id: 'jiangxi-2024', known: true });
    const other = templateSetStatus({ 模板套: 'shanghai-2024' }, ['jiangxi-2024']);
    expect(other.known).toBe(false);
    expect(other.note).toContain('「shanghai-2024」不是本软件自带的模板套');
    expect(templateSetStatus({}, ['jiangxi-2024']).note).toContain('没有注明模板套');
  });
});

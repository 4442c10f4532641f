/**
 * Issue 20: formulas filled down in Excel/WPS. Excel stores a filled run once, on its first cell
 * (`<f t="shared" ref="F7:F34" si="0">SUM(G7:I7)</f>`), and `<f t="shared" si="0"/>` on the others. The files
 * here are the real template and reference packet with their zip parts rewritten the way Excel writes them
 * (jszip, not ExcelJS's writer): a table's total column and three 审核 formulas filled down. Every cell of a run
 * must keep its own formula and follow its inputs. LibreOffice's re-save of the same file is tested too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { slideFormula } from '../../shared/formula.js';
import { sheetByName, type Packet } from '../../shared/model.js';
import { readPacket } from '../../shared/xlsx.js';
import { at, set } from './forms-helpers.js';

const TEMPLATE = 'templates/jiangxi-2024/tables.xlsx';
const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
const T04 = '公开04表';
const FIRST = 7;
const LAST = 32; // the row totals above 合计 (F33 is the 合计 column sum)
/** a cached value no formula of the run computes: a cell read as its cache shows it */
const STALE = 999;

async function sheetPart(zip: JSZip, name: string): Promise<string> {
  const wb = await zip.file('xl/workbook.xml')!.async('string');
  const rid = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="(rId\\d+)"`).exec(wb)?.[1];
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
  if (!rid || !target) throw new Error(`no part for ${name}`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

/** The file with 公开04表!F7:F34 and three added 审核 rows stored as Excel stores a filled-down formula. */
async function filledDownInExcel(path: string): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const p04 = await sheetPart(zip, T04);
  let xml = await zip.file(p04)!.async('string');
  // the template's own 04表 row total (a blank row stays blank, as the publication prints it), filled down from F7
  const rowTotal = (r: number) => `IF(COUNT(G${r}:I${r})=0,"",SUM(G${r}:I${r}))`;
  const xmlText = (f: string) => f.replace(/"/g, '&quot;');
  for (let r = FIRST; r <= LAST; r++) {
    const re = new RegExp(`<c r="F${r}"([^>]*)><f>${escapeRe(xmlText(rowTotal(r)))}</f>(?:<v>[^<]*</v>|<v/>)?</c>`);
    if (!re.test(xml)) throw new Error(`F${r} is not ${rowTotal(r)} in ${path}`);
    xml = xml.replace(re, (_m, attrs: string) => {
      const a = attrs.replace(/ t="str"/, '');
      return r === FIRST
        ? `<c r="F${r}"${a}><f t="shared" ref="F${FIRST}:F${LAST}" si="0">${xmlText(rowTotal(r))}</f><v>${STALE}</v></c>`
        : `<c r="F${r}"${a}><f t="shared" si="0"/><v>${STALE}</v></c>`;
    });
  }
  zip.file(p04, xml);
  const pChecks = await sheetPart(zip, '审核');
  let checks = await zip.file(pChecks)!.async('string');
  const last = Math.max(...[...checks.matchAll(/<row r="(\d+)"/g)].map((m) => Number(m[1])));
  const rows = [0, 1, 2].map((k) => {
    const r = last + 1 + k;
    const f = k === 0
      ? `<f t="shared" ref="D${r}:D${r + 2}" si="0">&apos;${T04}&apos;!G${FIRST}&gt;=0</f>`
      : '<f t="shared" si="0"/>';
    return `<row r="${r}">${inline(`A${r}`, `Z-0${k + 1}`)}${inline(`B${r}`, '错误')}${inline(`C${r}`, '公式')}` +
      `<c r="D${r}" t="b">${f}<v>1</v></c>${inline(`E${r}`, `${T04}第 ${FIRST + k} 行基本支出为负数`)}${inline(`F${r}`, `${T04}!G${FIRST + k}`)}</row>`;
  });
  checks = checks.replace('</sheetData>', `${rows.join('')}</sheetData>`);
  zip.file(pChecks, checks);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

function formulasOfRun(packet: Packet): (string | undefined)[] {
  const ws = sheetByName(packet, T04)!;
  const out: (string | undefined)[] = [];
  for (let r = FIRST; r <= LAST; r++) out.push(ws.cells[r - 1]?.[5]?.f);
  return out;
}

const expectedRun = Array.from({ length: LAST - FIRST + 1 }, (_, k) => `IF(COUNT(G${FIRST + k}:I${FIRST + k})=0,"",SUM(G${FIRST + k}:I${FIRST + k}))`);
const addedChecks = (p: Packet) => p.checks.filter((c) => c.id.startsWith('Z-')).map((c) => [c.id, c.formula]);
const expectedChecks = [0, 1, 2].map((k) => [`Z-0${k + 1}`, `'${T04}'!G${FIRST + k}>=0`]);
const rules = (s: PacketSession, prefix: string) => s.findings().filter((f) => f.rule.startsWith(prefix)).map((f) => f.rule).sort();
const value = (s: PacketSession, addr: string) => { const p = at(addr); return s.getValue(T04, p.row, p.col); };

describe('slideFormula moves a filled formula the way Excel does', () => {
  const from = { row: 7, col: 6 };
  it('relative parts move, $ parts stay, strings and quoted sheet names are untouched', () => {
    expect(slideFormula('SUM(G7:I7)', from, { row: 9, col: 6 })).toBe('SUM(G9:I9)');
    expect(slideFormula('$A$1+A$1+$A1+A1', from, { row: 8, col: 7 })).toBe('$A$1+B$1+$A2+B2');
    expect(slideFormula(`'公开01表'!C8+公开02表!D9&"G7"`, from, { row: 8, col: 6 })).toBe(`'公开01表'!C9+公开02表!D10&"G7"`);
    expect(slideFormula('LOG10(G7)+1E5+本年收入合计', from, { row: 8, col: 6 })).toBe('LOG10(G8)+1E5+本年收入合计');
    expect(slideFormula('SUM(C:C)+SUM(8:9)', from, { row: 8, col: 7 })).toBe('SUM(D:D)+SUM(9:10)');
  });
  it('a reference pushed off the sheet is #REF!, as in Excel', () => {
    expect(slideFormula('A1+B2', { row: 2, col: 1 }, { row: 1, col: 1 })).toBe('#REF!+B1');
  });
});

describe('a template and a packet whose formulas were filled down in Excel', () => {
  let template: Packet;
  let packet: Packet;
  let plain: Packet;
  beforeAll(async () => {
    template = await readPacket(await filledDownInExcel(TEMPLATE));
    packet = await readPacket(await filledDownInExcel(REFERENCE));
    plain = await readPacket(new Uint8Array(readFileSync(REFERENCE)));
  }, 120_000);

  it('every cell of the run keeps its own formula, in the template and in the packet', () => {
    expect(formulasOfRun(template)).toEqual(expectedRun);
    expect(formulasOfRun(packet)).toEqual(expectedRun);
    expect(formulasOfRun(plain)).toEqual(expectedRun);
  });

  it('审核 formulas filled down are read as their formulas, not as the TRUE they showed', () => {
    expect(addedChecks(template)).toEqual(expectedChecks);
    expect(addedChecks(packet)).toEqual(expectedChecks);
  });

  it('the filled-down totals follow their inputs (no cell frozen at its cached value)', () => {
    const s = new PacketSession(structuredClone(packet));
    for (let r = FIRST; r <= LAST; r++) {
      const sum = [6, 7, 8].reduce((a, c) => a + (Number(s.getValue(T04, r - 1, c)) || 0), 0);
      expect(Number(value(s, `F${r}`))).toBeCloseTo(sum, 6);
      expect(value(s, `F${r}`)).not.toBe(STALE);
    }
    const before = Number(value(s, 'F9'));
    set(s, T04, 'H9', (Number(value(s, 'H9')) || 0) + 12.34);
    expect(Number(value(s, 'F9'))).toBeCloseTo(before + 12.34, 6);
  });

  it('the filled-down checks follow their inputs: silent on the reference figures, each fires on its own row', () => {
    const s = new PacketSession(structuredClone(packet));
    expect(rules(s, 'Z-')).toEqual([]);
    // nothing else changed: the findings are those of the file as the app wrote it
    const reference = new PacketSession(structuredClone(plain));
    expect(s.findings().map((f) => f.rule).sort()).toEqual(reference.findings().map((f) => f.rule).sort());
    set(s, T04, `G${FIRST + 1}`, -5);
    expect(rules(s, 'Z-')).toEqual(['Z-02']);
    set(s, T04, `G${FIRST + 2}`, -1);
    expect(rules(s, 'Z-')).toEqual(['Z-02', 'Z-03']);
    set(s, T04, `G${FIRST + 1}`, 5);
    expect(rules(s, 'Z-')).toEqual(['Z-03']);
  });

  it('the packet saved again writes a formula in every cell of the run', async () => {
    const { writePacket } = await import('../../shared/xlsx.js');
    const again = await readPacket(await writePacket(packet));
    expect(formulasOfRun(again)).toEqual(expectedRun);
  });
});

const SOFFICE = '/usr/bin/soffice';
describe.skipIf(!existsSync(SOFFICE))('the same packet re-saved by LibreOffice', () => {
  it('opens with every formula of the run and the filled-down checks, and they follow their inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juesuan-lo-'));
    try {
      writeFileSync(join(dir, 'excel.xlsx'), await filledDownInExcel(REFERENCE));
      // LibreOffice reads Excel's shared formulas and writes its own .xlsx (Calc MS Excel 2007 XML)
      execFileSync(SOFFICE, ['--headless', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'xlsx:Calc MS Excel 2007 XML',
        '--outdir', join(dir, 'out'), join(dir, 'excel.xlsx')], { stdio: 'ignore', timeout: 300_000 });
      const lo = await readPacket(new Uint8Array(readFileSync(join(dir, 'out', 'excel.xlsx'))));
      expect(formulasOfRun(lo)).toEqual(expectedRun);
      // LibreOffice drops the quotes around a sheet name that does not need them
      expect(addedChecks(lo).map(([id, f]) => [id, f.replace(`'${T04}'`, T04)])).toEqual(expectedChecks.map(([id, f]) => [id, f.replace(`'${T04}'`, T04)]));
      const s = new PacketSession(lo);
      expect(rules(s, 'Z-')).toEqual([]);
      const before = Number(value(s, 'F8'));
      const g8 = Number(value(s, 'G8')) || 0;
      set(s, T04, 'G8', -5);
      expect(Number(value(s, 'F8'))).toBeCloseTo(before - g8 - 5, 6);
      expect(rules(s, 'Z-')).toEqual(['Z-02']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 560_000);
});

describe('an array formula of one cell (Ctrl+Shift+Enter in Excel)', () => {
  /** 公开04表!K7 = {=SUM(G7:G9*H7:H9)} as Excel stores it, with a cached value that no longer holds */
  async function withArrayFormula(): Promise<Uint8Array> {
    const zip = await JSZip.loadAsync(readFileSync(TEMPLATE));
    const p04 = await sheetPart(zip, T04);
    let xml = await zip.file(p04)!.async('string');
    const cell = `<c r="K7"><f t="array" ref="K7">SUM(G7:G9*H7:H9)</f><v>${STALE}</v></c>`;
    xml = /<c r="K7"[^>]*\/>/.test(xml) ? xml.replace(/<c r="K7"[^>]*\/>/, cell) : xml.replace(/(<row r="7"[^>]*>)(.*?)(<\/row>)/, `$1$2${cell}$3`);
    zip.file(p04, xml);
    return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  }

  it('computes element by element, follows its inputs, and is written back as an array formula', async () => {
    const packet = await readPacket(await withArrayFormula());
    const s = new PacketSession(packet);
    set(s, T04, 'G7', 1); set(s, T04, 'G8', 2); set(s, T04, 'G9', 3);
    set(s, T04, 'H7', 4); set(s, T04, 'H8', 5); set(s, T04, 'H9', 6);
    expect(value(s, 'K7')).toBe(1 * 4 + 2 * 5 + 3 * 6);
    set(s, T04, 'H9', 10);
    expect(value(s, 'K7')).toBe(1 * 4 + 2 * 5 + 3 * 10);
    const { writePacket } = await import('../../shared/xlsx.js');
    const zip = await JSZip.loadAsync(await writePacket(s.toPacket()));
    const xml = await zip.file(await sheetPart(zip, T04))!.async('string');
    expect(xml).toMatch(/<c r="K7"[^>]*><f t="array" ref="K7">SUM\(G7:G9\*H7:H9\)<\/f>/);
  }, 120_000);
});

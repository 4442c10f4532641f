/**
 * The packet sheets that hold what the narrative needs and the tables do not: 上年数, 年初预算, 说明文字,
 * 名词解释, 附件. Ordinary input cells, editable in the app and in Excel; the narrative reads them through
 * defined names. Built from templates/<set>/narrative/inputs.json by scripts/build-templates.ts.
 *
 * Contract with the import (issue 5): 上年数 has a header row, then one row per item — A 项目, B 上年数
 * (input, #,##0.00, defined name 上年_<item>), C 取数公式 (an Excel formula without '=' over the current
 * table layout; evaluated against last year's tables it gives B).
 */
import { a1, quoteSheet } from '../a1.js';
import type { Cell, CellStyle, CheckDef, DefinedName, SheetModel } from '../model.js';

export interface NarrativeInputs {
  上年数: { name: string; label: string; formula: string; reference: number | null }[];
  年初预算: { classes: { code: string; name: string; reference: number; reason: string }[] };
  说明文字: {
    key: string; section: string; label: string; type: 'free' | 'text' | 'money' | 'int' | 'score';
    reference?: string | number; formula?: string; computed?: boolean;
  }[];
  名词解释: { default: string[][]; reference: string[][] };
  附件: { default: string[][]; reference: string[][] };
}

export interface NarrativeSheetArgs {
  /** the sheets built so far (the 财政拨款总表 and 基本支出表 are looked up for the cells the names point at) */
  sheets: SheetModel[];
  /** the set's table roles, role → sheet name (shared/roles.ts) */
  roles: Record<string, string>;
  /** the reference packet (true) or the empty template (false) */
  filled: boolean;
  style: (s: CellStyle) => number;
  inputs: NarrativeInputs;
}

const MONEY = '#,##0.00';
const box = { t: true, r: true, b: true, l: true };
const SHEET_NAMES = ['上年数', '年初预算', '说明文字', '名词解释', '附件', '情况说明改写'] as const;

export function narrativeSheetNames(): readonly string[] {
  return SHEET_NAMES;
}

class Grid {
  cells: (Cell | null)[][] = [];
  merges: string[] = [];
  heights: (number | undefined)[] = [];
  set(r: number, c: number, cell: Cell): void {
    while (this.cells.length <= r) this.cells.push([]);
    const row = this.cells[r];
    while (row.length <= c) row.push(null);
    row[c] = cell;
  }
  sheet(name: string, widths: number[], frozenRows = 1): SheetModel {
    return {
      name, kind: 'other', hidden: false, cells: this.cells, merges: this.merges, colWidths: widths, rowHeights: this.heights, frozenRows,
      print: { orientation: 'portrait', fitToWidth: true, titleRows: [1, frozenRows], margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6 } },
    };
  }
}

function absRef(sheet: string, r: number, c: number): string {
  return `'${sheet}'!$${a1(r, c).replace(/(\d+)$/, '$$$1')}`;
}

/** Where a code's amount sits in the 基本支出表 (three side-by-side panels: code, name, amount). */
function findBasic(sheets: SheetModel[], sheet: string | undefined, code: string): [number, number] | null {
  const s = sheets.find((x) => x.name === sheet);
  if (!s) return null;
  for (let r = 0; r < s.cells.length; r++) {
    for (const c of [0, 3, 6]) if (String(s.cells[r]?.[c]?.v ?? '') === code) return [r, c + 2];
  }
  return null;
}

/** The row of a 功能分类 class on the 财政拨款总表 ("一、一般公共服务支出" in column D). */
function findGrant(sheets: SheetModel[], sheet: string | undefined, name: string): number | null {
  const s = sheets.find((x) => x.name === sheet);
  if (!s) return null;
  for (let r = 0; r < s.cells.length; r++) {
    const t = String(s.cells[r]?.[3]?.v ?? '');
    if (t.replace(/^[一二三四五六七八九十]+、/, '') === name) return r;
  }
  return null;
}

export function narrativeSheets(a: NarrativeSheetArgs): { sheets: SheetModel[]; names: DefinedName[]; checks: CheckDef[] } {
  const { inputs, filled } = a;
  const font = { name: '宋体', size: 10 };
  const S = {
    head: a.style({ font: { ...font, bold: true }, align: { h: 'center', v: 'middle', wrap: true }, border: box }),
    text: a.style({ font, align: { h: 'left', v: 'middle', wrap: true }, border: box }),
    section: a.style({ font: { ...font, bold: true }, align: { h: 'left', v: 'middle', wrap: true }, border: box }),
    inputText: a.style({ font, align: { h: 'left', v: 'top', wrap: true }, border: box }),
    money: a.style({ font, align: { h: 'right', v: 'middle' }, border: box, numFmt: MONEY }),
    moneyBold: a.style({ font: { ...font, bold: true }, align: { h: 'right', v: 'middle' }, border: box, numFmt: MONEY }),
    count: a.style({ font, align: { h: 'right', v: 'middle' }, border: box, numFmt: '0' }),
    score: a.style({ font, align: { h: 'right', v: 'middle' }, border: box, numFmt: '0.00' }),
    hint: a.style({ font: { name: '宋体', size: 9, italic: true }, align: { h: 'left', v: 'middle', wrap: true }, border: box }),
  };
  const names: DefinedName[] = [];
  const checks: CheckDef[] = [];
  const sheets: SheetModel[] = [];

  const basic = a.roles['基本支出表'];
  const grant = a.roles['财政拨款总表'];
  // names for the 基本支出 classes of the 基本支出表 the narrative compares with last year
  for (const [nm, code] of [['工资福利支出', '301'], ['对个人和家庭的补助', '303'], ['债务利息及费用支出', '307'], ['资本性支出', '310'], ['基本支出其他支出', '399']] as const) {
    const at = findBasic(a.sheets, basic, code);
    if (at && basic) names.push({ name: nm, ref: absRef(basic, at[0], at[1]) });
  }

  // ---- 上年数
  {
    const g = new Grid();
    ['项目', '上年数', '取数公式'].forEach((h, c) => g.set(0, c, { v: h, s: S.head }));
    inputs.上年数.forEach((it, i) => {
      const r = i + 1;
      g.set(r, 0, { v: it.label, s: S.text });
      g.set(r, 1, { ...(filled && it.reference !== null ? { v: it.reference } : {}), input: true, s: S.money });
      g.set(r, 2, { v: it.formula, s: S.text });
      names.push({ name: `上年_${it.name}`, ref: absRef('上年数', r, 1) });
    });
    sheets.push(g.sheet('上年数', [44, 16, 40]));
  }

  // ---- 年初预算: 财政拨款支出 by 类, beside the 决算 figure of the 财政拨款总表
  {
    const T = '年初预算';
    const g = new Grid();
    ['科目编码', '科目名称', '年初预算数', `决算数（${grant ?? '财政拨款总表'}）`, '完成年初预算（%）', '预决算差异主要原因'].forEach((h, c) => g.set(0, c, { v: h, s: S.head }));
    g.heights[0] = 30;
    const classes = inputs.年初预算.classes;
    classes.forEach((cl, i) => {
      const r = i + 1;
      g.set(r, 0, { v: cl.code, s: S.text });
      g.set(r, 1, { v: cl.name, s: S.text });
      g.set(r, 2, { ...(filled ? { v: cl.reference } : {}), input: true, s: S.money });
      const rowGrant = findGrant(a.sheets, grant, cl.name);
      g.set(r, 3, rowGrant === null || !grant ? { v: 0, s: S.money } : { f: `N(${quoteSheet(grant)}!F${rowGrant + 1})`, s: S.money });
      g.set(r, 4, { f: `IF(N(C${r + 1})=0,"",ROUND(D${r + 1}/C${r + 1}*100,2))`, s: S.score });
      g.set(r, 5, { ...(filled && cl.reason ? { v: cl.reason } : {}), input: true, s: S.inputText });
    });
    const tr = classes.length + 1;
    g.set(tr, 0, { v: '', s: S.text });
    g.set(tr, 1, { v: '合计', s: S.section });
    g.set(tr, 2, { f: `SUM(C2:C${tr})`, s: S.moneyBold });
    g.set(tr, 3, { f: '财政拨款本年支出合计', s: S.moneyBold });
    g.set(tr, 4, { f: `IF(N(C${tr + 1})=0,"",ROUND(D${tr + 1}/C${tr + 1}*100,2))`, s: S.score });
    g.set(tr, 5, { v: '', s: S.text });
    names.push({ name: '年初预算合计', ref: absRef(T, tr, 2) });
    const n01 = `APPROX(D${tr + 1},SUM(D2:D${tr}),${classes.length + 1})`.replace(/([A-Z]\d+)/g, `${T}!$1`);
    checks.push({
      id: 'N-01', severity: 'warning', kind: '公式',
      formula: n01,
      // a missing class is the cause only beyond the rounding allowance; within it the engine says 尾数差
      message: `年初预算表的决算数合计 {${T}!D${tr + 1}} 与各类决算数之和 {SUM(${T}!D2:D${tr})} 不等，差额 {${T}!D${tr + 1}-SUM(${T}!D2:D${tr})}` +
        `{IF(${n01},"。","：请核对${grant ?? '财政拨款总表'}各类决算数与其合计，或是否有未列入本表的类。")}`,
      locate: `${T}!D${tr + 1}`, params: '',
    });
    sheets.push(g.sheet(T, [10, 28, 14, 16, 12, 48]));
  }

  // ---- 说明文字: reasons and figures of the narrative, one named row each
  {
    const T = '说明文字';
    const g = new Grid();
    ['部分', '项目', '内容', ''].forEach((h, c) => g.set(0, c, { v: h, s: S.head }));
    let last = '';
    inputs.说明文字.forEach((it, i) => {
      const r = i + 1;
      g.set(r, 0, { v: it.section === last ? '' : it.section, s: S.section });
      last = it.section;
      g.set(r, 1, { v: it.label, s: S.text });
      const style = it.type === 'money' ? S.money : it.type === 'int' ? S.count : it.type === 'score' ? S.score : S.inputText;
      const cell: Cell = { s: style };
      if (it.formula && it.computed) cell.f = it.formula;
      else {
        cell.input = true;
        if (filled && it.reference !== undefined && it.reference !== '') cell.v = it.reference;
        else if (it.formula) cell.f = it.formula;
      }
      g.set(r, 2, cell);
      if (it.type === 'free' && typeof it.reference === 'string' && it.reference.length > 40) g.heights[r] = 15 * Math.ceil(it.reference.length / 40);
      names.push({ name: it.key, ref: absRef(T, r, 2) });
    });
    const at = (key: string) => `${T}!C${inputs.说明文字.findIndex((x) => x.key === key) + 2}`;
    checks.push({
      id: 'N-02', severity: 'warning', kind: '公式',
      formula: '授予中小企业合同金额<=政府采购支出总额+0.005',
      message: '说明文字：授予中小企业合同金额 {授予中小企业合同金额} 大于政府采购支出总额 {政府采购支出总额}。',
      locate: at('授予中小企业合同金额'), params: '',
    });
    checks.push({
      id: 'N-03', severity: 'warning', kind: '公式',
      formula: '授予小微企业合同金额<=授予中小企业合同金额+0.005',
      message: '说明文字：授予小微企业合同金额 {授予小微企业合同金额} 大于授予中小企业合同金额 {授予中小企业合同金额}。',
      locate: at('授予小微企业合同金额'), params: '',
    });
    sheets.push(g.sheet(T, [16, 44, 60, 2]));
  }

  // ---- 名词解释 and 附件: editable lists with room to add
  const list = (name: string, heads: string[], widths: number[], rows: string[][], spare: number) => {
    const g = new Grid();
    heads.forEach((h, c) => g.set(0, c, { v: h, s: S.head }));
    rows.forEach((row, i) => heads.forEach((_h, c) => g.set(i + 1, c, { ...(row[c] ? { v: row[c] } : {}), input: true, s: S.inputText })));
    for (let k = 0; k < spare; k++) heads.forEach((_h, c) => g.set(rows.length + 1 + k, c, { input: true, s: S.inputText }));
    sheets.push(g.sheet(name, widths));
  };
  list('名词解释', ['分类', '名词', '解释'], [18, 26, 80], filled ? inputs.名词解释.reference : inputs.名词解释.default, 5);
  list('附件', ['格式（标题/一级/二级/三级/四级/正文）', '内容'], [12, 100], filled ? inputs.附件.reference : inputs.附件.default, filled ? 5 : 30);
  // a paragraph the accountant rewrote in the app: its id (e.g. 三.三公.1) and the text that replaces the generated one
  list('情况说明改写', ['段落编号', '改写后的文字（留空则用自动生成的文字；文中数字仍按表中数据核对）'], [22, 110], [], 30);

  return { sheets, names, checks };
}

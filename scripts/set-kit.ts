/**
 * The generator kit of the template sets (scripts/build-templates.ts for 江西 2024, scripts/build-shanghai.ts for
 * 上海普陀 2025): cell styles, the sheet builder, the 审核 rows and defined names a table declares, the parts both
 * provinces lay out alike (概况, 公开01表, the 科目 tables), the cross-table ties, the narrative input sheets, and
 * writing the set's workbooks through the engine. A set's script keeps only what is its own (its figures, its
 * 04/06/三公 layouts, its names and order). Generating is one way to write a set's workbooks; the committed
 * workbooks are the set (see templates/jiangxi-2024/README.md).
 *
 * One set per process: the styles, 审核 rows and names below are module state that a script's `buildPacket`
 * resets and fills.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { a1, colLetters } from '../shared/a1.js';
import type { Cell, CellStyle, CheckDef, DefinedName, Packet, SheetModel } from '../shared/model.js';
import { writePacket } from '../shared/xlsx.js';
import { PacketSession } from '../shared/engine.js';
import { narrativeSheets, type NarrativeInputs } from '../shared/narrative/sheets.js';

/** whether a table header carries its 公开NN表 label on the right of row 2 */
let headerLabels = true;
export function setHeaderLabels(on: boolean): void {
  headerLabels = on;
}

export const MONEY = '#,##0.00';
export const COUNT = '0';

export class Styles {
  list: CellStyle[] = [];
  private idx = new Map<string, number>();
  get(s: CellStyle): number {
    const k = JSON.stringify(s);
    if (!this.idx.has(k)) {
      this.idx.set(k, this.list.length);
      this.list.push(s);
    }
    return this.idx.get(k)!;
  }
}
export const styles = new Styles();
export const box = { t: true, r: true, b: true, l: true };
export const S = {
  title: styles.get({ font: { name: '宋体', size: 18, bold: true }, align: { h: 'center', v: 'middle' } }),
  label: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'right', v: 'middle' } }),
  info: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'left', v: 'middle' } }),
  infoCenter: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'center', v: 'middle' } }),
  head: styles.get({ font: { name: '宋体', size: 10, bold: true }, align: { h: 'center', v: 'middle', wrap: true }, border: box }),
  text: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'left', v: 'middle', wrap: true }, border: box }),
  textBold: styles.get({ font: { name: '宋体', size: 10, bold: true }, align: { h: 'left', v: 'middle', wrap: true }, border: box }),
  center: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'center', v: 'middle' }, border: box }),
  money: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'right', v: 'middle' }, border: box, numFmt: MONEY }),
  moneyBold: styles.get({ font: { name: '宋体', size: 10, bold: true }, align: { h: 'right', v: 'middle' }, border: box, numFmt: MONEY }),
  count: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'right', v: 'middle' }, border: box, numFmt: COUNT }),
  note: styles.get({ font: { name: '宋体', size: 9 }, align: { h: 'left', v: 'top', wrap: true } }),
  longText: styles.get({ font: { name: '宋体', size: 10 }, align: { h: 'left', v: 'top', wrap: true }, border: box }),
};

export const KIND_OF_STYLE = new Map<number, string>([[S.money, '金额'], [S.moneyBold, '金额'], [S.count, '数量']]);

export class SheetBuilder {
  cells: (Cell | null)[][] = [];
  merges: string[] = [];
  heights: (number | undefined)[] = [];
  constructor(readonly name: string, readonly widths: number[]) {}
  set(r: number, c: number, cell: Cell): void {
    while (this.cells.length <= r) this.cells.push([]);
    const row = this.cells[r];
    while (row.length <= c) row.push(null);
    row[c] = cell;
  }
  text(r: number, c: number, v: string | number, s = S.text): void {
    this.set(r, c, { v, s });
  }
  /** an input cell; its kind (kinds.ts) is declared from what the builder puts there: amounts, counts or text */
  input(r: number, c: number, v: string | number | null, s = S.money, kind = KIND_OF_STYLE.get(s) ?? '文本'): void {
    this.set(r, c, { ...(v === null ? {} : { v }), input: true, s, kind });
  }
  /** 运算: the input cell at (r, c) follows `calc` (same-sheet references) while it agrees with it */
  derived(r: number, c: number, calc: string, tol?: number): void {
    const cell = this.cells[r]?.[c];
    if (!cell?.input) throw new Error(`${this.name}!${a1(r, c)}: 运算公式 on a cell that is not an input`);
    cell.calc = calc;
    if (tol !== undefined) cell.calcTol = tol;
  }
  formula(r: number, c: number, f: string, s = S.money): void {
    this.set(r, c, { f, s });
  }
  merge(r1: number, c1: number, r2: number, c2: number, v?: string, s = S.head): void {
    if (v !== undefined) this.text(r1, c1, v, s);
    for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) if (r !== r1 || c !== c1) this.set(r, c, { s });
    this.merges.push(`${a1(r1, c1)}:${a1(r2, c2)}`);
  }
  /** title, 公开NN表 label and the 部门/年度/金额单位 line; returns the next row */
  header(title: string, label: string, unit = '金额单位：万元'): number {
    const last = this.widths.length - 1;
    this.merge(0, 0, 0, last, title, S.title);
    this.heights[0] = 30;
    // a set whose tables carry no 公开NN表 label (Shanghai: the title is the table's name) turns it off
    if (headerLabels) this.text(1, last, label, S.label);
    // the 部门 line spans the columns left of the year, at least NAME_ROOM wide: a unit name of ~26 characters
    // (中共景德镇市昌南新区工作委员会党群工作部) was clipped on 公开01表 when the year sat in its middle column
    let year = Math.max(1, Math.floor(last / 2));
    const room = (y: number) => this.widths.slice(0, y).reduce((a, w) => a + w, 0);
    while (room(year) < NAME_ROOM && year + 1 < last) year++;
    this.set(2, 0, { f: '"部门："&单位名称', s: S.info });
    if (year > 1) this.merge(2, 0, 2, year - 1, undefined, S.info);
    if (year < last) this.set(2, year, { f: '决算年度&" 年度"', s: S.infoCenter });
    this.text(2, last, unit, S.label);
    return 3;
  }
  notes(r: number, lines: string[]): void {
    const last = this.widths.length - 1;
    lines.forEach((t, i) => {
      this.merge(r + i, 0, r + i, last, t, S.note);
      this.heights[r + i] = t.length > 80 ? 30 : undefined;
    });
  }
  build(kind: SheetModel['kind'], frozenRows: number, titleRows?: [number, number], landscape = true): SheetModel {
    return {
      name: this.name,
      kind,
      hidden: false,
      cells: this.cells,
      merges: this.merges,
      colWidths: this.widths,
      rowHeights: this.heights,
      frozenRows,
      print: {
        orientation: landscape ? 'landscape' : 'portrait',
        fitToWidth: true,
        ...(titleRows ? { titleRows } : {}),
        margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6 },
      },
    };
  }
}

/** width (Excel character units) the 部门 line of a table header gets at least: "部门：" and ~24 汉字 of 10-point 宋体 */
export const NAME_ROOM = 52;


export type Amount = number | null;
export interface CodeRow { code: string; name: string; values: Amount[] }

/** The 26 功能分类 classes of 01/04表, with their 类 codes. */
export const CLASSES: [string, string][] = [
  ['201', '一般公共服务支出'], ['202', '外交支出'], ['203', '国防支出'], ['204', '公共安全支出'], ['205', '教育支出'],
  ['206', '科学技术支出'], ['207', '文化旅游体育与传媒支出'], ['208', '社会保障和就业支出'], ['210', '卫生健康支出'],
  ['211', '节能环保支出'], ['212', '城乡社区支出'], ['213', '农林水支出'], ['214', '交通运输支出'],
  ['215', '资源勘探工业信息等支出'], ['216', '商业服务业等支出'], ['217', '金融支出'], ['219', '援助其他地区支出'],
  ['220', '自然资源海洋气象等支出'], ['221', '住房保障支出'], ['222', '粮油物资储备支出'], ['223', '国有资本经营预算支出'],
  ['224', '灾害防治及应急管理支出'], ['229', '其他支出'], ['231', '债务还本支出'], ['232', '债务付息支出'],
  ['234', '抗疫特别国债安排的支出'],
];
export const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一', '二十二', '二十三', '二十四', '二十五', '二十六'];

export function classAmount(code: string, t: { rows: CodeRow[] }, col: number): Amount {
  return t.rows.find((r) => r.code === code)?.values[col] ?? null;
}

// ---------------------------------------------------------------- checks
export const checks: CheckDef[] = [];
export function check(id: string, severity: 'error' | 'warning', formula: string, message: string, locate: string): void {
  checks.push({ id, severity, kind: '公式', formula, message, locate, params: '' });
}
export function declare(id: string, kind: '层级' | '名称一致', params: string, message: string): void {
  checks.push({ id, severity: kind === '名称一致' ? 'warning' : 'error', kind, formula: '', message, locate: '', params });
}
/** a = b within the rounding allowance of n figures; message quotes both sides and the difference */
export function tie(id: string, a: string, b: string, n: number, what: string, aName: string, bName: string, locate = a, severity: 'error' | 'warning' = 'error'): void {
  check(id, severity, `APPROX(${a},${b},${n})`, `${what}：${aName} {${a}} 与 ${bName} {${b}} 不等，差额 {${a}-(${b})}。`, locate);
}
/**
 * a = Σ parts, unless every part is blank: a breakdown the source does not report (no 国内/国（境）外 split of
 * 公务接待费, no 款 under an economic 类) is "not reported", not 0 — no finding (issue 12)
 */
export function tieBreakdown(id: string, a: string, parts: string[], n: number, what: string, aName: string, bName: string, severity: 'error' | 'warning' = 'error'): void {
  const sum = parts.join('+');
  check(id, severity, `OR(COUNTA(${parts.join(',')})=0,APPROX(${a},${sum},${n}))`, `${what}：${aName} {${a}} 与 ${bName} {${sum}} 不等，差额 {${a}-(${sum})}。`, a);
}

// ---------------------------------------------------------------- sheets
export const names: DefinedName[] = [];
export function name(n: string, sheet: string, r: number, c: number): void {
  names.push({ name: n, ref: `'${sheet}'!$${a1(r, c).replace(/(\d+)$/, '$$$1')}` });
}

/** One line of 概况: its label, the defined name of its cell, the published figure or text ('' = not published), its style. */
export type OverviewFact = [string, string, string | number, number];

/**
 * 概况: one labelled input a line, each cell named; `facts` are the set's lines with the reference package's
 * contents, `year` the 决算年度 the empty template carries. An empty published figure stays blank (not known).
 */
export function overview(filled: boolean, facts: OverviewFact[], year: number): SheetModel {
  const b = new SheetBuilder('概况', [30, 90]);
  b.merge(0, 0, 0, 1, '部门概况', S.title);
  facts.forEach(([label, nm, v, s], i) => {
    b.text(i + 1, 0, label, S.textBold);
    b.input(i + 1, 1, filled && v !== '' ? v : nm === '决算年度' ? year : null, s, nm === '决算年度' ? '年度' : undefined);
    name(nm, '概况', i + 1, 1);
  });
  b.heights[3] = 150;
  // the year and the head counts are quoted as text (""&…): a message prints numbers as amounts (2,024.00)
  check('G-01', 'error', 'AND(单位名称<>"",决算年度>=2000)', '概况未填完整：单位名称「{单位名称}」、决算年度 {""&决算年度}。请在「概况」中填写单位名称和决算年度。', '概况!B2');
  check('G-02', 'warning', '单位发放离退休费人数+养老保险基金发放人数=离退休人数', '概况：离退休人员 {""&离退休人数} 人，而单位发放 {""&单位发放离退休费人数} 人与养老保险基金发放 {""&养老保险基金发放人数} 人之和不等。', '概况!B11');
  return b.build('overview', 0, undefined, false);
}


/**
 * 公开01表 收入支出决算总表, the same layout in every set so far; `published` holds the figures of its left
 * (行次 1–31) and right (行次 58–62) totals as the package prints them, `spending` the 03表 whose 类 rows feed the
 * 功能分类 lines.
 */
export function table01(filled: boolean, published: { left: Record<number, Amount>; right: Record<number, Amount> }, spending: { rows: CodeRow[] }): SheetModel {
  const T = '公开01表';
  const b = new SheetBuilder(T, [34, 6, 14, 34, 6, 14]);
  let r = b.header('收入支出决算总表', '公开01表');
  b.merge(r, 0, r, 2, '收入');
  b.merge(r, 3, r, 5, '支出');
  ['项 目', '行次', '金 额', '项目（按功能分类）', '行次', '金 额'].forEach((h, c) => b.text(r + 1, c, h, S.head));
  ['栏 次', '', '1', '栏 次', '', '2'].forEach((h, c) => b.text(r + 2, c, h, S.head));
  const first = r + 3; // 行次 1 is on this row
  const left: [number, string][] = [
    [1, '一、一般公共预算财政拨款收入'], [2, '二、政府性基金预算财政拨款收入'], [3, '三、国有资本经营预算财政拨款收入'], [4, '四、上级补助收入'],
    [5, '五、事业收入'], [6, '六、经营收入'], [7, '七、附属单位上缴收入'], [8, '八、其他收入'],
    [27, '本年收入合计'], [28, '使用非财政拨款结余（含专用结余）'], [29, '年初结转和结余'], [31, '总计'],
  ];
  const published01 = published.left;
  const right = published.right;
  for (let line = 1; line <= 31; line++) {
    const row = first + line - 1;
    const l = left.find(([n]) => n === line);
    b.text(row, 0, l ? l[1] : '', l && (line === 27 || line === 31) ? S.textBold : S.text);
    b.text(row, 1, line, S.center);
    if (l) b.input(row, 2, filled ? published01[line] : null, line === 27 || line === 31 ? S.moneyBold : S.money);
    else b.text(row, 2, '', S.money);
    const rl = line + 31;
    b.text(row, 4, rl, S.center);
    if (line <= 26) {
      const [code, nm] = CLASSES[line - 1];
      b.text(row, 3, `${CN[line - 1]}、${nm}`, S.text);
      b.input(row, 5, filled ? classAmount(code, spending, 0) : null);
    } else {
      const label: Record<number, string> = { 58: '本年支出合计', 59: '结余分配', 60: '年末结转和结余', 61: '', 62: '总计' };
      b.text(row, 3, label[rl], rl === 58 || rl === 62 ? S.textBold : S.text);
      if (rl === 61) b.text(row, 5, '', S.money);
      else b.input(row, 5, filled ? right[rl] : null, rl === 58 || rl === 62 ? S.moneyBold : S.money);
    }
  }
  // 运算: the totals follow their lines (rows of 行次 n are first + n - 1)
  const row01 = (line: number) => first + line - 1;
  b.derived(row01(27), 2, `SUM(C${row01(1) + 1}:C${row01(8) + 1})`);
  b.derived(row01(31), 2, `C${row01(27) + 1}+C${row01(28) + 1}+C${row01(29) + 1}`);
  b.derived(row01(27), 5, `SUM(F${row01(1) + 1}:F${row01(26) + 1})`);
  b.derived(row01(31), 5, `F${row01(27) + 1}+F${row01(28) + 1}+F${row01(29) + 1}`);
  const C = (line: number) => `${T}!C${first + line}`;
  const F = (line: number) => `${T}!F${first + line - 31}`;
  name('本年收入合计', T, first + 26, 2);
  name('本年支出合计', T, first + 26, 5);
  name('收入总计', T, first + 30, 2);
  name('支出总计', T, first + 30, 5);
  name('年初结转和结余', T, first + 28, 2);
  name('使用非财政拨款结余', T, first + 27, 2);
  name('结余分配', T, first + 27, 5);
  name('年末结转和结余', T, first + 28, 5);
  for (let i = 1; i <= 8; i++) name(['一般公共预算财政拨款收入', '政府性基金预算财政拨款收入', '国有资本经营预算财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入'][i - 1], T, first + i - 1, 2);
  tie('01-01', C(27), `SUM(${C(1)}:${C(8)})`, 9, '公开01表 本年收入合计', '本年收入合计', '第1—8行各项收入之和');
  tie('01-02', F(58), `SUM(${F(32)}:${F(57)})`, 27, '公开01表 本年支出合计', '本年支出合计', '第32—57行各功能分类支出之和');
  tie('01-03', C(31), `${C(27)}+${C(28)}+${C(29)}`, 4, '公开01表 收入总计', '收入总计', '本年收入合计＋使用非财政拨款结余＋年初结转和结余');
  tie('01-04', F(62), `${F(58)}+${F(59)}+${F(60)}`, 4, '公开01表 支出总计', '支出总计', '本年支出合计＋结余分配＋年末结转和结余');
  tie('01-05', C(31), F(62), 2, '公开01表 收支不平衡', '收入总计', '支出总计', `${C(31)},${F(62)}`);
  CLASSES.forEach(([code, nm], i) => {
    tie(`01-1${String(i + 1).padStart(2, '0')}`, F(32 + i), `SUMIF(公开03表!$A:$A,"${code}",公开03表!$C:$C)`, 2,
      `公开01表 ${nm}与公开03表 ${code} 类`, `公开01表 第${32 + i}行`, `公开03表 ${code} 类本年支出合计`);
  });
  r = first + 31;
  b.notes(r + 1, ['注：1. 本表反映部门（单位）本年度的总收支和年末结转结余情况。', '2. 本套报表金额单位转换时可能存在尾数误差。']);
  return b.build('table', first, [1, first]);
}


export function codeTable(T: string, title: string, heads: string[][], data: { total: Amount[]; rows: CodeRow[] } | null, notes: string[], rowIdentity: string, spare = 12): SheetModel {
  const ncol = heads[heads.length - 1].length;
  const widths = [12, 34, ...Array.from({ length: ncol }, () => 14)];
  const b = new SheetBuilder(T, widths);
  let r = b.header(title, T);
  // two- or three-level header: 支出功能分类科目编码 / 科目名称 over the first two columns
  const hRows = heads.length;
  b.merge(r, 0, r + hRows - 1, 0, '支出功能分类科目编码');
  b.merge(r, 1, r + hRows - 1, 1, '科目名称');
  heads.forEach((line, k) => line.forEach((h, c) => {
    if (h === '') return;
    const span = h.startsWith('|') ? Number(h.slice(1, h.indexOf('|', 1))) : 1;
    const label = span > 1 ? h.slice(h.indexOf('|', 1) + 1) : h;
    const rowsDown = k === 0 && heads.length > 1 && !heads.slice(1).some((l) => l[c] && l[c] !== '') ? hRows - 1 : 0;
    if (span > 1 || rowsDown) b.merge(r + k, 2 + c, r + k + rowsDown, 2 + c + span - 1, label);
    else b.text(r + k, 2 + c, label, S.head);
  }));
  for (let k = 0; k < hRows; k++) for (let c = 0; c < ncol; c++) if (!b.cells[r + k]?.[2 + c]) b.text(r + k, 2 + c, '', S.head);
  r += hRows;
  b.text(r, 0, '类/款/项', S.head);
  b.text(r, 1, '栏次', S.head);
  for (let c = 0; c < ncol; c++) b.text(r, 2 + c, String(c + 1), S.head);
  const headerRow = r - hRows + (hRows > 1 ? 1 : 0);
  r++;
  b.text(r, 0, '', S.center);
  b.text(r, 1, '合计', S.head);
  for (let c = 0; c < ncol; c++) b.input(r, 2 + c, data ? data.total[c] : null, S.moneyBold);
  const totalRow = r;
  r++;
  const rows = data?.rows ?? [];
  for (const row of rows) {
    const isClass = row.code.length === 3;
    b.input(r, 0, row.code, isClass ? S.textBold : S.text, '代码');
    b.input(r, 1, row.name, isClass ? S.textBold : S.text);
    row.values.forEach((v, c) => b.input(r, 2 + c, v, isClass ? S.moneyBold : S.money));
    r++;
  }
  for (let k = 0; k < (data ? 0 : spare); k++, r++) {
    b.input(r, 0, null, S.text, '代码');
    b.input(r, 1, null, S.text);
    for (let c = 0; c < ncol; c++) b.input(r, 2 + c, null);
  }
  b.notes(r + 1, notes);
  declare(`${T.slice(2, 4)}-H`, '层级', `表=${T}; 编码列=A; 名称列=B; 金额列=C:${a1(0, 1 + ncol).replace(/\d+$/, '')}; 表头行=${headerRow + 1}; 合计行=合计; 行等式=${rowIdentity}`, '类＝Σ款、款＝Σ项、合计＝Σ类，逐栏；每行的合计栏＝各栏之和');
  // one defined name per column of the 合计 row, e.g. 公开03表合计_C, so cross-table ties survive row insertion
  for (let c = 0; c < ncol; c++) names.push({ name: `${T}合计_${a1(0, 2 + c).replace(/\d+$/, '')}`, ref: `'${T}'!$${a1(0, 2 + c).replace(/\d+$/, '')}$${totalRow + 1}` });
  return b.build('table', totalRow, [1, totalRow]);
}


/** The figures of 公开04表 a reference package prints, and the tables its 功能分类 lines are read from. */
export interface Table04Figures {
  /** 行次 1–3: 一般公共预算, 政府性基金, 国有资本经营 财政拨款收入 */
  income: Record<number, Amount>;
  /** 本年支出合计 and 总计: all funds, 一般公共预算, 政府性基金 */
  totals: { all: Amount; general: Amount; fund: Amount };
  /** 05表 (一般公共预算) and 07表 (政府性基金): their 类 rows fill the 功能分类 lines */
  general: { rows: CodeRow[] };
  fund: { rows: CodeRow[] };
}

/** Where the sets' 04表 differ: blank row totals, the 08表 column of 本年支出合计, a name for 财政拨款收入总计. */
export interface Table04Layout {
  /** a 功能分类 line with no figure prints its 合计 blank, as the publication does (else SUM gives 0.00) */
  blankRowTotals: boolean;
  /** column of 公开08表 that holds 本年支出合计 (C when 08 is 支出合计/基本/项目, E when laid out like 07) */
  t08Col: string;
  /** also name the 总计 cell 财政拨款收入总计 */
  grandTotalName: boolean;
}

/** 公开04表 财政拨款收入支出决算总表: income by fund, 功能分类 lines by fund, totals, and its ties to 05/07/08. */
export function table04(filled: boolean, f: Table04Figures, layout: Table04Layout): SheetModel {
  const T = '公开04表';
  const b = new SheetBuilder(T, [30, 6, 14, 30, 6, 14, 14, 14, 14]);
  const r = b.header('财政拨款收入支出决算总表', T);
  b.merge(r, 0, r, 2, '收 入');
  b.merge(r, 3, r, 8, '支 出');
  ['项 目', '行次', '金 额', '项目（按功能分类）', '行次', '合 计', '一般公共预算财政拨款', '政府性基金预算财政拨款', '国有资本经营预算财政拨款'].forEach((h, c) => b.text(r + 1, c, h, S.head));
  ['栏 次', '', '1', '栏 次', '', '2', '3', '4', '5'].forEach((h, c) => b.text(r + 2, c, h, S.head));
  b.heights[r + 1] = 30;
  const first = r + 3;
  const leftLabels: Record<number, string> = { 1: '一、一般公共预算财政拨款', 2: '二、政府性基金预算财政拨款', 3: '三、国有资本经营预算财政拨款' };
  const leftVals = f.income;
  for (let line = 1; line <= 26; line++) {
    const row = first + line - 1;
    b.text(row, 0, leftLabels[line] ?? '', S.text);
    b.text(row, 1, line, S.center);
    if (leftLabels[line]) b.input(row, 2, filled ? leftVals[line] : null);
    else b.text(row, 2, '', S.money);
    const [code, nm] = CLASSES[line - 1];
    b.text(row, 3, `${CN[line - 1]}、${nm}`, S.text);
    b.text(row, 4, line + 32, S.center);
    // blank where the publication leaves it blank (no figure in any of the three columns), not 0.00
    b.formula(row, 5, layout.blankRowTotals ? `IF(COUNT(G${row + 1}:I${row + 1})=0,"",SUM(G${row + 1}:I${row + 1}))` : `SUM(G${row + 1}:I${row + 1})`);
    b.input(row, 6, filled ? classAmount(code, f.general, 0) : null);
    b.input(row, 7, filled ? classAmount(code, f.fund, 2) : null);
    b.input(row, 8, null);
  }
  // totals block: 本年收入合计 27 / 本年支出合计 59, 年初 28–31 / 年末 60, 总计 32 / 64
  const tb = first + 26;
  const put = (row: number, lLabel: string, lLine: number, rLabel: string, rLine: number | '', bold = false) => {
    b.text(row, 0, lLabel, bold ? S.textBold : S.text);
    b.text(row, 1, lLine, S.center);
    b.text(row, 3, rLabel, bold ? S.textBold : S.text);
    b.text(row, 4, rLine, S.center);
  };
  put(tb, '本年收入合计', 27, '本年支出合计', 59, true);
  put(tb + 1, '年初财政拨款结转和结余', 28, '年末财政拨款结转和结余', 60);
  put(tb + 2, '一、一般公共预算财政拨款', 29, '', 61);
  put(tb + 3, '二、政府性基金预算财政拨款', 30, '', 62);
  put(tb + 4, '三、国有资本经营预算财政拨款', 31, '', 63);
  put(tb + 5, '总计', 32, '总计', 64, true);
  const v = (x: Amount) => (filled ? x : null);
  b.input(tb, 2, v(f.totals.all), S.moneyBold);
  b.formula(tb, 5, `SUM(G${tb + 1}:I${tb + 1})`, S.moneyBold);
  b.input(tb, 6, v(f.totals.general), S.moneyBold);
  b.input(tb, 7, v(f.totals.fund), S.moneyBold);
  b.input(tb, 8, null, S.moneyBold);
  b.input(tb + 1, 2, null);
  b.formula(tb + 1, 5, layout.blankRowTotals ? `IF(COUNT(G${tb + 2}:I${tb + 2})=0,"",SUM(G${tb + 2}:I${tb + 2}))` : `SUM(G${tb + 2}:I${tb + 2})`);
  for (const c of [6, 7, 8]) b.input(tb + 1, c, null);
  for (let k = 2; k <= 4; k++) {
    b.input(tb + k, 2, null);
    for (const c of [5, 6, 7, 8]) b.text(tb + k, c, '', S.money);
  }
  b.input(tb + 5, 2, v(f.totals.all), S.moneyBold);
  b.formula(tb + 5, 5, `SUM(G${tb + 6}:I${tb + 6})`, S.moneyBold);
  b.input(tb + 5, 6, v(f.totals.general), S.moneyBold);
  b.input(tb + 5, 7, v(f.totals.fund), S.moneyBold);
  b.input(tb + 5, 8, null, S.moneyBold);
  b.derived(tb, 2, `SUM(C${first + 1}:C${first + 3})`);
  b.derived(tb + 1, 2, `SUM(C${tb + 3}:C${tb + 5})`);
  b.derived(tb + 5, 2, `C${tb + 1}+C${tb + 2}`);
  for (const [c, L] of [[6, 'G'], [7, 'H'], [8, 'I']] as const) {
    b.derived(tb, c, `SUM(${L}${first + 1}:${L}${first + 26})`);
    b.derived(tb + 5, c, `${L}${tb + 1}+${L}${tb + 2}`);
  }
  const A = (col: string, row: number) => `${T}!${col}${row + 1}`;
  name('财政拨款本年收入合计', T, tb, 2);
  name('财政拨款一般公共预算收入', T, first, 2);
  name('财政拨款政府性基金收入', T, first + 1, 2);
  name('财政拨款本年支出合计', T, tb, 5);
  if (layout.grandTotalName) name('财政拨款收入总计', T, tb + 5, 2);
  name('一般公共预算本年支出', T, tb, 6);
  name('政府性基金本年支出', T, tb, 7);
  tie('04-01', A('C', tb), `SUM(${A('C', first)}:${A('C', first + 2)})`, 4, '公开04表 本年收入合计', '本年收入合计', '三项财政拨款收入之和');
  tie('04-02', A('C', tb + 1), `SUM(${A('C', tb + 2)}:${A('C', tb + 4)})`, 4, '公开04表 年初财政拨款结转和结余', '年初结转和结余', '三项之和');
  for (const [col, fund] of [['G', '一般公共预算'], ['H', '政府性基金'], ['I', '国有资本经营']] as const) {
    tie(`04-1${col}`, A(col, tb), `SUM(${A(col, first)}:${A(col, first + 25)})`, 27, `公开04表 ${fund}财政拨款本年支出合计`, '本年支出合计', '各功能分类之和');
    tie(`04-2${col}`, A(col, tb + 5), `${A(col, tb)}+${A(col, tb + 1)}`, 3, `公开04表 ${fund}财政拨款支出总计`, '总计', '本年支出合计＋年末结转和结余');
  }
  tie('04-30', A('C', tb + 5), `${A('C', tb)}+${A('C', tb + 1)}`, 3, '公开04表 收入总计', '总计', '本年收入合计＋年初结转和结余');
  tie('04-31', A('C', tb + 5), A('F', tb + 5), 5, '公开04表 收支总计不平衡', '收入总计', '支出总计', `${A('C', tb + 5)},${A('F', tb + 5)}`);
  [['G', 0, 2, '一般公共预算'], ['H', 1, 3, '政府性基金'], ['I', 2, 4, '国有资本经营']].forEach(([col, inc, open, fund]) => {
    const a = `${A('C', first + (inc as number))}+${A('C', tb + (open as number))}`;
    const bb = `${A(col as string, tb)}+${A(col as string, tb + 1)}`;
    check(`04-4${col}`, 'error', `APPROX(${a},${bb},4)`,
      `公开04表 ${fund}财政拨款收支不平衡：本年收入＋年初结转和结余 {${a}} 与 本年支出＋年末结转和结余 {${bb}} 不等，差额 {${a}-(${bb})}。`,
      A(col as string, tb));
  });
  tie('04-50', A('G', tb), '公开05表合计_C', 2, '公开04表与公开05表', '公开04表 一般公共预算财政拨款本年支出', '公开05表 本年支出合计');
  tie('04-51', A('H', tb), '公开07表合计_E', 2, '公开04表与公开07表', '公开04表 政府性基金预算财政拨款本年支出', '公开07表 本年支出合计');
  tie('04-52', A('I', tb), `公开08表合计_${layout.t08Col}`, 2, '公开04表与公开08表', '公开04表 国有资本经营预算财政拨款本年支出', '公开08表 本年支出合计');
  CLASSES.forEach(([code, nm], i) => {
    const row = first + i;
    tie(`04-6${String(i + 1).padStart(2, '0')}`, A('G', row), `SUMIF(公开05表!$A:$A,"${code}",公开05表!$C:$C)`, 2, `公开04表 ${nm}（一般公共预算）与公开05表 ${code} 类`, '公开04表', '公开05表');
    tie(`04-7${String(i + 1).padStart(2, '0')}`, A('H', row), `SUMIF(公开07表!$A:$A,"${code}",公开07表!$E:$E)`, 2, `公开04表 ${nm}（政府性基金）与公开07表 ${code} 类`, '公开04表', '公开07表');
    tie(`04-8${String(i + 1).padStart(2, '0')}`, A('I', row), `SUMIF(公开08表!$A:$A,"${code}",公开08表!$${layout.t08Col}:$${layout.t08Col})`, 2, `公开04表 ${nm}（国有资本经营）与公开08表 ${code} 类`, '公开04表', '公开08表');
  });
  b.notes(tb + 7, ['注：本表反映部门(单位)本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。']);
  return b.build('table', first, [1, first]);
}

/** 公开06表 as published: economic-class panels side by side (人员经费 first, then 公用经费), and the two totals. */
export interface Table06Figures {
  panels: { code: string; name: string; value: Amount }[][];
  personnelTotal: Amount;
  publicTotal: Amount;
}

/** Where the sets' 06表 differ: column widths, which classes make 公用经费, and the 30217 ↔ 三公 tie. */
export interface Table06Layout {
  widths: number[];
  /** the 类 codes whose sum is 公用经费合计, and how the message names that sum */
  publicClasses: string[];
  publicLabel: string;
  /** the 三公 cell of 公务接待费决算数 that 30217 ties to (a 提示); none where 30217 is wider than 三公 */
  receptionTie?: string;
}

/** 公开06表 一般公共预算财政拨款基本支出决算表: 类 = Σ款 as 运算, 人员/公用经费合计, ties to 05表 (and to 三公). */
export function table06(filled: boolean, t06: Table06Figures, layout: Table06Layout): SheetModel {
  const T = '公开06表';
  const panels = t06.panels;
  const last = panels.length * 3 - 1;
  const b = new SheetBuilder(T, layout.widths);
  const r = b.header('一般公共预算财政拨款基本支出决算表', T);
  b.merge(r, 0, r, 2, '人员经费');
  b.merge(r, 3, r, last, '公用经费');
  for (let p = 0; p < panels.length; p++) ['经济分类科目编码', '科目名称', '金额'].forEach((h, c) => b.text(r + 1, p * 3 + c, h, S.head));
  b.heights[r + 1] = 30;
  const first = r + 2;
  const nRows = Math.max(...panels.map((p) => p.length));
  const where = new Map<string, { row: number; col: number }>();
  for (let i = 0; i < nRows; i++) {
    for (let p = 0; p < panels.length; p++) {
      const item = panels[p][i];
      const row = first + i;
      if (!item) {
        [0, 1].forEach((c) => b.text(row, p * 3 + c, '', S.text));
        b.text(row, p * 3 + 2, '', S.money);
        continue;
      }
      const isClass = item.code.length === 3;
      b.text(row, p * 3, item.code, isClass ? S.textBold : S.text);
      b.text(row, p * 3 + 1, item.name, isClass ? S.textBold : S.text);
      b.input(row, p * 3 + 2, filled ? item.value : null, isClass ? S.moneyBold : S.money);
      where.set(item.code, { row, col: p * 3 + 2 });
    }
  }
  const tr = first + nRows;
  b.merge(tr, 0, tr, 1, '人员经费合计', S.textBold);
  b.input(tr, 2, filled ? t06.personnelTotal : null, S.moneyBold);
  b.merge(tr, 3, tr, last - 1, '公用经费合计', S.textBold);
  b.input(tr, last, filled ? t06.publicTotal : null, S.moneyBold);
  const at = (code: string) => {
    const w = where.get(code)!;
    return `${T}!${a1(w.row, w.col)}`;
  };
  for (const p of panels) {
    for (const cls of p.filter((x) => x.code.length === 3)) {
      const kids = p.filter((x) => x.code.length === 5 && x.code.startsWith(cls.code));
      const w0 = where.get(kids[0].code)!;
      const w1 = where.get(kids[kids.length - 1].code)!;
      const range = `${T}!${a1(w0.row, w0.col)}:${a1(w1.row, w1.col)}`;
      const wc = where.get(cls.code)!;
      b.derived(wc.row, wc.col, `SUM(${a1(w0.row, w0.col)}:${a1(w1.row, w1.col)})`);
      check(`06-${cls.code}`, 'error', `OR(COUNTA(${range})=0,APPROX(${at(cls.code)},SUM(${range}),${kids.length + 1}))`,
        `公开06表 ${cls.code} ${cls.name}：${cls.code} 类 {${at(cls.code)}} 与 ${cls.code}xx 各款之和 {SUM(${range})} 不等，差额 {${at(cls.code)}-(SUM(${range}))}。`, at(cls.code));
    }
  }
  const local = (code: string) => a1(where.get(code)!.row, where.get(code)!.col);
  b.derived(tr, 2, `${local('301')}+${local('303')}`);
  b.derived(tr, last, layout.publicClasses.map(local).join('+'));
  const personnel = `${T}!C${tr + 1}`;
  const publicTotal = `${T}!${colLetters(last)}${tr + 1}`;
  names.push({ name: '人员经费合计', ref: `'${T}'!$C$${tr + 1}` }, { name: '公用经费合计', ref: `'${T}'!$${colLetters(last)}$${tr + 1}` });
  names.push({ name: '商品和服务支出', ref: `'${T}'!$${a1(where.get('302')!.row, where.get('302')!.col).replace(/(\d+)$/, '$$$1')}` });
  tie('06-01', personnel, `${at('301')}+${at('303')}`, 3, '公开06表 人员经费合计', '人员经费合计', '工资福利支出(301)＋对个人和家庭的补助(303)');
  tie('06-02', publicTotal, layout.publicClasses.map(at).join('+'), layout.publicClasses.length + 1, '公开06表 公用经费合计', '公用经费合计', layout.publicLabel);
  tie('06-03', '公开05表合计_D', `${personnel}+${publicTotal}`, 3, '公开05表基本支出与公开06表', '公开05表 基本支出合计', '公开06表 人员经费合计＋公用经费合计', '公开05表!D6');
  if (layout.receptionTie) tie('06-04', at('30217'), layout.receptionTie, 2, '公开06表 公务接待费(30217)与公开09表', '公开06表 30217 公务接待费', '公开09表 公务接待费决算数', at('30217'), 'warning');
  b.notes(tr + 2, ['注：本表反映部门(单位)本年度一般公共预算财政拨款基本支出明细情况。']);
  return b.build('table', first, [1, first]);
}

/** The narrative input sheets come with amount, count, score and text styles; each input declares the matching kind. */
export function declareNarrativeKinds(list: SheetModel[]): void {
  const byFmt: Record<string, string> = { [MONEY]: '金额', [COUNT]: '数量', '0.00': '分数' };
  for (const sh of list) for (const row of sh.cells) for (const c of row) {
    if (c?.input && !c.kind) c.kind = byFmt[styles.list[c.s ?? -1]?.numFmt ?? ''] ?? '文本';
  }
}

/** the table roles of this set (shared/roles.ts), written into 公开包信息 as 表角色:<角色> */

/** The figure roles both sets declare beside their own handles, and the cross-table ties that need every table. */
export function crossTableChecks(): void {
  // figure roles (shared/roles.ts): a defined name spelled as the role, beside the set's own handle for the cell
  for (const [role, own] of [['项目支出合计', '公开03表合计_E'], ['基本支出合计', '公开03表合计_D']] as const) {
    const at = names.find((n) => n.name === own);
    if (at) names.push({ name: role, ref: at.ref });
  }
  // cross-table ties that need every table in place
  tie('X-01', '本年收入合计', '公开02表合计_C', 2, '公开01表与公开02表', '公开01表 本年收入合计', '公开02表 本年收入合计');
  tie('X-02', '本年支出合计', '公开03表合计_C', 2, '公开01表与公开03表', '公开01表 本年支出合计', '公开03表 本年支出合计');
  tie('X-03', '公开02表合计_D', '财政拨款本年收入合计', 2, '公开02表与公开04表', '公开02表 财政拨款收入合计', '公开04表 本年收入合计', '公开02表!D6');
  tie('X-04', '一般公共预算财政拨款收入', '财政拨款一般公共预算收入', 2, '公开01表与公开04表', '公开01表 一般公共预算财政拨款收入', '公开04表 一般公共预算财政拨款');
  tie('X-05', '政府性基金预算财政拨款收入', '财政拨款政府性基金收入', 2, '公开01表与公开04表', '公开01表 政府性基金预算财政拨款收入', '公开04表 政府性基金预算财政拨款');
}

/** The narrative input sheets (上年数, 年初预算, 说明文字 …) from templates/<set>/narrative/inputs.json, appended to `sheets`. */
export function narrativeInputSheets(dir: string, sheets: SheetModel[], roles: Record<string, string>, filled: boolean): void {
  const n = narrativeSheets({ sheets, roles, filled, style: (st) => styles.get(st), inputs: JSON.parse(readFileSync(`${dir}/narrative/inputs.json`, 'utf8')) as NarrativeInputs });
  declareNarrativeKinds(n.sheets);
  sheets.push(...n.sheets);
  names.push(...n.names);
  checks.push(...n.checks);
}

/**
 * A 公开表 with no figure at all while the packet says it should have some (issue 12): its own finding, instead
 * of only indirect 0.00 comparisons. 09 (三公) and 10 (资产) may be empty by their own notes; 07/08 only when the
 * 政府性基金/国有资本经营 figures elsewhere are 0.
 */
export function emptyTableChecks(t08Range: string): void {
  const ranges: Record<string, string> = {
    公开01表: '公开01表!C7:C37,公开01表!F7:F37',
    公开02表: '公开02表!C6:I2000',
    公开03表: '公开03表!C6:H2000',
    公开04表: '公开04表!C7:C38,公开04表!G7:I38',
    公开05表: '公开05表!C6:E2000',
    公开06表: '公开06表!C6:C34,公开06表!F6:F34,公开06表!I6:I34',
    公开07表: '公开07表!C7:H2000',
    公开08表: t08Range,
  };
  const others = Object.entries(ranges).filter(([t]) => t !== '公开01表').map(([, r]) => r).join(',');
  const add = (t: string, driver: string, why: string, at: string) => check(`${t.slice(2, 4)}-00`, 'error', `OR(COUNT(${ranges[t]})>0,${driver})`,
    `${t}整张表为空（没有填报任何数），而${why}：请导入或填报${t}。`, `${t}!${at}`);
  add('公开01表', `COUNT(${others})=0`, '其他公开表已有数', 'C7');
  add('公开02表', 'ABS(本年收入合计)<0.005', '公开01表本年收入合计为 {本年收入合计}', 'C6');
  add('公开03表', 'ABS(本年支出合计)<0.005', '公开01表本年支出合计为 {本年支出合计}', 'C6');
  add('公开04表', 'ABS(一般公共预算财政拨款收入)+ABS(政府性基金预算财政拨款收入)+ABS(公开01表!C9)<0.005', '公开01表有财政拨款收入 {一般公共预算财政拨款收入+政府性基金预算财政拨款收入+公开01表!C9}', 'C7');
  add('公开05表', 'ABS(一般公共预算本年支出)+ABS(一般公共预算财政拨款收入)<0.005', '公开01表一般公共预算财政拨款收入为 {一般公共预算财政拨款收入}', 'C6');
  add('公开06表', 'ABS(公开05表合计_D)+ABS(公开03表合计_D)<0.005', '基本支出为 {MAX(公开05表合计_D,公开03表合计_D)}', 'C6');
  add('公开07表', 'ABS(政府性基金本年支出)+ABS(政府性基金预算财政拨款收入)<0.005', '政府性基金预算财政拨款收入为 {政府性基金预算财政拨款收入}', 'C7');
  add('公开08表', 'ABS(公开04表!I33)+ABS(公开01表!C9)<0.005', '国有资本经营预算财政拨款为 {MAX(公开04表!I33,公开01表!C9)}', 'C6');
}

/** Write the set's tables.xlsx and reference-packet.xlsx, each through the engine once. */
export async function writeSet(dir: string, buildPacket: (filled: boolean) => Packet): Promise<void> {
  // through the engine once, so every formula cell carries its computed value (Excel/WPS show it without recalculating)
  const computed = (p: Packet) => new PacketSession(p).toPacket();
  writeFileSync(`${dir}/tables.xlsx`, await writePacket(computed(buildPacket(false))));
  writeFileSync(`${dir}/reference-packet.xlsx`, await writePacket(computed(buildPacket(true))));
  console.log(`wrote ${dir}/tables.xlsx and ${dir}/reference-packet.xlsx (${checks.length} 审核 rows)`);
}

/**
 * Scoring profiles (评分规则) and grade bands as data. They are written into the hidden sheet
 * 自评评分规则 of every packet that carries forms; the form formulas read that sheet through defined
 * names, so switching a packet's profile is one cell edit and a finance bureau can add a profile in Excel.
 */
import { a1, colIndex, quoteSheet } from '../a1.js';
import type { Cell, CellStyle, DefinedName, Packet, SheetModel } from '../model.js';

export const PROFILE_SHEET = '自评评分规则';
/** defined name of the cell that holds the packet's profile code (also kept in meta 评分规则) */
export const PROFILE_NAME = '评分规则';
export const NAME_MODE = '评分方式';
export const NAME_LOWER = '评分档位下限';
export const NAME_POINTS = '评分档位得分';
export const NAME_GRADE = '等级名称';
export const NAME_GRADE_LOWER = '等级下限';

export interface ScoringProfile {
  code: string;
  name: string;
  /** 分档: stepped points by 执行率; 比例: 分值 × min(B/A, 1) */
  mode: '分档' | '比例';
  /** for 分档: exactly four steps, ascending lower bounds in %, points on a 10-point scale */
  steps?: { from: number; points: number }[];
  note: string;
}

export const PROFILES: ScoringProfile[] = [
  {
    code: 'stepped',
    // named by what it does, not by a province: any set may choose it (公开包信息 评分规则)
    name: '分档计分（100%、80%、60%三档）',
    mode: '分档',
    steps: [
      { from: 0, points: 0 },
      { from: 60, points: 5 },
      { from: 80, points: 7 },
      { from: 100, points: 10 },
    ],
    note: '执行率100%（含）以上得满分，80%（含）以上得7/10，60%（含）以上得5/10，60%以下不得分；分值不是10分时按比例折算：得分＝分值×档位得分÷10，保留两位小数。',
  },
  {
    code: 'national',
    name: '按比例计分（全国通用）',
    mode: '比例',
    note: '得分＝分值×min(全年执行数÷全年预算数, 100%)，保留两位小数。',
  },
];

/**
 * The grade table a fresh 自评评分规则 sheet is written with (the generator's default and a packet that gets
 * its first form without one). It is only a starting point: a set declares its own grades on its sheet
 * (tables.xlsx, form.xlsx, reference packet), and everything reads them from there (`readGrades`).
 */
export const DEFAULT_GRADES: Grade[] = [
  { name: '差', from: 0, note: '总分60分以下' },
  { name: '中', from: 60, note: '60（含）—80分' },
  { name: '良', from: 80, note: '80（含）—90分' },
  { name: '优', from: 90, note: '90分（含）以上' },
];

/** One grade of the 自评评分规则 sheet: a total ≥ `from` (and below the next grade's) gets `name`. */
export interface Grade {
  name: string;
  from: number;
  note: string;
}

/** Rows the grade table may use: the defined names span them all, so a grade added in Excel needs no name edit. */
export const GRADE_ROWS = 8;

export type StyleFn = (s: CellStyle) => number;

const box = { t: true, r: true, b: true, l: true };
const font = { name: '宋体', size: 10 };
export const FORM_STYLES = {
  title: { font: { name: '宋体', size: 16, bold: true }, align: { h: 'center', v: 'middle' } },
  sub: { font, align: { h: 'center', v: 'middle' } },
  head: { font: { ...font, bold: true }, align: { h: 'center', v: 'middle', wrap: true }, border: box },
  label: { font, align: { h: 'center', v: 'middle', wrap: true }, border: box },
  text: { font, align: { h: 'left', v: 'middle', wrap: true }, border: box },
  longText: { font, align: { h: 'left', v: 'top', wrap: true }, border: box },
  /** 万元 amounts: one policy for the whole column, two decimals (a 45.31644 typed in 元 precision prints 45.32) */
  money: { font, align: { h: 'right', v: 'middle' }, border: box, numFmt: '#,##0.00' },
  moneySum: { font: { ...font, bold: true }, align: { h: 'right', v: 'middle' }, border: box, numFmt: '#,##0.00' },
  /** scores, weights and rates print as typed (20, 96.3, 47.5) */
  number: { font, align: { h: 'center', v: 'middle' }, border: box },
  numberBold: { font: { ...font, bold: true }, align: { h: 'center', v: 'middle' }, border: box },
  note: { font: { name: '宋体', size: 9 }, align: { h: 'left', v: 'top', wrap: true } },
} satisfies Record<string, CellStyle>;

export type FormStyleKey = keyof typeof FORM_STYLES;

export function styleSet(style: StyleFn): Record<FormStyleKey, number> {
  const out = {} as Record<FormStyleKey, number>;
  for (const k of Object.keys(FORM_STYLES) as FormStyleKey[]) out[k] = style(FORM_STYLES[k]);
  return out;
}

/** Row layout of the 自评评分规则 sheet (0-based). */
const CHOICE_ROW = 1;
const TABLE_HEAD = 3;
const TABLE_FIRST = 4;
const TABLE_ROWS = 8;
const CURRENT_MODE = TABLE_FIRST + TABLE_ROWS + 2;
const GRADE_HEAD = CURRENT_MODE + 4;
const GRADE_FIRST = GRADE_HEAD + 1;

function abs(sheet: string, ref: string): string {
  return `${quoteSheet(sheet)}!${ref}`;
}

export const PROFILE_CODES_RANGE = abs(PROFILE_SHEET, `$A$${TABLE_FIRST + 1}:$A$${TABLE_FIRST + TABLE_ROWS}`);

/** A growing sheet grid and its setter, for the sheets these modules build. */
export function cellGrid(): { cells: (Cell | null)[][]; set: (r: number, c: number, cell: Cell) => void } {
  const cells: (Cell | null)[][] = [];
  const set = (r: number, c: number, cell: Cell) => {
    while (cells.length <= r) cells.push([]);
    while (cells[r].length <= c) cells[r].push(null);
    cells[r][c] = cell;
  };
  return { cells, set };
}

/** The hidden sheet that holds the profiles, the packet's choice and the grade bands, with its names. */
export function profileSheet(style: StyleFn, choice: string, grades: Grade[] = DEFAULT_GRADES): { sheet: SheetModel; names: DefinedName[] } {
  const st = styleSet(style);
  const { cells, set } = cellGrid();
  const merges: string[] = [];
  const L = (c: number) => 'ABCDEFGHIJKL'[c];
  const match = `MATCH(${PROFILE_NAME},$A$${TABLE_FIRST + 1}:$A$${TABLE_FIRST + TABLE_ROWS},0)`;

  set(0, 0, { v: '项目支出绩效自评评分规则', s: st.title });
  merges.push('A1:L1');
  set(CHOICE_ROW, 0, { v: '本公开包采用的评分规则（填下表中的规则代码）', s: st.text });
  set(CHOICE_ROW, 1, { v: choice, input: true, s: st.label, kind: '代码' });
  set(CHOICE_ROW, 2, {
    f: `IFERROR("当前："&INDEX($B$${TABLE_FIRST + 1}:$B$${TABLE_FIRST + TABLE_ROWS},${match}),"规则代码「"&${PROFILE_NAME}&"」不在下表中，请改为下表中的代码")`,
    s: st.text,
  });
  for (let c = 3; c <= 11; c++) set(CHOICE_ROW, c, { s: st.text });
  merges.push(`C${CHOICE_ROW + 1}:L${CHOICE_ROW + 1}`);

  const heads = ['规则代码', '规则名称', '计分方式', '档位1下限(%)', '档位2下限(%)', '档位3下限(%)', '档位4下限(%)', '档位1得分', '档位2得分', '档位3得分', '档位4得分', '说明'];
  heads.forEach((h, c) => set(TABLE_HEAD, c, { v: h, s: st.head }));
  for (let i = 0; i < TABLE_ROWS; i++) {
    const p = PROFILES[i];
    const r = TABLE_FIRST + i;
    const row: (string | number | null)[] = p
      ? [p.code, p.name, p.mode, ...[0, 1, 2, 3].map((k) => p.steps?.[k]?.from ?? null), ...[0, 1, 2, 3].map((k) => p.steps?.[k]?.points ?? null), p.note]
      : Array.from({ length: 12 }, () => null);
    row.forEach((v, c) => set(r, c, { ...(v === null ? {} : { v }), s: c === 11 || c === 1 ? st.text : c >= 3 ? st.number : st.label }));
  }

  set(CURRENT_MODE - 1, 0, { v: '当前规则（按上面的规则代码自动取得，勿改）', s: st.text });
  merges.push(`A${CURRENT_MODE}:L${CURRENT_MODE}`);
  set(CURRENT_MODE, 0, { v: '计分方式', s: st.label });
  set(CURRENT_MODE, 1, { f: `IFERROR(INDEX($C$${TABLE_FIRST + 1}:$C$${TABLE_FIRST + TABLE_ROWS},${match}),"")`, s: st.label });
  set(CURRENT_MODE + 1, 0, { v: '档位下限(%)', s: st.label });
  set(CURRENT_MODE + 2, 0, { v: '档位得分', s: st.label });
  for (let k = 0; k < 4; k++) {
    const col = 3 + k;
    set(CURRENT_MODE + 1, col, { f: `IFERROR(N(INDEX(${L(col)}$${TABLE_FIRST + 1}:${L(col)}$${TABLE_FIRST + TABLE_ROWS},${match})),0)`, s: st.number });
    set(CURRENT_MODE + 2, col, { f: `IFERROR(N(INDEX(${L(col + 4)}$${TABLE_FIRST + 1}:${L(col + 4)}$${TABLE_FIRST + TABLE_ROWS},${match})),0)`, s: st.number });
  }

  set(GRADE_HEAD, 0, { v: '自评等级', s: st.head });
  set(GRADE_HEAD, 1, { v: '总分下限', s: st.head });
  set(GRADE_HEAD, 2, { v: '说明', s: st.head });
  // every slot is a cell of the table (blank ones too), so a bureau adds a grade by typing into the next row
  for (let i = 0; i < GRADE_ROWS; i++) {
    const g = grades[i];
    set(GRADE_FIRST + i, 0, { ...(g ? { v: g.name } : {}), s: st.label });
    set(GRADE_FIRST + i, 1, { ...(g ? { v: g.from } : {}), s: st.number });
    set(GRADE_FIRST + i, 2, { ...(g ? { v: g.note } : {}), s: st.text });
  }
  const noteRow = GRADE_FIRST + GRADE_ROWS + 1;
  set(noteRow, 0, {
    v: `注：自评表的执行率得分和自评等级由本表计算。改用其他规则：把第2行的规则代码改为上表中的代码（如 national）；增加规则：在上表空行中按同样格式填写。自评等级：按总分下限从小到大逐行填写等级名称和下限（最多${GRADE_ROWS}个等级，中间不留空行），总分不低于某一等级的下限、又低于下一等级的下限时为该等级；汇总表、审核说明和情况说明都按本表的等级名称。`,
    s: st.note,
  });
  merges.push(`A${noteRow + 1}:L${noteRow + 1}`);

  const sheet: SheetModel = {
    name: PROFILE_SHEET,
    kind: 'other',
    hidden: true,
    cells,
    merges,
    colWidths: [22, 24, 10, 10, 10, 10, 10, 9, 9, 9, 9, 60],
    rowHeights: [28],
    frozenRows: 0,
    print: { orientation: 'landscape', fitToWidth: true },
  };
  const q = quoteSheet(PROFILE_SHEET);
  const names: DefinedName[] = [
    { name: PROFILE_NAME, ref: `${q}!$B$${CHOICE_ROW + 1}` },
    { name: NAME_MODE, ref: `${q}!$B$${CURRENT_MODE + 1}` },
    { name: NAME_LOWER, ref: `${q}!$D$${CURRENT_MODE + 2}:$G$${CURRENT_MODE + 2}` },
    { name: NAME_POINTS, ref: `${q}!$D$${CURRENT_MODE + 3}:$G$${CURRENT_MODE + 3}` },
    { name: NAME_GRADE, ref: `${q}!$A$${GRADE_FIRST + 1}:$A$${GRADE_FIRST + GRADE_ROWS}` },
    { name: NAME_GRADE_LOWER, ref: `${q}!$B$${GRADE_FIRST + 1}:$B$${GRADE_FIRST + GRADE_ROWS}` },
  ];
  return { sheet, names };
}

/** Where the profile choice lives on the 自评评分规则 sheet (0-based). */
export const PROFILE_CHOICE_CELL = { row: CHOICE_ROW, col: 1 };

/**
 * The 执行率 score of a fund row as an Excel formula over its A (全年预算数), B (全年执行数) and 分值 cells.
 * 分档 profiles give points on a 10-point scale, scaled to the 分值: 分值 × 档位得分 ÷ 10.
 * The rate is rounded to 6 places before the step lookup so that 80.000000001 and 79.99999999 are 80.
 */
export function scoreFormula(a: string, b: string, weight: string): string {
  const rate = `MAX(N(${b}),0)/${a}`;
  return (
    `IFERROR(IF(AND(ISNUMBER(${a}),N(${a})>0,ISNUMBER(${weight})),` +
    `IF(${NAME_MODE}="比例",ROUND(${weight}*MIN(${rate},1),2),` +
    `ROUND(${weight}*INDEX(${NAME_POINTS},1,MATCH(ROUND(${rate}*100,6),${NAME_LOWER},1))/10,2)),0),0)`
  );
}

/**
 * The grade of a total score, '' when the total is not a number or below the lowest grade. The grade is the
 * n-th name where n counts the lower bounds at or below the total: with the bounds ascending down the table,
 * blank slots below the last grade count nothing (an approximate MATCH over trailing blanks is not reliable).
 */
export function gradeFormula(total: string): string {
  const n = `COUNTIF(${NAME_GRADE_LOWER},"<="&MAX(ROUND(${total},2),0))`;
  return `IF(ISNUMBER(${total}),IF(${n}>0,IFERROR(""&INDEX(${NAME_GRADE},${n}),""),""),"")`;
}

/** Same bands in TypeScript, for reports: `grades` ascending as `readGrades` gives them. */
export function gradeOf(total: number, grades: Grade[]): string {
  let g = '';
  for (const b of grades) if (Math.max(Math.round(total * 100) / 100, 0) >= b.from) g = b.name;
  return g;
}

/** A grade as declared and where it sits (0-based, on `sheet`). */
export interface DeclaredGrade extends Grade {
  sheet: string;
  row: number;
  /** column of its name; the lower bound is in the column of 等级下限 (`fromCol`) */
  col: number;
  fromCol: number;
}

export interface GradeTable {
  /** ascending by lower bound, as the sheet lists them */
  grades: DeclaredGrade[];
  /** what is wrong with the table, in Chinese; the grades are still those that could be read */
  problems: string[];
}

function oneColumn(packet: Packet, name: string): { sheet: string; col: number; rows: number[] } | null {
  const ref = packet.names.find((n) => n.name === name)?.ref;
  if (!ref) return null;
  const m = /^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(ref.trim());
  if (!m) return null;
  const sheet = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
  const col = colIndex(m[3]);
  if (m[5] && colIndex(m[5]) !== col) return null;
  const r0 = Number(m[4]) - 1;
  const r1 = m[6] ? Number(m[6]) - 1 : r0;
  if (r1 < r0 || r1 - r0 > 99) return null;
  return { sheet, col, rows: Array.from({ length: r1 - r0 + 1 }, (_, i) => r0 + i) };
}

/**
 * The packet's grades, read where its grade formulas read them: the defined names 等级名称 and 等级下限 on the
 * 自评评分规则 sheet. The table ends at its first blank name. A packet without the names has no grades.
 */
export function readGrades(packet: Packet): GradeTable {
  const names = oneColumn(packet, NAME_GRADE);
  const lowers = oneColumn(packet, NAME_GRADE_LOWER);
  if (!names || !lowers) return { grades: [], problems: packet.sheets.some((s) => s.kind === 'form') ? [`没有定义名称「${NAME_GRADE}」「${NAME_GRADE_LOWER}」，无法确定自评等级`] : [] };
  const sheet = packet.sheets.find((s) => s.name === names.sheet);
  const where = (r: number, c: number) => `${names.sheet}!${a1(r, c)}`;
  const problems: string[] = [];
  const grades: DeclaredGrade[] = [];
  const text = (r: number, c: number) => {
    const v = sheet?.cells[r]?.[c]?.v;
    return v === null || v === undefined ? '' : String(v).trim();
  };
  let ended = -1;
  names.rows.forEach((r, i) => {
    const lr = lowers.rows[i];
    const name = text(r, names.col);
    if (!name) {
      if (ended < 0) ended = r;
      return;
    }
    if (ended >= 0) {
      problems.push(`自评等级表 ${where(ended, names.col)} 是空行，其下的等级「${name}」不起作用：等级之间不能留空行`);
      return;
    }
    const raw = lr === undefined ? undefined : sheet?.cells[lr]?.[lowers.col]?.v;
    const from = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(from)) {
      problems.push(`自评等级「${name}」的总分下限 ${lr === undefined ? '' : where(lr, lowers.col)} 不是数字`);
      return;
    }
    if (/[*?~"]/.test(name)) problems.push(`自评等级名称「${name}」含有 * ? ~ " 等字符，计数公式会误读：请改名`);
    if (grades.some((g) => g.name === name)) problems.push(`自评等级「${name}」重复`);
    const prev = grades[grades.length - 1];
    if (prev && !(from > prev.from)) problems.push(`自评等级「${name}」的总分下限 ${from} 不大于上一行「${prev.name}」的 ${prev.from}：请按下限从小到大逐行填写`);
    grades.push({ name, from, note: text(r, names.col + 2), sheet: names.sheet, row: r, col: names.col, fromCol: lowers.col });
  });
  if (!grades.length && sheet) problems.push(`「${names.sheet}」的自评等级表是空的`);
  return { grades, problems };
}

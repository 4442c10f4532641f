/**
 * The 项目支出绩效自评表 sheet: building one (empty or filled with a project's published figures) and
 * finding its parts again by their labels, so that checks and the summary follow whatever rows exist.
 */
import { a1 } from '../a1.js';
import type { Cell, CellValue, SheetModel } from '../model.js';
import { gradeFormula, styleSet, type StyleFn } from './profiles.js';
import { RATE_TOLERANCE } from './rules.js';

/** 总分 is a figure to two decimals: it agrees with its 运算 when it rounds alike */
export const SCORE_TOLERANCE = 0.005;

export const FORM_TITLE = '项目支出绩效自评表';

export interface FundData {
  label: string;
  initial: number | null;
  A: number | null;
  B: number | null;
  weight: number | null;
  rate: number | null;
  score: number | null;
}

export interface IndicatorData {
  level1: string;
  level2: string;
  level3: string;
  target: string;
  actual: string;
  weight: number | null;
  score: number | null;
  deviation: string;
}

/** One project's form, as published (the shape of templates/…/source/reference-forms.json). */
export interface FormData {
  name: string;
  department: string;
  implementer: string;
  funds: FundData[];
  goalExpected: string;
  goalActual: string;
  indicators: IndicatorData[];
  totalWeight?: number | null;
  totalScore?: number | null;
}

/** The fund rows of the template, in order; the first is 年度资金总额. */
export const FUND_ROWS = ['年度资金总额', '其中：政府预算资金', '上年结转资金', '其他资金'];
const FUND_ALIASES: Record<string, number> = { 年度资金总额: 0, 政府预算资金: 1, 财政拨款: 1, 当年财政拨款: 1, 上年结转资金: 2, 其他资金: 3 };

/** The standard 二级指标 of an empty form, under their 一级指标. */
export const DEFAULT_INDICATORS: [string, string][] = [
  ['成本指标', '经济成本指标'], ['成本指标', '社会成本指标'], ['成本指标', '生态环境成本指标'],
  ['产出指标', '数量指标'], ['产出指标', '质量指标'], ['产出指标', '时效指标'],
  ['效益指标', '经济效益指标'], ['效益指标', '社会效益指标'], ['效益指标', '生态效益指标'],
  ['满意度指标', '服务对象满意度'],
];

// fixed rows of the layout (0-based); the indicator block starts at IND_HEAD + 1
const R_NAME = 2;
const R_DEPT = 3;
const R_FUND_HEAD = 4;
const R_GOAL_HEAD = 9;
const IND_HEAD = 11;
const COLS = 9;

export interface BuildOptions {
  /** formula for the "（2024年度）" line, e.g. '"（"&决算年度&"年度）"'; literal text when absent */
  yearFormula?: string;
  yearText?: string;
}

function numeric(text: string): CellValue {
  const t = text.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t === '' ? null : t;
}

/** Build a form sheet: empty (the template) or with one project's figures. */
export function buildFormSheet(name: string, data: FormData | null, style: StyleFn, opts: BuildOptions = {}): SheetModel {
  const st = styleSet(style);
  const cells: (Cell | null)[][] = [];
  const merges: string[] = [];
  const heights: (number | undefined)[] = [];
  const set = (r: number, c: number, cell: Cell) => {
    while (cells.length <= r) cells.push([]);
    while (cells[r].length <= c) cells[r].push(null);
    cells[r][c] = cell;
  };
  /** merged block; the top-left holds the content, the others keep the look (and the input flag) */
  const merge = (r1: number, c1: number, r2: number, c2: number, top: Cell) => {
    for (let r = r1; r <= r2; r++) {
      for (let c = c1; c <= c2; c++) {
        if (r === r1 && c === c1) set(r, c, top);
        else set(r, c, { ...(top.s !== undefined ? { s: top.s } : {}), ...(top.input ? { input: true } : {}), ...(top.kind ? { kind: top.kind } : {}) });
      }
    }
    if (r1 !== r2 || c1 !== c2) merges.push(`${a1(r1, c1)}:${a1(r2, c2)}`);
  };
  // every input declares its kind (shared/kinds.ts): a typed 8 in a 得分 cell is the number 8
  const text = (v: string | null | undefined): Cell => ({ ...(v ? { v } : {}), input: true, s: st.text, kind: '文本' });
  const num = (v: number | null | undefined, s = st.number, kind = '分数'): Cell => ({ ...(v === null || v === undefined ? {} : { v }), input: true, s, kind });

  merge(0, 0, 0, COLS - 1, { v: FORM_TITLE, s: st.title });
  heights[0] = 30;
  merge(1, 0, 1, COLS - 1, opts.yearFormula ? { f: opts.yearFormula, s: st.sub } : { v: opts.yearText ?? '（    年度）', s: st.sub });

  set(R_NAME, 0, { v: '项目名称', s: st.label });
  merge(R_NAME, 1, R_NAME, COLS - 1, text(data?.name));
  set(R_DEPT, 0, { v: '主管部门', s: st.label });
  merge(R_DEPT, 1, R_DEPT, 3, text(data?.department));
  set(R_DEPT, 4, { v: '实施单位', s: st.label });
  merge(R_DEPT, 5, R_DEPT, COLS - 1, text(data?.implementer));

  // 项目资金（万元）
  merge(R_FUND_HEAD, 0, R_FUND_HEAD + FUND_ROWS.length, 0, { v: '项目资金（万元）', s: st.label });
  ['', '年初预算数', '全年预算数（A）', '全年执行数（B）', '分值', '执行率（%）', '得分', ''].forEach((h, i) => set(R_FUND_HEAD, i + 1, { ...(h ? { v: h } : {}), s: st.head }));
  const funds: (FundData | undefined)[] = [];
  for (const f of data?.funds ?? []) {
    const k = FUND_ALIASES[f.label.replace(/^其中[:：]?/, '')];
    if (k !== undefined) funds[k] = f;
  }
  FUND_ROWS.forEach((label, k) => {
    const r = R_FUND_HEAD + 1 + k;
    const f = funds[k];
    set(r, 1, { v: label, s: k === 0 ? st.head : st.text });
    set(r, 2, num(f?.initial, st.money, '金额'));
    set(r, 3, num(f?.A, st.money, '金额'));
    set(r, 4, num(f?.B, st.money, '金额'));
    // 运算: 执行率 = B ÷ A × 100 (two decimals); a published rate truncated to one decimal agrees within 0.1
    // 运算: 年度资金总额 = Σ其中各项资金 in 年初预算数, A and B (the 资金合计 check's relation)
    const parts = (col: number) => FUND_ROWS.slice(1).map((_l, j) => `N(${a1(R_FUND_HEAD + 2 + j, col)})`).join('+');
    if (k === 0) {
      for (const col of [2, 3, 4]) Object.assign(cells[r][col]!, { calc: parts(col) });
    }
    const rate = { calc: `IF(N(${a1(r, 3)})>0,ROUND(N(${a1(r, 4)})/${a1(r, 3)}*100,2),"")`, calcTol: RATE_TOLERANCE };
    if (k === 0) {
      set(r, 5, num(data ? f?.weight : 10));
      set(r, 6, { ...num(f?.rate, st.number, '百分比'), ...rate });
      // 运算: the 执行率得分 is an input cell that follows the scoring rule's formula (shared/calc.ts, from the
      // form's 指标 declaration, upstream of 自评评分规则: a switch of profile moves every form that agreed); a
      // printed figure is kept as published and the 执行率得分 check judges it. An empty form's A is blank: the
      // rule gives 0, what the formula showed before the score was a 运算 cell
      set(r, 7, num(data ? f?.score : 0, st.numberBold));
    } else {
      set(r, 5, { v: '-', s: st.number });
      set(r, 6, { ...num(f?.rate, st.number, '百分比'), ...rate });
      set(r, 7, { v: '-', s: st.number });
    }
    set(r, 8, { s: st.number });
  });

  // 年度总体目标
  merge(R_GOAL_HEAD, 0, R_GOAL_HEAD + 1, 0, { v: '年度总体目标', s: st.label });
  merge(R_GOAL_HEAD, 1, R_GOAL_HEAD, 4, { v: '预期目标', s: st.head });
  merge(R_GOAL_HEAD, 5, R_GOAL_HEAD, COLS - 1, { v: '实际完成情况', s: st.head });
  merge(R_GOAL_HEAD + 1, 1, R_GOAL_HEAD + 1, 4, { ...text(data?.goalExpected), s: st.longText });
  merge(R_GOAL_HEAD + 1, 5, R_GOAL_HEAD + 1, COLS - 1, { ...text(data?.goalActual), s: st.longText });
  heights[R_GOAL_HEAD + 1] = 48;

  // 绩效指标
  ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'].forEach((h, i) => set(IND_HEAD, i + 1, { v: h, s: st.head }));
  heights[IND_HEAD] = 30;
  const rows: IndicatorData[] = data
    ? data.indicators
    : DEFAULT_INDICATORS.map(([level1, level2]) => ({ level1, level2, level3: '', target: '', actual: '', weight: null, score: null, deviation: '' }));
  const first = IND_HEAD + 1;
  rows.forEach((ind, i) => {
    const r = first + i;
    set(r, 0, { s: st.label });
    set(r, 1, text(ind.level1));
    set(r, 2, text(ind.level2));
    set(r, 3, text(ind.level3));
    set(r, 4, { ...(numeric(ind.target) !== null ? { v: numeric(ind.target) } : {}), input: true, s: st.text, kind: '指标值' });
    set(r, 5, { ...(numeric(ind.actual) !== null ? { v: numeric(ind.actual) } : {}), input: true, s: st.text, kind: '指标值' });
    set(r, 6, num(ind.weight));
    set(r, 7, num(ind.score));
    set(r, 8, text(ind.deviation));
  });
  // merged 一级 and 二级 cells, as published: runs of equal labels
  const runs = (key: (x: IndicatorData) => string, col: number) => {
    let start = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && key(rows[i]) === key(rows[start]) && key(rows[start]) !== '') continue;
      if (i - 1 > start) merge(first + start, col, first + i - 1, col, cells[first + start][col]!);
      start = i;
    }
  };
  runs((x) => x.level1, 1);
  runs((x) => (x.level2 ? `${x.level1}\u0000${x.level2}` : ''), 2);
  const last = first + rows.length - 1;
  merge(IND_HEAD, 0, Math.max(last, IND_HEAD), 0, { v: '绩效指标', s: st.label });

  const total = last + 1;
  merge(total, 0, total, 5, { v: '总分', s: st.head });
  // 运算: the 总分 of 分值 and 得分 are input cells that follow the form's 指标 declaration (shared/calc.ts:
  // 执行率 row + Σ indicator rows, over the rows present now); a printed 总分 is kept as published and the
  // 总分 check judges it. Without a printed figure the total is the sum of what is there.
  const fund0 = funds[0];
  const sum = (vals: (number | null | undefined)[]): number | null => {
    const xs = vals.filter((x): x is number => typeof x === 'number');
    return xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) * 1e6) / 1e6 : null;
  };
  // an empty form: 分值 10 (the 执行率's) and 得分 0, what its formulas gave before the totals were 运算 cells
  const totalWeight = data ? data.totalWeight ?? sum([fund0?.weight, ...rows.map((x) => x.weight)]) : 10;
  const totalScore = data ? data.totalScore ?? sum([fund0?.score ?? 0, ...rows.map((x) => x.score)]) : 0;
  set(total, 6, num(totalWeight, st.numberBold));
  set(total, 7, num(totalScore, st.numberBold));
  set(total, 8, { s: st.number });
  merge(total + 1, 0, total + 1, 5, { v: '自评等级', s: st.head });
  merge(total + 1, 6, total + 1, COLS - 1, { f: gradeFormula(a1(total, 7)), s: st.numberBold });

  return {
    name,
    kind: 'form',
    hidden: false,
    cells,
    merges,
    // the width of an A4 portrait page at 100 % (about 92 Excel units with the margins): the form prints at its
    // own 10 pt instead of being shrunk to about 7 pt; long texts wrap and their rows grow (export/public.ts)
    colWidths: [6, 10, 10, 16, 11, 11, 7, 7, 14],
    rowHeights: heights,
    frozenRows: 0,
    print: { orientation: 'portrait', fitToWidth: true, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6 } },
  };
}

// ---------------------------------------------------------------- finding the parts again

export interface FormLayout {
  nameCell: { row: number; col: number };
  deptCell?: { row: number; col: number };
  implementerCell?: { row: number; col: number };
  /** 年度资金总额 first, then the 其中 rows */
  fundRows: { row: number; label: string }[];
  fundCols: { initial: number; A: number; B: number; weight: number; rate: number; score: number };
  indHead: number;
  /** the rows between the indicator header and 总分 (any number) */
  indRows: number[];
  indCols: { level1: number; level2: number; level3: number; target: number; actual: number; weight: number; score: number; deviation: number };
  totalRow: number;
  gradeCell?: { row: number; col: number };
}

const norm = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replace(/\s+/g, ''));

function textAt(s: SheetModel, r: number, c: number): string {
  return norm(s.cells[r]?.[c]?.v);
}

function findCol(s: SheetModel, row: number, test: (t: string) => boolean): number {
  const cells = s.cells[row] ?? [];
  for (let c = 0; c < cells.length; c++) if (test(textAt(s, row, c))) return c;
  return -1;
}

function findRow(s: SheetModel, from: number, test: (row: number) => boolean): number {
  for (let r = from; r < s.cells.length; r++) if (test(r)) return r;
  return -1;
}

/** Locate a form's parts by their labels; a string says what is missing when the sheet is not a form. */
export function formLayout(s: SheetModel): FormLayout | string {
  const nameRow = findRow(s, 0, (r) => textAt(s, r, 0) === '项目名称');
  if (nameRow < 0) return '找不到「项目名称」行';
  const deptRow = findRow(s, 0, (r) => textAt(s, r, 0) === '主管部门');
  const implCol = deptRow >= 0 ? findCol(s, deptRow, (t) => t === '实施单位') : -1;

  const fundHead = findRow(s, 0, (r) => findCol(s, r, (t) => t.startsWith('全年预算数')) >= 0);
  if (fundHead < 0) return '找不到项目资金的表头（全年预算数）';
  const col = (t: (x: string) => boolean) => findCol(s, fundHead, t);
  const fundCols = {
    initial: col((t) => t.startsWith('年初预算数')),
    A: col((t) => t.startsWith('全年预算数')),
    B: col((t) => t.startsWith('全年执行数')),
    weight: col((t) => t === '分值'),
    rate: col((t) => t.startsWith('执行率')),
    score: col((t) => t === '得分'),
  };
  if (Object.values(fundCols).some((c) => c < 0)) return '项目资金的表头不完整（年初预算数、全年预算数、全年执行数、分值、执行率、得分）';
  const fundRows: { row: number; label: string }[] = [];
  for (let r = fundHead + 1; r < s.cells.length; r++) {
    const c = findCol(s, r, (t) => /^(其中[:：]?)?(年度资金总额|政府预算资金|财政拨款|当年财政拨款|上年结转资金|其他资金)$/.test(t));
    if (c < 0 || c >= fundCols.initial) break;
    fundRows.push({ row: r, label: textAt(s, r, c).replace(/^其中[:：]?/, '') });
  }
  if (fundRows[0]?.label !== '年度资金总额') return '找不到「年度资金总额」行';

  const indHead = findRow(s, fundHead, (r) => findCol(s, r, (t) => t === '一级指标') >= 0);
  if (indHead < 0) return '找不到绩效指标的表头（一级指标）';
  const icol = (t: (x: string) => boolean) => findCol(s, indHead, t);
  const indCols = {
    level1: icol((t) => t === '一级指标'),
    level2: icol((t) => t === '二级指标'),
    level3: icol((t) => t === '三级指标'),
    target: icol((t) => t.startsWith('年度指标')),
    actual: icol((t) => t.startsWith('实际完成')),
    weight: icol((t) => t === '分值'),
    score: icol((t) => t === '得分'),
    deviation: icol((t) => t.startsWith('偏差原因')),
  };
  if (Object.values(indCols).some((c) => c < 0)) return '绩效指标的表头不完整（一级指标 … 偏差原因分析及改进措施）';
  const totalRow = findRow(s, indHead + 1, (r) => textAt(s, r, 0) === '总分');
  if (totalRow < 0) return '找不到「总分」行';
  const indRows: number[] = [];
  for (let r = indHead + 1; r < totalRow; r++) indRows.push(r);
  const gradeRow = findRow(s, totalRow + 1, (r) => textAt(s, r, 0) === '自评等级');
  return {
    nameCell: { row: nameRow, col: 1 },
    ...(deptRow >= 0 ? { deptCell: { row: deptRow, col: 1 } } : {}),
    ...(implCol >= 0 ? { implementerCell: { row: deptRow, col: implCol + 1 } } : {}),
    fundRows,
    fundCols,
    indHead,
    indRows,
    indCols,
    totalRow,
    ...(gradeRow >= 0 ? { gradeCell: { row: gradeRow, col: indCols.weight } } : {}),
  };
}

/** The cells a form's summary row and report read: 项目名称, A, B, 执行率, 执行率得分, 总分, 等级. */
export function keyCells(l: FormLayout) {
  const t = l.fundRows[0].row;
  return {
    name: l.nameCell,
    A: { row: t, col: l.fundCols.A },
    B: { row: t, col: l.fundCols.B },
    rate: { row: t, col: l.fundCols.rate },
    rateScore: { row: t, col: l.fundCols.score },
    total: { row: l.totalRow, col: l.indCols.score },
    grade: l.gradeCell,
  };
}

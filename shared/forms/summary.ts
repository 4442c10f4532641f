/**
 * 绩效自评汇总: one row per form, read from the form sheets by formulas, with the count of each grade the
 * packet declares on 自评评分规则 (优/良/中/差 in the reference, any names and any number of them elsewhere),
 * ΣA and ΣB, and the tie of ΣB to the tables' 项目支出合计 (the figure role the set declares, shared/roles.ts).
 */
import { a1, colLetters, quoteSheet } from '../a1.js';
import type { CheckDef, DefinedName, SheetModel } from '../model.js';
import { formLayout, keyCells } from './layout.js';
import {
  PROFILE_CODES_RANGE, PROFILE_NAME, PROFILE_SHEET, PROFILE_CHOICE_CELL, NAME_GRADE, NAME_GRADE_LOWER, cellGrid, styleSet,
  type DeclaredGrade, type StyleFn,
} from './profiles.js';

export const SUMMARY_SHEET = '绩效自评汇总';
export const SUMMARY_CHECK_PREFIX = `${SUMMARY_SHEET}:`;
export const PROFILE_CHECK_ID = `${PROFILE_SHEET}:规则代码`;
/** the tables' 项目支出合计: a figure role, i.e. the defined name the set declares under that name */
export const PROJECT_SPENDING_NAME = '项目支出合计';

export const SUMMARY_NAMES = {
  count: '自评项目数',
  sumA: '自评全年预算数合计',
  sumB: '自评全年执行数合计',
} as const;

/**
 * The defined name of the count of the k-th grade, highest first (自评等级1数 = the top grade's count). By
 * position, not by the grade's text: a set's grade name need not be a valid Excel name (合格, A+, 不合格 …)
 * and a narrative template written against positions works for any names.
 */
export function gradeCountName(k: number): string {
  return `自评等级${k}数`;
}

/** Names the summary owns: its fixed names, the positional grade counts, and the 优/良/中/差 names it used to have. */
export function isSummaryName(name: string): boolean {
  return (Object.values(SUMMARY_NAMES) as string[]).includes(name) || /^自评等级\d+数$/.test(name) || ['自评优数', '自评良数', '自评中数', '自评差数'].includes(name);
}

const HEAD_ROW = 2;
const FIRST = 3;
const FINDINGS_COL = 9;

export interface SummaryParts {
  sheet: SheetModel;
  names: DefinedName[];
  checks: CheckDef[];
}

/**
 * Build the summary over `forms` (in packet order). `unitName` adds the 部门 line; `tieToTables` adds the
 * ΣB vs 项目支出合计 check (only where the set declares that figure), naming the sheet it sits on. `findings` keeps the 审核问题数 column by sheet name.
 */
export function buildSummary(
  forms: SheetModel[],
  style: StyleFn,
  opts: { unitName?: boolean; tieToTables?: boolean; spendingSheet?: string; findings?: Map<string, number>; grades?: DeclaredGrade[] } = {},
): SummaryParts {
  const st = styleSet(style);
  const { cells, set } = cellGrid();
  const merges: string[] = [];
  const S = quoteSheet(SUMMARY_SHEET);
  set(0, 0, { v: '项目支出绩效自评结果汇总表', s: st.title });
  for (let c = 1; c < 10; c++) set(0, c, { s: st.title });
  merges.push('A1:J1');
  if (opts.unitName) {
    // merged over the columns left of 金额单位: alone in the 6-wide 序号 column it wrapped one character a line
    set(1, 0, { f: '"部门："&单位名称', s: st.note });
    for (let c = 1; c < 6; c++) set(1, c, { s: st.note });
    merges.push('A2:F2');
  }
  // over the last two columns: alone in the 10-wide J it wrapped to two lines and doubled the row
  set(1, 8, { v: '金额单位：万元', s: st.note });
  set(1, 9, { s: st.note });
  merges.push('I2:J2');
  ['序号', '项目名称', '工作表', '全年预算数（A）', '全年执行数（B）', '执行率（%）', '执行率得分', '总分', '自评等级', '审核问题数'].forEach((h, c) =>
    set(HEAD_ROW, c, { v: h, s: st.head }));

  let r = FIRST;
  forms.forEach((f, i) => {
    const l = formLayout(f);
    const q = quoteSheet(f.name);
    set(r, 0, { v: i + 1, s: st.number });
    set(r, 2, { v: f.name, s: st.text });
    if (typeof l === 'string') {
      for (const c of [1, 3, 4, 5, 6, 7, 8]) set(r, c, { s: st.text });
    } else {
      const k = keyCells(l);
      const ref = (x: { row: number; col: number }) => `${q}!${a1(x.row, x.col)}`;
      set(r, 1, { f: `""&${ref(k.name)}`, s: st.text });
      set(r, 3, { f: `N(${ref(k.A)})`, s: st.moneySum });
      set(r, 4, { f: `N(${ref(k.B)})`, s: st.moneySum });
      set(r, 5, { f: `IF(ISNUMBER(${ref(k.rate)}),${ref(k.rate)},"")`, s: st.number });
      set(r, 6, { f: `N(${ref(k.rateScore)})`, s: st.number });
      set(r, 7, { f: `N(${ref(k.total)})`, s: st.number });
      set(r, 8, k.grade ? { f: `""&${ref(k.grade)}`, s: st.number } : { s: st.number });
    }
    const n = opts.findings?.get(f.name);
    set(r, FINDINGS_COL, { ...(n !== undefined ? { v: n } : {}), s: st.number });
    r++;
  });
  const last = r - 1;
  const col = (c: number) => (forms.length ? `${a1(FIRST, c)}:${a1(last, c)}` : '');
  const total = r;
  set(total, 0, { s: st.head });
  set(total, 1, { v: '合计', s: st.head });
  set(total, 2, { f: forms.length ? `COUNTA(${col(2)})` : '0', s: st.numberBold });
  set(total, 3, { f: forms.length ? `SUM(${col(3)})` : '0', s: st.moneySum });
  set(total, 4, { f: forms.length ? `SUM(${col(4)})` : '0', s: st.moneySum });
  set(total, 5, { f: `IF(${a1(total, 3)}>0,ROUND(${a1(total, 4)}/${a1(total, 3)}*100,2),"")`, s: st.numberBold });
  for (const c of [6, 7, 8]) set(total, c, { s: st.number });
  set(total, 9, { f: forms.length ? `SUM(${col(9)})` : '0', s: st.numberBold });
  const names: DefinedName[] = [
    { name: SUMMARY_NAMES.count, ref: `${S}!$C$${total + 1}` },
    { name: SUMMARY_NAMES.sumA, ref: `${S}!$D$${total + 1}` },
    { name: SUMMARY_NAMES.sumB, ref: `${S}!$E$${total + 1}` },
  ];
  // one row per declared grade, highest first; name and bounds are read live from 自评评分规则, so a grade
  // renamed or re-bounded there shows here at once (a grade added or removed needs a rebuild, as a form does)
  const grades = opts.grades ?? [];
  const top = grades.length - 1;
  grades.forEach((_g, i) => {
    const g = grades[top - i];
    const row = total + 1 + i;
    const at = (d: DeclaredGrade, c: number) => `${quoteSheet(d.sheet)}!$${colLetters(c)}$${d.row + 1}`;
    const name = at(g, g.col);
    const from = at(g, g.fromCol);
    const up = top - i + 1 <= top ? grades[top - i + 1] : undefined;
    const label = !up
      ? `${name}&"（"&${from}&"分及以上）"`
      : `IF(N(${from})<=0,${name}&"（"&${at(up, up.fromCol)}&"分以下）",${name}&"（"&${from}&"—"&ROUND(${at(up, up.fromCol)}-0.01,2)&"分）")`;
    set(row, 0, { s: st.label });
    set(row, 1, { f: label, s: st.label });
    // "=" first: a grade name is compared as it is, never read as a condition (<60); * ? ~ would be wildcards,
    // which the grade-table check refuses
    set(row, 2, { f: forms.length ? `COUNTIF(${col(8)},"="&${name})` : '0', s: st.numberBold });
    names.push({ name: gradeCountName(i + 1), ref: `${S}!$C$${row + 1}` });
  });
  const noteRow = total + 2 + grades.length;
  set(noteRow, 0, { v: '注：各项目数据由各自评表自动取得；各等级的名称和总分下限见「自评评分规则」工作表；审核问题数为最近一次审核（保存）时该表的错误与提示个数。', s: st.note });
  merges.push(`A${noteRow + 1}:J${noteRow + 1}`);

  const checks: CheckDef[] = [];
  if (opts.tieToTables) {
    const sumB = `ROUND(${SUMMARY_NAMES.sumB},2)`;
    checks.push({
      id: `${SUMMARY_CHECK_PREFIX}执行数与项目支出合计`,
      severity: 'warning',
      kind: '公式',
      formula: `APPROX(${sumB},${PROJECT_SPENDING_NAME},${forms.length + 1})`,
      message: `各项目自评表全年执行数合计 {${sumB}} 与 ${opts.spendingSheet ? `${opts.spendingSheet} ` : ''}项目支出合计 {${PROJECT_SPENDING_NAME}} 不等，差额 {${sumB}-${PROJECT_SPENDING_NAME}}：请核对是否每个项目都有自评表，执行数是否与账务一致。`,
      locate: `${S}!${a1(total, 4)}`,
      params: '',
    });
  }
  return {
    sheet: {
      name: SUMMARY_SHEET,
      kind: 'summary',
      hidden: false,
      cells,
      merges,
      colWidths: [6, 40, 24, 14, 14, 10, 10, 8, 8, 10],
      rowHeights: [28, undefined, 30],
      frozenRows: FIRST,
      print: { orientation: 'landscape', fitToWidth: true, titleRows: [1, FIRST], margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6 } },
    },
    names,
    checks,
  };
}

/** The check that the packet's 评分规则 is one of the profiles of the 自评评分规则 sheet. */
export function profileCheck(): CheckDef {
  return {
    id: PROFILE_CHECK_ID,
    severity: 'error',
    kind: '公式',
    formula: `ISNUMBER(MATCH(${PROFILE_NAME},${PROFILE_CODES_RANGE},0))`,
    message: `评分规则「{${PROFILE_NAME}}」不在「${PROFILE_SHEET}」的规则表中，各自评表的执行率得分无法计算：请改为表中已有的规则代码（如 stepped、national）。`,
    locate: `${quoteSheet(PROFILE_SHEET)}!${a1(PROFILE_CHOICE_CELL.row, PROFILE_CHOICE_CELL.col)}`,
    params: '',
  };
}

export const GRADE_TABLE_CHECK_ID = `${PROFILE_SHEET}:等级表`;

/**
 * The check that the grade table on 自评评分规则 can grade a total: names from the first slot down without a
 * gap, each with a numeric lower bound above the one before. `slots` is the number of rows the names span.
 */
export function gradeTableCheck(slots: number, first: string): CheckDef {
  const n = (i: number) => `INDEX(${NAME_GRADE},${i})`;
  const b = (i: number) => `INDEX(${NAME_GRADE_LOWER},${i})`;
  // no * ? ~ in a name: the summary counts each grade with COUNTIF, where they are wildcards
  const plain = (i: number) => ['*', '?', '~'].map((ch) => `ISERROR(FIND("${ch}",""&${n(i)}))`).join(',');
  const rows = [`AND(""&${n(1)}<>"",ISNUMBER(${b(1)}),${plain(1)})`];
  for (let i = 2; i <= slots; i++) rows.push(`OR(""&${n(i)}="",AND(""&${n(i - 1)}<>"",ISNUMBER(${b(i)}),N(${b(i)})>N(${b(i - 1)}),${plain(i)}))`);
  return {
    id: GRADE_TABLE_CHECK_ID,
    severity: 'error',
    kind: '公式',
    formula: `IFERROR(AND(${rows.join(',')}),FALSE)`,
    message: `「${PROFILE_SHEET}」的自评等级表有误，各自评表的等级无法按总分确定：请从第一行起逐行填写等级名称和总分下限，下限从小到大，中间不留空行，名称中不用 * ? ~。`,
    locate: first,
    params: '',
  };
}

/** 审核问题数 as last stamped, by form sheet name. */
export function stampedFindings(summary: SheetModel | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!summary) return out;
  for (let r = FIRST; r < summary.cells.length; r++) {
    const name = summary.cells[r]?.[2]?.v;
    const n = summary.cells[r]?.[FINDINGS_COL]?.v;
    if (typeof name === 'string' && typeof n === 'number') out.set(name, n);
  }
  return out;
}

export const SUMMARY_FIRST_ROW = FIRST;
export const SUMMARY_FINDINGS_COL = FINDINGS_COL;

/**
 * The live checks of a form. Checks on fixed cells (the fund rows, 总分, 等级) are ordinary 公式 rows of
 * the 审核 sheet; the checks on the 绩效指标 rows come from one 指标 declaration per form, expanded over
 * the rows that exist now, so inserting or removing a 三级指标 row extends or retracts them.
 */
import { a1, colLetters, quoteSheet } from '../a1.js';
import type { CellValue, CheckDef, Packet, Severity, SheetModel } from '../model.js';
import { formLayout, type FormLayout } from './layout.js';
import { gradeFormula, PROFILE_NAME, scoreFormula } from './profiles.js';
import { registerCheckExpander, type ConcreteCheck } from '../checks.js';

/** The checks shared/checks.ts expands; a type-only import, so no module cycle at run time. */
export type ExpandedCheck = ConcreteCheck;

/** 执行率 as published is truncated or rounded to one (sometimes two) decimals: accept less than 0.1 point. */
export const RATE_TOLERANCE = 0.1;

export const INDICATOR_KIND: CheckDef['kind'] = '指标';

/**
 * References in check formulas anchor the column and leave the row relative ($H13): HyperFormula caches
 * parsed formulas by their relative form, so the tolerant and the strict copy of a check (one column apart)
 * and the same check on consecutive rows are parsed once. Row insertion shifts them either way.
 */
function ref(quotedSheet: string, row: number, col: number): string {
  return `${quotedSheet}!$${colLetters(col)}${row + 1}`;
}

function range(quotedSheet: string, r1: number, c1: number, r2: number, c2: number): string {
  return `${quotedSheet}!$${colLetters(c1)}${r1 + 1}:$${colLetters(c2)}${r2 + 1}`;
}

export function checkPrefix(sheet: string): string {
  return `${sheet}:`;
}

/** The 审核 rows of one form: its 公式 checks and its 指标 declaration. */
export function formCheckDefs(s: SheetModel): CheckDef[] {
  const l = formLayout(s);
  const q = quoteSheet(s.name);
  const id = (x: string) => `${checkPrefix(s.name)}${x}`;
  if (typeof l === 'string') {
    return [{ id: id('结构'), severity: 'error', kind: '公式', formula: 'FALSE()', message: `${s.name} 不是可识别的自评表：${l}。`, locate: `${q}!A1`, params: '' }];
  }
  const R = (row: number, col: number) => ref(q, row, col);
  const out: CheckDef[] = [];
  const add = (key: string, severity: Severity, formula: string, message: string, locate: string) =>
    out.push({ id: id(key), severity, kind: '公式', formula, message, locate, params: '' });
  const fc = l.fundCols;
  const tot = l.fundRows[0].row;

  out.push({
    id: id('项目名称'), severity: 'error', kind: '公式',
    formula: `LEN(TRIM(${R(l.nameCell.row, l.nameCell.col)}))>0`,
    message: '自评表未填写项目名称。', locate: R(l.nameCell.row, l.nameCell.col), params: '',
  });

  l.fundRows.forEach((f, k) => {
    const A = R(f.row, fc.A);
    const B = R(f.row, fc.B);
    const rate = R(f.row, fc.rate);
    // without a budget the rate stays blank (or 0); on the total row B > 0 without A is the 预算为零 finding
    // instead, so that one mistake is reported once
    const noBudget = k === 0 ? `OR(ISBLANK(${rate}),N(${rate})=0)` : `AND(N(${B})<=0,OR(ISBLANK(${rate}),N(${rate})=0))`;
    const holds = `IF(N(${A})>0,AND(ISNUMBER(${rate}),ABS(${rate}-N(${B})/${A}*100)<${RATE_TOLERANCE}),${noBudget})`;
    // the published forms leave the 执行率 of a 其中 row (政府预算资金, 其他资金) blank as often as they fill it:
    // a blank one is not reported, not wrong; a figure typed there is checked like the total's
    add(`执行率:${f.label}`, 'error',
      k === 0 ? holds : `OR(LEN(""&${rate})=0,${holds})`,
      `${f.label}：执行率 {""&${rate}} 与 全年执行数B÷全年预算数A×100＝{IF(N(${A})>0,""&ROUND(N(${B})/${A}*100,2),"无法计算（全年预算数为0或空）")} 不符` +
        `（执行率填百分数的数字，如 47.5；允许${RATE_TOLERANCE}个百分点以内的舍入差）。`,
      rate);
  });
  {
    const A = R(tot, fc.A);
    const B = R(tot, fc.B);
    add('预算为零', 'error', `NOT(AND(N(${A})<=0,N(${B})>0))`,
      `年度资金总额：全年预算数A为 {${A}}，全年执行数B却为 {${B}}，执行率无法计算：请填写全年预算数，或核对执行数。`, A);
  }

  const W = R(tot, fc.weight);
  const S = R(tot, fc.score);
  const At = R(tot, fc.A);
  const Bt = R(tot, fc.B);
  const expect = scoreFormula(At, Bt, W);
  add('执行率得分', 'error', `ABS(N(${S})-(${expect}))<0.005`,
    `执行率得分 {""&${S}} 与评分规则「{${PROFILE_NAME}}」按执行率计得的 {""&${expect}} 不符：执行率得分应由评分规则计算。`, S);
  add('资金分值', 'error', `AND(ISNUMBER(${W}),N(${W})>=0)`,
    `年度资金总额（执行率）的分值 {""&${W}} 应为不小于0的数字（通常为10分）。`, W);

  if (l.fundRows.length > 1) {
    const cols = [[fc.initial, '年初预算数'], [fc.A, '全年预算数'], [fc.B, '全年执行数']] as const;
    const self = (col: number) => `ROUND(N(${R(tot, col)}),2)`;
    const sum = (col: number) => `ROUND(${l.fundRows.slice(1).map((f) => `N(${R(f.row, col)})`).join('+')},2)`;
    add('资金合计', 'error', `AND(${cols.map(([col]) => `APPROX(${self(col)},${sum(col)},${l.fundRows.length})`).join(',')})`,
      `年度资金总额与其中各项资金之和不等：${cols.map(([col, what]) => `${what} {${self(col)}}／{${sum(col)}}`).join('，')}。`,
      R(tot, fc.initial));
  }
  add('执行数超预算', 'warning', `N(${Bt})<=N(${At})`,
    `年度资金总额：全年执行数B {${Bt}} 大于全年预算数A {${At}}，执行率超过100%：请核实预算调整或执行数。`, Bt);
  const block = `${q}!${a1(l.fundRows[0].row, fc.initial)}:${a1(l.fundRows[l.fundRows.length - 1].row, fc.B)}`;
  add('资金负数', 'error', `COUNTIF(${block},"<0")=0`,
    `项目资金中有 {""&COUNTIF(${block},"<0")} 个负数：年初预算数、全年预算数、全年执行数不能为负。`, block);

  const total = R(l.totalRow, l.indCols.score);
  if (l.gradeCell) {
    const g = R(l.gradeCell.row, l.gradeCell.col);
    const expectGrade = gradeFormula(`N(${total})`);
    add('等级', 'error', `EXACT(""&${g},${expectGrade})`,
      `自评等级「{${g}}」与总分 {""&${total}} 对应的等级「{${expectGrade}}」不符（等级按「自评评分规则」工作表中各等级的总分下限）。`, g);
  }

  out.push({
    id: id(INDICATOR_KIND), severity: 'error', kind: '指标', formula: '', locate: '',
    message: '逐行：得分在0与分值之间、扣分须填偏差原因、指标值与实际完成值相符；Σ分值＝100，总分＝Σ得分',
    // the engine re-expands a declaration on edits of its 编码列/名称列: here the target and the 三级指标 name
    params: `表=${s.name}; 编码列=${colLetters(l.indCols.target)}; 名称列=${colLetters(l.indCols.level3)}`,
  });
  return out;
}

// ---------------------------------------------------------------- target vs 实际完成值

const OPS: [RegExp, string][] = [
  [/^(≥|≧|⩾|>=|＞=|不低于|不少于|大于等于|达到)/, '≥'],
  [/^(≤|≦|⩽|<=|＜=|不高于|不超过|不多于|小于等于)/, '≤'],
  [/^(>|＞|大于|超过|高于)/, '>'],
  [/^(<|＜|小于|低于)/, '<'],
  [/^(=|＝|等于)/, '='],
];

/** "≥95%" → { op: '≥', value: 95 }; only targets with an explicit comparison are compared. */
export function parseTarget(v: CellValue): { op: string; value: number; text: string } | null {
  if (typeof v !== 'string') return null;
  // other offices' forms write full-width and small-form operators (＞90%, ﹦100%, ﹥): NFKC makes them ASCII
  const t = v.normalize('NFKC').replace(/\s+/g, '');
  for (const [re, op] of OPS) {
    const m = re.exec(t);
    if (!m) continue;
    const rest = t.slice(m[0].length);
    const n = /^(-?\d+(?:\.\d+)?)(%|％)?([^\d.]*)$/.exec(rest);
    if (!n || /左右|约/.test(n[3])) return null;
    return { op, value: Number(n[1]), text: v.replace(/\s+/g, '') };
  }
  return null;
}

/** 实际完成值 as a number: 95, "95", "95%", "500人"; null for words such as 基本达成目标. */
export function parseActual(v: CellValue): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^(-?\d+(?:\.\d+)?)(%|％)?([^\d.]*)$/.exec(v.replace(/\s+/g, ''));
  return m && !/左右|约/.test(m[3]) ? Number(m[1]) : null;
}

export function targetMet(op: string, target: number, actual: number): boolean {
  const eps = 1e-9;
  switch (op) {
    case '≥': return actual >= target - eps;
    case '≤': return actual <= target + eps;
    case '>': return actual > target + eps;
    case '<': return actual < target - eps;
    default: return Math.abs(actual - target) <= eps;
  }
}

// ---------------------------------------------------------------- the 指标 declaration

/** Expand a form's 指标 declaration over its current indicator rows. */
export function expandIndicators(packet: Packet, decl: CheckDef, params: Record<string, string>): ExpandedCheck[] {
  const name = params['表'] ?? '';
  const s = packet.sheets.find((x) => x.name === name);
  const fail = (why: string): ExpandedCheck[] => [{
    rule: `${decl.id}:结构`, severity: 'error', formula: 'FALSE()', message: why, locate: s ? [`${quoteSheet(name)}!A1`] : [], source: decl.id,
  }];
  if (!s) return fail(`审核 ${decl.id}：自评表「${name}」不存在。`);
  const l = formLayout(s);
  if (typeof l === 'string') return fail(`${name} 的绩效指标无法识别：${l}。请勿删除或改动表头、「总分」等固定文字。`);
  return indicatorChecks(s, l, decl);
}

function indicatorChecks(s: SheetModel, l: FormLayout, decl: CheckDef): ExpandedCheck[] {
  const q = quoteSheet(s.name);
  const R = (row: number, col: number) => ref(q, row, col);
  const c = l.indCols;
  const out: ExpandedCheck[] = [];
  const add = (key: string, severity: Severity, formula: string, message: string, locate: string[]) =>
    out.push({ rule: `${decl.id}:${key}`, severity, formula, message, locate, source: decl.id });
  const fundRow = l.fundRows[0].row;
  const fundWeight = R(fundRow, l.fundCols.weight);
  const fundScore = R(fundRow, l.fundCols.score);

  const total = R(l.totalRow, c.score);
  if (l.indRows.length) {
    const first = l.indRows[0];
    const last = l.indRows[l.indRows.length - 1];
    const wcol = range(q, first, c.weight, last, c.weight);
    const scol = range(q, first, c.score, last, c.score);
    const block = range(q, first, c.weight, last, c.score);
    const names = range(q, first, c.level3, last, c.level3);
    // the ranges span exactly the rows that exist now; the declaration is re-expanded when rows change
    const weights = `ROUND(N(${fundWeight})+SUM(${wcol}),2)`;
    const scores = `ROUND(N(${fundScore})+SUM(${scol}),2)`;
    add('分值合计', 'error', `${weights}=100`,
      `各项分值合计 {""&${weights}} 不等于100（含执行率分值 {""&${fundWeight}}）：请调整各指标的分值。`, [R(l.totalRow, c.weight)]);
    add('总分', 'error', `ROUND(N(${total}),2)=${scores}`,
      `总分 {""&${total}} 与执行率得分及各指标得分之和 {""&${scores}} 不等。`, [total]);
    add('文字', 'error', `COUNT(${block})=COUNTA(${block})`,
      `绩效指标的分值、得分栏中有 {""&(COUNTA(${block})-COUNT(${block}))} 个单元格填的是文字，不参与合计：请改为数字或清空。`, [block]);
    const unnamed = `COUNTIFS(${names},"",${wcol},"<>")+COUNTIFS(${names},"",${scol},"<>")`;
    add('三级指标', 'error', `${unnamed}=0`,
      `绩效指标中有已填分值或得分、却未填三级指标名称的行（{""&(${unnamed})} 处）：请填写三级指标。`, [names]);
    add('分值负数', 'error', `COUNTIF(${wcol},"<0")=0`,
      `绩效指标中有 {""&COUNTIF(${wcol},"<0")} 个分值为负数：分值应为不小于0的数字。`, [wcol]);
  } else {
    add('分值合计', 'error', `ROUND(N(${fundWeight}),2)=100`, `各项分值合计 {""&${fundWeight}} 不等于100：自评表没有绩效指标行。`, [R(l.totalRow, c.weight)]);
    add('总分', 'error', `ROUND(N(${total}),2)=ROUND(N(${fundScore}),2)`, `总分 {""&${total}} 与执行率得分 {""&${fundScore}} 不等。`, [total]);
  }

  // one block per kind, in row order: consecutive checks then differ only by a constant row offset, and
  // HyperFormula parses each block's formulas once (its parser caches by relative references)
  const named = l.indRows.filter((r) => {
    // a row without a 三级指标 name is a placeholder (社会成本指标 …): the 三级指标 check above covers it
    const v = s.cells[r]?.[c.level3]?.v;
    return v !== null && v !== undefined && String(v).trim() !== '';
  });
  const label = (r: number) => `第${r + 1}行「${String(s.cells[r]![c.level3]!.v).replace(/[{}]/g, '')}」`;
  for (const r of named) {
    const G = R(r, c.weight);
    const H = R(r, c.score);
    add(`R${r + 1}:得分`, 'error',
      `IF(ISNUMBER(${H}),AND(${H}>=0,${H}<=N(${G})),N(${G})<=0)`,
      `${label(r)}：得分 {""&${H}} 应在0与分值 {""&${G}} 之间（已设分值的指标须填写得分）。`, [H]);
  }
  for (const r of named) {
    const G = R(r, c.weight);
    const H = R(r, c.score);
    const I = R(r, c.deviation);
    add(`R${r + 1}:偏差原因`, 'error',
      `OR(NOT(ISNUMBER(${H})),N(${H})>=N(${G}),LEN(TRIM(${I}))>0)`,
      `${label(r)}得分 {""&${H}} 低于分值 {""&${G}}，未填写偏差原因分析及改进措施：扣分须说明原因。`, [I]);
  }
  for (const r of named) {
    // the target is parsed here (edits of its column re-expand); the 实际完成值 stays live
    const target = parseTarget(s.cells[r]?.[c.target]?.v ?? null);
    if (!target) continue;
    const G = R(r, c.weight);
    const H = R(r, c.score);
    const F = R(r, c.actual);
    const met = target.op === '=' ? `ABS(${F}-${target.value})<0.000000001` : `${F}${target.op === '≥' ? '>=' : target.op === '≤' ? '<=' : target.op}${target.value}`;
    add(`R${r + 1}:指标值`, 'warning',
      `IF(ISNUMBER(${F}),IF(${met},OR(NOT(ISNUMBER(${H})),N(${H})>=N(${G})),OR(NOT(ISNUMBER(${G})),N(${H})<N(${G}))),TRUE())`,
      // one placeholder for the variable part: every placeholder is a live formula cell in the engine
      `${label(r)}实际完成值 {""&${F}&" "&IF(${met},"已达到","未达到")&"年度指标值「${target.text.replace(/[{}"]/g, '')}」，得分 "&${H}&"（分值 "&${G}&"）："&` +
        `IF(${met},"达标却扣分，请核实扣分理由","未达标却得满分，请核实得分或指标值")}。`, [H]);
  }
  return out;
}

// the 指标 declarations of a form expand here; checks.ts looks the kind up in its registry
registerCheckExpander(INDICATOR_KIND, expandIndicators);

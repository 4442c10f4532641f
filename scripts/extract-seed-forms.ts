/**
 * Extracts the 72 项目支出绩效自评表 (project self-evaluation forms) from the
 * reference packet text (PDF extraction) into one clean JSON data file.
 *
 * Usage: npx tsx scripts/extract-seed-forms.ts [seedPath] [outPath]
 *
 * The PDF extraction is tab separated but noisy: cells are shifted by one
 * column, merged cells are left blank, numbers are split ("91.6 8"), text
 * cells are broken over lines ("基本达成 目标"), symbols come out as LaTeX
 * ("$\geq 90\%$"). The parser repairs what can be decided mechanically; the
 * HAND_CORRECTIONS table below holds what it cannot decide. The script then
 * verifies the result and prints a summary.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { FormData, IndicatorData as IndicatorRow } from '../shared/forms/layout.js';

/** A form as the seed publishes it: the app's FormData, numbered, with its printed 合计 line. */
export interface SelfEvalForm extends FormData {
  index: number;
  totalWeight: number | null;
  totalScore: number | null;
}

const DEFAULT_SEED = '/work/shared/seed/000_6294bee6d52a2bcd.txt';
const DEFAULT_OUT = 'templates/jiangxi-2024/source/reference-forms.json';

const START_MARK = '项目支出绩效自评表';
const END_MARK = '### （三）部门评价项目绩效评价情况';
const TOTAL_FUND_LABEL = '年度资金总额';
const FUND_LABELS = [TOTAL_FUND_LABEL, '政府预算资金', '财政拨款', '上年结转资金', '其他资金'];
const LEVEL1 = new Set(['成本指标', '产出指标', '效益指标', '满意度指标']);
const LEVEL2 = new Set([
  '经济成本指标', '社会成本指标', '生态环境成本指标',
  '数量指标', '质量指标', '时效指标',
  '经济效益指标', '社会效益指标', '生态效益指标',
  '服务对象满意度',
]);

/**
 * Hand corrections, keyed by form index (1-based, published order). Each is
 * applied after parsing; `why` documents the reason.
 */
interface HandCorrection {
  why: string;
  apply: (form: SelfEvalForm) => void;
}

const HAND_CORRECTIONS: Record<number, HandCorrection[]> = {
  67: [
    {
      // The extraction rendered the unit "人" of 参保缴费人数 as the LaTeX token
      // "$\wedge$" ("$\geq$ 903 $\wedge$"). The other forms write head-count
      // targets as "≥1200人", "≥500人"; restore the published "≥903人".
      why: 'target "≥903∧" is the OCR of "≥903人" (LaTeX \\wedge for 人)',
      apply: (form) => {
        const row = findIndicator(form, '参保缴费人数');
        expectEqual(row.target, '≥903∧', 'form 67 参保缴费人数 target');
        row.target = '≥903人';
      },
    },
  ],
};

function findIndicator(form: SelfEvalForm, level3: string): IndicatorRow {
  const row = form.indicators.find((r) => r.level3 === level3);
  if (!row) throw new Error(`form ${form.index}: no indicator "${level3}"`);
  return row;
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) {
    throw new Error(`hand correction precondition failed for ${what}: got ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------
// Text and number repair
// ---------------------------------------------------------------------------

/** Replaces LaTeX-like math ("$\geq 90\%$") by the plain symbols ("≥90%"). */
function fixLatex(s: string): string {
  return s.replace(/\$([^$]*)\$/g, (_m, body: string) =>
    body
      .replace(/\\geq/g, '≥')
      .replace(/\\leq/g, '≤')
      .replace(/\\wedge/g, '∧')
      .replace(/\\%/g, '%')
      .replace(/\s+/g, ''),
  );
}

/**
 * Cleans a table cell: LaTeX symbols, and whitespace left by line breaks
 * inside the cell. Whitespace is kept only between two ASCII letters
 * (e.g. "Nature Review"); everywhere else it is a line-break artefact
 * ("基本达成 目标", "194000 0", "≥1200 人").
 */
function cleanCell(s: string): string {
  return fixLatex(s)
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ /g, (m, offset: number, whole: string) =>
      /[A-Za-z]/.test(whole[offset - 1]) && /[A-Za-z]/.test(whole[offset + 1]) ? m : '',
    );
}

/** Long free text (goals): only LaTeX repair and trimming, spacing as published. */
function cleanText(s: string): string {
  return fixLatex(s).trim();
}

const DASHES = new Set(['', '-', '—', '–', '－']);

/** Parses a numeric cell; split numbers ("91.6 8") are joined, dashes are null. */
function parseNum(raw: string, what: string): number | null {
  const s = raw.replace(/[\s,]/g, '');
  if (DASHES.has(s)) return null;
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error(`${what}: not a number: ${JSON.stringify(raw)}`);
  return Number(s);
}

function isNum(raw: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(raw.replace(/[\s,]/g, ''));
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

interface Cell {
  col: number;
  text: string;
}

/** Non-empty cells of a tab-separated line, with their column positions. */
function cellsOf(line: string): Cell[] {
  return line
    .split('\t')
    .map((text, col) => ({ col, text: text.trim() }))
    .filter((c) => c.text !== '');
}

const norm = (s: string): string => s.replace(/\s+/g, '');

export interface ParseLog {
  repairs: string[];
  warnings: string[];
}

export function parseForms(seedText: string, log: ParseLog): SelfEvalForm[] {
  const lines = seedText.split(/\r?\n/);
  const start = lines.findIndex((l) => l.includes(START_MARK));
  const end = lines.findIndex((l, i) => i > start && l.startsWith(END_MARK));
  if (start < 0 || end < 0) throw new Error('form region not found in seed text');
  const region = lines.slice(start, end);

  // A form starts at its 项目名称 line (the "# 项目支出绩效自评表" heading is
  // sometimes missing, so it is not used as the separator).
  const starts: number[] = [];
  region.forEach((l, i) => {
    const c = cellsOf(l);
    if (c.length > 0 && norm(c[0].text) === '项目名称') starts.push(i);
  });
  return starts.map((s, k) => {
    const block = region.slice(s, k + 1 < starts.length ? starts[k + 1] : region.length);
    return parseForm(block, k + 1, log);
  });
}

function parseForm(block: string[], index: number, log: ParseLog): SelfEvalForm {
  const at = `form ${index}`;
  const rows = block.map(cellsOf);
  const form: SelfEvalForm = {
    index, name: '', department: '', implementer: '', funds: [],
    goalExpected: '', goalActual: '', indicators: [], totalWeight: null, totalScore: null,
  };

  // 项目名称 — on its own line, or (empty line) on the next non-empty line.
  form.name = rows[0][1] ? cleanCell(rows[0].slice(1).map((c) => c.text).join('')) : '';
  if (!form.name) {
    const next = rows.findIndex((r, i) => i > 0 && r.length > 0);
    if (next < 0 || norm(rows[next][0].text) === '主管部门') throw new Error(`${at}: no 项目名称`);
    form.name = cleanCell(rows[next].map((c) => c.text).join(''));
    log.repairs.push(`${at}: 项目名称 taken from the line after the empty 项目名称 line`);
  }

  // 主管部门 / 实施单位
  const deptRow = rows.find((r) => r.length > 0 && norm(r[0].text) === '主管部门');
  if (!deptRow) throw new Error(`${at}: no 主管部门 line`);
  const implAt = deptRow.findIndex((c) => norm(c.text) === '实施单位');
  form.department = cleanCell(deptRow.slice(1, implAt < 0 ? undefined : implAt).map((c) => c.text).join(''));
  form.implementer = implAt < 0 ? '' : cleanCell(deptRow.slice(implAt + 1).map((c) => c.text).join(''));

  // 项目资金 rows
  for (const r of rows) {
    const li = r.findIndex((c) => FUND_LABELS.includes(norm(c.text).replace(/^其中[:：]?/, '')));
    if (li < 0) continue;
    const label = norm(r[li].text).replace(/^其中[:：]?/, '');
    let vals = r.slice(li + 1).map((c) => c.text);
    if (vals.length === 7 && label !== TOTAL_FUND_LABEL && DASHES.has(norm(vals[4]))) {
      // 其中 row with a stray number in the 分值 column: initial, A, B, stray, -, rate, -
      log.repairs.push(`${at}: ${label} row: dropped stray number "${vals[3]}" before the 分值 column`);
      vals = [...vals.slice(0, 3), ...vals.slice(4)];
    }
    if (vals.length !== 6) throw new Error(`${at}: ${label} row has ${vals.length} values: ${vals.join(' | ')}`);
    const n = vals.map((v, i) => parseNum(v, `${at} ${label} col ${i}`));
    form.funds.push({ label, initial: n[0], A: n[1], B: n[2], weight: n[3], rate: n[4], score: n[5] });
  }
  if (form.funds[0]?.label !== TOTAL_FUND_LABEL) throw new Error(`${at}: 年度资金总额 row missing`);

  // 年度总体目标: the line after the 预期目标 / 实际完成情况 header.
  const goalHead = rows.findIndex((r) => r.some((c) => norm(c.text) === '预期目标'));
  if (goalHead < 0) throw new Error(`${at}: no 预期目标 header`);
  const actualCol = rows[goalHead].find((c) => norm(c.text) === '实际完成情况')?.col ?? Infinity;
  const goalRow = rows[goalHead + 1];
  if (goalRow.length > 2) log.warnings.push(`${at}: goal line has ${goalRow.length} cells`);
  if (goalRow.length === 2) {
    form.goalExpected = cleanText(goalRow[0].text);
    form.goalActual = cleanText(goalRow[1].text);
  } else if (goalRow.length === 1) {
    if (goalRow[0].col < actualCol) form.goalExpected = cleanText(goalRow[0].text);
    else form.goalActual = cleanText(goalRow[0].text);
  }

  // 绩效指标 rows: between the 一级指标 header and the 总分 line.
  const indHead = rows.findIndex((r) => r.some((c) => norm(c.text) === '一级指标'));
  const totalAt = rows.findIndex((r) => r.length > 0 && norm(r[0].text) === '总分');
  if (indHead < 0 || totalAt < 0) throw new Error(`${at}: indicator table bounds not found`);
  let level1 = '';
  let level2 = '';
  for (let i = indHead + 1; i < totalAt; i++) {
    const cells = rows[i].map((c) => c.text);
    if (cells.length === 0) continue;
    const row = parseIndicator(cells, `${at} line +${i}`, log);
    // Merged cells: a blank 一级指标 (and a blank 二级指标 on a continuation row)
    // belongs to the row above.
    if (row.level1) level1 = row.level1;
    else row.level1 = level1;
    if (row.level2) level2 = row.level2;
    else row.level2 = level2;
    if (!row.level1 || !row.level2) log.warnings.push(`${at}: indicator without level1/level2: ${cells.join(' | ')}`);
    form.indicators.push(row);
  }

  // 总分: 分值 total then 得分 total; a split score ("96.3", "8") is joined.
  const tot = rows[totalAt].slice(1).map((c) => c.text);
  if (tot.length < 2) throw new Error(`${at}: 总分 line incomplete`);
  form.totalWeight = parseNum(tot[0], `${at} 总分 分值`);
  form.totalScore = parseNum(tot.slice(1).join(''), `${at} 总分 得分`);
  if (tot.length > 2) log.repairs.push(`${at}: 总分 得分 joined from split cells ${tot.slice(1).join(' + ')}`);

  return form;
}

/**
 * One indicator line, non-empty cells only (this absorbs the forms whose
 * cells are shifted by one column). Layout from the right:
 *   [level cells…] target actual weight score [deviation]
 * A line without the weight/score pair is a 二级指标 with an empty 三级指标.
 */
function parseIndicator(raw: string[], at: string, log: ParseLog): IndicatorRow {
  const row: IndicatorRow = {
    level1: '', level2: '', level3: '', target: '', actual: '', weight: null, score: null, deviation: '',
  };
  let end = raw.length;
  let hasValues = false;
  if (end >= 3 && !isNum(raw[end - 1]) && isNum(raw[end - 2]) && isNum(raw[end - 3])) {
    row.deviation = cleanCell(raw[end - 1]);
    end -= 1;
    hasValues = true;
  } else if (end >= 2 && isNum(raw[end - 1]) && isNum(raw[end - 2])) {
    hasValues = true;
  }
  if (hasValues) {
    row.weight = parseNum(raw[end - 2], `${at} 分值`);
    row.score = parseNum(raw[end - 1], `${at} 得分`);
    row.actual = cleanCell(raw[end - 3] ?? '');
    row.target = cleanCell(raw[end - 4] ?? '');
    end -= 4;
  }
  const levels = raw.slice(0, Math.max(end, 0)).map(cleanCell);
  if (levels.length > 0 && LEVEL1.has(levels[0])) row.level1 = levels.shift() as string;
  if (levels.length >= 2) {
    row.level2 = levels[0];
    row.level3 = levels[1];
    if (levels.length > 2) log.warnings.push(`${at}: extra level cells ${levels.join(' | ')}`);
  } else if (levels.length === 1) {
    // With values, a lone cell is the 三级指标 of a continuation row (its 二级
    // is the merged cell above, even when the 三级 reads "数量指标"); without
    // values it is a 二级指标 with an empty 三级指标.
    if (hasValues) row.level3 = levels[0];
    else row.level2 = levels[0];
  }
  if (row.level2 && !LEVEL2.has(row.level2)) log.warnings.push(`${at}: unknown 二级指标 "${row.level2}"`);
  if (hasValues && !row.level3) log.warnings.push(`${at}: indicator with values but no 三级指标`);
  return row;
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

const round2 = (x: number): number => Math.round(x * 100) / 100;
const sum = (xs: (number | null)[]): number => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

function steppedScore(rate: number): number {
  if (rate >= 100) return 10;
  if (rate >= 80) return 7;
  if (rate >= 60) return 5;
  return 0;
}

function verify(forms: SelfEvalForm[]): { report: string[]; failures: string[] } {
  const report: string[] = [];
  const failures: string[] = [];
  report.push(`forms: ${forms.length}${forms.length === 72 ? '' : ' (expected 72)'}`);
  if (forms.length !== 72) failures.push(`form count ${forms.length} != 72`);

  const weightFails: string[] = [];
  const scoreFails: string[] = [];
  for (const f of forms) {
    const total = f.funds[0];
    const w = round2(sum(f.indicators.map((r) => r.weight)) + (total.weight ?? 0));
    const s = round2(sum(f.indicators.map((r) => r.score)) + (total.score ?? 0));
    if (w !== 100 || f.totalWeight !== 100) {
      weightFails.push(`#${f.index} ${f.name}: Σ分值 ${w}, 总分分值 ${f.totalWeight}`);
    }
    if (s !== f.totalScore) scoreFails.push(`#${f.index} ${f.name}: Σ得分 ${s} vs 总分 ${f.totalScore}`);
  }
  report.push(`Σ indicator 分值 + 资金分值 = 100: ${weightFails.length === 0 ? 'all forms' : `${weightFails.length} failures`}`);
  weightFails.forEach((x) => report.push(`  ${x}`));
  report.push(`Σ indicator 得分 + 资金得分 = 总分: ${scoreFails.length === 0 ? 'all forms' : `${scoreFails.length} failures`}`);
  scoreFails.forEach((x) => report.push(`  ${x}`));

  const excellent = forms.filter((f) => (f.totalScore ?? 0) >= 90).length;
  const good = forms.filter((f) => (f.totalScore ?? 0) >= 80 && (f.totalScore ?? 0) < 90).length;
  const below = forms.length - excellent - good;
  report.push(`totalScore ≥90: ${excellent} (expected 36); 80–89.99: ${good} (expected 36); below 80: ${below}`);

  const sumA = round2(sum(forms.map((f) => f.funds[0].A)));
  const sumB = round2(sum(forms.map((f) => f.funds[0].B)));
  const sumInitial = round2(sum(forms.map((f) => f.funds[0].initial)));
  report.push(`Σ 年度资金总额: 年初预算数 ${sumInitial.toFixed(2)}, A ${sumA.toFixed(2)}, B ${sumB.toFixed(2)} ` +
    `(narrative 4719.92: A ${sumA === 4719.92 ? 'matches' : 'differs'}; 03表 项目支出 3379.27: B ${sumB === 3379.27 ? 'matches' : 'differs'})`);

  const stepFails = forms.filter((f) => {
    const t = f.funds[0];
    return t.rate === null || t.score !== steppedScore(t.rate);
  });
  report.push(`年度资金总额 得分 follows the stepped rule: ${stepFails.length === 0 ? 'all forms' : `${stepFails.length} exceptions`}`);
  for (const f of stepFails) {
    const t = f.funds[0];
    report.push(`  #${f.index} ${f.name}: A ${t.A}, B ${t.B}, 执行率 ${t.rate}, 得分 ${t.score} (rule gives ${t.rate === null ? '?' : steppedScore(t.rate)})`);
  }

  // Other-row sanity: a 其中 row should carry no 分值/得分.
  for (const f of forms) {
    for (const r of f.funds.slice(1)) {
      if (r.weight !== null || r.score !== null) failures.push(`#${f.index}: ${r.label} has 分值/得分 ${r.weight}/${r.score}`);
    }
  }
  return { report, failures };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

function main(): void {
  const seedPath = process.argv[2] ?? DEFAULT_SEED;
  const outPath = process.argv[3] ?? DEFAULT_OUT;
  const log: ParseLog = { repairs: [], warnings: [] };
  const forms = parseForms(fs.readFileSync(seedPath, 'utf8'), log);

  const applied: string[] = [];
  for (const [key, corrections] of Object.entries(HAND_CORRECTIONS)) {
    const form = forms.find((f) => f.index === Number(key));
    if (!form) throw new Error(`hand correction for missing form ${key}`);
    for (const c of corrections) {
      c.apply(form);
      applied.push(`#${form.index} ${form.name}: ${c.why}`);
    }
  }

  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, JSON.stringify(forms, null, 2) + '\n');

  const { report, failures } = verify(forms);
  console.log(`wrote ${forms.length} forms to ${outPath}`);
  console.log(`parser repairs (${log.repairs.length}):`);
  log.repairs.forEach((x) => console.log(`  ${x}`));
  console.log(`hand corrections (${applied.length}):`);
  applied.forEach((x) => console.log(`  ${x}`));
  if (log.warnings.length) {
    console.log(`warnings (${log.warnings.length}):`);
    log.warnings.forEach((x) => console.log(`  ${x}`));
  }
  console.log('verification:');
  report.forEach((x) => console.log(`  ${x}`));
  if (failures.length) {
    console.log('FAILURES:');
    failures.forEach((x) => console.log(`  ${x}`));
    process.exitCode = 1;
  }
}

main();

/**
 * Cell kinds (金额, 数量, 百分比, 分数, 文本, 代码, 年度, 指标值): what an input cell holds, declared by the
 * template and never guessed from a number format. In the .xlsx a kind is the title of the cell's data
 * validation error alert (数据 → 数据验证 → 出错警告 → 标题), so Excel and WPS enforce the same rule that
 * the editor applies. A derived cell's 运算公式 is the validation's input message: "运算：=SUM(C7:C14)".
 */
import type { Cell, CellValue } from './model.js';

export const CELL_KINDS = ['金额', '数量', '百分比', '分数', '文本', '代码', '年度', '指标值'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export function isCellKind(s: string | undefined): s is CellKind {
  return !!s && (CELL_KINDS as readonly string[]).includes(s);
}

/** Kinds whose value is a number (a text there is refused when typed, a finding when found in a file). */
export function isNumericKind(k: CellKind | undefined): boolean {
  return k === '金额' || k === '数量' || k === '百分比' || k === '分数' || k === '年度';
}

/** What the kind asks for, in the words of a refusal: "应填金额（数字）". */
const WANT: Record<CellKind, string> = {
  金额: '金额（数字，如 1,234.56 或 (12.00)）',
  数量: '数量（不小于 0 的整数）',
  百分比: '百分数的数字（如 96.3 或 96.3%）',
  分数: '分数（数字）',
  文本: '文字',
  代码: '编码',
  年度: '年度（四位数字，如 2024）',
  指标值: '指标值（数字或文字）',
};

export type Parsed = { ok: true; value: CellValue } | { ok: false; want: string };

/** Accountant notation: "1,234.56", "(12.00)" (negative), "¥12", full-width digits; null when it is not a number. */
function numberOf(text: string): number | null {
  const t = text.normalize('NFKC').replace(/\u00a0/g, ' ').trim();
  const neg = /^\((.*)\)$/.exec(t);
  const body = (neg ? neg[1] : t).replace(/[,，\s]/g, '').replace(/^[¥￥]/, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body)) return null;
  const n = Number(body);
  if (!Number.isFinite(n)) return null;
  return neg ? -n : n;
}

const BLANK = /^\s*(|-|—|--|－)\s*$/;

/**
 * Typed or pasted text (or a value from an imported workbook) as the value a cell of this kind stores.
 * Refuses what the kind cannot hold instead of storing it as text that silently drops out of a total.
 */
export function parseByKind(kind: CellKind, v: CellValue): Parsed {
  if (v === null || v === undefined) return { ok: true, value: null };
  if (typeof v === 'boolean') return isNumericKind(kind) ? { ok: false, want: WANT[kind] } : { ok: true, value: v ? '是' : '否' };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: true, value: null };
    if (kind === '文本' || kind === '代码') return { ok: true, value: String(v) };
    return checkNumber(kind, v);
  }
  if (kind === '文本') return { ok: true, value: v.trim() === '' ? null : v };
  if (kind === '代码') return { ok: true, value: v.trim() === '' ? null : v.trim() };
  if (BLANK.test(v)) return { ok: true, value: null };
  if (kind === '指标值') {
    const n = numberOf(v);
    return { ok: true, value: n ?? v };
  }
  let t = v;
  if (kind === '百分比') t = t.normalize('NFKC').replace(/%\s*$/, '');
  if (kind === '年度') t = t.normalize('NFKC').replace(/\s*年度?\s*$/, '');
  const n = numberOf(t);
  if (n === null) return { ok: false, want: WANT[kind] };
  return checkNumber(kind, n);
}

function checkNumber(kind: CellKind, n: number): Parsed {
  if (kind === '数量' && (!Number.isInteger(n) || n < 0)) return { ok: false, want: WANT[kind] };
  if (kind === '年度' && (!Number.isInteger(n) || n < 1900 || n > 2100)) return { ok: false, want: WANT[kind] };
  return { ok: true, value: n };
}

/** The refusal people read: names the sheet and cell, says what was typed and what the cell takes. */
export function refusal(sheet: string, cellA1: string, kind: CellKind, v: CellValue, want: string): string {
  const shown = String(v);
  return `${sheet} ${cellA1} 是${kind}单元格，应填${want}；「${shown.length > 20 ? shown.slice(0, 20) + '…' : shown}」未填入。`;
}

// ---------------------------------------------------------------- the .xlsx declaration

/** The data validation written for a kind: Excel/WPS refuse the same entries the editor refuses. */
export interface KindValidation {
  type: 'decimal' | 'whole' | 'textLength' | 'any';
  operator?: 'between' | 'lessThanOrEqual';
  formulae?: number[];
  allowBlank: true;
  showErrorMessage: boolean;
  errorStyle?: 'stop';
  errorTitle?: string;
  error?: string;
  showInputMessage?: boolean;
  promptTitle?: string;
  prompt?: string;
}

const RULE: Record<CellKind, Pick<KindValidation, 'type' | 'operator' | 'formulae'>> = {
  金额: { type: 'decimal', operator: 'between', formulae: [-1e12, 1e12] },
  数量: { type: 'whole', operator: 'between', formulae: [0, 1e9] },
  百分比: { type: 'decimal', operator: 'between', formulae: [-1e6, 1e6] },
  分数: { type: 'decimal', operator: 'between', formulae: [-1000, 1000] },
  年度: { type: 'whole', operator: 'between', formulae: [1900, 2100] },
  文本: { type: 'textLength', operator: 'lessThanOrEqual', formulae: [32767] },
  代码: { type: 'textLength', operator: 'lessThanOrEqual', formulae: [64] },
  指标值: { type: 'textLength', operator: 'lessThanOrEqual', formulae: [32767] },
};

export const CALC_PROMPT_TITLE = '运算公式';

/** "运算：=SUM(C7:C14)" or "运算：=ROUND(E6/D6*100,2)；允差：0.1" */
export function calcPrompt(calc: string, tol?: number): string {
  return `运算：=${calc}${tol !== undefined ? `；允差：${tol}` : ''}`;
}

export function parseCalcPrompt(prompt: string | undefined): { calc: string; tol?: number } | null {
  const m = /^\s*运算\s*[:：]\s*=?(.+?)(?:\s*[;；]\s*允差\s*[:：]\s*([\d.]+))?\s*$/s.exec(prompt ?? '');
  if (!m) return null;
  return { calc: m[1].trim(), ...(m[2] ? { tol: Number(m[2]) } : {}) };
}

/** The validation of a model cell, or null when it declares neither a kind nor a 运算公式. */
export function validationOf(cell: Cell): KindValidation | null {
  const kind = isCellKind(cell.kind) ? cell.kind : undefined;
  if (!kind && !cell.calc) return null;
  const dv: KindValidation = kind
    ? { ...RULE[kind], allowBlank: true, showErrorMessage: true, errorStyle: 'stop', errorTitle: kind, error: `此处应填${WANT[kind]}。` }
    : { type: 'any', allowBlank: true, showErrorMessage: false };
  if (cell.calc) Object.assign(dv, { showInputMessage: true, promptTitle: CALC_PROMPT_TITLE, prompt: calcPrompt(cell.calc, cell.calcTol) });
  return dv;
}

/** Read back what validationOf wrote (or what a bureau set in Excel). */
export function declarationOf(dv: { errorTitle?: string; prompt?: string } | undefined): Pick<Cell, 'kind' | 'calc' | 'calcTol'> {
  if (!dv) return {};
  const out: Pick<Cell, 'kind' | 'calc' | 'calcTol'> = {};
  const title = dv.errorTitle?.trim();
  if (isCellKind(title)) out.kind = title;
  const c = parseCalcPrompt(dv.prompt);
  if (c) {
    out.calc = c.calc;
    if (c.tol !== undefined) out.calcTol = c.tol;
  }
  return out;
}

/**
 * The second half of the gate, after ExcelJS has parsed a workbook that passed inspectXlsx: every text is
 * cleaned, every formula that could act outside the workbook becomes inert text, hyperlinks lose their
 * targets, defined names that are not plain references are dropped, and the ranges formulas refer to are
 * costed so the engine is never handed a workbook that would exhaust memory.
 */
import type ExcelJS from 'exceljs';
import { count, LIMITS, type Limits } from './limits.js';
import { rangeCost, unsafeFormula } from './formulas.js';
import { sanitizeText } from './text.js';
import { refuse } from './zip-directory.js';

export interface NeutralisedFormula {
  sheet: string;
  /** A1 address */
  cell: string;
  /** the formula as found (sanitised text, with '=') */
  formula: string;
  /** why it was not kept as a formula, in Chinese */
  reason: string;
  /** what the cell holds now: the formula's text, or the result the source had cached */
  kept: 'text' | 'cached';
}

export interface SanitizeReport {
  /** formulas kept as inert text */
  formulas: NeutralisedFormula[];
  /** cells whose text lost control characters */
  cleanedTexts: number;
  /** hyperlinks whose target was dropped (the shown text stays) */
  droppedLinks: number;
  /** defined names dropped because they were not plain cell references */
  droppedNames: string[];
  /** cells of the distinct ranges that formulas and check texts refer to */
  rangeCells: number;
}

const reports = new WeakMap<ExcelJS.Workbook, SanitizeReport>();

/** What sanitizeWorkbook changed in a workbook returned by loadWorkbook (for import reports). */
export function sanitizeReportOf(wb: ExcelJS.Workbook): SanitizeReport | undefined {
  return reports.get(wb);
}

/** 'Sheet'!$A$1, Sheet!$A$1:$B$2, Sheet!$A:$A or Sheet!$1:$4, nothing else: no function, no external book, no DDE. */
const PLAIN_NAME_RANGE =
  /^(?:'(?:[^'[\]|]|'')+'|[^'!\s[\]|()"]+)!(?:\$?[A-Z]{1,3}\$?\d{1,7}(?::\$?[A-Z]{1,3}\$?\d{1,7})?|\$?[A-Z]{1,3}:\$?[A-Z]{1,3}|\$?\d{1,7}:\$?\d{1,7})$/;

function richText(v: ExcelJS.CellValue): v is ExcelJS.CellRichTextValue {
  return !!v && typeof v === 'object' && 'richText' in v && Array.isArray((v as ExcelJS.CellRichTextValue).richText);
}

function plainOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (richText(v as ExcelJS.CellValue)) return (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join('');
  return v === null || v === undefined ? '' : String(v);
}

export function sanitizeWorkbook(wb: ExcelJS.Workbook, what = '文件', limits: Limits = LIMITS): SanitizeReport {
  const report: SanitizeReport = { formulas: [], cleanedTexts: 0, droppedLinks: 0, droppedNames: [], rangeCells: 0 };
  const seen = new Set<string>();
  const budget = (text: string, sheet: string, cell = '') => {
    report.rangeCells += rangeCost(text, sheet, seen);
    if (report.rangeCells > limits.maxFormulaRangeCells) {
      throw refuse(
        what,
        `公式和审核公式引用的单元格区域合计约 ${count(report.rangeCells)} 个单元格，超过 ${count(limits.maxFormulaRangeCells)} 个的上限（最后一处在工作表「${sheet}」${cell}）`,
        '若这是本单位的表格，请在 Excel/WPS 中把公式里的整行、整列或大区域引用改为实际的数据区域后另存为 .xlsx，再试。',
      );
    }
  };
  // Excel keeps at most 32,767 characters in a cell: a longer text was not written by Excel, and one such text
  // (a 1 MB 单位名称) repeated in every running header of the PDF stalls Chromium's layout
  const textLimit = (text: string, sheet: string, cell: string) => {
    if (text.length > limits.maxCellText) {
      throw refuse(what, `工作表「${sheet}」${cell} 的文字有 ${count(text.length)} 个字符，超过 Excel 单元格 ${count(limits.maxCellText)} 个字符的上限`,
        '请在 Excel/WPS 中删去过长的文字后另存为 .xlsx，再试。');
    }
  };
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (typeof v === 'string') {
          textLimit(v, ws.name, cell.address);
          const clean = sanitizeText(v);
          if (clean !== v) {
            cell.value = clean;
            report.cleanedTexts++;
          }
          budget(clean, ws.name, cell.address);
          return;
        }
        if (!v || typeof v !== 'object' || v instanceof Date) return;
        if (richText(v)) {
          textLimit(plainOf(v), ws.name, cell.address);
          let changed = false;
          const runs = v.richText.map((t) => {
            const text = sanitizeText(String(t.text ?? ''));
            if (text !== t.text) changed = true;
            return { ...t, text };
          });
          if (changed) {
            cell.value = { richText: runs };
            report.cleanedTexts++;
          }
          budget(runs.map((t) => t.text).join(''), ws.name, cell.address);
          return;
        }
        if ('hyperlink' in v) {
          // the shown text stays; the target (a URL, a file, a mail address) is never kept or followed
          cell.value = sanitizeText(plainOf((v as ExcelJS.CellHyperlinkValue).text));
          report.droppedLinks++;
          return;
        }
        if ('formula' in v || 'sharedFormula' in v) {
          const formula = 'formula' in v && typeof v.formula === 'string' ? v.formula : String(cell.formula ?? '');
          const unsafe = unsafeFormula(formula, limits);
          if (unsafe) {
            const text = sanitizeText(`=${formula.replace(/^=/, '')}`);
            const result = (v as ExcelJS.CellFormulaValue).result;
            const cached = typeof result === 'number' || typeof result === 'string' || typeof result === 'boolean';
            // a program call always shows as its text; a link or another workbook keeps what it displayed
            const kept: 'text' | 'cached' = unsafe.code || !cached ? 'text' : 'cached';
            cell.value = kept === 'text' ? text : typeof result === 'string' ? sanitizeText(result) : (result as number | boolean);
            report.formulas.push({ sheet: ws.name, cell: cell.address, formula: text, reason: unsafe.reason, kept });
            return;
          }
          // only a formula's own text reaches the engine; cells sharing a formula keep their results
          if ('formula' in v) budget(formula, ws.name, cell.address);
          const result = (v as ExcelJS.CellFormulaValue).result;
          if (typeof result === 'string') {
            textLimit(result, ws.name, cell.address);
            const clean = sanitizeText(result);
            if (clean !== result) {
              cell.value = { ...(v as ExcelJS.CellFormulaValue), result: clean };
              report.cleanedTexts++;
            }
          }
        }
      });
    });
  }
  const model = wb.definedNames.model as { name: string; ranges: string[] }[];
  const kept = model.filter((dn) => {
    const ok = sanitizeText(dn.name) === dn.name && dn.ranges.length > 0 && dn.ranges.every((r) => PLAIN_NAME_RANGE.test(r));
    if (!ok) report.droppedNames.push(sanitizeText(dn.name));
    return ok;
  });
  if (kept.length !== model.length) wb.definedNames.model = kept;
  for (const dn of kept) for (const r of dn.ranges) budget(r, '');
  reports.set(wb, report);
  return report;
}


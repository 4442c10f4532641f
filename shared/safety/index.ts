/** Untrusted input: limits, inspection before parsing, sanitising after, and a per-file time limit. */
export { LIMITS, type Limits } from './limits.js';
export { SafetyError } from './errors.js';
export { readZipDirectory, type ZipDirectory, type ZipEntryInfo } from './zip-directory.js';
export { inspectXlsx, notXlsxMessage, type SheetExtent, type XlsxInspection } from './inspect.js';
export { sanitizeText, hasUnsafeText } from './text.js';
export { unsafeFormula, unsafeFormulaReason, rangeCost, type UnsafeFormula } from './formulas.js';
export { Autosaver, AUTOSAVE_INTERVAL_MS, type AutosaverOptions } from './autosave.js';
export { sanitizeWorkbook, sanitizeReportOf, type NeutralisedFormula, type SanitizeReport } from './workbook.js';
export { withTimeLimit, TimeLimitError } from './time-limit.js';
export { templateSetId, templateSetStatus, type TemplateSetStatus } from './template-set.js';

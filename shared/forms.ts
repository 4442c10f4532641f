/**
 * 项目支出绩效自评表 (issue 3): the form template, scoring profiles, live checks, the 绩效自评汇总 sheet
 * and the forms as a collection. Pure TypeScript: no DOM, no Node.
 */
export {
  FORM_TITLE, FUND_ROWS, DEFAULT_INDICATORS, buildFormSheet, formLayout, keyCells,
  type FormData, type FundData, type IndicatorData, type FormLayout, type BuildOptions,
} from './forms/layout.js';
export {
  PROFILES, DEFAULT_GRADES, GRADE_ROWS, PROFILE_SHEET, PROFILE_NAME, PROFILE_CHOICE_CELL, profileSheet, scoreFormula, gradeFormula, gradeOf,
  readGrades, FORM_STYLES, type ScoringProfile, type StyleFn, type Grade, type DeclaredGrade, type GradeTable,
} from './forms/profiles.js';
export { formCheckDefs, expandIndicators, parseTarget, parseActual, targetMet, RATE_TOLERANCE, INDICATOR_KIND } from './forms/rules.js';
export {
  buildSummary, profileCheck, gradeTableCheck, gradeCountName, isSummaryName, SUMMARY_SHEET, SUMMARY_NAMES, PROJECT_SPENDING_NAME, PROFILE_CHECK_ID,
  GRADE_TABLE_CHECK_ID,
} from './forms/summary.js';
export {
  addForm, deleteForm, installForms, ensureFormSupport,
  rebuildSummary, stampFindingCounts, formSheets, formSheetName, sheetNameProblem, renameSheetRefs, useStyles,
  type AddFormOptions,
} from './forms/collection.js';
export { formsReport, scoringProfile, type FormReport, type FormsReport } from './forms/session.js';

/** 情况说明: generate from the packet, check every number, write .docx. Pure TypeScript: no DOM, no Node. */
export type * from './types.js';
export { loadNarrativeTemplate, parseTemplate } from './template.js';
export { generateNarrative, narrativeText } from './generate.js';
export { plain } from './text.js';
export { narrativeView, viewDocument, type NarrativeView, type ViewParagraph, type InputCell } from './view.js';
export { checkNarrativeText, normalizeText, type NumberCheck, type TextCheckReport } from './check.js';
export { verifySlot, derivedRange, around, overlaps, statedRange, directionOf, type DirectionWords } from './interval.js';
export { formatNumber, parseStated, roundTo, chineseNumeral } from './numbers.js';
export { narrativeDocx, fontNotes, DEFAULT_FONTS, PAGE, SIZE, LINE } from './docx.js';
export { docxText, documentXmlText } from './docx-text.js';
export { narrativeSheets, narrativeSheetNames, type NarrativeInputs, type NarrativeSheetArgs } from './sheets.js';
export { readForms, type FormsSummary, type FormInfo } from './facts.js';

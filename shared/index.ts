export * from './model.js';
export * from './a1.js';
export * from './errors.js';
export * from './format.js';
export * from './engine.js';
export { readPacket, writePacket, workbookFromPacket, packetFromWorkbook, loadWorkbook, isZip, MAX_XLSX_BYTES } from './xlsx.js';
export { withinRounding, HALF_CENT } from './approx.js';
export { FormulaTranslator } from './formula.js';
export { expandDeclaration, parseParams } from './checks.js';

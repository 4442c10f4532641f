/**
 * The live engine of one open packet. PacketSession and its helpers live in shared/session/ (index.ts is the
 * façade; check-runner, derived, row-surgery, undo-journal beside it); this module keeps the one import path
 * every caller has used.
 */
export {
  PacketSession, diffFindings, editBlocks, findingRank, insertModelRows, isNumericFormat, normalizeValue, parseCellInput,
  quoteSheet, removeModelRows, sortFindings, splitLocate,
  type CellEdit, type ChangedCell, type EditResult, type Finding,
} from './session/index.js';

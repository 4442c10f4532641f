export { parseMergeRules, type MergeRules, type TransferRule } from './rules.js';
export { mergePackets, packetDigest, MERGE_SHEET, MERGE_META_KEY, type MergeResult, type MergeOptions, type UnitInput, type Elimination, type MergeChange } from './merge.js';
export { reviewPacket, reviewOrExplain, reviewWorkbook, approxArgs, type UnitReview, type UnreadableFile, type ReviewRow, type ReviewFinding } from './review.js';

/**
 * A 功能分类科目编码: 类 (3 digits), 款 (5) or 项 (7), e.g. 201, 20103, 2010301. One definition for the checks,
 * the grid's row operations, import, 汇总 and the narrative reader.
 */
export const SUBJECT_CODE_RE = /^\d{3}(\d{2}){0,2}$/;

export function isSubjectCode(text: string): boolean {
  return SUBJECT_CODE_RE.test(text);
}

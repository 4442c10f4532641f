/**
 * The template set's 科目 catalog (templates/<set>/科目.xlsx, carried in each packet as the hidden sheet the set's
 * 科目 declaration names): code, name, level, classification, the years a code is valid in and its former names.
 * It is data a finance bureau replaces; nothing here knows a code.
 */
import { isSubjectCode } from '../subject-code.js';
import { PacketError } from '../errors.js';
import { cellValue, type SheetModel } from '../model.js';

export type SubjectLevel = '类' | '款' | '项';

export interface Subject {
  code: string;
  name: string;
  level: SubjectLevel;
  /** 功能 (支出功能分类) or 经济 (支出经济分类); a name is unique only within one classification */
  kind: string;
  /** first and last year the code is valid in; undefined = no bound */
  from?: number;
  to?: number;
  formerNames: string[];
}

export interface CatalogMatch {
  subject: Subject;
  /** the name matched a former name of the subject, not its current one */
  former: boolean;
}

/** How two spellings of one name compare: width-folded (（ = (), no whitespace, no quotes. */
export function subjectKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').replace(/[“”‘’"'「」『』]/g, '');
}

const HEADERS = { code: '编码', name: '名称', level: '级次', kind: '分类', from: '起始年度', to: '终止年度', former: '曾用名' } as const;
const LEVELS: Record<number, SubjectLevel> = { 3: '类', 5: '款', 7: '项' };

export class SubjectCatalog {
  readonly subjects: Subject[];
  private readonly byCode = new Map<string, Subject[]>();
  private readonly byName = new Map<string, CatalogMatch[]>();

  constructor(subjects: Subject[]) {
    this.subjects = subjects;
    for (const s of subjects) {
      const list = this.byCode.get(s.code) ?? [];
      list.push(s);
      this.byCode.set(s.code, list);
      const file = (name: string, former: boolean) => {
        const k = subjectKey(name);
        const l = this.byName.get(k) ?? [];
        if (!l.some((m) => m.subject === s)) l.push({ subject: s, former });
        this.byName.set(k, l);
      };
      file(s.name, false);
      for (const f of s.formerNames) file(f, true);
    }
  }

  /** The subject of a code in a classification (undefined kind: any). */
  get(code: string, kind?: string): Subject | undefined {
    return this.byCode.get(code)?.find((s) => kind === undefined || s.kind === kind);
  }

  /** Every subject whose current or former name is `name`, current names first. */
  named(name: string, kind?: string): CatalogMatch[] {
    const all = (this.byName.get(subjectKey(name)) ?? []).filter((m) => kind === undefined || m.subject.kind === kind);
    return [...all.filter((m) => !m.former), ...all.filter((m) => m.former)];
  }

  /** Is the code valid in the year (a year outside its 起始/终止 年度 is not)? */
  static validIn(s: Subject, year: number): boolean {
    return (s.from === undefined || year >= s.from) && (s.to === undefined || year <= s.to);
  }
}

function text(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/**
 * Read a catalog sheet: a header row naming the columns (编码, 名称 required; 级次, 分类, 起始年度, 终止年度, 曾用名
 * optional, in any order), one 科目 a row. A malformed row is refused with its cell named, never skipped.
 */
export function readCatalogSheet(sheet: SheetModel): SubjectCatalog {
  const cols: Partial<Record<keyof typeof HEADERS, number>> = {};
  const header = sheet.cells[0] ?? [];
  header.forEach((c, i) => {
    const h = text(c?.v).replace(/\s+/g, '');
    for (const [k, label] of Object.entries(HEADERS) as [keyof typeof HEADERS, string][]) if (h === label) cols[k] = i;
  });
  if (cols.code === undefined || cols.name === undefined) {
    throw new PacketError(`科目表「${sheet.name}」第 1 行应有「编码」和「名称」两列（另可有 级次、分类、起始年度、终止年度、曾用名）。`);
  }
  const subjects: Subject[] = [];
  const at = (r: number, c: number) => `科目表「${sheet.name}」${String.fromCharCode(65 + c)}${r + 1} 单元格`;
  for (let r = 1; r < sheet.cells.length; r++) {
    const code = text(cellValue(sheet, r, cols.code)).replace(/\s+/g, '');
    const name = text(cellValue(sheet, r, cols.name));
    if (!code && !name) continue;
    if (!isSubjectCode(code)) throw new PacketError(`${at(r, cols.code)}的编码「${code}」不是 3、5 或 7 位数字。`);
    if (!name) throw new PacketError(`${at(r, cols.name)}（编码 ${code}）缺少名称。`);
    const level = LEVELS[code.length];
    const declared = cols.level !== undefined ? text(cellValue(sheet, r, cols.level)) : '';
    if (declared && declared !== level) throw new PacketError(`${at(r, cols.level ?? 0)}的级次「${declared}」与编码 ${code} 的位数（${level}）不符。`);
    const year = (c: number | undefined, what: string): number | undefined => {
      if (c === undefined) return undefined;
      const v = text(cellValue(sheet, r, c)).replace(/年度?$/, '');
      if (!v) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1900 || n > 2100) throw new PacketError(`${at(r, c)}的${what}「${v}」不是年度（如 2025）。`);
      return n;
    };
    const from = year(cols.from, '起始年度');
    const to = year(cols.to, '终止年度');
    const formerNames = cols.former === undefined ? [] : text(cellValue(sheet, r, cols.former)).split(/[、,，;；\n]/).map((s) => s.trim()).filter(Boolean);
    subjects.push({ code, name, level, kind: cols.kind === undefined ? '' : text(cellValue(sheet, r, cols.kind)), from, to, formerNames });
  }
  return new SubjectCatalog(subjects);
}

// a catalog is read once per sheet object: checks re-expand on every code or name edit
const cache = new WeakMap<SheetModel, SubjectCatalog>();

export function catalogOf(sheet: SheetModel): SubjectCatalog {
  let c = cache.get(sheet);
  if (!c) {
    c = readCatalogSheet(sheet);
    cache.set(sheet, c);
  }
  return c;
}

/**
 * The 情况说明 template set format (templates/<set>/narrative/template.json) and what the generator returns.
 * Wording lives in the JSON; the code only knows a few kinds of computation (a value, a change against last
 * year, a ratio) and how to lay paragraphs out.
 */

/** How a value is written: money 3966.62, int 17, year 2024, pct 24.87, trim 900 / 899.34 (trailing zeros dropped). */
export type NumberFormat = 'money' | 'int' | 'year' | 'pct' | 'pctTrim' | 'trim';
/** text: a label that the sentence is built around (a class name); free: the accountant's own words (主要原因). */
export type TextFormat = 'text' | 'free';
export type ValueFormat = NumberFormat | TextFormat;

export interface FactDef {
  /** Excel formula over the packet (defined names, cells), evaluated by the packet's own engine */
  f?: string;
  /** formula of last year's figure, e.g. 上年_本年收入合计 */
  prior?: string;
  type?: ValueFormat;
  /** what the tables call it, for messages; defaults to the fact's name */
  label?: string;
  /** a blank cell is missing (上年数, 年初预算), not zero as it is in the tables */
  required?: boolean;
  /** computed from the packet's 自评表 when `f` is absent or cannot be evaluated (no 绩效自评汇总 sheet) */
  source?: 'forms.count' | 'forms.sumA' | 'forms.sumB';
}

/** change: this year against last year; ratio: num ÷ den × 100. */
export interface PhraseDef {
  kind: 'change' | 'ratio';
  /** change: up, down, same, upFromZero, missing; ratio: normal, zeroDen, missing */
  variants: Record<string, string>;
}

/** An item is kept when any of these is non-zero (numbers) or non-empty (text); "上年:x" is x's prior figure. */
export interface Condition {
  anyNonzero?: string[];
  allZero?: string[];
}

export interface FieldDef {
  col: string;
  type?: ValueFormat;
  label?: string;
  required?: boolean;
}

export interface CollectionDef {
  /** rows of a sheet, one item per row whose key column matches keyPattern */
  rows?: { sheet: string; keyCol: string; keyPattern: string; fields: Record<string, FieldDef> };
  /** items given here; a string value "@fact" refers to a fact, anything else is literal text */
  items?: Record<string, string>[];
  /** built from the packet's 自评表: one item per grade, fields 等级 and 项目数. The grades are those the packet
   *  declares on 自评评分规则, highest first (`grades` only for a packet that declares none). countFormula
   *  (e.g. "自评等级{位次}数", 位次 1 = the highest grade; {等级} is the grade's name) reads the count from the
   *  绩效自评汇总 sheet's names, the forms themselves are read when it cannot */
  formGrades?: { grades?: string[]; countFormula?: string };
  /** rendering of one item (for inline use and as the default paragraph text) */
  item?: string;
  /** between items when used inline: {*name} */
  sep?: string;
  when?: Condition;
}

export type ParagraphStyle = 'body' | 'h1' | 'h2' | 'h3' | 'note';

export interface ParagraphDef {
  /** stable id (used by the live view and the check report) */
  id?: string;
  text?: string;
  style?: ParagraphStyle;
  when?: Condition;
  /** text when `when` does not hold */
  else?: string;
  /** one paragraph per item of the collection */
  each?: string;
}

export interface SectionDef {
  id: string;
  heading: string;
  paragraphs: (string | ParagraphDef)[];
}

export interface PartDef {
  id: string;
  heading: string;
  sections?: SectionDef[];
  /** 名词解释 from a sheet: 分类 / 名词 / 解释 columns */
  glossary?: { sheet: string; categoryCol: string; termCol: string; textCol: string };
  /** 附件 from a sheet: 格式 (标题/一级/二级/三级/正文) / 内容 columns */
  attachment?: { sheet: string; styleCol: string; textCol: string };
}


/**
 * What the wording-independent reader needs to know about the packet: which named figures a narrative may
 * speak of (by any of their names), which tables list 科目 rows, the name variants people write, and the
 * cue words of each relation. Knowledge lives here, in the template set, not in the reader's code.
 */
export interface ReaderItemDef {
  /** the names people write for it; the first is the item's id (and what `of` refers to) */
  names: string[];
  /** a fact of `facts` (its formula, label and last year's figure) … */
  fact?: string;
  /** … or a formula of its own */
  f?: string;
  label?: string;
  prior?: string;
  /** 年初预算 and 全年预算 of the same item (for 完成年初预算的 N%) */
  budget?: string;
  fullBudget?: string;
  /** what its share (占 N%) is a share of: another item's first name */
  of?: string;
  /** the figure a share is taken of when it is not the item itself (绩效自评: 涉及资金 ΣA, but 占项目支出 is ΣB) */
  shareNum?: { f: string; label: string };
  type?: 'money' | 'int' | 'score';
  /** for a count: the units it is counted in (批, 人次); a count in another unit is something else */
  units?: string[];
  /** words of the section or sentence under which this figure is meant (一般公共预算 …); none: the default */
  context?: string[];
  /** one item per grade the packet declares (自评评分规则), highest first: in names, f and label, {等级} is the
   *  grade's name and {位次} its position (1 = the highest) */
  perGrade?: boolean;
}

export interface ReaderTableDef {
  sheet: string;
  codeCol: string;
  nameCol: string;
  /** value columns: column → what it holds (the first is what a bare 科目 amount means) */
  columns: Record<string, string>;
  /** the column holding each row's 年初预算数 */
  budgetCol?: string;
  context?: string[];
}

export interface ReaderDef {
  /** formulas of the unit's name and the year the packet is for */
  unitName: string;
  year: string;
  /** the unit the tables are in (万元) */
  moneyUnit: string;
  items: ReaderItemDef[];
  tables: ReaderTableDef[];
  /** groups of names that mean the same (对个人和家庭的补助 = 对个人和家庭补助支出) */
  variants: string[][];
  /** cue words: change (比上年 …), share (占), completion (完成 …), rate (增幅 …), budget / fullBudget / prior /
   *  actual qualifiers */
  words: Record<'change' | 'share' | 'completion' | 'rate' | 'budget' | 'fullBudget' | 'prior' | 'actual' | 'composition', string[]>;
}

export interface NarrativeTemplate {
  version: number;
  title: string;
  /** lines under the title, e.g. the 尾数误差 note */
  notes?: string[];
  /** the heading of 第二部分 (the tables, printed in the PDF packet only) as a 目录 lists it */
  tablesPart?: string;
  facts: Record<string, FactDef>;
  phrases: Record<string, PhraseDef>;
  collections: Record<string, CollectionDef>;
  /** direction words of change phrases; the checker captures any of them and compares with the sign */
  directionWords: { up: string[]; down: string[]; same: string[] };
  /** 自评表 grade bands, highest first (a total ≥ min gets the grade), only for a packet that declares no grade
   *  table: the grades are the packet's own, declared on its 自评评分规则 sheet */
  gradeBands?: { grade: string; min: number }[];
  parts: PartDef[];
  /** the wording-independent reader's catalog: named figures, 科目 tables, name variants, cue words */
  reader?: ReaderDef;
  /** paragraphs the accountant rewrote: a sheet with the paragraph id in one column and the text in another */
  overrides?: { sheet: string; idCol: string; textCol: string };
  /** fonts of the .docx, each with the fonts Word should use where it is missing */
  fonts?: Record<'title' | 'body' | 'h1' | 'h2' | 'page', { name: string; fallbacks: string[] }>;
}

// ---------------------------------------------------------------- output

/** One number of a written narrative and how it was judged. */
export interface NumberCheck {
  /** the number (or direction word) as written */
  text: string;
  sentence: string;
  /** template paragraph it was matched to; absent for an untied number */
  paragraph?: string;
  ok: boolean;
  /** what it was judged as: value, diff, growth, ratio, dir; untied when no template sentence accounts for it */
  kind: SlotSpec['kind'] | 'untied' | 'year' | 'name';
  /** how it was read: by a template sentence (the fast path) or by the wording-independent reader */
  via?: 'template' | 'reader';
  /** what the reader took it to be said of */
  subject?: string;
  expected: string;
  message: string;
}


export interface Interval {
  lo: number;
  hi: number;
}

/** What a number in the narrative stands for, and how to judge a stated figure against it. */
export type SlotSpec =
  | { kind: 'value'; fmt: NumberFormat; label: string; formula: string; value: number | null; missing?: string }
  | { kind: 'diff' | 'growth'; label: string; cur: number | null; prior: number | null; curLabel: string; priorLabel: string; missing?: string }
  | { kind: 'ratio'; fmt: NumberFormat; label: string; num: number | null; den: number | null; numLabel: string; denLabel: string; missing?: string }
  | { kind: 'dir'; label: string; cur: number | null; prior: number | null; missing?: string };

export interface SlotCheck {
  ok: boolean;
  /** the figure the tables give, written as the narrative would write it */
  expected: string;
  /** for derived figures: the range the rounded inputs allow */
  range?: Interval;
  message: string;
}

export type Segment =
  | { t: 'text'; text: string; free?: boolean; bold?: boolean }
  | { t: 'num'; text: string; slot: SlotSpec; check: SlotCheck };

export interface NarrativeParagraph {
  id: string;
  /** the accountant's own wording (情况说明改写) replaced the generated text */
  rewritten?: boolean;
  style: ParagraphStyle | 'title' | 'subtitle' | 'part' | 'term' | 'h4';
  segments: Segment[];
}

export interface NarrativePart {
  id: string;
  heading: string;
  paragraphs: NarrativeParagraph[];
}

export interface NarrativeDoc {
  title: string;
  notes: string[];
  parts: NarrativePart[];
}

/**
 * Forms as a collection inside a Packet: add, duplicate, delete, rename, reorder. Each operation keeps the
 * form's 审核 rows, the defined names and the 绩效自评汇总 sheet consistent. Arrays are changed in place: on an
 * open packet they run inside PacketSession.changeSheets, on the copy it hands them, which then goes into the
 * open engine as one undoable step (no new session).
 */
import { PacketError } from '../errors.js';
import type { CellStyle, CheckDef, Packet, SheetModel } from '../model.js';
import { buildFormSheet, formLayout, type FormData } from './layout.js';
import { NAME_GRADE, PROFILE_NAME, PROFILE_SHEET, profileSheet, readGrades, type Grade, type StyleFn } from './profiles.js';
import { checkPrefix, formCheckDefs } from './rules.js';
import { sheetOfName } from '../roles.js';
import {
  buildSummary, GRADE_TABLE_CHECK_ID, gradeTableCheck, isSummaryName, profileCheck, PROFILE_CHECK_ID, PROJECT_SPENDING_NAME, stampedFindings,
  SUMMARY_CHECK_PREFIX, SUMMARY_SHEET,
} from './summary.js';

// ---------------------------------------------------------------- styles

const styleFns = new WeakMap<Packet, StyleFn>();

/** Use this interner for new cells of `packet` (the template builder passes its own). */
export function useStyles(packet: Packet, fn: StyleFn): void {
  styleFns.set(packet, fn);
}

function styleOf(packet: Packet): StyleFn {
  const fn = styleFns.get(packet);
  if (fn) return fn;
  return (s: CellStyle) => {
    const key = JSON.stringify(s);
    const i = packet.styles.findIndex((x) => JSON.stringify(x) === key);
    if (i >= 0) return i;
    packet.styles.push(s);
    return packet.styles.length - 1;
  };
}

// ---------------------------------------------------------------- names

export function formSheets(packet: Packet): SheetModel[] {
  return packet.sheets.filter((s) => s.kind === 'form');
}

const FORBIDDEN = /[\\/?*[\]:]/;

/** Why `name` cannot be a sheet name of this packet, or null when it can. */
export function sheetNameProblem(packet: Packet, name: string, except?: string): string | null {
  if (!name.trim()) return '工作表名称不能为空';
  if (name.length > 31) return `工作表名称「${name}」超过31个字符`;
  if (FORBIDDEN.test(name)) return `工作表名称「${name}」含有不允许的字符（\\ / ? * [ ] :）`;
  if (name.startsWith("'") || name.endsWith("'")) return `工作表名称「${name}」不能以单引号开头或结尾`;
  // 、，; = would split the 表= parameter of the form's 指标 declaration
  if (/[,，、;；=＝]/.test(name)) return `工作表名称「${name}」不能含有逗号、顿号、分号或等号`;
  const lower = name.toLowerCase();
  if (packet.sheets.some((s) => s.name !== except && s.name.toLowerCase() === lower)) return `已有名为「${name}」的工作表`;
  if (['审核', '公开包信息'].includes(name)) return `「${name}」是保留的工作表名称`;
  return null;
}

/** "自评01 2021年市级就业补助资金", made a valid, unique Excel sheet name of at most 31 characters. */
export function formSheetName(packet: Packet, ordinal: number, projectName: string, width = 2): string {
  const clean = projectName
    .replace(/[\\/?*[\]:]/g, '_')
    .replace(/[,，、;；=＝]/g, '·')
    .replace(/['\s]+/g, ' ')
    .trim();
  return uniqueSheetName(packet, `自评${String(ordinal).padStart(width, '0')}${clean ? ' ' + clean : ''}`.slice(0, 31).trim());
}

function uniqueSheetName(packet: Packet, want: string): string {
  let name = want;
  for (let k = 2; sheetNameProblem(packet, name); k++) {
    const tail = `(${k})`;
    name = want.slice(0, 31 - tail.length).trim() + tail;
    if (k > 9999) throw new PacketError(`无法生成不重复的工作表名称「${want}」。`);
  }
  return name;
}

/** One more than the highest 自评NN in use (or than the number of forms). */
function nextOrdinal(packet: Packet): number {
  const forms = formSheets(packet);
  let max = forms.length;
  for (const f of forms) {
    const m = /^自评(\d+)/.exec(f.name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

function ordinalWidth(count: number): number {
  return Math.max(2, String(count).length);
}

// ---------------------------------------------------------------- references

/** Rewrite references to sheet `from` as references to `to` in formula text (strings are left alone). */
export function renameSheetRefs(formula: string, from: string, to: string): string {
  const quotedTo = `'${to.replace(/'/g, "''")}'`;
  let out = '';
  let i = 0;
  while (i < formula.length) {
    const ch = formula[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < formula.length && !(formula[j] === '"' && formula[j + 1] !== '"')) j += formula[j] === '"' ? 2 : 1;
      out += formula.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "'") {
      let j = i + 1;
      while (j < formula.length && !(formula[j] === "'" && formula[j + 1] !== "'")) j += formula[j] === "'" ? 2 : 1;
      const name = formula.slice(i + 1, j).replace(/''/g, "'");
      out += name === from && formula[j + 1] === '!' ? quotedTo : formula.slice(i, j + 1);
      i = j + 1;
    } else {
      const prev = out[out.length - 1] ?? '';
      if (formula.startsWith(`${from}!`, i) && !/[A-Za-z0-9_.\u0080-\uffff]/.test(prev)) {
        out += quotedTo;
        i += from.length;
      } else {
        out += ch;
        i++;
      }
    }
  }
  return out;
}

function refersTo(text: string, sheet: string): boolean {
  return renameSheetRefs(text, sheet, '\u0000') !== text;
}

function tablesParam(params: string): string[] {
  const m = /(^|[;；\n])\s*表\s*[=＝]([^;；\n]*)/.exec(params);
  return m ? m[2].split(/[,，、]/).map((x) => x.trim()).filter(Boolean) : [];
}

// ---------------------------------------------------------------- the parts every packet with forms has

function yearFormula(packet: Packet): string | undefined {
  return packet.names.some((n) => n.name === '决算年度') ? '"（"&决算年度&"年度）"' : undefined;
}

/**
 * Add the 自评评分规则 sheet, its names and its checks, and the summary, if the packet lacks them. `grades`
 * is the grade table a new sheet gets (the set's, when the caller has it); an existing sheet is never touched.
 */
export function ensureFormSupport(packet: Packet, profile?: string, grades?: Grade[]): void {
  if (!packet.sheets.some((s) => s.name === PROFILE_SHEET)) {
    const code = profile ?? packet.meta[PROFILE_NAME] ?? 'stepped';
    const { sheet, names } = profileSheet(styleOf(packet), code, grades);
    packet.sheets.push(sheet);
    removeNames(packet, names.map((n) => n.name));
    packet.names.push(...names);
    packet.meta[PROFILE_NAME] = code;
  }
  if (!packet.checks.some((c) => c.id === PROFILE_CHECK_ID)) packet.checks.push(profileCheck());
  if (!packet.checks.some((c) => c.id === GRADE_TABLE_CHECK_ID)) {
    const span = gradeSpan(packet);
    if (span) packet.checks.push(gradeTableCheck(span.slots, span.first));
  }
  if (!packet.sheets.some((s) => s.name === SUMMARY_SHEET)) rebuildSummary(packet);
}

/** How many rows the 等级名称 name spans and its first cell, for the grade-table check. */
function gradeSpan(packet: Packet): { slots: number; first: string } | null {
  const ref = packet.names.find((n) => n.name === NAME_GRADE)?.ref;
  const m = ref ? /^(.*!)\$?([A-Z]+)\$?(\d+):\$?[A-Z]+\$?(\d+)$/.exec(ref.trim()) : null;
  if (!m) return null;
  const slots = Number(m[4]) - Number(m[3]) + 1;
  return slots > 0 && slots <= 100 ? { slots, first: `${m[1]}${m[2]}${m[3]}` } : null;
}

function removeNames(packet: Packet, names: string[]): void {
  for (let i = packet.names.length - 1; i >= 0; i--) if (names.includes(packet.names[i].name)) packet.names.splice(i, 1);
}

function removeChecks(packet: Packet, test: (c: CheckDef) => boolean): number {
  let n = 0;
  for (let i = packet.checks.length - 1; i >= 0; i--) {
    if (test(packet.checks[i])) {
      packet.checks.splice(i, 1);
      n++;
    }
  }
  return n;
}

/** Rebuild 绩效自评汇总 over the forms as they are now (keeps the stamped 审核问题数). */
export function rebuildSummary(packet: Packet, findings?: Map<string, number>): void {
  const old = packet.sheets.findIndex((s) => s.name === SUMMARY_SHEET);
  const forms = formSheets(packet);
  const parts = buildSummary(forms, styleOf(packet), {
    unitName: packet.names.some((n) => n.name === '单位名称'),
    tieToTables: packet.names.some((n) => n.name === PROJECT_SPENDING_NAME),
    spendingSheet: sheetOfName(packet, PROJECT_SPENDING_NAME),
    findings: findings ?? stampedFindings(old >= 0 ? packet.sheets[old] : undefined),
    grades: readGrades(packet).grades,
  });
  if (old >= 0) packet.sheets[old] = parts.sheet;
  else {
    const firstForm = packet.sheets.findIndex((s) => s.kind === 'form');
    const profile = packet.sheets.findIndex((s) => s.name === PROFILE_SHEET);
    const at = firstForm >= 0 ? firstForm : profile >= 0 ? profile : packet.sheets.length;
    packet.sheets.splice(at, 0, parts.sheet);
  }
  removeNames(packet, packet.names.map((n) => n.name).filter(isSummaryName));
  packet.names.push(...parts.names);
  removeChecks(packet, (c) => c.id.startsWith(SUMMARY_CHECK_PREFIX));
  packet.checks.push(...parts.checks);
}

/** Write each form's current number of findings into the summary's 审核问题数 column. */
export function stampFindingCounts(packet: Packet, findings: { sheet: string }[]): void {
  const counts = new Map<string, number>();
  for (const s of formSheets(packet)) counts.set(s.name, 0);
  for (const f of findings) if (counts.has(f.sheet)) counts.set(f.sheet, counts.get(f.sheet)! + 1);
  rebuildSummary(packet, counts);
}

// ---------------------------------------------------------------- add / duplicate / delete

export interface AddFormOptions {
  /** the project's figures; an empty form when absent */
  data?: FormData;
  /** sheet name; "自评NN 项目名称" when absent */
  name?: string;
  /** position among the forms (0 = first); after the last form when absent */
  at?: number;
  /** a form sheet of another packet (e.g. the template set's form.xlsx) to copy instead of the built-in layout */
  template?: { packet: Packet; sheet: string };
  /** leave the summary alone (when adding many forms, rebuild once at the end) */
  deferSummary?: boolean;
}

function placeForm(packet: Packet, sheet: SheetModel, at?: number): void {
  const forms = formSheets(packet);
  let index: number;
  if (at !== undefined && at < forms.length) index = packet.sheets.indexOf(forms[Math.max(0, at)]);
  else if (forms.length) index = packet.sheets.indexOf(forms[forms.length - 1]) + 1;
  else {
    const summary = packet.sheets.findIndex((s) => s.name === SUMMARY_SHEET);
    const profile = packet.sheets.findIndex((s) => s.name === PROFILE_SHEET);
    index = summary >= 0 ? summary + 1 : profile >= 0 ? profile : packet.sheets.length;
  }
  packet.sheets.splice(index, 0, sheet);
}

function copySheet(from: Packet, s: SheetModel, into: Packet, name: string): SheetModel {
  const style = styleOf(into);
  const map = new Map<number, number>();
  const restyle = (i: number | undefined) => {
    if (i === undefined) return undefined;
    if (from === into) return i;
    if (!map.has(i)) map.set(i, style(from.styles[i] ?? {}));
    return map.get(i);
  };
  return {
    ...s,
    name,
    kind: 'form',
    hidden: false,
    cells: s.cells.map((row) => row.map((c) => {
      if (!c) return null;
      const out = { ...c };
      const st = restyle(c.s);
      if (st === undefined) delete out.s;
      else out.s = st;
      return out;
    })),
    merges: [...s.merges],
    colWidths: [...s.colWidths],
    rowHeights: [...s.rowHeights],
    print: { ...s.print, ...(s.print.titleRows ? { titleRows: [...s.print.titleRows] as [number, number] } : {}), ...(s.print.margins ? { margins: { ...s.print.margins } } : {}) },
  };
}

function adoptYear(packet: Packet, s: SheetModel): void {
  const f = yearFormula(packet);
  const c = s.cells[1]?.[0];
  if (f && c && !c.f && typeof c.v === 'string' && /年度/.test(c.v)) {
    delete c.v;
    c.f = f;
  }
}

/** Add a form (empty, or with `data`); returns its sheet name. */
export function addForm(packet: Packet, opts: AddFormOptions = {}): string {
  ensureFormSupport(packet);
  const next = nextOrdinal(packet);
  const name = opts.name ?? formSheetName(packet, next, opts.data?.name ?? '', ordinalWidth(next));
  const problem = sheetNameProblem(packet, name);
  if (problem) throw new PacketError(`无法添加自评表：${problem}。`);
  let sheet: SheetModel;
  if (opts.template) {
    const src = opts.template.packet.sheets.find((s) => s.name === opts.template!.sheet);
    if (!src || typeof formLayout(src) === 'string') throw new PacketError(`模板中没有可用的自评表「${opts.template.sheet}」。`);
    sheet = copySheet(opts.template.packet, src, packet, name);
    adoptYear(packet, sheet);
  } else {
    sheet = buildFormSheet(name, opts.data ?? null, styleOf(packet), { yearFormula: yearFormula(packet), yearText: `（${packet.meta['决算年度'] ?? '    '}年度）` });
  }
  placeForm(packet, sheet, opts.at);
  packet.checks.push(...formCheckDefs(sheet));
  if (!opts.deferSummary) rebuildSummary(packet);
  return name;
}

function requireForm(packet: Packet, sheetName: string): SheetModel {
  const s = packet.sheets.find((x) => x.name === sheetName);
  if (!s || s.kind !== 'form') throw new PacketError(`自评表「${sheetName}」不存在。`);
  return s;
}

/** Remove a form, its 审核 rows and every name or check that refers to it. */
export function deleteForm(packet: Packet, sheetName: string): void {
  const s = requireForm(packet, sheetName);
  packet.sheets.splice(packet.sheets.indexOf(s), 1);
  removeChecks(packet, (c) =>
    c.id.startsWith(checkPrefix(sheetName)) || tablesParam(c.params).includes(sheetName) || refersTo(c.formula, sheetName) || refersTo(c.locate, sheetName));
  for (let i = packet.names.length - 1; i >= 0; i--) if (refersTo(packet.names[i].ref, sheetName)) packet.names.splice(i, 1);
  rebuildSummary(packet);
}

/** Install the forms of a packet in one go: profile sheet, every form with its checks, the summary. */
export function installForms(packet: Packet, forms: FormData[], opts: { profile?: string } = {}): string[] {
  ensureFormSupport(packet, opts.profile);
  const width = ordinalWidth(forms.length);
  const names = forms.map((data, i) => addForm(packet, { data, name: formSheetName(packet, i + 1, data.name, width), deferSummary: true }));
  rebuildSummary(packet);
  return names;
}

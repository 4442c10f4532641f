/**
 * Checks as data. A 公式 check is used as written; 层级 and 名称一致 declarations are expanded over the
 * rows that exist right now, so inserting or deleting a 科目 row extends or retracts their checks.
 */
import { a1, colIndex, colLetters, parseRange, quoteSheet } from './a1.js';
import { PacketError } from './errors.js';
import { isSubjectCode } from './subject-code.js';
import { cellValue, sheetByName, type CheckDef, type Packet, type Severity, type SheetModel } from './model.js';

/** A check ready for the engine: one formula, TRUE when it holds. */
export interface ConcreteCheck {
  rule: string;
  severity: Severity;
  /** Excel syntax, no '=' */
  formula: string;
  message: string;
  /** Excel references, e.g. ["公开03表!C10"] */
  locate: string[];
  /** the declaration (审核 row) it comes from */
  source: string;
}

export function parseParams(params: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of params.split(/[;；\n]/)) {
    const m = /^\s*([^=＝]+?)\s*[=＝]\s*(.*?)\s*$/.exec(part);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export function splitLocate(locate: string): string[] {
  // separators inside a quoted sheet name ('自评01 就业补助资金'!H6) belong to the name
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of locate) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && /[,，、\s]/.test(ch)) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function codeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v).trim();
}


function ref(sheet: string, row: number, col: number): string {
  return `${quoteSheet(sheet)}!${a1(row, col)}`;
}

function columnsOf(spec: string, what: string, decl: CheckDef): number[] {
  const cols: number[] = [];
  for (const part of spec.split(/[,，]/)) {
    const [a, b] = part.trim().split(':');
    if (!/^[A-Za-z]{1,3}$/.test(a ?? '') || (b !== undefined && !/^[A-Za-z]{1,3}$/.test(b))) {
      throw new PacketError(`审核表 ${decl.id} 的参数「${what}=${spec}」无法识别：应为列字母，如 C:H。`);
    }
    const from = colIndex(a);
    const to = b ? colIndex(b) : from;
    for (let c = from; c <= to; c++) cols.push(c);
  }
  return cols;
}

function requireSheet(packet: Packet, name: string, decl: CheckDef): SheetModel {
  const s = sheetByName(packet, name);
  if (!s) throw new PacketError(`审核表 ${decl.id} 引用的工作表「${name}」不存在。`);
  return s;
}

function headerName(sheet: SheetModel, headerRow: number | undefined, col: number): string {
  if (headerRow === undefined) return `${colLetters(col)}列`;
  const v = cellValue(sheet, headerRow, col);
  return v === null || v === '' ? `${colLetters(col)}列` : String(v).replace(/\s+/g, '');
}

interface CodeRow {
  row: number;
  code: string;
  name: string;
}

export function codeRows(sheet: SheetModel, codeCol: number, nameCol: number, firstRow: number): CodeRow[] {
  const rows: CodeRow[] = [];
  for (let r = firstRow; r < sheet.cells.length; r++) {
    const code = codeText(cellValue(sheet, r, codeCol));
    if (isSubjectCode(code)) rows.push({ row: r, code, name: codeText(cellValue(sheet, r, nameCol)) });
  }
  return rows;
}

/** Row of the 合计 line: the first row whose code or name cell says 合计. */
export function totalRow(sheet: SheetModel, codeCol: number, nameCol: number, label: string): number | undefined {
  for (let r = 0; r < sheet.cells.length; r++) {
    if (codeText(cellValue(sheet, r, nameCol)).replace(/\s/g, '') === label) return r;
    if (codeText(cellValue(sheet, r, codeCol)).replace(/\s/g, '') === label) return r;
  }
  return undefined;
}

function sumExpr(sheet: string, rows: number[], col: number): string {
  return rows.map((r) => ref(sheet, r, col)).join('+');
}

/** "C=D+E+F" or "C+D-E=H": each side a signed sum of column letters. */
function parseRowIdentity(spec: string, decl: CheckDef): { lhs: [number, number][]; rhs: [number, number][] } {
  const [l, r] = spec.split('=');
  if (r === undefined) throw new PacketError(`审核表 ${decl.id} 的行等式「${spec}」缺少等号。`);
  const side = (s: string): [number, number][] => {
    const terms: [number, number][] = [];
    const re = /([+-]?)\s*([A-Za-z]{1,3})/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) terms.push([m[1] === '-' ? -1 : 1, colIndex(m[2])]);
    if (!terms.length) throw new PacketError(`审核表 ${decl.id} 的行等式「${spec}」无法识别。`);
    return terms;
  };
  return { lhs: side(l), rhs: side(r) };
}

function linear(sheet: string, row: number, terms: [number, number][]): string {
  return terms.map(([sign, col], i) => `${sign < 0 ? '-' : i ? '+' : ''}${ref(sheet, row, col)}`).join('');
}

/** Expand a 层级 declaration over the current rows of its table. */
export function expandHierarchy(packet: Packet, decl: CheckDef): ConcreteCheck[] {
  const p = parseParams(decl.params);
  const sheetName = p['表'];
  if (!sheetName) throw new PacketError(`审核表 ${decl.id}（层级）缺少参数「表」。`);
  const sheet = requireSheet(packet, sheetName, decl);
  const codeCol = colIndex(p['编码列'] ?? 'A');
  const nameCol = colIndex(p['名称列'] ?? 'B');
  const valueCols = columnsOf(p['金额列'] ?? '', '金额列', decl);
  const headerRow = p['表头行'] ? Number(p['表头行']) - 1 : undefined;
  const totalLabel = p['合计行'] ?? '合计';
  const tRow = totalRow(sheet, codeCol, nameCol, totalLabel);
  const firstRow = tRow !== undefined ? tRow + 1 : headerRow !== undefined ? headerRow + 1 : 0;
  const rows = codeRows(sheet, codeCol, nameCol, firstRow);
  const q = sheetName;
  const out: ConcreteCheck[] = [];
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const kidsOf = new Map<string, CodeRow[]>();
  for (const r of rows) {
    if (r.code.length === 3) continue;
    const p = r.code.slice(0, r.code.length - 2);
    const list = kidsOf.get(p) ?? [];
    list.push(r);
    kidsOf.set(p, list);
  }
  const children = (parent: string) => kidsOf.get(parent) ?? [];

  for (const r of rows) {
    if (r.code.length > 3 && !byCode.has(r.code.slice(0, r.code.length - 2))) {
      out.push({
        rule: `${decl.id}:${r.code}:上级`,
        severity: decl.severity,
        formula: 'FALSE()',
        message: `${q} 科目 ${r.code} ${r.name} 缺少上级科目 ${r.code.slice(0, r.code.length - 2)}：请补上该${r.code.length === 5 ? '类' : '款'}级科目行。`,
        locate: [`${q}!${a1(r.row, codeCol)}`],
        source: decl.id,
      });
    }
  }

  for (const col of valueCols) {
    const colName = headerName(sheet, headerRow, col);
    const L = colLetters(col);
    for (const parent of rows) {
      if (parent.code.length === 7) continue;
      const kids = children(parent.code);
      if (!kids.length) continue;
      const level = parent.code.length === 3 ? '类' : '款';
      const sub = parent.code.length === 3 ? '款' : '项';
      const sum = sumExpr(q, kids.map((k) => k.row), col);
      const self = ref(q, parent.row, col);
      out.push({
        rule: `${decl.id}:${parent.code}:${L}`,
        severity: decl.severity,
        formula: `APPROX(${self},${sum},${kids.length + 1})`,
        message: `${q} ${parent.code} ${parent.name}（${level}）「${colName}」{${self}} 与所属各${sub}之和 {${sum}} 不等，差额 {${self}-(${sum})}。`,
        locate: [`${q}!${a1(parent.row, col)}`],
        source: decl.id,
      });
    }
    if (tRow !== undefined) {
      const classes = rows.filter((r) => r.code.length === 3);
      if (classes.length) {
        const sum = sumExpr(q, classes.map((k) => k.row), col);
        const self = ref(q, tRow, col);
        out.push({
          rule: `${decl.id}:合计:${L}`,
          severity: decl.severity,
          formula: `APPROX(${self},${sum},${classes.length + 1})`,
          message: `${q} 合计行「${colName}」{${self}} 与各类之和 {${sum}} 不等，差额 {${self}-(${sum})}。`,
          locate: [`${q}!${a1(tRow, col)}`],
          source: decl.id,
        });
      }
    }
  }

  for (const spec of (p['行等式'] ?? '').split(/[,，]/).map((s) => s.trim()).filter(Boolean)) {
    const { lhs, rhs } = parseRowIdentity(spec, decl);
    const lhsName = lhs.map(([s, c], i) => `${s < 0 ? '－' : i ? '＋' : ''}${headerName(sheet, headerRow, c)}`).join('');
    const rhsName = rhs.map(([s, c], i) => `${s < 0 ? '－' : i ? '＋' : ''}${headerName(sheet, headerRow, c)}`).join('');
    const lines: { row: number; key: string; label: string }[] = [];
    if (tRow !== undefined) lines.push({ row: tRow, key: '合计', label: '合计' });
    for (const r of rows) lines.push({ row: r.row, key: r.code, label: `${r.code} ${r.name}` });
    for (const line of lines) {
      const a = linear(q, line.row, lhs);
      const b = linear(q, line.row, rhs);
      out.push({
        rule: `${decl.id}:行:${line.key}:${spec}`,
        severity: decl.severity,
        formula: `APPROX(${a},${b},${lhs.length + rhs.length})`,
        message: `${q} ${line.label}：${lhsName} {${a}} 与 ${rhsName} {${b}} 不等，差额 {${a}-(${b})}。`,
        locate: [`${q}!${a1(line.row, lhs[0][1])}`],
        source: decl.id,
      });
    }
  }
  return out;
}

/** Expand a 名称一致 declaration: a 科目编码 that appears in several tables carries one name. */
export function expandNameConsistency(packet: Packet, decl: CheckDef): ConcreteCheck[] {
  const p = parseParams(decl.params);
  const tables = (p['表'] ?? '').split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
  const codeCol = colIndex(p['编码列'] ?? 'A');
  const nameCol = colIndex(p['名称列'] ?? 'B');
  const seen = new Map<string, { sheet: string; row: number; name: string }[]>();
  for (const t of tables) {
    const sheet = requireSheet(packet, t, decl);
    for (const r of codeRows(sheet, codeCol, nameCol, 0)) {
      const list = seen.get(r.code) ?? [];
      list.push({ sheet: t, row: r.row, name: r.name });
      seen.set(r.code, list);
    }
  }
  const out: ConcreteCheck[] = [];
  for (const [code, list] of seen) {
    if (list.length < 2) continue;
    const refs = list.map((o) => ref(o.sheet, o.row, nameCol));
    const formula = `AND(${refs.slice(1).map((r) => `EXACT(${refs[0]},${r})`).join(',')})`;
    const message = `科目 ${code} 在各表中的名称不一致：${list.map((o, i) => `${o.sheet}「{${refs[i]}}」`).join('，')}。请按支出功能分类科目统一名称。`;
    out.push({
      rule: `${decl.id}:${code}`,
      severity: decl.severity,
      formula,
      message,
      locate: list.map((o) => `${o.sheet}!${a1(o.row, nameCol)}`),
      source: decl.id,
    });
  }
  return out;
}

/** The tables whose rows a declaration depends on (re-expanded when those rows change). */
export function declarationTables(decl: CheckDef): string[] {
  const p = parseParams(decl.params);
  return (p['表'] ?? '').split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
}

export function declarationCodeColumn(decl: CheckDef): number {
  return colIndex(parseParams(decl.params)['编码列'] ?? 'A');
}

/**
 * How a declaration of one 类型 becomes concrete checks. The kinds this module knows (层级, 名称一致) are here;
 * a domain that declares its own kind (forms/rules.ts: 指标) registers it, so checks.ts depends on no domain.
 */
export type CheckExpander = (packet: Packet, decl: CheckDef, params: Record<string, string>) => ConcreteCheck[];

const expanders = new Map<CheckDef['kind'], CheckExpander>([
  ['层级', (packet, decl) => expandHierarchy(packet, decl)],
  ['名称一致', (packet, decl) => expandNameConsistency(packet, decl)],
]);

export function registerCheckExpander(kind: CheckDef['kind'], expand: CheckExpander): void {
  expanders.set(kind, expand);
}

export function expandDeclaration(packet: Packet, decl: CheckDef): ConcreteCheck[] {
  if (decl.kind !== '公式') {
    const expand = expanders.get(decl.kind);
    // a declaration silently dropped would be a check that never runs: refuse loudly instead
    if (!expand) throw new PacketError(`审核 ${decl.id} 的类型「${decl.kind}」没有展开规则，无法审核。`);
    return expand(packet, decl, parseParams(decl.params));
  }
  return [
    {
      rule: decl.id,
      severity: decl.severity,
      formula: decl.formula,
      message: decl.message,
      locate: splitLocate(decl.locate),
      source: decl.id,
    },
  ];
}

export { parseRange };

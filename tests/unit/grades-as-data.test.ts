/**
 * Grade names are data (issue 16): a set declares its 自评等级 on the 自评评分规则 sheet (names and 总分下限),
 * and the forms' grade cells, the 绩效自评汇总 counts and labels, formsReport, the 等级 check's message and the
 * 情况说明 all follow that sheet. The jiangxi-2024 set is copied, its grade table rewritten in the copy's
 * .xlsx files on disk (优/良/合格/不合格 with other bounds; five grades in the empty template), read back and
 * run with the real engine. The reference itself (优/良/中/差) is covered unchanged by forms-reference,
 * narrative and template-set-copy.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a1 } from '../../shared/a1.js';
import { PacketSession } from '../../shared/engine.js';
import {
  formLayout, formsReport, GRADE_TABLE_CHECK_ID, installForms, keyCells, PROFILE_SHEET, readGrades, SUMMARY_SHEET, type FormData,
} from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { checkNarrativeText, normalizeText } from '../../shared/narrative/check.js';
import { generateNarrative, narrativeText } from '../../shared/narrative/generate.js';
import { loadNarrativeTemplate } from '../../shared/narrative/template.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { copySet } from '../helpers/copy-set.js';

const SRC = 'templates/jiangxi-2024';
/** ascending, as the sheet lists them: 不合格 below 82, 合格 82–87.99, 良 88–94.99, 优 95 and above */
const FOUR = [
  { name: '不合格', from: 0 },
  { name: '合格', from: 82 },
  { name: '良', from: 88 },
  { name: '优', from: 95 },
];
const FIVE = [
  { name: '差', from: 0 },
  { name: '一般', from: 60 },
  { name: '中', from: 84 },
  { name: '良', from: 90 },
  { name: '优', from: 94 },
];

let root: string;
let dir: string;
let session: PacketSession;

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const template = () => loadNarrativeTemplate(JSON.parse(readFileSync(join(dir, 'narrative/template.json'), 'utf8')) as unknown);
const expected = (total: number, grades: { name: string; from: number }[]) => {
  let g = '';
  for (const b of grades) if (Math.round(total * 100) / 100 >= b.from) g = b.name;
  return g;
};

/** Write `grades` into the grade table of the packet's 自评评分规则 sheet, as a bureau would in Excel: the cells only. */
function rewriteGrades(p: Packet, grades: { name: string; from: number }[]): void {
  const table = readGrades(p).grades;
  const sheet = p.sheets.find((s) => s.name === PROFILE_SHEET)!;
  const first = table[0].row;
  for (let i = 0; i < 8; i++) {
    const row = sheet.cells[first + i];
    const g = grades[i];
    row[table[0].col] = { ...row[table[0].col], v: g ? g.name : null };
    row[table[0].fromCol] = { ...row[table[0].fromCol], v: g ? g.from : null };
    row[table[0].col + 2] = { ...row[table[0].col + 2], v: g ? `总分${g.from}分及以上` : null };
    for (const c of [table[0].col, table[0].fromCol, table[0].col + 2]) if (row[c]?.v === null) delete row[c]!.v;
  }
}

async function rewriteFile(path: string, grades: { name: string; from: number }[]): Promise<void> {
  const p = await readPacket(bytes(path));
  rewriteGrades(p, grades);
  writeFileSync(path, await writePacket(p));
}

/** Every form's total score and grade as the engine computes them. */
function formGrades(s: PacketSession): { sheet: string; total: number; grade: string; at: string }[] {
  return s.packet.sheets.filter((x) => x.kind === 'form').map((x) => {
    const k = keyCells(formLayout(x) as Exclude<ReturnType<typeof formLayout>, string>);
    return { sheet: x.name, total: s.getValue(x.name, k.total.row, k.total.col) as number, grade: String(s.getValue(x.name, k.grade!.row, k.grade!.col)), at: a1(k.grade!.row, k.grade!.col) };
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'juesuan-grades-'));
  dir = join(root, 'grades-2025');
  await copySet(SRC, dir, 'grades-2025', {}, []);
  for (const f of ['reference-packet.xlsx', 'form.xlsx']) await rewriteFile(join(dir, f), FOUR);
  await rewriteFile(join(dir, 'tables.xlsx'), FIVE);
  session = new PacketSession(await readPacket(bytes(join(dir, 'reference-packet.xlsx'))));
}, 300_000);

afterAll(() => {
  session?.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a set whose 自评评分规则 says 优/良/合格/不合格 (bounds 95/88/82/0), from its .xlsx files', () => {
  it('reads the grade table back from the file as written', () => {
    const t = readGrades(session.packet);
    expect(t.problems).toEqual([]);
    expect(t.grades.map((g) => [g.name, g.from])).toEqual(FOUR.map((g) => [g.name, g.from]));
  });

  it('every form\'s grade cell follows the new names and bounds; all four grades occur', () => {
    const forms = formGrades(session);
    expect(forms).toHaveLength(72);
    expect(forms.map((f) => f.grade)).toEqual(forms.map((f) => expected(f.total, FOUR)));
    expect(new Set(forms.map((f) => f.grade))).toEqual(new Set(['优', '良', '合格', '不合格']));
    expect(forms.some((f) => f.grade === '中' || f.grade === '差')).toBe(false);
  });

  it('the summary counts each declared grade, highest first, under labels built from the bounds', () => {
    const forms = formGrades(session);
    const count = (g: string) => forms.filter((f) => f.grade === g).length;
    const rep = formsReport(session);
    expect(Object.keys(rep.counts)).toEqual(['优', '良', '合格', '不合格']);
    expect(Object.values(rep.counts)).toEqual(['优', '良', '合格', '不合格'].map(count));
    expect([1, 2, 3, 4].map((k) => session.calculate(`自评等级${k}数`))).toEqual(['优', '良', '合格', '不合格'].map(count));
    const summary = session.packet.sheets.find((s) => s.name === SUMMARY_SHEET)!;
    const totalRow = summary.cells.findIndex((r) => r[1]?.v === '合计');
    const labels = [1, 2, 3, 4].map((i) => session.getValue(SUMMARY_SHEET, totalRow + i, 1));
    expect(labels).toEqual(['优（95分及以上）', '良（88—94.99分）', '合格（82—87.99分）', '不合格（82分以下）']);
    expect(session.findings().filter((f) => f.sheet === SUMMARY_SHEET || f.sheet === PROFILE_SHEET)).toEqual([]);
  });

  it('the 等级 check judges a grade typed over the formula (a file edited elsewhere) by the new table, naming the right grade', () => {
    const f = formGrades(session).find((x) => x.grade === '合格')!;
    expect(session.findings().filter((x) => x.rule.endsWith(':等级'))).toEqual([]);
    const p = structuredClone(session.toPacket());
    const k = keyCells(formLayout(p.sheets.find((x) => x.name === f.sheet)!) as Exclude<ReturnType<typeof formLayout>, string>);
    const cell = p.sheets.find((x) => x.name === f.sheet)!.cells[k.grade!.row][k.grade!.col]!;
    delete cell.f;
    cell.v = '良';
    const s = new PacketSession(p);
    try {
      const bad = s.findings().filter((x) => x.rule === `${f.sheet}:等级`);
      expect(bad).toHaveLength(1);
      expect(bad[0].severity).toBe('error');
      expect(bad[0].message).toBe(`自评等级「良」与总分 ${f.total} 对应的等级「合格」不符（等级按「自评评分规则」工作表中各等级的总分下限）。`);
    } finally {
      s.destroy();
    }
  });

  it('the 情况说明 states the counts under the new names, every number backed; a hand-typed count is checked per grade', () => {
    const forms = formGrades(session);
    const count = (g: string) => forms.filter((x) => x.grade === g).length;
    const doc = generateNarrative(session, template());
    const text = normalizeText(narrativeText(doc));
    const want = ['优', '良', '合格', '不合格'].map((g) => `${count(g)}个项目评价结果为“${g}”`).join('，');
    expect(text).toContain(normalizeText(`其中，${want}。`));
    expect(text).not.toContain('评价结果为“中”');
    const nums = doc.parts.flatMap((p) => p.paragraphs.flatMap((x) => x.segments)).filter((s) => s.t === 'num');
    expect(nums.filter((s) => s.t === 'num' && !s.check.ok).map((s) => s.t === 'num' && s.check.message)).toEqual([]);
    // the reader's per-grade items: a right count of 合格 ties, a wrong one does not
    const right = checkNarrativeText(session, template(), `其中，${count('合格')}个项目评价结果为“合格”。`, { templates: false });
    expect(right.coverage.tied).toBe(1);
    expect(right.failed).toEqual([]);
    const wrong = checkNarrativeText(session, template(), `其中，${count('合格') + 3}个项目评价结果为“合格”。`, { templates: false });
    expect(wrong.coverage.mismatched).toBe(1);
  });

  it('a grade table out of order, or with a gap, is one error at the table; in order it is silent', () => {
    expect(session.findings().filter((f) => f.rule === GRADE_TABLE_CHECK_ID)).toEqual([]);
    const g = readGrades(session.packet).grades;
    const broken = (edit: (cells: Packet['sheets'][number]['cells']) => void) => {
      const p = structuredClone(session.toPacket());
      edit(p.sheets.find((x) => x.name === PROFILE_SHEET)!.cells);
      const s = new PacketSession(p);
      try {
        return { findings: s.findings().filter((f) => f.rule === GRADE_TABLE_CHECK_ID), problems: readGrades(s.packet).problems };
      } finally {
        s.destroy();
      }
    };
    // 合格 raised above 良: the bounds no longer ascend
    const order = broken((c) => { c[g[1].row][g[1].fromCol]!.v = 90; });
    expect(order.findings).toHaveLength(1);
    expect(order.findings[0].severity).toBe('error');
    expect(order.findings[0].message).toContain('下限从小到大');
    expect(order.problems).toEqual(['自评等级「良」的总分下限 88 不大于上一行「合格」的 90：请按下限从小到大逐行填写']);
    // 合格 blanked: 良 and 优 sit below a gap
    const gap = broken((c) => { delete c[g[1].row][g[1].col]!.v; delete c[g[1].row][g[1].fromCol]!.v; });
    expect(gap.findings).toHaveLength(1);
    expect(gap.problems[0]).toContain('等级之间不能留空行');
  });
});

describe('five grades declared in the set\'s empty template (tables.xlsx), forms added the usual way', () => {
  it('the summary gets five rows and names 自评等级1数…5数; grades, counts and narrative follow', async () => {
    const p = await readPacket(bytes(join(dir, 'tables.xlsx')));
    expect(readGrades(p).grades.map((x) => x.name)).toEqual(FIVE.map((x) => x.name));
    installForms(p, JSON.parse(readFileSync(join(SRC, 'source/reference-forms.json'), 'utf8')) as FormData[]);
    // through the file once more, as the accountant's saved packet
    const s = new PacketSession(await readPacket(await writePacket(p)));
    try {
      const forms = formGrades(s);
      expect(forms).toHaveLength(72);
      expect(forms.map((f) => f.grade)).toEqual(forms.map((f) => expected(f.total, FIVE)));
      const order = ['优', '良', '中', '一般', '差'];
      const count = (g: string) => forms.filter((f) => f.grade === g).length;
      expect(Object.keys(formsReport(s).counts)).toEqual(order);
      expect([1, 2, 3, 4, 5].map((k) => s.calculate(`自评等级${k}数`))).toEqual(order.map(count));
      expect(s.packet.names.some((n) => n.name === '自评等级6数')).toBe(false);
      const summary = s.packet.sheets.find((x) => x.name === SUMMARY_SHEET)!;
      const totalRow = summary.cells.findIndex((r) => r[1]?.v === '合计');
      expect([1, 2, 3, 4, 5].map((i) => s.getValue(SUMMARY_SHEET, totalRow + i, 1)))
        .toEqual(['优（94分及以上）', '良（90—93.99分）', '中（84—89.99分）', '一般（60—83.99分）', '差（60分以下）']);
      const text = normalizeText(narrativeText(generateNarrative(s, template())));
      const said = order.filter((g) => count(g) > 0).map((g) => `${count(g)}个项目评价结果为“${g}”`).join('，');
      expect(text).toContain(normalizeText(`其中，${said}。`));
    } finally {
      s.destroy();
    }
  }, 120_000);
});

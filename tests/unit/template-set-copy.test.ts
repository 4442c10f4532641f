/**
 * Roles, not names (issue 16): the jiangxi-2024 set copied under another name, its tables renamed and
 * reordered the way another province lays them out (三公 as the 7th table), must behave exactly as the
 * original — same findings, same forms summary, same 情况说明 text, its tables exported in its own order.
 * Nothing in shared/ may find a table by its name: were any lookup still by sheet name, the copy would lose
 * checks, narrative figures or export parts here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketSession, type Finding } from '../../shared/engine.js';
import { buildPacketHtml } from '../../shared/export/document.js';
import { exportWorkbook } from '../../shared/export/workbook.js';
import { formsReport, rebuildSummary } from '../../shared/forms.js';
import { generateNarrative, narrativeText } from '../../shared/narrative/generate.js';
import { loadNarrativeTemplate } from '../../shared/narrative/template.js';
import { sheetOfRole } from '../../shared/roles.js';
import { readPacket } from '../../shared/xlsx.js';
import { juesuan } from '../helpers/cli.js';
import { copySet } from '../helpers/copy-set.js';
import { set, valueAt } from '../helpers/packets.js';

const SRC = 'templates/jiangxi-2024';
/** Shanghai-style names; one with a space and one with parentheses, so every reference has to be quoted right */
const MAP: Record<string, string> = {
  概况: '部门基本情况',
  公开01表: '收入支出决算总表',
  公开02表: '收入决算表',
  公开03表: '支出决算表',
  公开04表: '财政拨款收入支出决算总表',
  公开05表: '一般公共预算财政拨款支出决算表',
  公开06表: '一般公共预算财政拨款基本支出决算表',
  公开07表: '政府性基金 支出决算表',
  公开08表: '国有资本经营预算财政拨款支出决算表',
  公开09表: '三公经费（决算）',
  公开10表: '国有资产占用情况表',
};
/** the new order: 三公 7th, 政府性基金 8th, 国有资本 9th, 国有资产 last */
const ORDER = ['部门基本情况', '收入支出决算总表', '收入决算表', '支出决算表', '财政拨款收入支出决算总表', '一般公共预算财政拨款支出决算表',
  '一般公共预算财政拨款基本支出决算表', '三公经费（决算）', '政府性基金 支出决算表', '国有资本经营预算财政拨款支出决算表', '国有资产占用情况表'];

let dir: string;
let orig: PacketSession;
let copy: PacketSession;

const bytes = (p: string) => new Uint8Array(readFileSync(p));
const mapped = (f: Finding) => `${f.rule}|${f.severity}|${f.rounding}|${MAP[f.sheet] ?? f.sheet}|${f.cells.join(',')}`;
const key = (f: Finding) => `${f.rule}|${f.severity}|${f.rounding}|${f.sheet}|${f.cells.join(',')}`;
const template = (d: string) => loadNarrativeTemplate(JSON.parse(readFileSync(join(d, 'narrative/template.json'), 'utf8')) as unknown);

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'juesuan-set-')), 'another-2025');
  await copySet(SRC, dir, 'another-2025', MAP, ORDER);
  orig = new PacketSession(await readPacket(bytes(join(SRC, 'reference-packet.xlsx'))));
  copy = new PacketSession(await readPacket(bytes(join(dir, 'reference-packet.xlsx'))));
}, 300_000);

afterAll(() => {
  orig?.destroy();
  copy?.destroy();
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('a copied, renamed, reordered set', () => {
  it('declares its tables by role under the new names, in the new order, and reads them as tables', async () => {
    const p = copy.packet;
    expect(p.meta['模板套']).toBe('another-2025');
    expect(sheetOfRole(p, '三公表')).toBe('三公经费（决算）');
    expect(sheetOfRole(p, '支出表')).toBe('支出决算表');
    expect(p.sheets.filter((s) => s.kind === 'table').map((s) => s.name)).toEqual(ORDER.slice(1));
    expect(p.sheets.find((s) => s.kind === 'overview')?.name).toBe('部门基本情况');
    const empty = await readPacket(bytes(join(dir, 'tables.xlsx')));
    expect(empty.sheets.filter((s) => s.kind === 'table').map((s) => s.name)).toEqual(ORDER.slice(1));
  });

  it('core: the same findings as the original, sheet for sheet (0 errors, the 尾数差 as 提示)', () => {
    const a = orig.findings();
    const b = copy.findings();
    expect(b.filter((f) => f.severity === 'error')).toEqual([]);
    expect(b.length).toBe(a.length);
    expect(b.map(key).sort()).toEqual(a.map(mapped).sort());
    expect(b.some((f) => f.rounding && f.sheet === '一般公共预算财政拨款基本支出决算表' && f.rule === '06-01')).toBe(true);
  });

  it('core: a wrong figure fires the same checks on the renamed tables, and typing it back clears them', () => {
    const before = copy.findings().length;
    set(orig, '公开01表', 'C7', 3000);
    set(copy, '收入支出决算总表', 'C7', 3000);
    expect(valueAt(copy, '收入支出决算总表', 'C33')).toBe(3681.72);
    const errs = copy.findings().filter((f) => f.severity === 'error');
    expect(errs.map((f) => f.rule)).toEqual(expect.arrayContaining(['X-01', 'X-04']));
    expect(errs.map(key).sort()).toEqual(orig.findings().filter((f) => f.severity === 'error').map(mapped).sort());
    expect(errs.find((f) => f.rule === 'X-04')!.message).toBe(orig.findings().find((f) => f.rule === 'X-04')!.message);
    set(copy, '收入支出决算总表', 'C7', 3284.9);
    set(orig, '公开01表', 'C7', 3284.9);
    expect(copy.findings().length).toBe(before);
  });

  it('core: a 层级 table under a name with a space still expands its checks (类 = Σ款 on 政府性基金 支出决算表)', () => {
    const ids = (s: PacketSession) => new Set(s.findings().map((f) => f.rule));
    expect(ids(copy)).toEqual(ids(orig));
    const rules07 = copy.packet.checks.filter((c) => c.kind === '层级' && c.params.includes('政府性基金 支出决算表'));
    expect(rules07).toHaveLength(1);
  });

  it('forms: 72 forms, the same grades and sums, and ΣB ties to 项目支出合计 on the renamed 支出决算表', () => {
    const ra = formsReport(orig);
    const rb = formsReport(copy);
    expect(rb.forms).toHaveLength(72);
    expect(JSON.stringify(rb)).toBe(JSON.stringify(ra));
    // the summary is rebuilt whenever forms change; rebuilt, its tie names the sheet the figure role is on
    const p = structuredClone(copy.packet);
    rebuildSummary(p);
    const tie = p.checks.find((c) => c.id === '绩效自评汇总:执行数与项目支出合计')!;
    expect(tie.formula).toContain('项目支出合计');
    expect(tie.message).toContain('与 支出决算表 项目支出合计 {项目支出合计}');
    expect(copy.packet.names.find((n) => n.name === '项目支出合计')!.ref).toContain('支出决算表');
  });

  it('narrative: the 情况说明 generated from the copy is word for word the original, every number backed', () => {
    const da = generateNarrative(orig, template(SRC));
    const db = generateNarrative(copy, template(dir));
    expect(narrativeText(db)).toBe(narrativeText(da));
    const nums = db.parts.flatMap((p) => p.paragraphs.flatMap((x) => x.segments)).filter((s) => s.t === 'num');
    expect(nums.length).toBeGreaterThan(100);
    expect(nums.filter((s) => s.t === 'num' && !s.check.ok).map((s) => s.t === 'num' && s.check.message)).toEqual([]);
  });

  it('export: the packet document lists the tables in the copy\'s order under its names; the workbook keeps them', async () => {
    const doc = buildPacketHtml({ packet: copy.toPacket(), date: new Date(2025, 4, 20) });
    expect(doc.tables.map((t) => t.sheet)).toEqual(ORDER.slice(1));
    expect(doc.tables[6].title).toContain('三公');
    const titles = new Map(buildPacketHtml({ packet: orig.toPacket(), date: new Date(2025, 4, 20) }).tables.map((t) => [MAP[t.sheet], t.title]));
    expect(doc.tables.map((t) => t.title)).toEqual(doc.tables.map((t) => titles.get(t.sheet)));
    const wb = await readPacket(await exportWorkbook(copy.toPacket()));
    expect(wb.sheets.map((s) => s.name).slice(0, ORDER.length)).toEqual(ORDER);
  });

  it('the CLI checks the copy with 0 errors and the same number of 提示', () => {
    const a = JSON.parse(juesuan('check', join(SRC, 'reference-packet.xlsx'), '--json').stdout) as { summary: { error: number; warning: number } };
    const r = juesuan('check', join(dir, 'reference-packet.xlsx'), '--json');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout) as { summary: { error: number; warning: number } };
    expect(b.summary).toEqual(a.summary);
  }, 300_000);
});

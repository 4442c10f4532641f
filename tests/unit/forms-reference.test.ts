/** The 72 published forms in the reference packet: figures as published, scores as published, checks clean. */
import { execFileSync, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { formLayout, formsReport, FORM_TITLE, RATE_TOLERANCE, SUMMARY_SHEET, type FormsReport } from '../../shared/forms.js';
import type { Packet } from '../../shared/model.js';
import { writePacket, readPacket } from '../../shared/xlsx.js';
import { cleanMessages, get, publishedForms, readFile, REFERENCE, set } from './forms-helpers.js';

let packet: Packet;
let session: PacketSession;
let report: FormsReport;
beforeAll(async () => {
  packet = await readFile(REFERENCE);
  session = new PacketSession(structuredClone(packet));
  report = formsReport(session);
});

describe('the reference packet carries all 72 published forms', () => {
  it('one valid, unique, recognisable sheet per form, in published order', () => {
    const forms = packet.sheets.filter((s) => s.kind === 'form');
    expect(forms).toHaveLength(72);
    const names = forms.map((s) => s.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(72);
    for (const [i, s] of forms.entries()) {
      expect(s.name.length).toBeLessThanOrEqual(31);
      expect(s.name).not.toMatch(/[\\/?*[\]:]/);
      expect(s.name.startsWith(`自评${String(i + 1).padStart(2, '0')} `)).toBe(true);
      expect(String(s.cells[0][0]?.v)).toContain(FORM_TITLE);
      expect(typeof formLayout(s)).toBe('object');
    }
    expect(names[0]).toBe('自评01 2021年市级就业补助资金');
    // 、 would split the 表= parameter of the form's 指标 declaration: it becomes ·, the 项目名称 keeps it
    expect(names[6]).toBe('自评07 就业见习补贴_就业创业促进工作·社会保障体系建设·人');
    expect(report.forms[6].name).toBe('就业见习补贴_就业创业促进工作、社会保障体系建设、人社服务能力建设');
  });

  it('every number and text as published', () => {
    const pub = publishedForms();
    for (const [i, f] of report.forms.entries()) {
      const p = pub[i];
      expect(f.name).toBe(p.name);
      expect(f.A).toBe(p.funds[0].A);
      expect(f.B).toBe(p.funds[0].B);
      expect(f.rate).toBe(p.funds[0].rate);
      const s = session.sheet(f.sheet);
      const l = formLayout(s);
      if (typeof l === 'string') throw new Error(l);
      expect(l.indRows).toHaveLength(p.indicators.length);
      for (const [k, ind] of p.indicators.entries()) {
        const r = l.indRows[k];
        expect(session.getValue(f.sheet, r, l.indCols.weight)).toBe(ind.weight);
        expect(session.getValue(f.sheet, r, l.indCols.score)).toBe(ind.score);
        expect(String(session.getValue(f.sheet, r, l.indCols.target) ?? '')).toBe(ind.target);
        expect(String(session.getValue(f.sheet, r, l.indCols.actual) ?? '')).toBe(ind.actual);
        expect(String(session.getValue(f.sheet, r, l.indCols.deviation) ?? '')).toBe(ind.deviation);
      }
    }
    // repaired extraction noise: "91.6 8" style splits and LaTeX symbols are gone
    const targets = pub.flatMap((p) => p.indicators.map((x) => x.target));
    expect(targets.filter((t) => /\$|\\geq/.test(t))).toEqual([]);
    expect(targets).toContain('≥90%');
  });

  it('each form\'s 执行率得分 and 总分, computed by the stepped profile, equal the published ones', () => {
    const pub = publishedForms();
    const mismatches = report.forms
      .map((f, i) => ({ f, p: pub[i] }))
      .filter(({ f, p }) => f.rateScore !== p.funds[0].score || f.total !== p.totalScore)
      .map(({ f, p }) => `${f.sheet}: ${f.rateScore}/${f.total} vs ${p.funds[0].score}/${p.totalScore}`);
    expect(mismatches).toEqual([]);
    expect(report.counts).toEqual({ 优: 36, 良: 36, 中: 0, 差: 0 });
    expect(report.forms.map((f) => f.grade)).toEqual(pub.map((p) => (p.totalScore >= 90 ? '优' : '良')));
  });

  it('执行率 as published (truncated, once rounded to two decimals) is within the tolerance of B/A on all 72', () => {
    const diffs = report.forms.map((f) => Math.abs(f.rate! - (f.B! / f.A!) * 100));
    expect(Math.max(...diffs)).toBeLessThan(RATE_TOLERANCE);
    // 47.5 for 47.56 is a truncation, not a rounding: the tolerance must accept it
    expect(report.forms[1]).toMatchObject({ A: 66.622, B: 31.687, rate: 47.5 });
    // form 16 publishes two decimals (7.69 for 7.686)
    expect(report.forms[15].rate).toBe(7.69);
    expect(session.findings().filter((f) => f.rule.includes(':执行率:'))).toEqual([]);
  });

  it('ΣB = 3,379.27 ties to 03表 项目支出; ΣA = 4,167.51 (the narrative\'s 4,719.92 is not a table figure)', () => {
    expect(report.sumB).toBe(3379.27);
    expect(report.sumA).toBe(4167.51);
    expect(session.calculate('公开03表合计_E')).toBe(3379.27);
    expect(session.calculate('ROUND(自评全年执行数合计,2)')).toBe(3379.27);
    expect(session.calculate('自评项目数')).toBe(72);
    // the grade counts are named by position, highest first (自评评分规则 declares 优/良/中/差 here)
    expect(session.calculate('自评等级1数')).toBe(36);
    expect(session.calculate('自评等级2数')).toBe(36);
    expect(session.calculate('自评等级3数')).toBe(0);
    expect(session.calculate('自评等级4数')).toBe(0);
    expect(session.findings().filter((f) => f.sheet === SUMMARY_SHEET)).toEqual([]);
  });

  it('no errors; the only new warnings are the six targets stated with > or = that the actual value does not meet, yet scored in full', () => {
    const findings = session.findings();
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(cleanMessages(findings)).toEqual([]);
    const formWarnings = findings.filter((f) => f.sheet.startsWith('自评')).map((f) => `${f.sheet.slice(0, 4)} ${f.cells.join()}`);
    expect(formWarnings.sort()).toEqual(['自评23 H22', '自评41 H16', '自评45 H22', '自评49 H19', '自评51 H13', '自评59 H20']);
    const other = findings.filter((f) => !f.sheet.startsWith('自评'));
    expect(other).toHaveLength(20);
    const f23 = findings.find((f) => f.sheet.startsWith('自评23'))!;
    expect(f23.message).toBe('第22行「服务对象满意度」实际完成值 90 未达到年度指标值「>90%」，得分 10（分值 10）：未达标却得满分，请核实得分或指标值。');
  });

  it('the summary sheet lists every form by formulas, with the counts and totals', () => {
    const s = session.sheet(SUMMARY_SHEET);
    expect(s.kind).toBe('summary');
    expect(get(session, SUMMARY_SHEET, 'B4')).toBe('2021年市级就业补助资金');
    expect(session.getFormula(SUMMARY_SHEET, 3, 7)).toBe("=N('自评01 2021年市级就业补助资金'!H23)");
    expect(get(session, SUMMARY_SHEET, 'H4')).toBe(81);
    expect(get(session, SUMMARY_SHEET, 'I75')).toBe('优');
    expect(get(session, SUMMARY_SHEET, 'B76')).toBe('合计');
    expect(get(session, SUMMARY_SHEET, 'E76')).toBeCloseTo(3379.269, 6);
  });
});

describe('ΣB against 公开03表 项目支出合计', () => {
  it('a real difference is a warning quoting it; a few cents across 72 forms is a 尾数差; 0.004 after rounding is nothing', () => {
    const s = new PacketSession(structuredClone(packet));
    const sheet = s.packet.sheets.find((x) => x.kind === 'form' && x.name.startsWith('自评03'))!.name;
    const rule = '绩效自评汇总:执行数与项目支出合计';
    set(s, sheet, 'E6', 0.761);
    expect(s.findings().find((f) => f.rule === rule)).toBeUndefined();
    set(s, sheet, 'E6', 0.767);
    expect(s.findings().find((f) => f.rule === rule)).toMatchObject({ severity: 'warning', rounding: true, sheet: SUMMARY_SHEET, cells: ['E76'] });
    set(s, sheet, 'E6', 1.757);
    const f = s.findings().find((x) => x.rule === rule)!;
    expect(f).toMatchObject({ severity: 'warning', rounding: false });
    expect(f.message).toBe('各项目自评表全年执行数合计 3,380.27 与 公开03表 项目支出合计 3,379.27 不等，差额 1.00：请核对是否每个项目都有自评表，执行数是否与账务一致。');
  });
});

describe('the CLI', () => {
  it('forms --json gives exactly the documented shape: 72 forms, 优 36, 良 36, sumB 3379.27', () => {
    const out = execFileSync('bin/juesuan', ['forms', REFERENCE, '--json'], { encoding: 'utf8' });
    const json = JSON.parse(out) as FormsReport;
    expect(Object.keys(json)).toEqual(['forms', 'counts', 'sumA', 'sumB']);
    expect(json.forms).toHaveLength(72);
    expect(Object.keys(json.forms[0])).toEqual(['sheet', 'name', 'A', 'B', 'rate', 'rateScore', 'total', 'grade', 'findings']);
    expect(json.forms[0]).toEqual({ sheet: '自评01 2021年市级就业补助资金', name: '2021年市级就业补助资金', A: 45.316, B: 0, rate: 0, rateScore: 0, total: 81, grade: '良', findings: 0 });
    expect(json.forms[22].findings).toBe(1);
    expect(json.counts).toEqual({ 优: 36, 良: 36, 中: 0, 差: 0 });
    expect(json.sumB).toBe(3379.27);
  });

  it('check includes the form findings and still exits 0 on the reference packet', () => {
    const r = spawnSync('bin/juesuan', ['check', REFERENCE, '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { findings: { sheet: string; severity: string }[]; summary: { error: number; warning: number } };
    expect(json.summary).toEqual({ error: 0, warning: 26 });
    expect(json.findings.filter((f) => f.sheet.startsWith('自评'))).toHaveLength(6);
  });

  it('forms on a packet with a scoring error exits 1 and says where', async () => {
    const s = new PacketSession(structuredClone(packet));
    set(s, '自评02 2023年中央就业补助资金（第二批）', 'H18', 18);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/forms-cli-');
    writeFileSync(`${dir}/p.xlsx`, await writePacket(s.toPacket()));
    const r = spawnSync('bin/juesuan', ['forms', `${dir}/p.xlsx`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/自评02 2023年中央就业补助资金（第二批）.*总分 80\.00 {2}良 {2}1 个问题/);
    const c = spawnSync('bin/juesuan', ['check', `${dir}/p.xlsx`], { encoding: 'utf8' });
    expect(c.status).toBe(1);
    expect(c.stdout).toContain('[错误] 自评02 2023年中央就业补助资金（第二批） I18  第18行「时效指标」得分 18 低于分值 20，未填写偏差原因分析及改进措施：扣分须说明原因。');
  });
});

describe('the CLI on other inputs', () => {
  it('a packet without forms: an empty list, exit 0; no file or no argument: exit 2 with a Chinese message', () => {
    const empty = spawnSync('bin/juesuan', ['forms', 'templates/jiangxi-2024/tables.xlsx', '--json'], { encoding: 'utf8' });
    expect(empty.status).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ forms: [], counts: { 优: 0, 良: 0, 中: 0, 差: 0 }, sumA: 0, sumB: 0 });
    const missing = spawnSync('bin/juesuan', ['forms', '/tmp/no-such-packet.xlsx'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('找不到文件');
    const usage = spawnSync('bin/juesuan', ['forms'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('forms 需要一个公开包文件');
  });
});

describe('the form template of the template set', () => {
  it('form.xlsx is an empty form with the profiles and its checks, readable as a packet', async () => {
    const p = await readFile('templates/jiangxi-2024/form.xlsx');
    expect(p.sheets.map((s) => [s.name, s.kind, s.hidden])).toEqual([['自评表', 'form', false], ['自评评分规则', 'other', true]]);
    expect(p.meta).toMatchObject({ 模板套: 'jiangxi-2024', 评分规则: 'stepped' });
    const s = new PacketSession(p);
    expect(s.findings().map((f) => f.rule).sort()).toEqual(['自评表:指标:分值合计', '自评表:项目名称']);
    expect(s.isInput('自评表', 5, 3)).toBe(true);
    // 执行率得分: a 运算 cell holding 0 (no A yet), following the scoring rule's formula
    expect(s.isInput('自评表', 5, 7)).toBe(true);
    expect(s.getValue('自评表', 5, 7)).toBe(0);
    expect(s.derivedCells('自评表').find((d) => d.row === 5 && d.col === 7)).toMatchObject({ agree: 'exact', upstream: ['自评评分规则'] });
    expect(s.derivedCells('自评表').find((d) => d.row === 5 && d.col === 7)?.formula).toMatch(/^IFERROR\(/);
    const again = await readPacket(await writePacket(s.toPacket()));
    expect(again.checks).toEqual(p.checks);
  });
});

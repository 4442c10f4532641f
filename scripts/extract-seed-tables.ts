/**
 * One-off provenance script: reads the ten published tables out of the seed text
 * (../shared/seed/000_6294bee6d52a2bcd.txt) into templates/jiangxi-2024/source/reference-tables.json.
 * Amounts keep the published distinction between 0.00 (a zero) and an empty cell (null).
 * Rows whose shape the PDF extraction broke (04表 totals, 07表 合计 lines) are stated in build-templates.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const seedPath = process.argv[2] ?? '../shared/seed/000_6294bee6d52a2bcd.txt';
const outPath = process.argv[3] ?? 'templates/jiangxi-2024/source/reference-tables.json';
const lines = readFileSync(seedPath, 'utf8').split('\n');

function amount(s: string | undefined): number | null {
  const t = (s ?? '').trim();
  if (!t || t === '---') return null;
  return Number(t.replace(/,/g, ''));
}

function section(label: string, endMark: RegExp): string[] {
  const start = lines.findIndex((l) => l.trim() === label);
  if (start < 0) throw new Error(`section ${label} not found`);
  const out: string[] = [];
  for (let i = start + 1; i < lines.length && !endMark.test(lines[i]); i++) out.push(lines[i]);
  return out;
}

/** 科目 tables: code rows (3/5/7 digits) plus the 合计 row. */
function codeTable(label: string, width: number) {
  const rows: { code: string; name: string; values: (number | null)[] }[] = [];
  let total: (number | null)[] | null = null;
  for (const l of section(label, /^注：/)) {
    const cells = l.split('\t');
    const code = cells[0].trim();
    if (/^\d{3}(\d{2}){0,2}$/.test(code)) {
      // amounts are the last `width` cells; the name is the first non-empty cell after the code
      const name = cells.slice(1, cells.length - width).map((c) => c.trim()).find(Boolean) ?? '';
      const vals = cells.slice(cells.length - width);
      rows.push({ code, name, values: vals.map(amount) });
    } else if (cells.some((c) => c.trim() === '合计')) {
      total = cells.slice(cells.length - width).map(amount);
    }
  }
  return { total, rows };
}

/** 06表: three side-by-side panels of (code, name, amount). */
function table06() {
  const panels: { code: string; name: string; value: number | null }[][] = [[], [], []];
  let personnelTotal: number | null = null;
  let publicTotal: number | null = null;
  for (const l of section('公开 06 表', /^注：/)) {
    const clean = l.replace(/<\/?b>/g, '');
    if (clean.startsWith('人员经费合计')) {
      const nums = clean.split('\t').map((c) => c.trim()).filter((c) => /^[\d,.]+$/.test(c));
      personnelTotal = amount(nums[0]);
      publicTotal = amount(nums[1]);
      continue;
    }
    const cells = clean.split('\t');
    if (cells.length < 9 || !/^\d{3,5}$/.test((cells[0] || cells[3] || cells[6]).trim())) continue;
    for (let p = 0; p < 3; p++) {
      const code = cells[p * 3].trim();
      if (code) panels[p].push({ code, name: cells[p * 3 + 1].trim(), value: amount(cells[p * 3 + 2]) });
    }
  }
  return { panels, personnelTotal, publicTotal };
}

/** Tables keyed by 行次: returns row number → amounts after the 行次 cell. */
function byLineNumber(label: string, end: RegExp, width: number) {
  const out: Record<string, (number | string | null)[]> = {};
  for (const l of section(label, end)) {
    const cells = l.split('\t');
    const k = cells.findIndex((c, i) => i > 0 && /^\d+$/.test(c.trim()));
    if (k < 0) continue;
    out[cells[k].trim()] = Array.from({ length: width }, (_x, i) => {
      const t = (cells[k + 1 + i] ?? '').trim();
      return t === '---' ? '---' : amount(t);
    });
  }
  return out;
}

const data = {
  source: 'shared/seed/000_6294bee6d52a2bcd.txt',
  t02: codeTable('公开 02 表', 7),
  t03: codeTable('公开 03 表', 6),
  t05: codeTable('公开 05 表', 3),
  t06: table06(),
  t09: byLineNumber('公开 09 表', /^注：/, 3),
  t10: byLineNumber('# 国有资产占用情况表', /^注：/, 1),
};
writeFileSync(outPath, JSON.stringify(data, null, 1) + '\n');
console.log(`02: ${data.t02.rows.length} rows, 03: ${data.t03.rows.length}, 05: ${data.t05.rows.length}, 06 panels: ${data.t06.panels.map((p) => p.length).join('/')}`);

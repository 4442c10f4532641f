/** Forms in a live PacketSession: the per-form report and the scoring profile in force. */
import type { PacketSession } from '../engine.js';
import { formLayout, keyCells } from './layout.js';
import { PROFILE_CHOICE_CELL, PROFILE_SHEET, readGrades } from './profiles.js';
import { SUMMARY_SHEET } from './summary.js';

export interface FormReport {
  sheet: string;
  name: string;
  A: number | null;
  B: number | null;
  /** 执行率 as entered (published), in % */
  rate: number | null;
  rateScore: number | null;
  total: number | null;
  grade: string;
  /** findings located on this form's sheet */
  findings: number;
}

export interface FormsReport {
  forms: FormReport[];
  /** forms per grade, by the grade names the packet declares on 自评评分规则, highest grade first */
  counts: Record<string, number>;
  sumA: number;
  sumB: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** One line per form, read from the live engine, with the number of findings on each form. */
export function formsReport(session: PacketSession): FormsReport {
  const findings = session.findings();
  const bySheet = new Map<string, number>();
  for (const f of findings) bySheet.set(f.sheet, (bySheet.get(f.sheet) ?? 0) + 1);
  const counts: Record<string, number> = {};
  for (const g of [...readGrades(session.packet).grades].reverse()) counts[g.name] = 0;
  const forms: FormReport[] = [];
  let sumA = 0;
  let sumB = 0;
  for (const s of session.packet.sheets) {
    if (s.kind !== 'form') continue;
    const l = formLayout(s);
    const line: FormReport = { sheet: s.name, name: '', A: null, B: null, rate: null, rateScore: null, total: null, grade: '', findings: bySheet.get(s.name) ?? 0 };
    if (typeof l !== 'string') {
      const k = keyCells(l);
      const get = (c: { row: number; col: number }) => session.getValue(s.name, c.row, c.col);
      const num = (c: { row: number; col: number }) => {
        const v = get(c);
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      };
      const name = get(k.name);
      line.name = name === null ? '' : String(name);
      line.A = num(k.A);
      line.B = num(k.B);
      line.rate = num(k.rate);
      line.rateScore = num(k.rateScore);
      line.total = num(k.total);
      line.grade = k.grade ? String(get(k.grade) ?? '') : '';
    }
    if (line.grade in counts) counts[line.grade]++;
    sumA += line.A ?? 0;
    sumB += line.B ?? 0;
    forms.push(line);
  }
  return { forms, counts, sumA: round2(sumA), sumB: round2(sumB) };
}

/** The packet's scoring profile code as the formulas see it. */
export function scoringProfile(session: PacketSession): string {
  const v = session.getValue(PROFILE_SHEET, PROFILE_CHOICE_CELL.row, PROFILE_CHOICE_CELL.col);
  return v === null ? '' : String(v);
}

export { SUMMARY_SHEET };

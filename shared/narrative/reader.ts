/**
 * The wording-independent reader: a 情况说明 as people write it, not as our templates do.
 *
 * The text is split into paragraphs (a line without 。 that looks like a heading stays a heading) and
 * sentences; every quantity is found (an amount in 万元/元/亿元, a percentage, a count, a year) with the words
 * between it and the quantity before it. Those words name what it is said of (a 科目 with its （类）（款）（项）,
 * a table item, a qualifier such as 年初预算 / 上年 / 决算) and the relation (a value, 比上年 a change, 占 a
 * share, 完成年初预算的 a completion). Names are resolved through the SubjectCatalog; the figure is judged
 * with the same interval arithmetic as the template path. What cannot be read is said so, with its sentence.
 */
import { money, nameKey, SubjectCatalog, type Figure, type Level, type NameHit } from './catalog.js';
import type { NarrativeContext } from './facts.js';
import { verifySlot, type DirectionWords } from './interval.js';
import { parseStated } from './numbers.js';
import { escapeRe, normalizeText, NUM } from './text.js';
import type { NumberCheck, ReaderDef, SlotSpec } from './types.js';
import { isSubjectCode } from '../subject-code.js';

/** A finding about the text rather than one number: shares that do not add up, one figure given twice … */
export interface TextFinding {
  kind: 'shares' | 'duplicate' | 'unitName' | 'subject';
  text: string;
  sentence: string;
  message: string;
}

export interface ReadCheck extends NumberCheck {
  /** position in the normalized whole text */
  start: number;
  end: number;
}

export interface ReaderResult {
  checks: ReadCheck[];
  findings: TextFinding[];
  /** positions of digits that are not figures: list markers (1.), dates, document numbers, 科目 codes */
  skipped: [number, number][];
}

const MONEY_UNITS = new Set(['万元', '元', '亿元']);
const COUNT_UNITS = new Set(['个', '人次', '批次', '批', '人', '辆', '次', '项', '家', '台', '套']);
const QTY = new RegExp(`(${NUM})(万元|亿元|元|%|个|人次|批次|批|人|辆|次|项|家|台|套|年度|年|月|日|号|分)?`, 'g');
const HEADING_MARK = /^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.、．](?!\d))/;
const AMOUNT = /\d(?:\.\d+)?(万元|元|%)/;
/** how far back in its paragraph the words that select a table (一般公共预算 …) are looked for */
const CONTEXT_CHARS = 300;
const FILLER = /^(其中|主要是|主要为|主要用于|用于|包括|分别是|分别为|为|是|的|及|和|、|：|，)+/;

interface Para {
  text: string;
  heading: boolean;
  /** offset of the paragraph in the normalized whole text */
  at: number;
}

function isHeading(l: string): boolean {
  if (/[。；]/.test(l) || l.length > 40 || AMOUNT.test(l)) return false;
  return HEADING_MARK.test(l) || !/[，：]/.test(l);
}

/** Lines → paragraphs: a line that does not end a sentence runs on into the next (PDF and Word line breaks). */
export function paragraphs(raw: string): Para[] {
  const out: Para[] = [];
  let at = 0;
  let cur = '';
  let curAt = 0;
  const flush = () => {
    if (cur) out.push({ text: cur, heading: false, at: curAt });
    cur = '';
  };
  for (const line of raw.split(/\r?\n/)) {
    const l = normalizeText(line);
    if (!l) continue;
    if (!cur && isHeading(l)) {
      out.push({ text: l, heading: true, at });
    } else {
      if (!cur) curAt = at;
      cur += l;
      if (/[。！？：]$/.test(l)) flush();
    }
    at += l.length;
  }
  flush();
  return out;
}

function sentences(p: Para): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let at = p.at;
  for (const s of p.text.split(/(?<=[。！？])/)) {
    if (s) out.push({ text: s, at });
    at += s.length;
  }
  return out;
}

type Relation = 'value' | 'budget' | 'fullBudget' | 'prior' | 'diff' | 'growth' | 'share' | 'completion' | 'count' | 'score';

interface Quantity {
  text: string;
  unit: string;
  start: number;
  end: number;
}

interface Said {
  figure: Figure;
  rel: Relation;
  value: number;
  text: string;
  sentence: string;
}

/** What the words between two quantities say: names, qualifiers, cues, a direction word. */
interface Gap {
  text: string;
  names: NameHit[];
}

export class NarrativeReader {
  readonly catalog: SubjectCatalog;
  private readonly w: ReaderDef['words'];
  private readonly dirs: DirectionWords;
  private readonly dirRe: RegExp;

  constructor(ctx: NarrativeContext, def: ReaderDef) {
    this.catalog = new SubjectCatalog(ctx, def);
    this.w = def.words;
    this.dirs = ctx.template.directionWords;
    const all = [...this.dirs.up, ...this.dirs.down, ...this.dirs.same].sort((a, b) => b.length - a.length);
    this.dirRe = new RegExp(all.join('|'), 'g');
    const w = this.w;
    this.cueWords = [...w.change, ...w.completion, ...w.budget, ...w.fullBudget, ...w.prior, ...w.actual, ...w.rate, ...w.composition, ...w.share, ...all]
      .map(normalizeText)
      .sort((a, b) => b.length - a.length);
    this.changeRe = new RegExp(w.change.map(normalizeText).map(escapeRe).join('|'), 'g');
  }

  private readonly cueWords: string[];
  private readonly changeRe: RegExp;

  private has(text: string, words: string[]): boolean {
    return words.some((x) => text.includes(normalizeText(x)));
  }

  private lastIndex(text: string, words: string[]): number {
    return Math.max(-1, ...words.map((x) => text.lastIndexOf(normalizeText(x))));
  }

  /** The figures a name stands for, the ones this relation can use, preferring those whose context words are here. */
  private candidates(key: string, level: Level | undefined, kind: 'money' | 'int' | 'score', rel: Relation, context: string, unit = ''): Figure[] {
    let list = this.catalog.lookup(key).filter((f) => f.type === kind && (!f.units || f.units.includes(unit)));
    if (level) list = list.filter((f) => f.level === level);
    const need = (f: Figure): boolean =>
      rel === 'prior' || rel === 'diff' || rel === 'growth' ? f.prior !== undefined : rel === 'budget' || rel === 'completion' ? f.budget !== undefined : rel === 'fullBudget' ? f.fullBudget !== undefined : true;
    const able = list.filter(need);
    if (able.length) list = able;
    const score = (f: Figure) => Math.max(0, ...f.context.filter((c) => context.includes(c)).map((c) => c.length));
    const best = Math.max(0, ...list.map(score));
    if (best > 0) return list.filter((f) => score(f) === best);
    const plain = list.filter((f) => !f.context.length);
    return plain.length ? plain : list;
  }

  /** Read the whole text. `covered` tells which positions the template path already judged. */
  read(raw: string, covered: (start: number, end: number) => boolean): ReaderResult {
    const checks: ReadCheck[] = [];
    const findings: TextFinding[] = [];
    const said = new Map<string, Said>();
    const skipped: [number, number][] = [];
    let heading = '';
    for (const p of paragraphs(raw)) {
      if (p.heading) heading = p.text;
      const shares: { den: Figure; stated: number; decimals: number; subject: Figure; text: string; sentence: string }[] = [];
      let subject: { key: string; level?: Level } | null = null;
      for (const s of sentences(p)) {
        const named = this.catalog.names(s.text);
        this.unknownSubjects(s.text, named, findings);
        let prevEnd = 0;
        let prevRel: Relation | null = null;
        let changeSeen = false;
        // a name with digits in it (单价100万元以上设备) is a name, not a figure
        const masked = named.filter((n) => /\d/.test(s.text.slice(n.start, n.end)));
        let nameAt = 0;
        for (const m of s.text.matchAll(QTY)) {
          const q: Quantity = { text: m[1], unit: m[2] ?? '', start: m.index!, end: m.index! + m[0].length };
          const gapText = s.text.slice(prevEnd, q.start);
          const abs = s.at + q.start;
          if (this.skip(s.text, q) || masked.some((n) => n.start <= q.start && q.start < n.end)) {
            skipped.push([abs, abs + q.text.length]);
            continue;
          }
          const from = prevEnd;
          prevEnd = q.end;
          // names are in text order: move past those before the gap once, not at every figure
          while (nameAt < named.length && named[nameAt].start < from) nameAt++;
          const inGap: NameHit[] = [];
          for (let k = nameAt; k < named.length && named[k].start < q.start; k++) {
            if (named[k].end <= q.start) inGap.push({ ...named[k], start: named[k].start - from, end: named[k].end - from });
          }
          const gap: Gap = { text: gapText, names: inGap };
          // the heading and the words just before (bounded, so a paragraph of thousands of figures stays linear)
          const upto = s.at - p.at + q.start;
          const context = `${heading}${p.text.slice(Math.max(0, upto - CONTEXT_CHARS), upto)}`;
          if (this.has(gapText.slice(gapText.lastIndexOf('；') + 1), this.w.change)) changeSeen = true;
          const r = this.judge(q, gap, s.text, context, subject, prevRel, changeSeen);
          if (r.subject) subject = r.subject;
          if (r.change) changeSeen = true;
          prevRel = r.rel ?? prevRel;
          if (covered(abs, abs + q.text.length)) continue;
          for (const c of r.checks) checks.push({ ...c, start: c.kind === 'dir' ? s.at + c.start : abs, end: c.kind === 'dir' ? s.at + c.end : abs + q.text.length });
          if (r.said) {
            const k = `${r.said.figure.id}|${r.said.rel}`;
            const before = said.get(k);
            if (before && Math.abs(before.value - r.said.value) > 1e-9 && before.text !== r.said.text)
              findings.push({
                kind: 'duplicate',
                text: r.said.text,
                sentence: s.text,
                message: `同一指标「${r.said.figure.name}${relName(r.said.rel)}」前文为 ${before.text}（「${before.sentence}」），此处为 ${r.said.text}，两处不一致`,
              });
            else if (!before) said.set(k, { ...r.said, sentence: s.text });
          }
          if (r.share) shares.push({ ...r.share, sentence: s.text });
        }
      }
      this.shareSums(shares, p.text, findings);
    }
    this.unitName(raw, findings);
    return { checks, findings, skipped };
  }

  /** How many characters of a gap are neither cue, qualifier, direction word nor punctuation. */
  private residue(gap: string): number {
    let rest = gap;
    for (const x of this.cueWords) rest = rest.split(x).join('');
    return rest.replace(/[^\u4e00-\u9fff]/g, '').replace(/[为是的共计各均其中和及]/g, '').length;
  }

  /** List markers (1. （1）), dates, document numbers and 科目 codes are not figures. */
  private skip(s: string, q: Quantity): boolean {
    if (q.unit === '月' || q.unit === '日' || q.unit === '号') return true;
    const before = s[q.start - 1] ?? '';
    const after = s[q.end] ?? '';
    if (!q.unit && /^[.、．]$/.test(after) && !/\d/.test(s[q.end + 1] ?? '') && (q.start === 0 || /[（，。；：]/.test(before))) return true;
    if (!q.unit && before === '（' && after === '）') return true;
    if (!q.unit && isSubjectCode(q.text) && /[\u4e00-\u9fff]/.test(after)) return true;
    if (before === '第' || /[A-Za-z]/.test(before)) return true;
    return false;
  }

  private judge(
    q: Quantity,
    gap: Gap,
    sentence: string,
    context: string,
    current: { key: string; level?: Level } | null,
    prevRel: Relation | null,
    changeSeen: boolean,
  ): { checks: (NumberCheck & { start: number; end: number })[]; change?: boolean; subject?: { key: string; level?: Level }; rel?: Relation; said?: Omit<Said, 'sentence'>; share?: { den: Figure; stated: number; decimals: number; subject: Figure; text: string } } {
    const out = (c: Partial<NumberCheck> & { ok: boolean; kind: NumberCheck['kind']; message: string }) => ({
      text: q.text,
      sentence,
      expected: '',
      via: 'reader' as const,
      start: 0,
      end: 0,
      ...c,
    });
    const untied = (why: string, subject?: { key: string; level?: Level }) => ({
      checks: [out({ ok: false, kind: 'untied', message: `未能读懂这个数字：${why}` })],
      ...(subject ? { subject } : {}),
    });
    const stated = parseStated(q.text);
    if (!stated) return untied('不是数字');

    // years: 2024年度 is the packet's year; 比2023年 may be last year's
    if (q.unit === '年度' || (q.unit === '年' && /^(19|20)\d\d$/.test(q.text))) {
      const y = this.catalog.year;
      if (y === null) return untied('公开包没有决算年度');
      const prior = /(比|较|上|与)$/.test(gap.text) || this.has(gap.text, this.w.change);
      const ok = stated.value === y || (prior && stated.value === y - 1);
      // 比2023年 is a change against last year, like 比上年
      if (ok) return { checks: [out({ ok, kind: 'year', expected: String(y), message: stated.value === y ? `与决算年度 ${y} 相符` : `上年（${y - 1}）` })], change: stated.value === y - 1 };
      if (q.unit === '年度' || /^(部门决算|决算|年度)/.test(sentence.slice(q.end))) {
        return { checks: [out({ ok: false, kind: 'year', expected: String(y), message: `「${q.text}${q.unit}」与公开包的决算年度 ${y} 不符（像是沿用了往年的文字）` })] };
      }
      return untied(`「${q.text}年」不是决算年度 ${y}，看不出它说的是哪一年的数据`);
    }

    // what it is said of: a name in the words before it (before 占 for a share), else the sentence's subject
    const shareAt = this.lastIndex(gap.text, this.w.share);
    const isPct = q.unit === '%';
    const namesBefore = isPct && shareAt >= 0 ? gap.names.filter((n) => n.end <= shareAt) : gap.names;
    const denNames = isPct && shareAt >= 0 ? gap.names.filter((n) => n.start > shareAt) : [];
    // the sentence's subject carries over only when the words before this figure say nothing else: a phrase the
    // catalog does not know (对个人和家庭补助支出 without its variant) is not the previous subject
    const carry = !namesBefore.length && this.residue(shareAt >= 0 ? gap.text.slice(0, shareAt) : gap.text) <= 4;
    let subj = namesBefore.length ? { key: namesBefore[namesBefore.length - 1].key, ...(namesBefore[namesBefore.length - 1].level ? { level: namesBefore[namesBefore.length - 1].level } : {}) } : carry ? current : null;
    const isCount = COUNT_UNITS.has(q.unit);
    if (isCount) {
      // 72个项目 / 0辆公务用车: the name after the count
      const after = this.catalog.names(sentence.slice(q.end, q.end + 12)).find((n) => n.start <= 1);
      if (after) subj = { key: after.key };
    }
    const kind = isCount ? 'int' : q.unit === '分' ? 'score' : 'money';

    let rel: Relation;
    // cues and qualifiers count only after the name they qualify and within the clause (a 与上年持平 of the
    // clause before says nothing of this figure)
    const lastName = namesBefore.length ? namesBefore[namesBefore.length - 1].end : 0;
    const tail = gap.text.slice(Math.max(lastName, gap.text.lastIndexOf('；') + 1));
    const dirHits = [...tail.matchAll(this.dirRe)];
    const dirWord = dirHits.length ? dirHits[dirHits.length - 1] : null;
    const qual = (words: string[]) => this.lastIndex(tail, words);
    if (isPct) {
      if (shareAt >= 0) rel = 'share';
      else if (this.has(tail, this.w.completion)) rel = 'completion';
      else if ((dirWord || this.has(tail, this.w.rate)) && (changeSeen || prevRel === 'diff')) rel = 'growth';
      else if (this.has(tail, this.w.change)) rel = 'growth';
      else return untied('百分比前没有「占」「完成」「比上年」之类的字样，看不出是什么比率', subj ?? undefined);
    } else if (MONEY_UNITS.has(q.unit)) {
      const b = qual(this.w.budget);
      const fb = qual(this.w.fullBudget);
      const pr = this.lastIndex(tail.replace(this.changeRe, (x) => '＊'.repeat(x.length)), this.w.prior);
      const ac = qual(this.w.actual);
      if (this.has(tail, this.w.change) || (dirWord && changeSeen && ac < 0 && b < 0 && fb < 0)) rel = 'diff';
      else {
        const best = Math.max(b, fb, pr, ac);
        rel = best < 0 || best === ac ? 'value' : best === fb ? 'fullBudget' : best === b ? 'budget' : 'prior';
        // 全年预算数 contains 预算数 words of 年初预算 in no way; a tie between 年初预算 and 全年预算 cannot occur
      }
    } else if (isCount) rel = 'count';
    else if (q.unit === '分') rel = 'score';
    else return untied('没有单位（万元、%、个……），看不出它是什么数', subj ?? undefined);

    if (!subj) return untied('句中没有能在表中找到的科目或项目名称');
    const cands = this.candidates(subj.key, subj.level, kind, rel, context, q.unit);
    if (!cands.length) {
      const known = this.catalog.lookup(subj.key);
      return untied(known.length ? `表中没有「${known[0].name}」的${relName(rel)}` : `表中没有「${subj.key}」`, subj);
    }
    const base = { subject: subj, rel };
    const name = cands[0].name;

    if (rel === 'share' || rel === 'completion') {
      type Try = { f: Figure; den?: Figure; c: { ok: boolean; expected: string; message: string } | null; why?: string };
      const tries = cands.map((f): Try => {
        if (rel === 'completion') {
          const full = this.has(tail, this.w.fullBudget);
          const b = full ? f.fullBudget : f.budget;
          if (b === undefined) return { f, c: null, why: `表中没有「${f.name}」的${full ? '全年预算数' : '年初预算数'}` };
          if (b === null) return { f, c: null, why: `「${f.name}」的预算数缺失` };
          if (Math.abs(b) < 0.005 && f.value !== null) {
            return { f, c: { ok: false, expected: '', message: `「${f.name}」${full ? '全年' : '年初'}预算数为 0，不应写「完成${full ? '全年' : '年初'}预算的${q.text}%」（决算数 ${money(f.value)}）` } };
          }
          const slot: SlotSpec = { kind: 'ratio', fmt: 'pct', label: f.name, num: f.value, den: b, numLabel: `${f.label}`, denLabel: full ? '全年预算数' : '年初预算数' };
          return { f, c: verifySlot(slot, q.text) };
        }
        const dn = denNames.length ? this.candidates(denNames[denNames.length - 1].key, denNames[denNames.length - 1].level, 'money', 'value', context)[0] : undefined;
        const den = dn ?? (f.of ? this.candidates(nameKey(f.of), undefined, 'money', 'value', context)[0] : f.total);
        if (!den) return { f, c: null, why: `看不出「${f.name}」占的是哪个总数` };
        const n = f.shareNum ?? { value: f.value, label: f.label };
        const slot: SlotSpec = { kind: 'ratio', fmt: 'pct', label: f.name, num: n.value, den: den.value, numLabel: n.label, denLabel: den.label };
        return { f, den, c: verifySlot(slot, q.text) };
      });
      const good = tries.find((t) => t.c?.ok);
      const first = good ?? tries.find((t) => t.c) ?? tries[0];
      if (!first.c) return { ...untied(first.why ?? '', subj), ...base };
      const check = out({ ok: first.c.ok, kind: 'ratio', expected: first.c.expected, message: first.c.message, subject: first.f.name });
      return {
        checks: [check],
        ...base,
        said: { figure: first.f, rel, value: stated.value, text: `${q.text}%` },
        ...(rel === 'share' && first.den ? { share: { den: first.den, stated: stated.value, decimals: stated.decimals, subject: first.f, text: `${q.text}%` } } : {}),
      };
    }

    if (rel === 'diff' || rel === 'growth') {
      const checks: (NumberCheck & { start: number; end: number })[] = [];
      let judged: { f: Figure; c: ReturnType<typeof verifySlot> } | null = null;
      for (const f of cands) {
        const baseSlot = { label: f.name, cur: f.value, prior: f.prior ?? null, curLabel: f.label, priorLabel: `上年${f.name}` };
        if (rel === 'growth' && f.prior !== null && f.prior !== undefined && Math.abs(f.prior) < 0.005) {
          judged ??= { f, c: { ok: false, expected: '', message: `「${f.name}」上年数为 0，不能写「${dirWord?.[0] ?? '增长'}${q.text}%」：从 0 起算没有增长率（本年 ${money(f.value)}）` } };
          continue;
        }
        const c = q.unit === '元' || q.unit === '亿元' ? this.convertedDiff(f, q) : verifySlot({ kind: rel, ...baseSlot } as SlotSpec, q.text);
        if (!judged || (c.ok && !judged.c.ok)) judged = { f, c };
        if (c.ok) break;
      }
      const j = judged!;
      checks.push(out({ ok: j.c.ok, kind: rel, expected: j.c.expected, message: j.c.message, subject: j.f.name }));
      if (dirWord) {
        const d = verifySlot({ kind: 'dir', label: j.f.name, cur: j.f.value, prior: j.f.prior ?? null }, dirWord[0], this.dirs);
        const at = sentence.lastIndexOf(dirWord[0], q.start);
        checks.unshift({ ...out({ ok: d.ok, kind: 'dir', expected: d.expected, message: d.message, subject: j.f.name }), text: dirWord[0], start: at, end: at + dirWord[0].length });
      }
      return { checks, ...base, said: { figure: j.f, rel, value: stated.value, text: q.text + q.unit } };
    }

    // a value: the figure, its budget, or last year's
    const pick = (f: Figure): number | null | undefined => (rel === 'budget' ? f.budget : rel === 'fullBudget' ? f.fullBudget : rel === 'prior' ? f.prior : f.value);
    const what = (f: Figure) => (rel === 'budget' ? `${f.label}的年初预算数` : rel === 'fullBudget' ? `${f.label}的全年预算数` : rel === 'prior' ? `${f.label}的上年数` : f.label);
    let judged: { f: Figure; c: { ok: boolean; expected: string; message: string } } | null = null;
    for (const f of cands) {
      const v = pick(f);
      if (v === null || v === undefined) continue;
      const c = this.judgeValue(v, what(f), q, kind);
      if (!judged || (c.ok && !judged.c.ok)) judged = { f, c };
      if (c.ok) break;
    }
    if (!judged) return { ...untied(`表中「${name}」的${relName(rel)}缺失`, subj), ...base };
    let message = judged.c.message;
    if (!judged.c.ok && MONEY_UNITS.has(q.unit)) {
      const same = this.catalog.sameValue(q.text, cands);
      if (same.length) message += `；它与${same.slice(0, 3).join('、')}相同，像是取自别处`;
    }
    return {
      checks: [out({ ok: judged.c.ok, kind: 'value', expected: judged.c.expected, message, subject: judged.f.name })],
      ...base,
      said: { figure: judged.f, rel, value: this.inTableUnit(stated.value, q.unit), text: q.text + q.unit },
    };
  }

  private inTableUnit(v: number, unit: string): number {
    return unit === '元' ? v / 10000 : unit === '亿元' ? v * 10000 : v;
  }

  /** A stated figure against a table figure, in the tables' unit (万元); 元 and 亿元 are converted first. */
  private judgeValue(v: number, label: string, q: Quantity, kind: 'money' | 'int' | 'score'): { ok: boolean; expected: string; message: string } {
    if (kind !== 'money') {
      const c = verifySlot({ kind: 'value', fmt: kind === 'int' ? 'int' : 'trim', label, formula: '', value: v }, q.text);
      return { ok: c.ok, expected: c.expected, message: c.ok ? `与${label} ${c.expected} 相符` : `「${q.text}${q.unit}」与${label} ${c.expected} 不符` };
    }
    const unit = this.catalog.moneyUnit;
    if (q.unit === unit) {
      const c = verifySlot({ kind: 'value', fmt: 'money', label, formula: '', value: v }, q.text);
      return { ok: c.ok, expected: c.expected, message: c.ok ? `与${label} ${c.expected}${unit} 相符` : `「${q.text}${q.unit}」与${label} ${c.expected}${unit} 不符` };
    }
    const s = parseStated(q.text)!;
    const inWan = this.inTableUnit(s.value, q.unit);
    // the stated figure stands for [x − ½ unit of its last digit, x + ½]; the table's for v ± 0.005
    const half = this.inTableUnit(0.5 * 10 ** -s.decimals, q.unit);
    const ok = Math.abs(inWan - v) <= 0.005 + half + 1e-9;
    if (ok) return { ok, expected: money(v), message: `${q.text}${q.unit} 折合 ${money(roundWan(inWan))}${unit}，与${label} ${money(v)}${unit} 相符` };
    const asWan = verifySlot({ kind: 'value', fmt: 'money', label, formula: '', value: v }, q.text);
    if (asWan.ok) return { ok: false, expected: money(v), message: `「${q.text}${q.unit}」单位有误：表中${label}为 ${money(v)}${unit}，不是 ${q.text}${q.unit}` };
    return { ok: false, expected: money(v), message: `「${q.text}${q.unit}」折合 ${money(roundWan(inWan))}${unit}，与${label} ${money(v)}${unit} 不符` };
  }

  private convertedDiff(f: Figure, q: Quantity): { ok: boolean; expected: string; message: string } {
    if (f.value === null || f.prior === null || f.prior === undefined) return { ok: false, expected: '', message: `「${f.name}」缺少本年数或上年数` };
    return this.judgeValue(Math.abs(f.value - f.prior), `${f.name}本年与上年之差`, q, 'money');
  }

  /** Shares of one total within a paragraph: above 100%, or a complete list that does not make 100%. */
  private shareSums(shares: { den: Figure; stated: number; decimals: number; subject: Figure; text: string; sentence: string }[], para: string, findings: TextFinding[]): void {
    const groups = new Map<Figure, typeof shares>();
    for (const s of shares) groups.set(s.den, [...(groups.get(s.den) ?? []), s]);
    for (const [den, list] of groups) {
      const distinct = [...new Map(list.map((s) => [s.subject, s])).values()];
      if (distinct.length < 2) continue;
      const sum = distinct.reduce((a, s) => a + s.stated, 0);
      const tol = distinct.reduce((a, s) => a + 0.5 * 10 ** -s.decimals, 0) + 1e-9;
      const parts = distinct.reduce((a, s) => a + (s.subject.value ?? 0), 0);
      const complete = den.value !== null && Math.abs(parts - den.value) <= 0.005 * (distinct.length + 1) + 1e-9;
      if (sum > 100 + tol || (complete && Math.abs(sum - 100) > tol)) {
        findings.push({
          kind: 'shares',
          text: distinct.map((s) => s.text).join(' + '),
          sentence: para,
          message: `占${den.name}的各项比例合计为 ${sum.toFixed(2)}%${complete ? '，这些项目之和就是总数，比例合计应为 100%' : '，超过了 100%'}（${distinct.map((s) => `${s.subject.name} ${s.text}`).join('，')}）`,
        });
      }
    }
  }

  /** A name written with （类）（款）（项） that no table has: say so, with the nearest name the tables do have. */
  private unknownSubjects(s: string, known: NameHit[], findings: TextFinding[]): void {
    for (const m of s.matchAll(/（(类|款|项)）/g)) {
      const at = m.index!;
      if (known.some((n) => n.end === at + m[0].length)) continue;
      let from = at;
      while (from > 0 && !/[，。；：、！？"（）\d]/.test(s[from - 1])) from--;
      const written = s.slice(from, at).replace(FILLER, '').replace(HEADING_MARK, '');
      if (written.length < 2) continue;
      const level = m[1] as Level;
      const near = nearest(written, [...(this.catalog.tableNames.get(level) ?? [])]);
      findings.push({
        kind: 'subject',
        text: `${written}（${level}）`,
        sentence: s,
        message: `「${written}（${level}）」不是公开表中的${level}级科目${near ? `，最相近的是「${near}（${level}）」` : ''}`,
      });
    }
  }

  /** The unit's name as the text writes it, against the tables' 部门 (单位名称). */
  private unitName(raw: string, findings: TextFinding[]): void {
    const u = this.catalog.unitName;
    if (u.length < 6) return;
    const text = normalizeText(raw);
    const head = u.slice(0, 4);
    const seen = new Set<string>();
    for (let i = text.indexOf(head); i >= 0; i = text.indexOf(head, i + 1)) {
      let j = i;
      while (j < text.length && /[\u4e00-\u9fff]/.test(text[j]) && j - i < u.length + 6) j++;
      const run = text.slice(i, j);
      if (run.startsWith(u) || u.startsWith(run) || seen.has(run)) continue;
      // the written name is the run up to where it stops resembling the unit's name
      const written = bestPrefix(run, u);
      if (written.startsWith(u) || u.startsWith(written) || dice(written, u) < 0.8 || seen.has(written)) continue;
      seen.add(run);
      seen.add(written);
      findings.push({ kind: 'unitName', text: written, sentence: sentenceAround(text, i), message: `单位名称「${written}」与公开表的部门「${u}」不一致` });
    }
  }
}

function relName(rel: Relation): string {
  return { value: '决算数', budget: '年初预算数', fullBudget: '全年预算数', prior: '上年数', diff: '比上年增减额', growth: '比上年增减幅度', share: '占比', completion: '预算完成率', count: '数量', score: '得分' }[rel];
}

function roundWan(x: number): number {
  return Math.round(x * 100) / 100;
}

function grams(s: string): string[] {
  const out: string[] = [...s];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
}

/** Dice similarity over characters and bigrams: 统计信息事务 is nearer 专项统计业务 than 行政运行. */
function dice(a: string, b: string): number {
  const ga = grams(a);
  const gb = grams(b);
  const m = new Map<string, number>();
  for (const g of gb) m.set(g, (m.get(g) ?? 0) + 1);
  let common = 0;
  for (const g of ga) {
    const n = m.get(g) ?? 0;
    if (n > 0) {
      common++;
      m.set(g, n - 1);
    }
  }
  return ga.length + gb.length ? (2 * common) / (ga.length + gb.length) : 0;
}

function nearest(name: string, names: string[]): string | null {
  let best: string | null = null;
  let score = 0.2;
  for (const n of names) {
    const sc = dice(name, n);
    if (sc > score) {
      best = n;
      score = sc;
    }
  }
  return best;
}

/** The prefix of `run` most like `u` (a name followed by other words: 工作部2024年度 → 工作部). */
function bestPrefix(run: string, u: string): string {
  let best = run;
  let score = -1;
  for (let n = Math.max(4, u.length - 4); n <= Math.min(run.length, u.length + 4); n++) {
    const sc = dice(run.slice(0, n), u);
    if (sc > score) {
      best = run.slice(0, n);
      score = sc;
    }
  }
  return best;
}

function sentenceAround(text: string, i: number): string {
  let s = i;
  while (s > 0 && !/[。；！？]/.test(text[s - 1])) s--;
  let e = i;
  while (e < text.length && !/[。；！？]/.test(text[e])) e++;
  return text.slice(s, Math.min(text.length, e + 1));
}

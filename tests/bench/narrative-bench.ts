/**
 * Narrative-check benchmark: numbers checked per second on a 20-page 情况说明 against the reference packet.
 * The text is the seed's 概况 and 第三部分 and the test corpus's four wordings (tests/fixtures/narrative/corpus.ts),
 * repeated until it fills 20 pages of the package's layout (A4, 仿宋 三号: 28 characters × 22 lines ≈ 616
 * characters a page). Timed: the whole check (template sentences, then the reader) and the reader alone.
 * Figures go to tests/bench/results/narrative.json; timing never fails anything.
 *   npx tsx tests/bench/narrative-bench.ts [runs]
 */
import { readFileSync } from 'node:fs';
import { PacketSession } from '../../shared/engine.js';
import { checkNarrativeText } from '../../shared/narrative/check.js';
import { loadNarrativeTemplate } from '../../shared/narrative/template.js';
import { readPacket } from '../../shared/xlsx.js';
import { corpus } from '../fixtures/narrative/corpus.js';
import { median, round, writeResults } from './stats.js';

const REFERENCE = 'templates/jiangxi-2024/reference-packet.xlsx';
const PAGE_CHARS = 28 * 22;
const PAGES = 20;

function twentyPages(): string {
  const pieces = [readFileSync('tests/fixtures/narrative/seed-part1.txt', 'utf8'), readFileSync('tests/fixtures/narrative/seed-part3.txt', 'utf8'), ...corpus().map((w) => w.text)];
  const chars = (s: string) => s.replace(/\s+/g, '').length;
  let text = '';
  for (let i = 0; chars(text) < PAGES * PAGE_CHARS; i++) text += `${pieces[i % pieces.length]}\n`;
  return text;
}

export async function run(runs = Number(process.argv[2]) || 5): Promise<void> {
  const session = new PacketSession(await readPacket(new Uint8Array(readFileSync(REFERENCE))));
  const template = loadNarrativeTemplate(JSON.parse(readFileSync('templates/jiangxi-2024/narrative/template.json', 'utf8')));
  const text = twentyPages();
  const figures: Record<string, unknown> = {};
  figures['text: characters (no spaces)'] = text.replace(/\s+/g, '').length;
  figures['text: pages (616 characters each)'] = round(text.replace(/\s+/g, '').length / PAGE_CHARS);
  for (const [name, templates] of [['whole check (templates, then reader)', true], ['reader alone', false]] as const) {
    checkNarrativeText(session, template, text, { templates }); // warm-up (JIT, parsed templates)
    const times: number[] = [];
    let numbers = 0;
    let coverage = {};
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = checkNarrativeText(session, template, text, { templates });
      times.push(performance.now() - t0);
      numbers = r.coverage.numbers;
      coverage = r.coverage;
    }
    const ms = median(times);
    figures[`${name}: ms (median)`] = round(ms);
    figures[`${name}: runs (ms)`] = times.map(round);
    figures[`${name}: numbers`] = numbers;
    figures[`${name}: coverage`] = coverage;
    figures[`${name}: numbers per second`] = Math.round(numbers / (ms / 1000));
  }
  figures.runs = runs;
  session.destroy();
  writeResults('narrative', figures);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

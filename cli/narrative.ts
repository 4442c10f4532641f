/**
 * bin/juesuan narrative <packet.xlsx> --out 情况说明.docx [--text 情况说明.txt] [--json]
 * Generates the 情况说明 from the packet and writes it as a GB/T 9704 .docx. Exit 0 when every number in it
 * is backed by the packet, 1 when some are missing (a blank 上年数, a 年初预算 not filled), 2 unreadable.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Packet } from '../shared/model.js';
import { fontNotes, narrativeDocx } from '../shared/narrative/docx.js';
import { generateNarrative, narrativeText } from '../shared/narrative/generate.js';
import { loadNarrativeTemplate } from '../shared/narrative/template.js';
import type { NarrativeDoc, NarrativeTemplate } from '../shared/narrative/types.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, fail, openPacket, parseArgs, UsageError } from './io.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The narrative template of the packet's own template set (公开包信息 模板套), never a fixed one. */
export function templateFor(packet: Packet): NarrativeTemplate {
  const set = packet.meta['模板套'] ?? '';
  if (!set) fail('公开包没有注明模板套（公开包信息 › 模板套），无法找到情况说明模板：请在「公开包信息」工作表中填写模板套（templates 下的文件夹名）。');
  if (!/^[A-Za-z0-9_-]+$/.test(set)) fail(`公开包信息中的模板套「${set}」不是有效的名称。`);
  const path = resolve(ROOT, 'templates', set, 'narrative', 'template.json');
  if (!existsSync(path)) fail(`模板套「${set}」没有情况说明模板（${path}）。`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`情况说明模板 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  return loadNarrativeTemplate(json, `情况说明模板 ${path} `);
}

/** Numbers that cannot be backed by the packet (missing figures), with the paragraph they are in. */
export function unbacked(doc: NarrativeDoc): { paragraph: string; text: string; message: string }[] {
  const out: { paragraph: string; text: string; message: string }[] = [];
  for (const part of doc.parts) {
    for (const p of part.paragraphs) {
      for (const s of p.segments) if (s.t === 'num' && !s.check.ok) out.push({ paragraph: p.id, text: s.text, message: s.check.message });
    }
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['out', 'text'], ['json']);
  if (positional.length !== 1) throw new UsageError('narrative 需要一个公开包文件');
  if (typeof flags.out !== 'string') throw new UsageError('narrative 需要 --out <情况说明.docx>');
  const packet = await openPacket(positional[0]);
  const template = templateFor(packet);
  const session = await buildSession(packet);
  const doc = generateNarrative(session, template);
  const bytes = await narrativeDocx(doc, template);
  try {
    writeFileSync(flags.out, bytes);
    if (typeof flags.text === 'string') writeFileSync(flags.text, narrativeText(doc) + '\n');
  } catch (e) {
    fail(`无法写入 ${String(flags.out)}：${(e as Error).message}`);
  }
  const problems = unbacked(doc);
  if (flags.json) {
    process.stdout.write(JSON.stringify({ out: flags.out, paragraphs: doc.parts.reduce((n, p) => n + p.paragraphs.length, 0), problems, fonts: fontNotes(template) }, null, 1) + '\n');
  } else {
    const lines = [`已生成 ${flags.out}（${doc.parts.map((p) => p.heading.split(/\s/)[0]).join('、')}）。`, `字体：${fontNotes(template).join('；')}`];
    for (const p of problems) lines.push(`[缺数] ${p.paragraph}  ${p.message}`);
    lines.push(problems.length ? `有 ${problems.length} 处数字缺少数据，已在文中标为【未填】：请补填后重新生成。` : '文中每个数字都已与公开包核对。');
    process.stdout.write(lines.join('\n') + '\n');
  }
  return problems.length ? EXIT_FINDINGS : EXIT_OK;
}

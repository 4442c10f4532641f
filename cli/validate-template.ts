/**
 * bin/juesuan validate-template <set | folder> [--json]
 * Reads a template set the way the app and the other commands will (the workbook is the one source of truth,
 * templates/jiangxi-2024/README.md 「唯一的依据」) and says, part by part, whether it holds: set.json, tables.xlsx
 * (its 模板套, its declared table roles, every 审核 check compiled by the engine), reference-packet.xlsx (no
 * error), the 情况说明 template (every number it writes backed by the packet), the import vocabulary, the 汇总
 * rules and the published sheets. A bureau runs it on a folder before copying it under templates/.
 * Exit 0 when every part holds, 1 when one does not; each problem is named in Chinese.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateNarrative } from '../shared/narrative/generate.js';
import { loadNarrativeTemplate } from '../shared/narrative/template.js';
import { loadVocabulary } from '../shared/import/index.js';
import { parseMergeRules } from '../shared/merge/rules.js';
import { PacketError } from '../shared/errors.js';
import type { Packet } from '../shared/model.js';
import { declaresRoles, tableRoles } from '../shared/roles.js';
import { readPacket } from '../shared/xlsx.js';
import { unbacked } from './narrative.js';
import { buildSession, EXIT_FINDINGS, EXIT_OK, parseArgs, readBytes, UsageError } from './io.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));
const FORMS_TOKEN = '自评表';

interface Verdict {
  part: string;
  ok: boolean;
  detail: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(readBytes(path)));
  } catch (e) {
    if (e instanceof PacketError) throw e;
    throw new PacketError(`${path} 不是有效的 JSON：${(e as Error).message}`);
  }
}

function message(e: unknown): string {
  return e instanceof PacketError ? e.message : `程序内部出错（${(e as Error)?.message ?? String(e)}）`;
}

/** The folder of `arg`: a set id under templates/, or a folder path (a set being written, not yet installed). */
function setFolder(arg: string): { id: string; dir: string } {
  const asPath = resolve(arg);
  if ((arg.includes('/') || arg.includes('\\') || arg.startsWith('.')) && existsSync(asPath) && statSync(asPath).isDirectory()) {
    return { id: asPath.split(/[\\/]/).filter(Boolean).pop() ?? arg, dir: asPath };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(arg)) throw new UsageError(`「${arg}」既不是模板套代码，也不是存在的文件夹`);
  const dir = join(TEMPLATES, arg);
  if (!existsSync(dir)) throw new UsageError(`templates 下没有模板套「${arg}」`);
  return { id: arg, dir };
}

export async function validateSet(dir: string, id: string): Promise<Verdict[]> {
  const out: Verdict[] = [];
  const step = async (part: string, work: () => Promise<string> | string): Promise<void> => {
    try {
      out.push({ part, ok: true, detail: await work() });
    } catch (e) {
      out.push({ part, ok: false, detail: message(e) });
    }
  };
  const optional = (file: string) => existsSync(join(dir, file));

  await step('set.json', () => {
    const j = readJson(join(dir, 'set.json')) as Record<string, unknown>;
    if (typeof j['名称'] !== 'string' || !j['名称'].trim()) throw new PacketError('set.json 缺少「名称」（新建按钮上显示的名字）。');
    return String(j['名称']);
  });

  let tables: Packet | undefined;
  await step('tables.xlsx', async () => {
    const p = await readPacket(readBytes(join(dir, 'tables.xlsx')), `模板套 ${id} 的 tables.xlsx `);
    if (p.meta['模板套'] !== id) throw new PacketError(`「公开包信息」的模板套是「${p.meta['模板套'] ?? ''}」，应为文件夹名「${id}」。`);
    if (!declaresRoles(p.meta)) throw new PacketError('「公开包信息」没有声明任何表角色（表角色:<角色> = 工作表名）。');
    const missing = [...tableRoles(p.meta)].filter(([, sheet]) => !p.sheets.some((s) => s.name === sheet));
    if (missing.length) throw new PacketError(`表角色指向不存在的工作表：${missing.map(([r, s]) => `${r} → ${s}`).join('、')}。`);
    const session = await buildSession(p);
    tables = p;
    return `${tableRoles(p.meta).size} 张表声明了角色，${p.checks.length} 条审核声明全部编译（空白模板上的审核结果 ${session.findings().length} 条）`;
  });

  let reference: Packet | undefined;
  if (optional('reference-packet.xlsx')) {
    await step('reference-packet.xlsx', async () => {
      const p = await readPacket(readBytes(join(dir, 'reference-packet.xlsx')), `模板套 ${id} 的参考公开包 `);
      const findings = (await buildSession(p)).findings();
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length) throw new PacketError(`参考公开包有 ${errors.length} 个错误，例如 ${errors.slice(0, 3).map((f) => `${f.sheet}!${f.cells} ${f.message}`).join('；')}`);
      reference = p;
      return `0 个错误，${findings.length} 个提示（其中尾数差 ${findings.filter((f) => f.rounding).length} 个）`;
    });
  }

  if (optional('narrative/template.json')) {
    await step('narrative/template.json', async () => {
      const template = loadNarrativeTemplate(readJson(join(dir, 'narrative', 'template.json')), `模板套 ${id} 的情况说明模板`);
      if (!reference) return '模板可读（没有参考公开包，未核对数字）';
      const doc = generateNarrative(await buildSession(reference), template);
      const bad = unbacked(doc);
      if (bad.length) throw new PacketError(`情况说明有 ${bad.length} 个数字与参考公开包不符，例如 ${bad.slice(0, 3).map((b) => `「${b.text}」${b.message}`).join('；')}`);
      return '情况说明中的每个数字都与参考公开包相符';
    });
  }

  await step('import/vocabulary.json', () => {
    loadVocabulary(readJson(join(dir, 'import', 'vocabulary.json')), `模板套 ${id} 的导入词表 `);
    return '导入词表可读';
  });

  if (optional('merge.json')) {
    await step('merge.json', () => {
      parseMergeRules(readJson(join(dir, 'merge.json')));
      return '汇总规则可读';
    });
  }

  if (optional('publish.json')) {
    await step('publish.json', () => {
      const j = readJson(join(dir, 'publish.json')) as { 公开工作表?: unknown };
      const list = j.公开工作表;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new PacketError('publish.json 的「公开工作表」应为工作表名的列表。');
      const names = new Set(tables?.sheets.map((s) => s.name) ?? []);
      const unknown = (list as string[]).filter((n) => n !== FORMS_TOKEN && tables && !names.has(n));
      if (unknown.length) throw new PacketError(`publish.json 列出的工作表在 tables.xlsx 中不存在：${unknown.join('、')}。`);
      return `公开 ${list.length} 项`;
    });
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, [], ['json']);
  if (positional.length !== 1) throw new UsageError('validate-template 需要一个模板套代码或模板套文件夹');
  const { id, dir } = setFolder(positional[0]);
  const verdicts = await validateSet(dir, id);
  const bad = verdicts.filter((v) => !v.ok);
  if (flags.json) process.stdout.write(JSON.stringify({ set: id, ok: !bad.length, parts: verdicts }, null, 1) + '\n');
  else {
    process.stdout.write(verdicts.map((v) => `${v.ok ? '✓' : '✗'} ${v.part}：${v.detail}`).join('\n') + '\n');
    process.stdout.write(bad.length ? `模板套 ${id}：${bad.length} 处有问题。\n` : `模板套 ${id} 可以使用。\n`);
  }
  if (bad.length) process.stderr.write(`模板套 ${id} 有 ${bad.length} 处问题：${bad.map((v) => v.part).join('、')}\n`);
  return bad.length ? EXIT_FINDINGS : EXIT_OK;
}


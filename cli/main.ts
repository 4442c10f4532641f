/**
 * bin/juesuan <command> …  Each command lives in cli/<command>.ts and exports `run(args): Promise<number>`.
 * Exit codes: 0 fine, 1 findings (or cells not placed), 2 unreadable input or bad usage.
 */
import { PacketError } from '../shared/errors.js';
import { EXIT_UNREADABLE, UsageError } from './io.js';

const COMMANDS: Record<string, { file: string; help: string }> = {
  check: { file: './check.ts', help: 'check <packet.xlsx> [--json]            审核公开包，列出错误与提示\n  juesuan check <文件夹> [--summary 审核汇总.xlsx] [--jobs N] [--json]   批量审核文件夹中的公开包' },
  merge: { file: './merge.ts', help: 'merge <本级.xlsx> <下属单位.xlsx>… --out <部门.xlsx> [--name 部门名称]   汇总' },
  forms: { file: './forms.ts', help: 'forms <packet.xlsx> [--json]            绩效自评表汇总' },
  import: { file: './import.ts', help: 'import <源文件> --into <packet.xlsx> [--as prior-year] --out <packet.xlsx> [--report r.json]' },
  narrative: { file: './narrative.ts', help: 'narrative <packet.xlsx> --out 情况说明.docx   生成情况说明' },
  'narrative-check': { file: './narrative-check.ts', help: 'narrative-check <packet.xlsx> <说明.docx|.txt> [--json]' },
  export: { file: './export.ts', help: 'export <packet.xlsx> --out <目录> [--force]   导出工作簿、情况说明和公开包 PDF' },
};

function usage(): string {
  return ['用法：juesuan <命令> …', ...Object.values(COMMANDS).map((c) => `  juesuan ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(usage() + '\n');
    return cmd ? 0 : EXIT_UNREADABLE;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    process.stderr.write(`未知命令「${cmd}」。\n${usage()}\n`);
    return EXIT_UNREADABLE;
  }
  let mod: { run(args: string[]): Promise<number> };
  try {
    mod = await import(entry.file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(entry.file.slice(2))) {
      process.stderr.write(`命令「${cmd}」在此版本中尚未提供。\n`);
      return EXIT_UNREADABLE;
    }
    throw e;
  }
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // SaveError (node/atomic-save) carries a Chinese message too: the file on disk is as it was
    if (e instanceof PacketError || (e as Error)?.name === 'SaveError') process.stderr.write(`错误：${(e as Error).message}\n`);
    else if (e instanceof UsageError) process.stderr.write(`用法错误：${e.message}\n${usage()}\n`);
    else process.stderr.write(`错误：程序内部出错（${(e as Error)?.message ?? String(e)}）。请将此信息反馈给开发者。\n`);
    process.exitCode = EXIT_UNREADABLE;
  },
);

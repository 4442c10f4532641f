/**
 * The commands of bin/juesuan and how one is run: each lives in cli/<command>.ts and exports
 * `run(args): Promise<number>`, run in the worker thread of cli/main.ts (cli/worker.ts). Nothing heavy is
 * imported here: the main thread only starts the worker.
 */

export const COMMANDS: Record<string, { file: string; help: string }> = {
  check: { file: './check.ts', help: 'check <packet.xlsx> [--json]            审核公开包，列出错误与提示\n  juesuan check <文件夹> [--summary 审核汇总.xlsx] [--jobs N] [--json]   批量审核文件夹中的公开包' },
  merge: { file: './merge.ts', help: 'merge <本级.xlsx> <下属单位.xlsx>… --out <部门.xlsx> [--name 部门名称]   汇总' },
  forms: { file: './forms.ts', help: 'forms <packet.xlsx> [--json]            绩效自评表汇总' },
  import: { file: './import.ts', help: 'import <源文件> --into <packet.xlsx> [--as prior-year] --out <packet.xlsx> [--report r.json]' },
  narrative: { file: './narrative.ts', help: 'narrative <packet.xlsx> --out 情况说明.docx   生成情况说明' },
  'narrative-check': { file: './narrative-check.ts', help: 'narrative-check <packet.xlsx> <说明.docx|.txt> [--json]' },
  sets: { file: './sets.ts', help: 'sets [--json]                           列出 templates 下的模板套' },
  new: { file: './new.ts', help: 'new --set <模板套> --out <packet.xlsx>    用某一模板套新建空白公开包' },
  'new-year': { file: './new-year.ts', help: 'new-year <上年公开包.xlsx> --out <新公开包.xlsx> [--set 模板套]   新建下一年度：上年数按取数公式填入，概况、自评表沿用' },
  export: { file: './export.ts', help: 'export <packet.xlsx> --out <目录> [--force]   导出工作簿、情况说明和公开包 PDF' },
};

export function usage(): string {
  return ['用法：juesuan <命令> …', ...Object.values(COMMANDS).map((c) => `  juesuan ${c.help}`)].join('\n');
}

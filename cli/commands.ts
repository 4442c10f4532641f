/**
 * The commands of bin/juesuan: names and help only. Each lives in cli/<command>.ts, exports
 * `run(args): Promise<number>` and is loaded by cli/worker.ts in the worker thread of cli/main.ts. Nothing
 * is imported here: the main thread (and `--version`, `--help`) must start without ExcelJS or HyperFormula.
 */

export const COMMANDS: Record<string, { help: string }> = {
  check: { help: 'check <packet.xlsx> [--json]            审核公开包，列出错误与提示\n  juesuan check <文件夹> [--summary 审核汇总.xlsx] [--jobs N] [--json]   批量审核文件夹中的公开包' },
  merge: { help: 'merge <本级.xlsx> <下属单位.xlsx>… --out <部门.xlsx> [--name 部门名称]   汇总' },
  forms: { help: 'forms <packet.xlsx> [--json]            绩效自评表汇总' },
  import: { help: 'import <源文件> --into <packet.xlsx> [--as prior-year] --out <packet.xlsx> [--report r.json]' },
  narrative: { help: 'narrative <packet.xlsx> --out 情况说明.docx   生成情况说明' },
  'narrative-check': { help: 'narrative-check <packet.xlsx> <说明.docx|.txt> [--json]' },
  sets: { help: 'sets [--json]                           列出 templates 下的模板套' },
  new: { help: 'new --set <模板套> --out <packet.xlsx>    用某一模板套新建空白公开包' },
  'new-year': { help: 'new-year <上年公开包.xlsx> --out <新公开包.xlsx> [--set 模板套]   新建下一年度：上年数按取数公式填入，概况、自评表沿用' },
  'validate-template': { help: 'validate-template <模板套|文件夹> [--json]   检查一套模板：角色、审核、参考公开包、情况说明、导入词表' },
  export: { help: 'export <packet.xlsx> --out <目录> [--force]   导出工作簿、情况说明和公开包 PDF' },
};

export function usage(): string {
  return ['用法：juesuan <命令> …     juesuan --version     juesuan --help', ...Object.values(COMMANDS).map((c) => `  juesuan ${c.help}`)].join('\n');
}

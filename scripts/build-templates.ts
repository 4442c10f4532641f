/**
 * Builds the 江西 2024 template set and the reference packet from data:
 *   templates/jiangxi-2024/tables.xlsx            the empty packet (概况 + 公开01–10表 + hidden 审核)
 *   templates/jiangxi-2024/reference-packet.xlsx  the published 2024 package of the seed, every figure as published
 * The layout follows the published tables; the checks are written into the hidden 审核 sheet as plain
 * Excel formulas, so a finance bureau can read and change them in Excel.
 */
import { readFileSync } from 'node:fs';
import { colIndex } from '../shared/a1.js';
import { PUBLIC_SHEETS_KEY, type Packet, type SheetModel } from '../shared/model.js';
import { formsBuildHook } from '../cli/forms.js';
import { TABLE_ROLE_KEY } from '../shared/roles.js';
import { catalogBuildHook, loadCatalogSheet } from './catalog-hook.js';
import {
  S, SheetBuilder, checks, codeTable, crossTableChecks, declare, emptyTableChecks, names,
  narrativeInputSheets, overview, styles, table01, table04, table06, tieBreakdown, writeSet, type Amount, type CodeRow, type OverviewFact,
  type Table04Figures,
} from './set-kit.js';


const DIR = 'templates/jiangxi-2024';
const CATALOG = await loadCatalogSheet(DIR); // 科目.xlsx, the set's 科目 catalog (issue 16)

// ---------------------------------------------------------------- data
interface Ref {
  t02: { total: Amount[]; rows: CodeRow[] };
  t03: { total: Amount[]; rows: CodeRow[] };
  t05: { total: Amount[]; rows: CodeRow[] };
  t06: { panels: { code: string; name: string; value: Amount }[][]; personnelTotal: number; publicTotal: number };
  t09: Record<string, (number | string | null)[]>;
  t10: Record<string, Amount[]>;
}
const ref = JSON.parse(readFileSync(`${DIR}/source/reference-tables.json`, 'utf8')) as Ref;

/**
 * The report software keeps 三公 figures in 元 and publishes them as two-decimal 万元; the seed's narrative
 * (完成全年预算的24.87%, 下降74.94%) was computed from the 元 figures, which 1.74 ÷ 7.00 = 24.857% cannot
 * reproduce. 17,409 元 is the figure those percentages imply (24.87% needs 17,405.5–17,412.5 元), so the
 * reference packet holds 1.7409 万元 where the seed prints 1.74, as an accountant keying the 元 ledger would
 * (an import from 元 rounds to 1.74 and then says 24.86%, which the checker accepts as within rounding).
 * The 上年 figure that goes with it (69,470 元) lives in narrative/inputs.json.
 */
const SANGONG_YUAN_PRECISION = 1.7409;
for (const line of ['1', '6', '7']) ref.t09[line][2] = SANGONG_YUAN_PRECISION;
for (const panel of ref.t06.panels) for (const item of panel) if (item.code === '30217') item.value = SANGONG_YUAN_PRECISION;

/** 概况 of the reference package */
const FACTS: OverviewFact[] = [
  ['单位名称', '单位名称', '中共景德镇市昌南新区工作委员会党群工作部', S.text],
  ['决算年度', '决算年度', 2024, S.center],
  ['部门主要职责', '部门职责', '负责新区党的组织建设，党员管理工作：负责新区党员、干部的教育与培训工作；负责党的思想作风建设、精神文明建设以及工会、共青团、妇联等群团工作；负责组织新区科级干部的考察、任免、考核等工作；负责新区老干部及关心下一代工作；负责新区宣传工作，意识形态工作，融媒体工作；负责新区统战、对台、侨务及民族宗教工作；负责公务出国出访及国外（境外）人员来访相关事宜。负责新区编制、人力资源工作；负责组织新区工作人员的考录、任免、调配、工资福利等相关工作；负责新区、垦殖场事务的管理工作；负责组织新区劳动监察、劳动争议、调解、仲裁工作；负责新区社保、医保等工作；负责组织新区职业技能培训、专业技术职称资格评审相关工作。', S.longText],
  ['纳入决算汇编的单位数（个）', '单位数', 1, S.count],
  ['单位构成', '单位构成', '中共景德镇市昌南新区工作委员会会党群工作部（本级）', S.text],
  ['内设机构数（个）', '内设机构数', 0, S.count],
  ['年末编制内实有人员（人）', '编制内实有人数', 17, S.count],
  ['其他人员（人）', '其他人员数', 9, S.count],
  ['离退休人员（人）', '离退休人数', 24, S.count],
  ['其中：单位发放离退休费的人员（人）', '单位发放离退休费人数', 24, S.count],
  ['养老保险基金发放养老金的人员（人）', '养老保险基金发放人数', 0, S.count],
];

/** 公开04表 totals as the package prints them; its 功能分类 lines come from 05表 and 07表 */
const T04 = (): Table04Figures => ({ income: { 1: 3284.9, 2: 681.72, 3: null }, totals: { all: 3966.62, general: 3284.9, fund: 681.72 }, general: ref.t05, fund: T07 });

/** 公开01表 totals as the package prints them (行次 1–31 on the left, 58–62 on the right) */
const PUBLISHED01 = {
  left: { 1: 3284.9, 2: 681.72, 3: null, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 27: 3966.62, 28: null, 29: null, 31: 3966.62 },
  right: { 58: 3966.62, 59: null, 60: null, 62: 3966.62 },
};

function table09(filled: boolean): SheetModel {
  const T = '公开09表';
  const b = new SheetBuilder(T, [44, 8, 14, 14, 14]);
  const r = b.header('财政拨款“三公”经费支出决算表', T);
  ['项目', '栏次', '年初预算数', '全年预算数', '决算数'].forEach((h, c) => b.text(r, c, h, S.head));
  ['行次', '', '1', '2', '3'].forEach((h, c) => b.text(r + 1, c, h, S.head));
  const first = r + 2;
  const labels = ['一、“三公”经费支出', '1.因公出国（境）费', '2.公务用车购置及运行维护费', '（1）公务用车购置费', '（2）公务用车运行维护费', '3.公务接待费', '（1）国内接待费', '其中：外事接待费', '（2）国（境）外接待费', '二、相关统计数', '1.因公出国（境）团组数（个）', '2.因公出国（境）人次数（人）', '3.公务用车购置数（辆）', '4.公务用车保有量（辆）', '5.国内公务接待批次（个）', '其中：外事接待批次（个）', '6.国内公务接待人次（人）', '其中：外事接待人次（人）', '7.国（境）外公务接待批次（个）', '8.国（境）外公务接待人次（人）'];
  labels.forEach((l, i) => {
    const row = first + i;
    b.text(row, 0, l, i === 0 || i === 9 ? S.textBold : S.text);
    b.text(row, 1, i + 1, S.center);
    const vals = ref.t09[String(i + 1)];
    for (let c = 0; c < 3; c++) {
      const v = vals[c];
      if (v === '---') b.text(row, 2 + c, '---', S.center);
      else b.input(row, 2 + c, filled ? v : null, i >= 10 ? S.count : S.money);
    }
  });
  const X = (col: string, line: number) => `${T}!${col}${first + line + 1}`;
  const L9 = (col: string, line: number) => `${col}${first + line + 1}`;
  for (const [c, col] of [[2, 'C'], [3, 'D'], [4, 'E']] as const) {
    if (b.cells[first]?.[c]?.input) b.derived(first, c, `${L9(col, 1)}+${L9(col, 2)}+${L9(col, 5)}`);
    if (b.cells[first + 2]?.[c]?.input) b.derived(first + 2, c, `${L9(col, 3)}+${L9(col, 4)}`);
  }
  if (b.cells[first + 5]?.[4]?.input) b.derived(first + 5, 4, `${L9('E', 6)}+${L9('E', 8)}`);
  for (const col of ['C', 'D', 'E']) {
    const colName = col === 'C' ? '年初预算数' : col === 'D' ? '全年预算数' : '决算数';
    tieBreakdown(`09-1${col}`, X(col, 0), [X(col, 1), X(col, 2), X(col, 5)], 4, `公开09表 ${colName}`, '“三公”经费合计', '因公出国（境）费＋公务用车购置及运行维护费＋公务接待费');
    tieBreakdown(`09-2${col}`, X(col, 2), [X(col, 3), X(col, 4)], 3, `公开09表 ${colName}`, '公务用车购置及运行维护费', '购置费＋运行维护费');
  }
  tieBreakdown('09-3E', X('E', 5), [X('E', 6), X('E', 8)], 3, '公开09表 决算数', '公务接待费', '国内接待费＋国（境）外接待费');
  names.push({ name: '三公经费决算数', ref: `'${T}'!$E$${first + 1}` }, { name: '三公经费全年预算数', ref: `'${T}'!$D$${first + 1}` }, { name: '三公经费年初预算数', ref: `'${T}'!$C$${first + 1}` });
  b.notes(first + 21, ['注：1. 本表反映部门本年度财政拨款“三公”经费支出预决算情况。财政拨款包括一般公共预算财政拨款和政府性基金预算财政拨款。年初预算数为年初“三公”经费部门预算数；全年预算数为按规定程序调整调剂后的全年“三公”经费部门预算数；决算数为当年实际支出数。', '2. 当此表数据为空时，即本部门（单位）无财政拨款“三公”经费支出。']);
  return b.build('table', first, [1, first], false);
}

function table10(filled: boolean): SheetModel {
  const T = '公开10表';
  const b = new SheetBuilder(T, [52, 11, 19]);
  const r = b.header('国有资产占用情况表', T, '单位：台、辆、套');
  ['项 目', '栏次', '决算数'].forEach((h, c) => b.text(r, c, h, S.head));
  const first = r + 1;
  const labels = ['一、车辆数合计(台、辆)', '1. 副部（省）级及以上领导用车', '2. 主要负责人用车', '3. 机要通信用车', '4. 应急保障用车', '5. 执法执勤用车', '6. 特种专业技术用车', '7. 离退休干部服务用车', '8. 其他用车', '二、单价 100 万元（含）以上设备（不含车辆）（台、套）'];
  labels.forEach((l, i) => {
    b.text(first + i, 0, l, i === 0 || i === 9 ? S.textBold : S.text);
    b.text(first + i, 1, i + 1, S.center);
    if (i === 0) b.formula(first, 2, `SUM(C${first + 2}:C${first + 9})`, S.count);
    else b.input(first + i, 2, filled ? ref.t10[String(i + 1)][0] : null, S.count);
  });
  names.push({ name: '车辆数合计', ref: `'${T}'!$C$${first + 1}` }, { name: '大型设备数', ref: `'${T}'!$C$${first + 10}` });
  b.notes(first + 11, ['注：1. 本表反映截止 2024 年 12 月 31 日，部门(单位)占用的国有资产情况。', '2. 当本表数据为空时，即本部门（单位）无相关资产。']);
  return b.build('table', first, [1, first], false);
}

/** 公开07表 as published */
const T07 = {
  // the published 合计 line lost its label in the extraction; it carries 681.72 / 681.72 / 681.72
  total: [null, 681.72, 681.72, null, 681.72, null],
  rows: [
    { code: '212', name: '城乡社区支出', values: [null, 681.72, 681.72, null, 681.72, null] },
    { code: '21208', name: '国有土地使用权出让收入安排的支出', values: [null, 681.72, 681.72, null, 681.72, null] },
    { code: '2120805', name: '补助被征地农民支出', values: [null, 681.72, 681.72, null, 681.72, null] },
  ],
};

function table07(filled: boolean): SheetModel {
  const data = filled ? T07 : null;
  return codeTable('公开07表', '政府性基金预算财政拨款收入支出决算表',
    [['年初结转和结余', '本年收入', '|3|本年支出', '', '', '年末结转和结余'], ['', '', '小计', '基本支出', '项目支出', '']],
    data, ['注：1. 本表反映部门(单位)本年度政府性基金预算财政拨款收入、支出及结转和结余情况。', '2. 当此表数据为空时，即本部门(单位)无政府性基金预算财政拨款收入、支出。'],
    'E=F+G, C+D-E=H', filled ? 0 : 12);
}

// ---------------------------------------------------------------- assemble
/** the table roles of this set (shared/roles.ts), written into 公开包信息 as 表角色:<角色> */
const ROLES: Record<string, string> = {
  概况: '概况', 收入支出总表: '公开01表', 收入表: '公开02表', 支出表: '公开03表', 财政拨款总表: '公开04表',
  一般公共预算支出表: '公开05表', 基本支出表: '公开06表', 政府性基金表: '公开07表', 国有资本表: '公开08表',
  三公表: '公开09表', 国有资产表: '公开10表',
};

function buildPacket(filled: boolean): Packet {
  checks.length = 0;
  names.length = 0;
  const sheets: SheetModel[] = [
    overview(filled, FACTS, 2024),
    table01(filled, PUBLISHED01, ref.t03),
    codeTable('公开02表', '收入决算表', [['本年收入合计', '财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入']],
      filled ? ref.t02 : null, ['注：本表反映部门（单位）本年度取得的各项收入情况。'], 'C=D+E+F+G+H+I'),
    codeTable('公开03表', '支出决算表', [['本年支出合计', '基本支出', '项目支出', '上缴上级支出', '经营支出', '对附属单位补助支出']],
      filled ? ref.t03 : null, ['注：本表反映部门（单位）本年度各项支出情况。'], 'C=D+E+F+G+H'),
    table04(filled, T04(), { blankRowTotals: true, t08Col: 'C', grandTotalName: false }),
    codeTable('公开05表', '一般公共预算财政拨款支出决算表', [['本年支出合计', '基本支出', '项目支出']],
      filled ? ref.t05 : null, ['注：本表反映部门(单位)本年度一般公共预算财政拨款支出情况。'], 'C=D+E'),
    table06(filled, ref.t06, { widths: [10, 26, 12, 10, 26, 12, 10, 26, 12], publicClasses: ['302', '307', '310', '399'], publicLabel: '302＋307＋310＋399', receptionTie: '公开09表!E11' }),
    table07(filled),
    codeTable('公开08表', '国有资本经营预算财政拨款支出决算表', [['本年支出合计', '基本支出', '项目支出']],
      filled ? { total: [null, null, null], rows: [] } : null,
      ['注：1. 本表反映部门(单位)本年度国有资本经营预算财政拨款支出情况。', '2. 当此表数据为空时，即本部门(单位)无国有资本经营预算财政拨款支出。'], 'C=D+E', 4),
    table09(filled),
    table10(filled),
  ];
  crossTableChecks();
  emptyTableChecks('公开08表!C6:E2000');
  narrativeInputSheets(DIR, sheets, ROLES, filled); // NARRATIVE-HOOK: the narrative input sheets (上年数, 年初预算, 说明文字 …) are appended here (issue 6)
  formsBuildHook({ sheets, checks, names, styles, filled, dir: DIR }); // FORMS-HOOK: the 自评表 sheets, their checks and the 绩效自评汇总 sheet (issue 3)
  declare('X-N', '名称一致', '表=公开02表,公开03表,公开05表,公开07表,公开08表; 编码列=A; 名称列=B', '同一科目编码在各表中名称一致');
  catalogBuildHook({ sheets, checks, catalog: CATALOG, tables: ['公开02表', '公开03表', '公开05表', '公开07表', '公开08表'] }); // CATALOG-HOOK: hidden 科目表 + the 科目 declaration K-01 (issue 16)
  return {
    sheets,
    styles: styles.list,
    checks: [...checks],
    names: [...names],
    meta: {
      模板套: 'jiangxi-2024', 模板套名称: '江西省 2024 年度部门决算公开', 格式版本: '1', 评分规则: 'stepped', [PUBLIC_SHEETS_KEY]: publishDeclaration(),
      ...Object.fromEntries(Object.entries(ROLES).map(([role, sheet]) => [`${TABLE_ROLE_KEY}${role}`, sheet])),
    },
  };
}

/** templates/<set>/publish.json: the sheets 导出公开包 carries, written into every packet's 公开包信息. */
function publishDeclaration(): string {
  const json = JSON.parse(readFileSync(`${DIR}/publish.json`, 'utf8')) as { 公开工作表: string[] };
  return json.公开工作表.join(',');
}

void colIndex;
await writeSet(DIR, buildPacket);

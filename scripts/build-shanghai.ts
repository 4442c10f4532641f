/**
 * Builds the 上海普陀 2025 template set (nine tables, no 国有资产 table, no 自评表) and its reference packet:
 *   templates/shanghai-putuo-2025/tables.xlsx            the empty packet
 *   templates/shanghai-putuo-2025/reference-packet.xlsx  the published 2025 package of 上海市普陀区人民政府宜川路街道办事处
 * Built with scripts/set-kit.ts, the kit scripts/build-templates.ts (江西 2024) uses too: same layouts for the tables both provinces share,
 * a twelve-column 三公 table, Shanghai's table names and order. The tables are built under working names
 * (公开01表 …) and renamed at the end the way tests/helpers/copy-set.ts renames a copied set, so every formula,
 * 审核 row, defined name and 表角色 follows. Run it only to rebuild the set from its source figures
 * (source/reference-tables.json); a bureau edits the committed workbooks instead (see the set README).
 */
import ExcelJS from 'exceljs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { a1, colIndex } from '../shared/a1.js';
import type { Packet, SheetModel } from '../shared/model.js';
import { ABSENT_PARTS_KEY } from '../shared/export/document.js';
import { TABLE_ROLE_KEY } from '../shared/roles.js';
import { catalogBuildHook, loadCatalogSheet } from './catalog-hook.js';
import { renameAndReorder } from '../tests/helpers/copy-set.js';
import {
  S, SheetBuilder, checks, codeTable, crossTableChecks, declare, emptyTableChecks, names,
  narrativeInputSheets, overview, setHeaderLabels, styles, table01, table04, table06, tieBreakdown, writeSet, type Amount, type CodeRow, type OverviewFact,
  type Table04Figures,
} from './set-kit.js';


const DIR = 'templates/shanghai-putuo-2025';
const ref0 = JSON.parse(readFileSync(`${DIR}/source/reference-tables.json`, 'utf8')) as { t03: { rows: { code: string; name: string }[] }; t06: { panels: { code: string; name: string }[][] } };
/**
 * 科目.xlsx of this set: 江西 2024's catalog (templates/jiangxi-2024/科目.xlsx) plus every 功能分类 code of this
 * package it does not list yet, with 来源「宜川路街道2025」 — the published package is where they were seen.
 * Written once; after that the workbook is the data a bureau maintains (delete it to rebuild from jiangxi's).
 */
async function ensureCatalog(): Promise<void> {
  if (existsSync(`${DIR}/科目.xlsx`)) return;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(readFileSync('templates/jiangxi-2024/科目.xlsx') as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const known = new Set<string>();
  ws.eachRow((row, r) => { if (r > 1) known.add(`${String(row.getCell(4).text)}|${String(row.getCell(1).text)}`); });
  const LEVEL: Record<number, string> = { 3: '类', 5: '款', 7: '项' };
  for (const r of ref0.t03.rows) {
    if (known.has(`功能|${r.code}`)) continue;
    ws.addRow([r.code, r.name, LEVEL[r.code.length], '功能', null, null, '', '宜川路街道2025']);
    known.add(`功能|${r.code}`);
  }
  for (const r of ref0.t06.panels.flat()) {
    if (known.has(`经济|${r.code}`)) continue;
    ws.addRow([r.code, r.name, LEVEL[r.code.length] ?? (r.code.length === 3 ? '类' : '款'), '经济', null, null, '', '宜川路街道2025']);
    known.add(`经济|${r.code}`);
  }
  writeFileSync(`${DIR}/科目.xlsx`, Buffer.from(await wb.xlsx.writeBuffer()));
}
await ensureCatalog();
const CATALOG = await loadCatalogSheet(DIR); // 科目.xlsx, the set's 科目 catalog (issue 16)
// Shanghai's tables carry no 公开NN表 label: the title is the table's name
setHeaderLabels(false);

// ---------------------------------------------------------------- data
interface Ref {
  t02: { total: Amount[]; rows: CodeRow[] };
  t03: { total: Amount[]; rows: CodeRow[] };
  t05: { total: Amount[]; rows: CodeRow[] };
  t06: { panels: { code: string; name: string; value: Amount }[][]; personnelTotal: number; publicTotal: number };
  t07: { total: Amount[]; rows: CodeRow[] };
  t09: Record<string, Amount[]>;
}
const ref = JSON.parse(readFileSync(`${DIR}/source/reference-tables.json`, 'utf8')) as Ref;

/** 概况 of the reference package */
const FACTS: OverviewFact[] = [
  ['单位名称', '单位名称', '上海市普陀区人民政府宜川路街道办事处', S.text],
  ['决算年度', '决算年度', 2025, S.center],
  ['部门主要职责', '部门职责', '宜川路街道办事处是普陀区人民政府的派出机关，受区人民政府领导，依据法律、法规的规定，在本辖区范围内行使相应的政府管理职能。街道办事处的工作以社区管理和社区服务为重点，开展社会主义物质文明、精神文明建设，创建安定团结、环境整洁、方便生活的文明社区。办事处职能主要有：1.指导、帮助居民委员会开展组织建设、制度建设和其他工作。2.开展便民利民的社区服务。3.兴办社会福利事业，做好社会救助和其他社会保障工作。4.辖区内城市环境的建设管理。5.开展计划生育、环境保护、教育、文化、卫生、科普、体育等工作。6.维护老年人、未成年人、妇女、残疾人和归侨、侨眷、少数民族的合法权益。7.组织实施社会治安综合规划，开展治安防范、法律事务服务、人民调解工作；开展拥军优属，做好国防动员和兵役工作。8.参与检查、督促新建改建住宅的公共建筑、市政设施配套项目的落实、验收工作，协助有关部门对公共建筑、市政配套设施的使用进行管理监督。9.配合做好防灾救灾工作；管理外来流动人员。10.负责协调解决驻区单位发展中的问题。11.向区人民政府反映居民的意见和要求，处理群众来信来访事项。12.办理区人民政府交办的事项。', S.longText],
  ['纳入决算编制范围的单位数（个）', '单位数', 6, S.count],
  ['单位构成', '单位构成', '上海市普陀区人民政府宜川路街道办事处（本级）；上海市普陀区宜川路街道综合行政执法队；上海市普陀区宜川路街道社区事务受理服务中心；上海市普陀区宜川路街道社区党群服务中心；上海市普陀区宜川路街道城市运行管理中心；上海市普陀区宜川路街道经济发展服务中心', S.text],
  // the published package states neither head counts nor 内设机构: left blank (not known), not 0
  ['内设机构数（个）', '内设机构数', '', S.count],
  ['年末编制内实有人员（人）', '编制内实有人数', '', S.count],
  ['其他人员（人）', '其他人员数', '', S.count],
  ['离退休人员（人）', '离退休人数', '', S.count],
  ['其中：单位发放离退休费的人员（人）', '单位发放离退休费人数', '', S.count],
  ['养老保险基金发放养老金的人员（人）', '养老保险基金发放人数', '', S.count],
];

/** 公开04表 totals as the package prints them; its 功能分类 lines come from 05表 and 07表 */
const T04 = (): Table04Figures => ({ income: { 1: 20218.21, 2: 105, 3: null }, totals: { all: 20323.21, general: 20218.21, fund: 105 }, general: ref.t05, fund: ref.t07 });

/** 公开01表 totals as the package prints them (行次 1–31 on the left, 58–62 on the right) */
const PUBLISHED01 = {
  left: { 1: 20218.21, 2: 105, 3: null, 4: null, 5: null, 6: null, 7: null, 8: null, 27: 20323.21, 28: null, 29: null, 31: 20323.21 },
  right: { 58: 20323.21, 59: null, 60: null, 62: 20323.21 },
};

/** Shanghai's 三公 table: one line, 预算数 and 决算数 for each of six headings (twelve columns) */
const SANGONG: [string, string][] = [['合计', '合计'], ['因公出国（境）费', '因公出国（境）费'], ['公务用车购置及运行维护费', '小计'],
  ['公务用车购置费', '公务用车购置费'], ['公务用车运行维护费', '公务用车运行维护费'], ['公务接待费', '公务接待费']];
function table09(filled: boolean): SheetModel {
  const T = '公开09表';
  const b = new SheetBuilder(T, Array.from({ length: 12 }, () => 11));
  const r = b.header('财政拨款“三公”经费支出决算表', T);
  b.merge(r, 0, r, 11, '财政拨款“三公”经费');
  b.merge(r + 1, 0, r + 2, 1, '合计');
  b.merge(r + 1, 2, r + 2, 3, '因公出国（境）费');
  b.merge(r + 1, 4, r + 1, 9, '公务用车购置及运行维护费');
  b.merge(r + 2, 4, r + 2, 5, '小计');
  b.merge(r + 2, 6, r + 2, 7, '公务用车购置费');
  b.merge(r + 2, 8, r + 2, 9, '公务用车运行维护费');
  b.merge(r + 1, 10, r + 2, 11, '公务接待费');
  for (let c = 0; c < 12; c++) b.text(r + 3, c, c % 2 === 0 ? '预算数' : '决算数', S.head);
  const row = r + 4;
  SANGONG.forEach(([key], k) => {
    for (let j = 0; j < 2; j++) b.input(row, 2 * k + j, filled ? ref.t09[key][j] : null, S.money);
  });
  const col = (k: number, j: number) => a1(0, 2 * k + j).replace(/\d+$/, '');
  const X = (k: number, j: number) => `${T}!${col(k, j)}${row + 1}`;
  for (const j of [0, 1]) {
    const L = (k: number) => `${col(k, j)}${row + 1}`;
    b.derived(row, j, `${L(1)}+${L(2)}+${L(5)}`);
    b.derived(row, 4 + j, `${L(3)}+${L(4)}`);
    const what = j === 0 ? '预算数' : '决算数';
    tieBreakdown(`09-1${what}`, X(0, j), [X(1, j), X(2, j), X(5, j)], 4, `${T} ${what}`, '“三公”经费合计', '因公出国（境）费＋公务用车购置及运行维护费＋公务接待费');
    tieBreakdown(`09-2${what}`, X(2, j), [X(3, j), X(4, j)], 3, `${T} ${what}`, '公务用车购置及运行维护费', '购置费＋运行维护费');
  }
  const nm = (n: string, k: number, j: number) => names.push({ name: n, ref: `'${T}'!$${col(k, j)}$${row + 1}` });
  nm('三公经费决算数', 0, 1);
  nm('三公经费年初预算数', 0, 0);
  SANGONG.slice(1).forEach(([key], i) => {
    nm(`${key}预算数`, i + 1, 0);
    nm(`${key}决算数`, i + 1, 1);
  });
  b.notes(row + 2, ['注：本表反映部门本年度“三公”经费支出预决算情况。']);
  return b.build('table', row, [1, row]);
}

const FUND_HEADS = [['年初结转和结余', '本年收入', '|3|本年支出', '', '', '年末结转和结余'], ['', '', '合计', '基本支出', '项目支出', '']];
function table07(filled: boolean): SheetModel {
  return codeTable('公开07表', '政府性基金预算财政拨款收入支出决算表', FUND_HEADS, filled ? ref.t07 : null,
    ['注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。'], 'E=F+G, C+D-E=H', filled ? 0 : 12);
}

/** 国有资本经营预算财政拨款收入支出决算表: in Shanghai laid out like the 政府性基金 table */
function table08(filled: boolean): SheetModel {
  return codeTable('公开08表', '国有资本经营预算财政拨款收入支出决算表', FUND_HEADS,
    filled ? { total: [null, null, null, null, null, null], rows: [] } : null,
    ['注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。'], 'E=F+G, C+D-E=H', 4);
}

// ---------------------------------------------------------------- assemble
/** the table roles of this set (shared/roles.ts), written into 公开包信息 as 表角色:<角色> */
const ROLES: Record<string, string> = {
  概况: '概况', 收入支出总表: '公开01表', 收入表: '公开02表', 支出表: '公开03表', 财政拨款总表: '公开04表',
  一般公共预算支出表: '公开05表', 基本支出表: '公开06表', 政府性基金表: '公开07表', 国有资本表: '公开08表',
  三公表: '公开09表',
};
/** Shanghai's sheet names, and its order: 三公 7th, 政府性基金 8th, 国有资本经营 9th */
const SHEET_NAMES: Record<string, string> = {
  公开01表: '收入支出决算总表', 公开02表: '收入决算表', 公开03表: '支出决算表', 公开04表: '财政拨款收入支出决算总表',
  公开05表: '一般公共预算财政拨款支出决算表', 公开06表: '一般公共预算财政拨款基本支出决算表', 公开09表: '财政拨款三公经费支出决算表',
  公开07表: '政府性基金预算财政拨款收入支出决算表', 公开08表: '国有资本经营预算财政拨款收入支出决算表',
};
const ORDER = ['概况', ...Object.values(SHEET_NAMES)];

function buildPacket(filled: boolean): Packet {
  checks.length = 0;
  names.length = 0;
  const sheets: SheetModel[] = [
    overview(filled, FACTS, 2025),
    table01(filled, PUBLISHED01, ref.t03),
    codeTable('公开02表', '收入决算表', [['本年收入合计', '财政拨款收入', '上级补助收入', '事业收入', '经营收入', '附属单位上缴收入', '其他收入']],
      filled ? ref.t02 : null, ['注：本表反映部门（单位）本年度取得的各项收入情况。'], 'C=D+E+F+G+H+I'),
    codeTable('公开03表', '支出决算表', [['本年支出合计', '基本支出', '项目支出', '上缴上级支出', '经营支出', '对附属单位补助支出']],
      filled ? ref.t03 : null, ['注：本表反映部门（单位）本年度各项支出情况。'], 'C=D+E+F+G+H'),
    table04(filled, T04(), { blankRowTotals: false, t08Col: 'E', grandTotalName: true }),
    codeTable('公开05表', '一般公共预算财政拨款支出决算表', [['本年支出合计', '基本支出', '项目支出']],
      filled ? ref.t05 : null, ['注：本表反映部门(单位)本年度一般公共预算财政拨款支出情况。'], 'C=D+E'),
    // no 30217 ↔ 三公 公务接待费 tie: 30217 is all 基本支出 接待 of the 部门, 三公 only the 财政拨款 part (8.31 vs 0.30 in 2025)
    table06(filled, ref.t06, { widths: [10, 30, 14, 10, 30, 14], publicClasses: ['302', '310'], publicLabel: '商品和服务支出(302)＋资本性支出(310)' }),
    table07(filled),
    table08(filled),
    table09(filled),
  ];
  crossTableChecks();
  emptyTableChecks('公开08表!C7:H2000');
  narrativeInputSheets(DIR, sheets, ROLES, filled); // NARRATIVE-HOOK: the narrative input sheets (上年数, 年初预算, 说明文字 …) are appended here (issue 6)
  declare('X-N', '名称一致', '表=公开02表,公开03表,公开05表,公开07表,公开08表; 编码列=A; 名称列=B', '同一科目编码在各表中名称一致');
  catalogBuildHook({ sheets, checks, catalog: CATALOG, tables: ['公开02表', '公开03表', '公开05表', '公开07表', '公开08表'] }); // CATALOG-HOOK: hidden 科目表 + the 科目 declaration K-01 (issue 16)
  return renameMessages(renameAndReorder({
    sheets,
    styles: styles.list,
    checks: [...checks],
    names: [...names],
    meta: {
      模板套: 'shanghai-putuo-2025', 模板套名称: '上海市普陀区 2025 年度部门决算公开', 格式版本: '1',
      // Shanghai publishes neither 自评表 nor 附件: the PDF packet leaves them out instead of flagging them missing
      [ABSENT_PARTS_KEY]: '项目支出绩效自评表、第五部分 附件',
      ...Object.fromEntries(Object.entries(ROLES).map(([role, sheet]) => [`${TABLE_ROLE_KEY}${role}`, sheet])),
    },
  }, SHEET_NAMES, ORDER));
}

/** Message texts name the tables too: outside the {…} expressions (already renamed) they get Shanghai's names. */
function renameMessages(p: Packet): Packet {
  const text = (t: string) => t.replace(/公开0\d表/g, (m) => SHEET_NAMES[m] ?? m);
  for (const c of p.checks) c.message = c.message.split(/(\{[^{}]*\})/).map((part) => (part.startsWith('{') ? part : text(part))).join('');
  return p;
}
void colIndex;
await writeSet(DIR, buildPacket);

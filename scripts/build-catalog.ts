/**
 * Writes templates/jiangxi-2024/科目.xlsx, the set's 科目 catalog, from the codes and names that could be verified.
 * No public machine-readable 政府收支分类科目 list was found (issue 16), so every row says where it was seen:
 *   参考公开包  the seed packet's 02/03/05/06/07表 (templates/jiangxi-2024/source/reference-tables.json)
 *   本套01表    the 26 功能分类 classes of this set's 01/04表 (scripts/build-templates.ts CLASSES)
 *   上海普陀    the published 2024 packages of 上海市普陀区 units (public repository GovBudgetChecker, samples/)
 *   导入词表    a former name this set's import vocabulary already lists (import/vocabulary.json 名称变体)
 *   issue 16    the issue's own examples (22198 from 2025; 减排专项支出 is 2111103)
 * After it is written the workbook is the data: a bureau replaces or extends it in Excel (README, 科目目录).
 * Run: npx tsx scripts/build-catalog.ts, then npx tsx scripts/build-templates.ts (which embeds it in the packets).
 */
import ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';

const DIR = 'templates/jiangxi-2024';

interface Row {
  code: string;
  name: string;
  kind: '功能' | '经济';
  from?: number;
  to?: number;
  former?: string[];
  source: string;
}

const rows: Row[] = [];
const add = (kind: Row['kind'], source: string, list: string, extra: Partial<Row> = {}) => {
  for (const line of list.trim().split('\n')) {
    const [code, name] = line.trim().split(/\s+/);
    rows.push({ code, name, kind, source, ...extra });
  }
};

// 功能分类 classes of this set's 01/04表
add('功能', '本套01表', `
201 一般公共服务支出
202 外交支出
203 国防支出
204 公共安全支出
205 教育支出
206 科学技术支出
208 社会保障和就业支出
210 卫生健康支出
211 节能环保支出
212 城乡社区支出
213 农林水支出
214 交通运输支出
215 资源勘探工业信息等支出
216 商业服务业等支出
217 金融支出
219 援助其他地区支出
220 自然资源海洋气象等支出
221 住房保障支出
222 粮油物资储备支出
223 国有资本经营预算支出
224 灾害防治及应急管理支出
229 其他支出
231 债务还本支出
232 债务付息支出
234 抗疫特别国债安排的支出`);
// 文化体育与传媒支出 became 文化旅游体育与传媒支出 (import vocabulary 名称变体)
add('功能', '本套01表；曾用名见导入词表', '207 文化旅游体育与传媒支出', { former: ['文化体育与传媒支出'] });

// the seed packet's 功能分类 rows (02/03/05/07表)
add('功能', '参考公开包', `
20103 政府办公厅（室）及相关机构事务
2010301 行政运行
20123 民族事务
2012399 其他民族事务支出
20129 群众团体事务
2012999 其他群众团体事务支出
20132 组织事务
2013201 行政运行
2013299 其他组织事务支出
20133 宣传事务
2013399 其他宣传事务支出
20134 统战事务
2013499 其他统战事务支出
20199 其他一般公共服务支出
2019999 其他一般公共服务支出
20602 基础研究
2060299 其他基础研究支出
20701 文化和旅游
2070199 其他文化和旅游支出
20799 其他文化旅游体育与传媒支出
2079999 其他文化旅游体育与传媒支出
20801 人力资源和社会保障管理事务
2080199 其他人力资源和社会保障管理事务支出
2080501 行政单位离退休
2080505 机关事业单位基本养老保险缴费支出
20807 就业补助
2080799 其他就业补助支出
20899 其他社会保障和就业支出
2089999 其他社会保障和就业支出
21011 行政事业单位医疗
2101101 行政单位医疗
21013 医疗救助
2101301 城乡医疗救助
21099 其他卫生健康支出
2109999 其他卫生健康支出
21208 国有土地使用权出让收入安排的支出
2120805 补助被征地农民支出
21307 农村综合改革
2130705 对村民委员会和村党支部的补助
2130706 对村集体经济组织的补助
21308 普惠金融发展支出
2130804 创业担保贷款贴息及奖补
2130805 补充创业担保贷款基金
22102 住房改革支出
2210201 住房公积金
22999 其他支出
2299999 其他支出`);
add('功能', '参考公开包；曾用名见导入词表', '20805 行政事业单位养老支出', { former: ['行政事业单位离退休'] });

// rows of the published 2024 packages of 上海市普陀区 units not already in the seed
add('功能', '上海普陀', `
20139 社会工作事务
2013901 行政运行
2013950 事业运行
2013999 其他社会工作事务支出
20502 普通教育
2050205 高等教育
2080502 事业单位离退休
2080506 机关事业单位职业年金缴费支出
2080599 其他行政事业单位养老支出
2101102 事业单位医疗
21201 城乡社区管理事务
2120101 行政运行
21202 城乡社区规划与管理
2120201 城乡社区规划与管理
22001 自然资源事务
2200150 事业运行
2200199 其他自然资源事务支出
2210203 购房补贴`);

// the examples: a 2025 class item, and the 污染减排 items a miscoded 减排专项支出 is told apart by
add('功能', 'issue 16（2025 年度起）', '22198 超长期特别国债安排的支出', { from: 2025 });
add('功能', 'issue 16', `
21111 污染减排
2111103 减排专项支出`);

// 部门预算支出经济分类 (06表): the seed's rows, names completed where the published text cut them off,
// checked against the 上海普陀 packages where they print the same code
add('经济', '参考公开包', `
301 工资福利支出
30101 基本工资
30102 津贴补贴
30103 奖金
30106 伙食补助费
30107 绩效工资
30108 机关事业单位基本养老保险缴费
30109 职业年金缴费
30110 职工基本医疗保险缴费
30111 公务员医疗补助缴费
30112 其他社会保障缴费
30113 住房公积金
30114 医疗费
30199 其他工资福利支出
302 商品和服务支出
30201 办公费
30202 印刷费
30203 咨询费
30204 手续费
30205 水费
30206 电费
30207 邮电费
30208 取暖费
30209 物业管理费
30211 差旅费
30212 因公出国（境）费用
30213 维修（护）费
30214 租赁费
30215 会议费
30216 培训费
30217 公务接待费
30218 专用材料费
30224 被装购置费
30225 专用燃料费
30226 劳务费
30227 委托业务费
30228 工会经费
30229 福利费
30231 公务用车运行维护费
30239 其他交通费用
30240 税金及附加费用
30299 其他商品和服务支出
303 对个人和家庭的补助
30301 离休费
30302 退休费
30303 退职（役）费
30304 抚恤金
30305 生活补助
30306 救济费
30307 医疗费补助
30308 助学金
30309 奖励金
30310 个人农业生产补贴
30311 代缴社会保险费
30399 其他对个人和家庭的补助
307 债务利息及费用支出
30701 国内债务付息
30702 国外债务付息
30703 国内债务发行费用
30704 国外债务发行费用
310 资本性支出`);
add('经济', '上海普陀', `
31013 公务用车购置
31019 其他交通工具购置
31021 文物和陈列品购置
31022 无形资产购置
31099 其他资本性支出`);

const LEVEL: Record<number, string> = { 3: '类', 5: '款', 7: '项' };

async function main() {
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(`${r.kind}:${r.code}`)) throw new Error(`duplicate ${r.code}`);
    seen.add(`${r.kind}:${r.code}`);
  }
  rows.sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === '功能' ? -1 : 1));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('科目表');
  ws.addRow(['编码', '名称', '级次', '分类', '起始年度', '终止年度', '曾用名', '来源']);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow([r.code, r.name, LEVEL[r.code.length], r.kind, r.from ?? null, r.to ?? null, (r.former ?? []).join('、'), r.source]);
  // codes are text: 2010301 must not become a number, nor lose a leading zero in another classification
  ws.getColumn(1).numFmt = '@';
  [12, 34, 6, 6, 10, 10, 28, 30].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  writeFileSync(`${DIR}/科目.xlsx`, Buffer.from(await wb.xlsx.writeBuffer()));
  console.log(`wrote ${DIR}/科目.xlsx (${rows.length} 科目)`);
}

await main();

/**
 * The 汇总规则 a template set ships (templates/<set>/merge.json): which sheets are summed cell by cell, which
 * are taken from 本级, how 概况 is combined and which rows are the transfers inside a group (内部往来) that are
 * eliminated. The code knows no sheet or row by itself; everything it touches is named here.
 */
import { colIndex } from '../a1.js';
import { PacketError } from '../errors.js';

export type TransferReceiver = '本级' | '下属单位';

export interface TransferSide {
  /** the 科目 table (a 层级-declared sheet) and its columns, 0-based */
  sheet: string;
  col: number;
  totalCol: number;
  /** defined names of single cells that carry the item (01表 上级补助收入, 本年收入合计, 总计 …) */
  names: string[];
  /** the 功能分类 class lines of a summary table, by 类 code (01表 支出 side) */
  byClass?: { sheet: string; col: number; rows: Map<string, number> };
}

export interface TransferRule {
  name: string;
  /** who records the income: 下属单位 (上级补助收入 from 本级) or 本级 (附属单位上缴收入 from 下属单位) */
  receiver: TransferReceiver;
  income: TransferSide;
  expense: TransferSide;
}

export interface MergeRules {
  overview: { unitName: string; composition: string; unitCount: string; same: string[]; sum: string[] };
  sumSheets: string[];
  fromMain: string[];
  transfers: TransferRule[];
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new PacketError(`汇总规则有误：「${what}」应为一组键值。`);
  return v as Json;
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new PacketError(`汇总规则有误：「${what}」应为非空文字。`);
  return v.trim();
}
function strs(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new PacketError(`汇总规则有误：「${what}」应为文字列表。`);
  return v.map((x, i) => str(x, `${what}[${i + 1}]`));
}
function column(v: unknown, what: string): number {
  const s = str(v, what);
  if (!/^[A-Z]{1,3}$/.test(s)) throw new PacketError(`汇总规则有误：「${what}」应为列字母（如 E），而不是「${s}」。`);
  return colIndex(s);
}

function side(v: unknown, what: string): TransferSide {
  const o = obj(v, what);
  const out: TransferSide = {
    sheet: str(o['表'], `${what}.表`),
    col: column(o['列'], `${what}.列`),
    totalCol: column(o['合计列'], `${what}.合计列`),
    names: strs(o['名称'], `${what}.名称`),
  };
  if (o['按类'] !== undefined) {
    const b = obj(o['按类'], `${what}.按类`);
    const first = b['首行'];
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 1) throw new PacketError(`汇总规则有误：「${what}.按类.首行」应为行号。`);
    const rows = new Map<string, number>();
    strs(b['类'], `${what}.按类.类`).forEach((code, i) => rows.set(code, first - 1 + i));
    out.byClass = { sheet: str(b['表'], `${what}.按类.表`), col: column(b['列'], `${what}.按类.列`), rows };
  }
  return out;
}

/** Parse and validate merge.json (untrusted: it ships with a set a finance bureau may write). */
export function parseMergeRules(json: unknown): MergeRules {
  const o = obj(json, '汇总规则');
  if (o['格式'] !== '汇总规则/1') throw new PacketError('汇总规则的「格式」不是本软件认识的「汇总规则/1」。');
  const ov = obj(o['概况'], '概况');
  const transfers = (Array.isArray(o['内部往来']) ? o['内部往来'] : []).map((t, i) => {
    const to = obj(t, `内部往来[${i + 1}]`);
    const receiver = str(to['收入方'], `内部往来[${i + 1}].收入方`);
    if (receiver !== '本级' && receiver !== '下属单位') throw new PacketError(`汇总规则有误：内部往来[${i + 1}].收入方 应为「本级」或「下属单位」。`);
    return {
      name: str(to['名称'], `内部往来[${i + 1}].名称`),
      receiver: receiver as TransferReceiver,
      income: side(to['收入'], `内部往来[${i + 1}].收入`),
      expense: side(to['支出'], `内部往来[${i + 1}].支出`),
    };
  });
  return {
    overview: {
      unitName: str(ov['单位名称'], '概况.单位名称'),
      composition: str(ov['单位构成'], '概况.单位构成'),
      unitCount: str(ov['单位数'], '概况.单位数'),
      same: strs(ov['须一致'], '概况.须一致'),
      sum: strs(ov['相加'], '概况.相加'),
    },
    sumSheets: strs(o['相加'], '相加'),
    fromMain: strs(o['取本级'], '取本级'),
    transfers,
  };
}

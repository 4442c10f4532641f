/** Roles, not names: a sheet is a 公开表 because the set declares it, whatever it is called. */
import { describe, expect, it } from 'vitest';
import { sheetOfName, sheetOfRole, TABLE_ROLE_KEY, tableRoles } from '../../shared/roles.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { bytesOf, EMPTY_TABLES } from '../helpers/packets.js';

describe('table roles', () => {
  it('the shipped set declares its ten tables and 概况 in 公开包信息, and figure roles as defined names', async () => {
    const p = await readPacket(bytesOf(EMPTY_TABLES));
    expect(tableRoles(p.meta).size).toBe(11);
    expect(sheetOfRole(p, '基本支出表')).toBe('公开06表');
    expect(sheetOfName(p, '项目支出合计')).toBe('公开03表');
    expect(p.names.find((n) => n.name === '项目支出合计')!.ref).toBe(p.names.find((n) => n.name === '公开03表合计_E')!.ref);
  });

  it('a sheet named like a table but not declared is no table; a declared one under any name is', async () => {
    const p = await readPacket(bytesOf(EMPTY_TABLES));
    const copy = structuredClone(p.sheets.find((s) => s.name === '公开10表')!);
    p.sheets.push({ ...copy, name: '公开11表' }, { ...structuredClone(copy), name: '附表 资产' });
    p.meta[`${TABLE_ROLE_KEY}国有资产表`] = '附表 资产';
    const back = await readPacket(await writePacket(p));
    const kind = (n: string) => back.sheets.find((s) => s.name === n)?.kind;
    expect(kind('公开11表')).toBe('other');
    expect(kind('公开10表')).toBe('other');
    expect(kind('附表 资产')).toBe('table');
    expect(kind('公开01表')).toBe('table');
  });

  it('a packet saved before roles existed (no 表角色 at all) still opens with its 公开NN表 as tables', async () => {
    const p = await readPacket(bytesOf(EMPTY_TABLES));
    for (const k of Object.keys(p.meta)) if (k.startsWith(TABLE_ROLE_KEY)) delete p.meta[k];
    const back = await readPacket(await writePacket(p));
    expect(back.sheets.filter((s) => s.kind === 'table').map((s) => s.name)).toHaveLength(10);
    expect(back.sheets.find((s) => s.name === '概况')?.kind).toBe('overview');
  });
});

/** bin/juesuan sets / new: the sets are what templates/ holds, and a new packet is of the set asked for. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPacket } from '../../shared/xlsx.js';
import { bytesOf } from '../helpers/packets.js';
import { juesuan } from '../helpers/cli.js';

describe('bin/juesuan sets and new', () => {
  it('lists every set folder with its set.json name', () => {
    const r = juesuan('sets', '--json');
    expect(r.code).toBe(0);
    const sets = JSON.parse(r.stdout) as { id: string; name: string }[];
    expect(sets).toContainEqual({ id: 'jiangxi-2024', name: '江西省 2024 年度部门决算公开' });
  }, 120_000);

  it('new --set writes that set\'s empty packet, its tables declared by role; an unknown set is refused in Chinese', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'juesuan-new-')), '新公开包.xlsx');
    const bad = juesuan('new', '--set', 'no-such-set', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('没有模板套「no-such-set」');
    expect(bad.stderr).toContain('jiangxi-2024');
    const r = juesuan('new', '--set', 'jiangxi-2024', '--out', out);
    expect(r.code).toBe(0);
    const p = await readPacket(bytesOf(out));
    expect(p.meta['模板套']).toBe('jiangxi-2024');
    expect(p.meta['表角色:三公表']).toBe('公开09表');
    expect(p.sheets.filter((s) => s.kind === 'table')).toHaveLength(10);
    expect(juesuan('new', '--set', 'jiangxi-2024', '--out', out).code).toBe(2);
  }, 120_000);
});

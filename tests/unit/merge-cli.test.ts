/**
 * bin/juesuan merge as a user runs it: three unit files → the department packet; run again on the same --out →
 * it is replaced (the old kept as .bak.xlsx) and the command says nothing changed; bad usage → exit 2 in Chinese.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePacket } from '../../shared/xlsx.js';
import { juesuan } from '../helpers/cli.js';
import { splitReference, TRANSFER, UNIT_NAMES } from '../helpers/merge-fixtures.js';

let dir = '';
let files: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'merge-cli-'));
  const { units } = await splitReference();
  files = await Promise.all(units.map(async (u, i) => {
    const p = join(dir, `unit${i + 1}.xlsx`);
    writeFileSync(p, await writePacket(u));
    return p;
  }));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('juesuan merge', () => {
  it('writes the department packet, lists the elimination, and a re-run says nothing changed', () => {
    const out = join(dir, '部门.xlsx');
    const first = juesuan('merge', ...files, '--out', out);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`本级      ${UNIT_NAMES[0]}（unit1.xlsx）`);
    expect(first.stdout).toContain(`抵销组内往来 1 项，共 50.00 万元`);
    expect(first.stdout).toContain(`${TRANSFER.code} 其他一般公共服务支出：50.00`);
    expect(first.stdout).toContain('汇总后审核：0 个错误');
    expect(existsSync(out)).toBe(true);
    const again = juesuan('merge', ...files, '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('与上次汇总相比：没有变化。');
    expect(existsSync(join(dir, '部门.bak.xlsx'))).toBe(true);
  }, 240_000);

  it('refuses bad usage with a Chinese message and exit 2', () => {
    const one = juesuan('merge', files[0], '--out', join(dir, 'x.xlsx'));
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('merge 需要至少两个单位公开包');
    const self = juesuan('merge', files[0], files[1], '--out', files[1]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('--out 不能是参与汇总的单位公开包之一');
  }, 60_000);
});

/**
 * Untrusted formulas (issue 18): ranges built at run time are recognised, the far end of a range may carry
 * its sheet, placeholders are capped; ordinary lookups (INDEX(range, n) as a value) are left alone.
 */
import { describe, expect, it } from 'vitest';
import { capPlaceholder, rangeCost, runtimeRange, unsafeFormula } from '../../shared/safety/formulas.js';
import { PacketSession } from '../../shared/engine.js';
import { smallPacket } from '../fixtures/hostile/corpus.js';

describe('runtimeRange', () => {
  it('names the functions and the function-made ranges', () => {
    expect(runtimeRange("=SUM(OFFSET('公开01表'!A1,0,0,1048576,16384))>0")).toBe('函数 OFFSET');
    expect(runtimeRange('SUM(INDIRECT("A1:A9"))')).toBe('函数 INDIRECT');
    expect(runtimeRange('SUM(_xlfn.SEQUENCE(9,9))')).toBe('函数 SEQUENCE');
    expect(runtimeRange('SUM(A1:INDEX(A:A,39990))')).toMatch(/由函数结果组成的区域/);
    expect(runtimeRange('SUM(INDEX(A:A,1):B9)')).toMatch(/由函数结果组成的区域/);
  });

  it('leaves ordinary formulas alone, strings and sheet names included', () => {
    expect(runtimeRange('IFERROR(N(INDEX($B$9:$B$20,MATCH(1,$C$9:$C$20,0))),0)')).toBeNull();
    expect(runtimeRange('APPROX(公开01表!B5,公开01表!B3+公开01表!B4,3)')).toBeNull();
    expect(runtimeRange('"OFFSET(" & "x):y("')).toBeNull();
    expect(runtimeRange("SUM('OFFSET(1)'!A1:B2)")).toBeNull();
  });

  it('a cell formula with one keeps its cached result (not a program: code is false)', () => {
    expect(unsafeFormula('SUM(OFFSET(A1,0,0,40000,1000))')).toEqual({ reason: '公式使用了运行时生成区域的函数 OFFSET', code: false });
  });
});

describe('rangeCost', () => {
  it('costs a range whose far end repeats the sheet like any other', () => {
    expect(rangeCost('=SUM(公开01表!A1:公开01表!Y39990)>0', '审核', new Set())).toBe(25 * 39990);
    expect(rangeCost("=SUM('公开01表'!A1:'公开01表'!B2)", '审核', new Set())).toBe(4);
    // the same range written both ways is one range to the engine
    const seen = new Set<string>();
    expect(rangeCost('SUM(公开01表!A1:Y100)', '审核', seen)).toBe(2500);
    expect(rangeCost('SUM(公开01表!A1:公开01表!Y100)', '审核', seen)).toBe(0);
  });
});

describe('placeholders', () => {
  it('are capped at 200 characters, with the length said', () => {
    expect(capPlaceholder('长'.repeat(200))).toBe('长'.repeat(200));
    expect(capPlaceholder('长'.repeat(32767))).toBe(`${'长'.repeat(200)}…（共 32767 个字符，已截断）`);
  });

  it('a failing check shows its figures in full and a long text cut', () => {
    const p = smallPacket();
    p.checks[0] = { ...p.checks[0], formula: '1=2', message: '合计 {公开01表!B5} {REPT("长",5000)}' };
    const f = new PacketSession(p).findings().find((x) => x.rule.startsWith('T-01'))!;
    expect(f.message).toContain('合计 120.50 ');
    expect(f.message).toContain('…（共 5000 个字符，已截断）');
    expect(f.message.length).toBeLessThan(300);
  });
});

/** Issue 12 point 10: targets from other offices' 自评表 with full-width or small-form operators are compared. */
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../shared/forms/rules.js';

describe('年度指标值 operators as other offices write them', () => {
  it.each([
    ['﹦100%', '=', 100],
    ['＝100%', '=', 100],
    ['＞90%', '>', 90],
    ['﹥90%', '>', 90],
    ['≧95%', '≥', 95],
    ['≥ 95 %', '≥', 95],
    ['﹤5天', '<', 5],
    ['≦3次', '≤', 3],
  ])('%s', (text, op, value) => {
    expect(parseTarget(text)).toMatchObject({ op, value });
  });
  it('words without a comparison are not compared', () => {
    expect(parseTarget('约100%')).toBeNull();
    expect(parseTarget('有效提升')).toBeNull();
  });
});

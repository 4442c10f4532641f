/**
 * 情况说明.docx, section 九: the paragraph "…项目支出绩效自评结果如下：" introduces the 自评表, which the .docx does
 * not carry; it is followed by a sentence that says where they are instead of the section ending on a colon.
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { FORMS_ELSEWHERE, narrativeDocx } from '../../shared/narrative/docx.js';
import { generateNarrative } from '../../shared/narrative/generate.js';
import { session as openSession, template as loadTemplate } from '../fixtures/narrative/load.js';

describe('情况说明.docx section 九', () => {
  it('does not end "…结果如下：" with nothing after it', async () => {
    const s = await openSession();
    const t = loadTemplate();
    const xml = await (await JSZip.loadAsync(await narrativeDocx(generateNarrative(s, t), t))).file('word/document.xml')!.async('string');
    const paras = (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) => p.replace(/<[^>]+>/g, ''));
    const at = paras.findIndex((p) => /自评结果如下：$/.test(p));
    expect(at).toBeGreaterThan(0);
    expect(paras[at + 1]).toBe(FORMS_ELSEWHERE);
    expect(paras[at + 2]).toBe('（三）部门评价项目绩效评价情况。');
    // said once only
    expect(paras.filter((p) => p === FORMS_ELSEWHERE)).toHaveLength(1);
    s.destroy();
  }, 120_000);
});

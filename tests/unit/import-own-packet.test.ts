/**
 * A packet this app saved, used as an import source (another unit's 保存 file, a colleague's copy): its hidden
 * 公开包信息 declares which sheet plays which table, so each declared sheet goes to the table of the same role
 * here, and its working sheets (上年数, 年初预算, 说明文字, 名词解释 …) are never taken for a table by their text —
 * before, 名词解释 and 说明文字 of the Shanghai set were "recognised" as its 三公 table by a line of their text.
 * The working sheets' figures are still listed as not placed, with the reason: nothing is dropped silently.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { exportWorkbook } from '../../shared/export/workbook.js';
import { importWorkbook, loadVocabulary } from '../../shared/import/index.js';
import { tableRoles } from '../../shared/roles.js';
import { readPacket } from '../../shared/xlsx.js';
import { figureDiffs } from '../fixtures/import/compare.js';

const bytes = (p: string) => new Uint8Array(readFileSync(p));

describe.each(['jiangxi-2024', 'shanghai-putuo-2025'])('the saved packet of %s as an import source', (set) => {
  it('places every declared table by its role and takes no working sheet for a table', async () => {
    const dir = `templates/${set}`;
    const ref = await readPacket(bytes(`${dir}/reference-packet.xlsx`));
    const saved = await exportWorkbook(ref);
    const vocabulary = loadVocabulary(JSON.parse(readFileSync(`${dir}/import/vocabulary.json`, 'utf8')) as unknown, 'vocabulary.json');
    const session = new PacketSession(await readPacket(bytes(`${dir}/tables.xlsx`)));
    const r = await importWorkbook(saved, session, { vocabulary, file: '保存的公开包.xlsx' });
    const got = session;
    try {
      const roles = tableRoles(ref.meta);
      const tables = [...roles].filter(([role]) => role !== '概况').map(([, sheet]) => sheet);
      const bySheet = new Map(r.report.sheets.map((x) => [x.sheet, x]));
      for (const t of tables) {
        expect(bySheet.get(t)?.table, t).toBe(t);
        expect(bySheet.get(t)?.recognizedBy, t).toBe('表角色');
      }
      // no sheet other than the declared ones and the 自评表 lands on a table
      const onTables = r.report.sheets.filter((x) => x.table && !x.sheet.startsWith('自评')).map((x) => x.sheet);
      expect(onTables.sort()).toEqual([...tables].sort());
      const working = ref.sheets.filter((s) => !s.hidden && s.kind !== 'table' && s.kind !== 'form' && ![...roles.values()].includes(s.name)).map((s) => s.name);
      expect(working.length).toBeGreaterThanOrEqual(4);
      for (const w of working) {
        const rep = bySheet.get(w)!;
        expect(rep.table, w).toBeNull();
        expect(rep.reason, w).toMatch(/未把「.+」声明为公开表|由各自评表汇总生成/);
      }
      // the 上年数 sheet's own figures are listed with that reason, not lost without a word
      const prior = working.find((w) => (bySheet.get(w)?.notPlaced.length ?? 0) > 0);
      expect(prior).toBeDefined();
      expect(figureDiffs(ref, got, tables)).toEqual([]);
    } finally {
      got.destroy();
    }
  }, 300_000);
});

/**
 * Forms added, replaced and removed as an operation of the open session (session.changeSheets): an import that
 * adds forms goes into the open reference session — HyperFormula sheets, names and checks — as one undo step,
 * with no new session built. Its findings are those of a session opened on the saved result; undo brings back
 * the original findings and sheets, redo the imported ones.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { addForm, deleteForm, formLayout, formSheets, keyCells } from '../../shared/forms.js';
import { importWorkbook } from '../../shared/import/index.js';
import type { Packet } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { formsBook } from '../fixtures/import/build.js';
import { findingLines } from '../fixtures/import/compare.js';
import { loadPacket, VOCABULARY } from '../helpers/packets.js';

let ref: Packet;
beforeAll(async () => {
  ref = await loadPacket();
});

const sheetNames = (s: PacketSession) => s.packet.sheets.map((x) => x.name);
const clone = (p: Packet) => JSON.parse(JSON.stringify(p)) as Packet;

/** The session's packet written and read back, opened afresh: what the accountant gets after 保存 and 打开. */
async function reopened(s: PacketSession): Promise<PacketSession> {
  return new PacketSession(await readPacket(await writePacket(s.toPacket())));
}

describe('forms as an operation of the session', () => {
  it('an import adding 3 forms (one with a wrong 总分): findings of the saved result; one undo step back; redo again', async () => {
    const session = new PacketSession(clone(ref));
    const original = findingLines(session);
    const originalSheets = sheetNames(session);
    const picked = ref.sheets.filter((s) => s.kind === 'form').slice(0, 3).map((s) => s.name);
    const l = formLayout(ref.sheets.find((s) => s.name === picked[0])!);
    if (typeof l === 'string') throw new Error(l);
    const k = keyCells(l);
    const source = await formsBook(ref, (n) => picked.includes(n), (p) => {
      picked.forEach((name, i) => {
        const s = p.sheets.find((x) => x.name === name)!;
        s.cells[k.name.row][k.name.col]!.v = `2025年新增项目${i + 1}`;
      });
      // the first new form prints a 总分 its items do not add up to: a real defect the new form's checks must see
      const t = p.sheets.find((x) => x.name === picked[0])!.cells[k.total.row][k.total.col]!;
      delete t.f;
      t.v = 55;
    });
    const r = await importWorkbook(source, session, { vocabulary: VOCABULARY, file: '新增自评表.xlsx' });
    const added = r.report.sheets.map((x) => x.table!);
    expect(added).toEqual(['自评73 2025年新增项目1', '自评74 2025年新增项目2', '自评75 2025年新增项目3']);
    expect(sheetNames(session).filter((n) => !originalSheets.includes(n))).toEqual(added);
    // the import's answer names the new sheets (the editor lays them out) and the finding on the new form
    expect(r.edit!.structural).toEqual(expect.arrayContaining(added));
    const total = r.edit!.added.find((f) => f.sheet === added[0] && f.rule === `${added[0]}:指标:总分`);
    expect(total?.severity).toBe('error');
    expect(total?.cells).toEqual([`${String.fromCharCode(65 + k.total.col)}${k.total.row + 1}`]);

    const imported = findingLines(session);
    expect(imported).not.toEqual(original);
    expect(imported).toEqual(findingLines(await reopened(session)));
    // the summary counts the forms it now has, read live from the engine
    expect(session.calculate('=自评项目数')).toBe(75);

    // one step: a single undo takes the forms back out, and nothing is left to undo
    session.undo();
    expect(sheetNames(session)).toEqual(originalSheets);
    expect(findingLines(session)).toEqual(original);
    expect(session.calculate('=自评项目数')).toBe(72);
    expect(session.canUndo()).toBe(false);
    expect(findingLines(await reopened(session))).toEqual(original);

    session.redo();
    expect(sheetNames(session).filter((n) => !originalSheets.includes(n))).toEqual(added);
    expect(findingLines(session)).toEqual(imported);
    expect(session.calculate('=自评项目数')).toBe(75);

    // the new form is live: its 总分 typed again is an ordinary edit of it, undone alone
    expect(session.getValue(added[0], k.total.row, k.total.col)).toBe(55);
    const edit = session.apply([{ sheet: added[0], row: k.total.row, col: k.total.col, value: 56 }]);
    expect(edit.updated.map((f) => f.rule)).toContain(`${added[0]}:指标:总分`);
    session.undo();
    expect(findingLines(session)).toEqual(imported);
    expect(sheetNames(session).filter((n) => !originalSheets.includes(n))).toEqual(added);
  }, 300_000);

  it('a form deleted and one added through the collection: the saved result, then undo and redo', async () => {
    const session = new PacketSession(clone(ref));
    const original = findingLines(session);
    const originalSheets = sheetNames(session);
    const gone = formSheets(session.packet)[1].name;
    const { value, result } = session.changeSheets((p) => {
      deleteForm(p, gone);
      return addForm(p, { name: '自评99 空白表' });
    });
    expect(value).toBe('自评99 空白表');
    expect(sheetNames(session)).not.toContain(gone);
    expect(sheetNames(session)).toContain(value);
    // the findings of the removed form went away with it
    expect(result.removed.some((f) => f.sheet === gone) || !original.some((x) => x.includes(` | ${gone} `))).toBe(true);
    expect(session.findings().some((f) => f.sheet === gone)).toBe(false);
    const after = findingLines(session);
    expect(after).toEqual(findingLines(await reopened(session)));
    session.undo();
    expect(sheetNames(session)).toEqual(originalSheets);
    expect(findingLines(session)).toEqual(original);
    session.redo();
    expect(findingLines(session)).toEqual(after);
  }, 300_000);

  it('a mutation that throws changes nothing', async () => {
    const session = new PacketSession(clone(ref));
    const original = findingLines(session);
    expect(() => session.changeSheets((p) => addForm(p, { name: '审核' }))).toThrow(/保留的工作表名称/);
    expect(findingLines(session)).toEqual(original);
    expect(session.canUndo()).toBe(false);
  });
});

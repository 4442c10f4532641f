/** The cover date: stored in the packet (公开包信息 封面日期), saved and read back, printed on the cover; today when unset. */
import { describe, expect, it } from 'vitest';
import { PacketSession } from '../../shared/engine.js';
import { buildPacketHtml, coverDate, setCoverDate, storedCoverDate } from '../../shared/export/index.js';
import { chineseDate } from '../../shared/export/html.js';
import { COVER_DATE_KEY } from '../../shared/model.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { loadPacket } from '../helpers/packets.js';

describe('封面日期', () => {
  it('defaults to today, is stored, survives save and reopen, and is what the cover prints', async () => {
    const s = new PacketSession(await loadPacket());
    expect(storedCoverDate(s.packet)).toBeUndefined();
    const today = new Date(2026, 11, 3);
    expect(coverDate(s.packet, today)).toBe(today);
    setCoverDate(s, '2025-5-20');
    expect(s.dirty).toBe(true);
    expect(s.packet.meta[COVER_DATE_KEY]).toBe('2025-05-20');
    const back = await readPacket(await writePacket(s.toPacket()));
    const d = storedCoverDate(back)!;
    expect([d.getFullYear(), d.getMonth() + 1, d.getDate()]).toEqual([2025, 5, 20]);
    const html = buildPacketHtml({ packet: back }).html;
    expect(html).toContain(`<div class="date">${chineseDate(new Date(2025, 4, 20))}</div>`);
    // an explicit date (the print dialog's field before it is stored) still wins
    expect(buildPacketHtml({ packet: back, date: new Date(2025, 5, 1) }).html).toContain(chineseDate(new Date(2025, 5, 1)));
    expect(() => setCoverDate(s, '2025-02-30')).toThrow(/封面日期「2025-02-30」无法识别/);
    setCoverDate(s, null);
    expect(storedCoverDate(s.packet)).toBeUndefined();
    s.destroy();
  }, 120_000);
});

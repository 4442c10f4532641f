/**
 * The fast read (styles looked up by ExcelJS's shared style object, validations copied once per object) gives
 * exactly the Packet of the cell-by-cell reference read — deep and strict equality, key order of the style
 * table included — on the shipped reference packets, the templates and the packets the tests build.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Packet } from '../../shared/model.js';
import { XmlScanner, type ScanSink, type TagEvent } from '../../shared/safety/xml-scan.js';
import { loadWorkbook, packetFromWorkbook, readPacket, writePacket } from '../../shared/xlsx.js';
import { bytesOf } from '../helpers/packets.js';
import { heavyPacket } from '../helpers/heavy-packet.js';
import { batchPackets, splitReference } from '../helpers/merge-fixtures.js';

async function both(bytes: Uint8Array): Promise<{ fast: Packet; reference: Packet }> {
  const fast = await readPacket(bytes);
  const reference = packetFromWorkbook(await loadWorkbook(bytes), '公开包', { reference: true });
  return { fast, reference };
}

function validationCounts(p: Packet): { addresses: number; objects: number } {
  let addresses = 0;
  const objects = new Set<unknown>();
  for (const s of p.sheets) {
    for (const v of Object.values(s.keep?.validations ?? {})) {
      addresses++;
      objects.add(v);
    }
  }
  return { addresses, objects: objects.size };
}

describe('fast read = reference read', () => {
  for (const path of ['templates/jiangxi-2024/reference-packet.xlsx', 'templates/shanghai-putuo-2025/reference-packet.xlsx']) {
    it(path, async () => {
      const { fast, reference } = await both(bytesOf(path));
      expect(fast.sheets.length).toBeGreaterThan(5);
      expect(fast.styles.length).toBeGreaterThan(3);
      expect(isDeepStrictEqual(fast, reference)).toBe(true);
      // toStrictEqual names the first difference should there be one
      expect(fast).toStrictEqual(reference);
    }, 60_000);
  }

  it('the reference packet: validations are shared as ExcelJS shares them, and still equal', async () => {
    const { fast, reference } = await both(bytesOf('templates/jiangxi-2024/reference-packet.xlsx'));
    const f = validationCounts(fast);
    const r = validationCounts(reference);
    expect(f.addresses).toBe(r.addresses);
    expect(f.addresses).toBeGreaterThan(1000);
    expect(r.objects).toBe(r.addresses);
    expect(f.objects).toBeLessThan(f.addresses / 2);
  }, 60_000);

  it('packets the tests build: split units, batch packets with a planted error, a heavy packet', async () => {
    const { units } = await splitReference();
    const fx = await batchPackets(6, { plantEvery: 2, unreadableEvery: 100 });
    const built = [...(await Promise.all(units.map((u) => writePacket(u)))), ...fx.files.map((f) => f.bytes), await writePacket(heavyPacket(3))];
    expect(built.length).toBe(units.length + 7);
    for (const bytes of built) {
      const { fast, reference } = await both(bytes);
      expect(isDeepStrictEqual(fast, reference)).toBe(true);
    }
  }, 120_000);

  it('a packet re-saved with styles set row by row and column by column (cells without an own style object)', async () => {
    const p = await readPacket(bytesOf('templates/jiangxi-2024/reference-packet.xlsx'));
    const wb = await loadWorkbook(await writePacket(p));
    const ws = wb.worksheets[0];
    ws.getRow(3).font = { name: '宋体', size: 11, bold: true };
    ws.getColumn(2).numFmt = '#,##0.00';
    ws.getCell('B3').font = { name: '黑体', size: 12 };
    const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const { fast, reference } = await both(bytes);
    expect(fast).toStrictEqual(reference);
    const b3 = fast.sheets[0].cells[2][1];
    expect(fast.styles[b3!.s!].font).toMatchObject({ name: '黑体', size: 12 });
  }, 60_000);
});

describe('the gate scanner reads attributes from fixed buffers', () => {
  const te = new TextEncoder();
  const collect = (chunks: Uint8Array[]) => {
    const tags: TagEvent[] = [];
    const sink: ScanSink = {
      wants: (t) => (t === 'sheet' ? ['name', 'r'] : undefined),
      wantsText: () => false,
      onTag: (e) => tags.push({ ...e, attrs: { ...e.attrs } }),
      onText: () => undefined,
    };
    const s = new XmlScanner(sink);
    for (const c of chunks) s.push(c);
    return tags;
  };

  it('Chinese, entities and invalid UTF-8 decode as the UTF-8 decoder does, capped names and values as before', () => {
    const long = 'x'.repeat(5000);
    const head = te.encode(`<a:sheet name="收入&amp;支出表" r="A1"/><sheet name="${long}"/><${'n'.repeat(80)} r="1"/><sheet name="`);
    const bad = new Uint8Array([0xe6, 0x94, 0x22]); // a cut UTF-8 sequence, then the closing quote
    const bytes = new Uint8Array([...head, ...bad, ...te.encode(' r="B2"/>')]);
    const whole = collect([bytes]);
    expect(whole.map((t) => t.name)).toEqual(['sheet', 'sheet', 'n'.repeat(64), 'sheet']);
    expect(whole[0].attrs).toEqual({ name: '收入&支出表', r: 'A1' });
    expect(whole[1].attrs.name).toBe('x'.repeat(4096));
    expect(whole[3].attrs).toEqual({ name: '\uFFFD', r: 'B2' });
    for (let cut = 1; cut < bytes.length; cut += 5) expect(collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
  });
});

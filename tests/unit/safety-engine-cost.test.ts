/**
 * The estimate that decides when the app tries a packet's engine in a worker before building it on the page
 * (shared/safety/engine-cost.ts, renderer/state/engine-probe.ts): ordinary packets — the reference packet, the
 * same with 1,000 forms — stay on the direct path; a packet whose formulas re-read one big range thousands
 * of times, which the readers' distinct-range budget lets through, does not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formSheets, installForms, type FormData } from '../../shared/forms.js';
import { engineCost } from '../../shared/safety/engine-cost.js';
import { LIMITS } from '../../shared/safety/limits.js';
import { readPacket, writePacket } from '../../shared/xlsx.js';
import { heavyPacket } from '../helpers/heavy-packet.js';
import { loadPacket } from '../helpers/packets.js';

describe('engineCost', () => {
  it('the reference packet: every formula and check counted, about half a million cell reads, no trial build', async () => {
    const c = engineCost(await loadPacket());
    expect(c.formulas).toBeGreaterThan(2500);
    expect(c.cellReads).toBeGreaterThan(400_000);
    expect(c.cellReads).toBeLessThan(LIMITS.engineProbeFromReads / 10);
  });

  it('the reference packet with 1,000 forms stays below the trial-build threshold', async () => {
    const packet = await loadPacket();
    const published = JSON.parse(readFileSync('templates/jiangxi-2024/source/reference-forms.json', 'utf8')) as FormData[];
    installForms(packet, Array.from({ length: 1000 - formSheets(packet).length }, (_x, i) => structuredClone(published[i % published.length])));
    expect(formSheets(packet).length).toBe(1000);
    const c = engineCost(packet);
    expect(c.cellReads).toBeLessThan(LIMITS.engineProbeFromReads);
  }, 120_000);

  it('a packet re-reading one 520,000-cell range in 100 cells passes the reader and is sent to the trial build', async () => {
    // the reader's budget counts the range once: the file opens as far as the reader is concerned
    const packet = await readPacket(await writePacket(heavyPacket(100)));
    const c = engineCost(packet);
    expect(c.cellReads).toBeGreaterThan(LIMITS.engineProbeFromReads);
    expect(c.cellReads).toBe(100 * 520_001 + engineCost(await readPacket(await writePacket(heavyPacket(0)))).cellReads);
    expect(c.heaviest).toEqual({ sheet: '公开01表', cell: 'C6', reads: 520_001 });
  });
});

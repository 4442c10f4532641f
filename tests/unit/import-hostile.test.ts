/** The importer refuses what the packet reader refuses: no second reader inflates a bomb. */
import { describe, expect, it } from 'vitest';
import { planImport } from '../../shared/import/index.js';
import { buildCorpus } from '../fixtures/hostile/corpus.js';
import { bytesOf, openSession, REFERENCE, VOCABULARY } from '../helpers/packets.js';

describe('import of hostile workbooks', () => {
  it('refuses zip bombs and absurd sheets with the same Chinese message as opening them', async () => {
    const corpus = await buildCorpus({ reference: bytesOf(REFERENCE), mutations: 0 });
    const bombs = corpus.filter((f) => f.category === 'bomb' || f.name.includes('entity-bomb'));
    expect(bombs.length).toBeGreaterThanOrEqual(6);
    const session = await openSession('templates/jiangxi-2024/tables.xlsx');
    for (const f of bombs) {
      const err = await planImport(f.bytes, session, { vocabulary: VOCABULARY, file: f.name }).then(() => null, (e: Error) => e);
      expect(err, f.name).not.toBeNull();
      expect(err!.message, f.name).toMatch(f.message ?? /./);
    }
  });
});

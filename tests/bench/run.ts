/** `npm run bench`: every benchmark under tests/bench that exports run(); figures go to tests/bench/results/. */
import { readdirSync } from 'node:fs';

const files = readdirSync('tests/bench').filter((f) => f.endsWith('-bench.ts')).sort();
for (const f of files) {
  const mod = (await import(`./${f}`)) as { run?: () => Promise<void> };
  if (typeof mod.run === 'function') await mod.run();
}

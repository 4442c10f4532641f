/**
 * build/icon.png (512 × 512, what electron-builder turns into the Windows .ico and the deb's icons) from
 * build/icon.svg, rendered by the same Chromium the tests use. Run after editing the SVG:
 *   npx tsx scripts/make-icon.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../node/pdf.js';

const svg = readFileSync('build/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}</style>${svg}`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync('build/icon.png', png);
  console.log(`wrote build/icon.png (${png.length} bytes)`);
} finally {
  await browser.close();
}

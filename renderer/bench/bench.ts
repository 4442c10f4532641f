/**
 * The floor for the editor's latency benchmark: bare Handsontable with its own formulas plugin bound to a
 * HyperFormula instance, on a sheet of the same size as the reference packet's sheet under test, with
 * column totals and a row identity as formulas. Measures Enter → the dependent total's cell updated in the
 * DOM (and the next frame), the same way the editor measures Enter → checks panel updated.
 * Built only for the benchmark (JUESUAN_BENCH=1), never part of the app.
 */
import Handsontable from 'handsontable';
import { HyperFormula } from 'hyperformula';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-classic.min.css';

const q = new URLSearchParams(location.search);
const rows = Math.max(10, Number(q.get('rows') ?? 65));
const cols = Math.max(4, Number(q.get('cols') ?? 8));
const HEAD = 5;
const TOTAL = HEAD;
const first = HEAD + 1;
const letters = (c: number) => String.fromCharCode(65 + c);

const data: (string | number | null)[][] = [];
for (let r = 0; r < rows; r++) {
  const row: (string | number | null)[] = [];
  for (let c = 0; c < cols; c++) {
    if (r < HEAD) row.push(c === 0 && r === 0 ? '支出决算表' : r === HEAD - 1 ? `栏${c}` : null);
    else if (r === TOTAL) row.push(c === 0 ? '合计' : c === 1 ? null : `=SUM(${letters(c)}${first + 1}:${letters(c)}${rows})`);
    else if (c === 0) row.push(200000 + r);
    else if (c === 1) row.push(`科目${r}`);
    else if (c === 2) row.push(`=SUM(D${r + 1}:${letters(cols - 1)}${r + 1})`);
    else row.push(Math.round(Math.random() * 100000) / 100);
  }
  data.push(row);
}

const hf = HyperFormula.buildEmpty({ licenseKey: 'gpl-v3' });
const el = document.getElementById('grid')!;
const samples: { dom: number; frame: number }[] = [];
let t0 = 0;
let before = '';
const totalText = () => hot.getCell(TOTAL, 3)?.textContent ?? '';

const hot = new Handsontable(el, {
  data,
  formulas: { engine: hf, sheetName: 'Sheet1' },
  licenseKey: 'non-commercial-and-evaluation',
  themeName: 'ht-theme-classic',
  rowHeaders: true,
  colHeaders: true,
  width: '100%',
  height: '100%',
  fixedRowsTop: HEAD,
  autoRowSize: false,
  autoColumnSize: false,
  beforeKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && hot.getActiveEditor()?.isOpened()) {
      t0 = performance.now();
      before = totalText();
    }
  },
});

// the total of column D (row TOTAL) depends on every edit the benchmark makes in column D
const observer = new MutationObserver(() => {
  if (!t0 || totalText() === before) return;
  const start = t0;
  const dom = performance.now() - start;
  t0 = 0;
  requestAnimationFrame(() => samples.push({ dom, frame: performance.now() - start }));
});
observer.observe(el, { subtree: true, characterData: true, childList: true });

declare global {
  interface Window {
    __bench?: { ready: boolean; samples: { dom: number; frame: number }[]; rows: number; cols: number; hot: Handsontable };
  }
}
window.__bench = { ready: true, samples, rows, cols, hot };

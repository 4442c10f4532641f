/** Name box and formula bar: the selected cell's address and its formula or value; input cells can be typed here. */
import { useEffect, useState } from 'react';
import { a1 } from '../../shared/index';
import { controller } from '../state/controller';
import { useUi } from '../state/store';
import { editText } from '../grid/format';

function sheetMerges(sheet: string): string[] {
  try {
    return controller.session?.sheet(sheet).merges ?? [];
  } catch {
    return [];
  }
}

export function FormulaBar() {
  const sel = useUi((s) => s.selection);
  useUi((s) => s.editVersion);
  const s = controller.session;
  let address = '';
  let content = '';
  let input = false;
  let calc = '';
  let manual = '';
  if (s && sel) {
    const range = `${a1(sel.row, sel.col)}:${a1(sel.row2, sel.col2)}`;
    // a merged cell selected is one cell, named by its top-left corner as in Excel
    const single = (sel.row === sel.row2 && sel.col === sel.col2) || sheetMerges(sel.sheet).includes(range);
    address = single ? a1(sel.row, sel.col) : range;
    try {
      content = s.getFormula(sel.sheet, sel.row, sel.col) ?? editText(s.getValue(sel.sheet, sel.row, sel.col));
      input = s.isInput(sel.sheet, sel.row, sel.col);
      const d = controller.derivedMark(sel.sheet, sel.row, sel.col);
      if (d) {
        calc = `运算 ${d.formula}`;
        if (d.agree === 'rounding' || d.agree === 'no') manual = `手工调整（运算得 ${d.computed === null ? '空' : editText(d.computed)}）`;
      }
    } catch {
      content = '';
    }
  }
  const [text, setText] = useState(content);
  useEffect(() => setText(content), [content, sel]);

  const commit = () => {
    if (!sel || !input) return;
    if (text !== content) controller.apply([{ sheet: sel.sheet, row: sel.row, col: sel.col, value: text }]);
    controller.gridPort()?.focus();
  };

  return (
    <div className="formula-bar">
      <span className="name-box" data-testid="name-box">{sel ? `${sel.sheet}!${address}` : ''}</span>
      <span className="fx">fx</span>
      <input
        className={`formula-input${input ? '' : ' readonly'}`}
        data-testid="formula-input"
        value={text}
        readOnly={!input}
        title={input ? '填报单元格：可在此输入，回车确认' : '此单元格不可修改（标题、公式或合计）'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            setText(content);
            controller.gridPort()?.focus();
          }
        }}
      />
      {calc && (
        <span className={`calc-info${manual ? ' manual' : ''}`} data-testid="calc-info" title="此单元格由明细运算得出：修改明细时随之重算；手工改过的数保留，并标记为手工调整">
          {manual ? `${manual} ${calc}` : calc}
        </span>
      )}
    </div>
  );
}

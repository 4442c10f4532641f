/** Ctrl+F: find text or a number in every sheet of the packet. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { a1, formatMoney } from '../../shared/index';
import { controller } from '../state/controller';
import { useUi } from '../state/store';

interface Hit {
  sheet: string;
  row: number;
  col: number;
  text: string;
}

const MAX_HITS = 500;

export function findInPacket(query: string): Hit[] {
  const s = controller.session;
  const q = query.trim();
  if (!s || !q) return [];
  const qNum = q.replace(/[,，\s]/g, '');
  const hits: Hit[] = [];
  for (const sheet of s.packet.sheets) {
    if (sheet.hidden) continue;
    for (let r = 0; r < sheet.cells.length; r++) {
      const row = sheet.cells[r];
      for (let c = 0; c < row.length; c++) {
        if (!row[c]) continue;
        const v = s.getValue(sheet.name, r, c);
        if (v === null || v === '') continue;
        const text = typeof v === 'number' ? formatMoney(v) : String(v);
        const plain = typeof v === 'number' ? String(Number(v.toPrecision(12))) : text;
        if (text.includes(q) || plain.includes(qNum) || (typeof v === 'number' && text.replace(/,/g, '').includes(qNum))) {
          hits.push({ sheet: sheet.name, row: r, col: c, text });
          if (hits.length >= MAX_HITS) return hits;
        }
      }
    }
  }
  return hits;
}

export function FindDialog() {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(-1);
  const edit = useUi((s) => s.editVersion);
  const input = useRef<HTMLInputElement>(null);
  const hits = useMemo(() => findInPacket(query), [query, edit]);
  useEffect(() => input.current?.focus(), []);

  const go = (i: number) => {
    if (!hits.length) return;
    const k = ((i % hits.length) + hits.length) % hits.length;
    setIndex(k);
    const h = hits[k];
    controller.goTo(h.sheet, h.row, h.col, h.row, h.col, false);
  };
  const close = () => {
    useUi.setState({ findOpen: false });
    controller.gridPort()?.focus();
  };

  return (
    <div className="find" role="dialog" aria-label="查找">
      <div className="find-row">
        <input
          ref={input}
          type="search"
          placeholder="在整个公开包中查找文字或金额"
          value={query}
          data-testid="find-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(-1);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              go(e.shiftKey ? index - 1 : index + 1);
            } else if (e.key === 'Escape') close();
          }}
        />
        <button type="button" onClick={() => go(index - 1)} disabled={!hits.length}>上一个</button>
        <button type="button" onClick={() => go(index + 1)} disabled={!hits.length}>下一个</button>
        <button type="button" onClick={close} aria-label="关闭">×</button>
      </div>
      <div className="find-count" data-testid="find-count">
        {query.trim() ? (hits.length ? `${index >= 0 ? `第 ${index + 1} 个，` : ''}共 ${hits.length}${hits.length >= MAX_HITS ? '+' : ''} 个` : '没有找到') : ''}
      </div>
      {hits.length > 0 && (
        <ul className="find-hits">
          {hits.slice(0, 200).map((h, i) => (
            <li key={`${h.sheet}!${h.row},${h.col}`} className={i === index ? 'current' : ''} onClick={() => go(i)}>
              <span className="where">{h.sheet}!{a1(h.row, h.col)}</span>
              <span className="text">{h.text}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The 情况说明 view: the text generated from the live packet on the left, beside each paragraph the input
 * cells it is written from (主要原因, 上年数, 年初预算 …) on the right. The reason fields edit through the
 * controller's one edit path; every edit result bumps editVersion and the view is generated again (one pass
 * over the template, tens of milliseconds). Numbers whose check fails are marked.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { type InputCell, type NarrativeTemplate, type NarrativeView as View, type ViewParagraph } from '../../shared/narrative/index';
import { formatMoney, type CellValue } from '../../shared/index';
import { narrativeTemplateOf, packetSet } from '../sets';
import { controller } from '../state/controller';
import { useUi } from '../state/store';

/**
 * The 情况说明 template of the packet's own set (its 模板套); a packet of a set this build does not carry, or
 * a set without a narrative template, gets the reason instead of another set's text.
 */
export function templateForPacket(meta: Record<string, string>): { template: NarrativeTemplate } | { error: string } {
  const { id, problem } = packetSet(meta);
  if (problem) return { error: problem };
  const template = narrativeTemplateOf(id);
  return template ? { template } : { error: `模板套「${id}」没有情况说明模板（templates/${id}/narrative/template.json）。` };
}

function shownValue(v: CellValue): string {
  if (v === null || v === undefined) return '';
  // counts and the year are whole numbers; amounts show as the tables show them
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatMoney(v);
  return String(v);
}

function InputField({ cell, version }: { cell: InputCell; version: number }) {
  const value = shownValue(controller.value(cell.sheet, cell.row, cell.col));
  const [draft, setDraft] = useState<string | null>(null);
  const [seen, setSeen] = useState(version);
  if (seen !== version) {
    // an edit elsewhere (grid, undo) changed the packet: show the live value again
    setSeen(version);
    setDraft(null);
  }
  const commit = () => {
    if (draft === null || draft === value) return setDraft(null);
    controller.apply([{ sheet: cell.sheet, row: cell.row, col: cell.col, value: draft }]);
    setDraft(null);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape') setDraft(null);
  };
  const long = cell.name.startsWith('原因') || cell.name === '改写' || value.length > 20;
  return (
    <label className="nv-input" data-input={cell.name} title={`${cell.sheet}!${cell.row + 1}行`}>
      <span className="nv-label">{cell.label}</span>
      <textarea
        rows={long ? 2 : 1}
        value={draft ?? value}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKey}
      />
    </label>
  );
}

function Paragraph({ p, version }: { p: ViewParagraph; version: number }) {
  const cls = `nv-p nv-${p.style}${p.rewritten ? ' nv-rewritten' : ''}`;
  const body = p.segments.map((s, i) =>
    s.t === 'num' ? (
      <span key={i} className={s.check.ok ? 'nv-num' : 'nv-num nv-fail'} title={s.check.ok ? undefined : s.check.message}>
        {s.text}
      </span>
    ) : s.bold ? (
      <b key={i}>{s.text}</b>
    ) : (
      <span key={i}>{s.text}</span>
    ),
  );
  // the tables' own cells are edited in the tables; beside the text go the inputs only the narrative uses
  const inputs = p.inputs.filter((c) => controller.session?.packet.sheets.find((s) => s.name === c.sheet)?.kind !== 'table');
  return (
    <div className="nv-row" data-paragraph={p.id}>
      <div className={cls} data-testid="nv-text">{body}</div>
      <div className="nv-inputs">
        {inputs.map((c) => <InputField key={`${c.sheet}!${c.row},${c.col}`} cell={c} version={version} />)}
      </div>
    </div>
  );
}

export function NarrativeView() {
  const version = useUi((s) => s.editVersion);
  const layout = useUi((s) => s.layoutVersion);
  const session = controller.session;
  // the view computes its figures in the core worker (session.calculate); the last one stays shown meanwhile
  const [result, setResult] = useState<{ view: View } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    if (!session) {
      setResult({ error: '没有打开的公开包。' });
      return;
    }
    const t = templateForPacket(session.packet.meta);
    if ('error' in t) {
      setResult(t);
      return;
    }
    session.core.request<View>({ op: 'narrative', template: t.template }).then(
      (view) => live && setResult({ view }),
      (e: unknown) => live && setResult({ error: `无法生成情况说明：${(e as Error).message}` }),
    );
    return () => {
      live = false;
    };
  }, [session, version, layout]);
  if (!result) return <div className="placeholder" data-testid="narrative-loading">正在生成情况说明…</div>;
  if ('error' in result) {
    return <div className="placeholder" data-testid="narrative-error">{result.error}</div>;
  }
  const { view } = result;
  return (
    <div className="narrative" data-testid="narrative-view">
      <div className="nv-head">
        <h2>{view.title}</h2>
        <span data-testid="nv-status" className={view.failed.length ? 'nv-bad' : 'nv-good'}>
          文中数字 {view.numbers} 个{view.failed.length ? `，${view.failed.length} 个与公开表不符或缺数` : '，全部与公开表一致'}
        </span>
      </div>
      {view.notes.map((n, i) => <p key={i} className="nv-note">{n}</p>)}
      {view.parts.map((part) => (
        <section key={part.id} className="nv-part" data-part={part.id}>
          <h3>{part.heading}</h3>
          {part.paragraphs.map((p) => <Paragraph key={p.id} p={p} version={version} />)}
        </section>
      ))}
    </div>
  );
}

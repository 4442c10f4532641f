/**
 * 打印: which parts of the 公开包 (封面, 目录, each 公开表, 情况说明, 自评表 all or a range, 名词解释, 附件) and
 * the 审核报告 (shared/report, as `check --report x.pdf` prints it), paper and each part's orientation (the
 * template's page by default), a page range, scale, copies and the cover date, with a paged preview that is the real PDF: the same
 * shared/export/packet.ts road as 导出 and the CLI (two Chromium passes for the 目录's numbers, then the chosen
 * pages only, which keep the packet's page numbers). 下载 PDF saves exactly what is previewed.
 *
 * Where the host cannot make a PDF (the browser host without a lent printer) the dialog shows the printable
 * document itself and prints it with the browser's print dialog.
 */
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { rangesText, type ExportProgress, type Orientation, type PacketPdf, type PaperSize, type PrintPart, type PrintPassOptions } from '../../shared/export/index';
import { AUDIT_REPORT_PAGE } from '../../shared/report/index';
import type { CoreExportOut } from '../core/protocol';
import { COVER_DATE_KEY } from '../../shared/model';
import { formatCoverDate, storedCoverDate } from '../../shared/export/cover';
import { controller } from '../state/controller';
import { say } from '../state/store';
import { canPrintPdf } from '../host/host';
import { ProgressBar } from './ImportDialog';
import { exportBaseName, hostPrinter, narrativeTemplateFor } from './ExportDialog';

interface PrintState {
  open: boolean;
  busy: { fraction: number; message: string } | null;
  error: string;
  /** the last PDF made (the preview), with the parts of the whole packet and the pages it holds */
  pdf: PacketPdf | null;
  url: string;
  /** the document printed when there is no PDF printer (browser host) */
  html: string;
  /** parts of the whole packet, from the first PDF (kept while the selection changes) */
  parts: PrintPart[];
  fullPages: number;
  /** chosen part keys */
  chosen: string[];
  /** 自评表: all of them or a range (1-based, inclusive) */
  formsMode: 'all' | 'range';
  formFrom: number;
  formTo: number;
  pages: string;
  scale: number;
  copies: number;
  coverDate: string;
  /** '' = each part on the paper its template declares */
  paper: '' | PaperSize;
  /** orientations the user changed, by part key ('forms' = every 自评表); the rest print as declared */
  orientation: Record<string, Orientation>;
  /** the selection the preview shows (so 下载/打印 never hand over a stale PDF) */
  previewKey: string;
}

const initial = (): PrintState => ({
  open: false, busy: null, error: '', pdf: null, url: '', html: '', parts: [], fullPages: 0, chosen: [],
  formsMode: 'all', formFrom: 1, formTo: 1, pages: '', scale: 100, copies: 1, coverDate: '', paper: '', orientation: {}, previewKey: '',
});

/**
 * The 审核报告 is not part of the published packet: the first print leaves it out, and the dialog offers it
 * as a part of its own (chosen, it is printed after the packet and its pages numbered on).
 */
const REPORT_PART: PrintPart = { key: 'report', label: '审核报告', group: 'report', spans: [], orientation: AUDIT_REPORT_PAGE.orientation, paper: AUDIT_REPORT_PAGE.paper ?? 'A4' };

function withReport(parts: PrintPart[]): PrintPart[] {
  return parts.some((p) => p.key === 'report') ? parts : [...parts, REPORT_PART];
}

export const usePrint = create<PrintState>(initial);

const isForm = (k: string) => /^f-\d+$/.test(k);

/** The part keys a state prints (the 自评表 range applied). */
export function effectiveParts(st: Pick<PrintState, 'parts' | 'chosen' | 'formsMode' | 'formFrom' | 'formTo'>): string[] {
  const chosen = new Set(st.chosen);
  const out: string[] = [];
  for (const p of st.parts) {
    if (isForm(p.key)) {
      if (!chosen.has('forms')) continue;
      const n = Number(p.key.slice(2));
      if (st.formsMode === 'range' && (n < st.formFrom || n > st.formTo)) continue;
      out.push(p.key);
    } else if (chosen.has(p.key)) out.push(p.key);
  }
  return out;
}

function selectionKey(st: PrintState): string {
  return JSON.stringify([effectiveParts(st), st.pages.trim(), st.scale, st.coverDate, st.paper, layoutOf(st).orientation]);
}

/** The dialog's paper and the orientations that differ from the declared ones (what printPacketPdf takes). */
function layoutOf(st: Pick<PrintState, 'paper' | 'orientation' | 'parts'>): { paper?: PaperSize; orientation: Record<string, Orientation> } {
  const declared = new Map(st.parts.map((p) => [p.key, p.orientation]));
  const firstForm = st.parts.find((p) => isForm(p.key));
  if (firstForm) declared.set('forms', firstForm.orientation);
  const orientation: Record<string, Orientation> = {};
  for (const [k, o] of Object.entries(st.orientation)) if (declared.get(k) !== o) orientation[k] = o;
  return { ...(st.paper ? { paper: st.paper } : {}), orientation };
}

function coverDate(st: PrintState): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(st.coverDate);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

export async function openPrintDialog(): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  if (!s || !host) return;
  const old = usePrint.getState();
  if (old.url) URL.revokeObjectURL(old.url);
  usePrint.setState({ ...initial(), open: true, coverDate: formatCoverDate(storedCoverDate(s.packet) ?? new Date()) });
  if (!canPrintPdf(host)) {
    try {
      const template = narrativeTemplateFor(s.packet.meta);
      const date = coverDate(usePrint.getState());
      const html = await s.core.request<string>({ op: 'printHtml', ...(template ? { template } : {}), ...(date ? { date } : {}) });
      usePrint.setState({ html });
    } catch (e) {
      usePrint.setState({ error: `无法生成打印版：${(e as Error).message}` });
    }
    return;
  }
  await makePreview(true);
}

/** Print the PDF for the current selection (the first time: the whole packet, which also gives the parts). */
async function makePreview(first = false): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  const st = usePrint.getState();
  if (!s || !host || st.busy) return;
  const parts = first ? undefined : effectiveParts(st);
  if (parts && !parts.length) {
    usePrint.setState({ error: '没有选中任何部分：请至少勾选一项。' });
    return;
  }
  const all = !parts || (parts.length === st.parts.length && !st.pages.trim());
  usePrint.setState({ busy: { fraction: 0, message: '正在排版公开包…' }, error: '' });
  try {
    const template = narrativeTemplateFor(s.packet.meta);
    const date = coverDate(st);
    // laid out in the core worker beside the session; the host's printer is called back for the PDF
    const r = await s.core.request<CoreExportOut>(
      {
        op: 'export',
        opts: {
          pdfOnly: true,
          ...(template ? { narrativeTemplate: template } : {}),
          ...(date ? { date } : {}),
          withReport: !!parts?.includes('report'),
          print: {
            scale: st.scale / 100,
            layout: layoutOf(st),
            ...(all ? {} : { selection: { parts, pages: st.pages } }),
          },
          printer: true,
          artifacts: false,
        },
      },
      (p) => usePrint.setState({ busy: p as ExportProgress }),
      { print: (html, pass) => hostPrinter(host).print(html as string, pass as PrintPassOptions | undefined) },
    );
    const pdf = r.pdf!;
    const now = usePrint.getState();
    if (!now.open) return;
    if (now.url) URL.revokeObjectURL(now.url);
    const url = URL.createObjectURL(new Blob([pdf.pdf as BlobPart], { type: 'application/pdf' }));
    // every print gives the parts' pages anew (paper and orientation move them); the report stays offered
    const firstParts = first ? { chosen: defaultChosen(pdf.parts), formTo: pdf.parts.filter((p) => isForm(p.key)).length || 1 } : {};
    usePrint.setState({ pdf, url, parts: withReport(pdf.parts), fullPages: pdf.fullPageCount, ...firstParts });
    usePrint.setState({ previewKey: selectionKey(usePrint.getState()) });
  } catch (e) {
    usePrint.setState({ error: (e as Error).message });
  } finally {
    usePrint.setState({ busy: null });
  }
}

/** Every part is chosen at first; the 自评表 are one choice ('forms') with an all/range switch. */
function defaultChosen(parts: PrintPart[]): string[] {
  const keys = parts.filter((p) => !isForm(p.key)).map((p) => p.key);
  if (parts.some((p) => isForm(p.key))) keys.push('forms');
  return keys;
}

async function downloadPdf(): Promise<void> {
  const st = usePrint.getState();
  const host = controller.host;
  if (!st.pdf || !host) return;
  const whole = st.pdf.pageCount === st.pdf.fullPageCount;
  const name = `${exportBaseName()}${whole ? '公开包' : `公开包（第${st.pdf.printedPages[0]}-${st.pdf.printedPages.at(-1)}页选印）`}.pdf`;
  try {
    const f = await host.exportFile(st.pdf.pdf, name, 'pdf');
    if (f) say(`已导出「${f.name}」，共 ${st.pdf.pageCount} 页。`);
  } catch (e) {
    say(`无法保存 PDF：${(e as Error).message}`, 'error');
  }
}

/** 情况说明 .docx from the app (the same generator and template as 导出 and the CLI's narrative). */
async function downloadDocx(): Promise<void> {
  const s = controller.session;
  const host = controller.host;
  if (!s || !host) return;
  const template = narrativeTemplateFor(s.packet.meta);
  if (!template) {
    say('本公开包的模板套没有情况说明模板，不能生成情况说明 .docx。', 'error');
    return;
  }
  try {
    const bytes = await s.core.request<Uint8Array>({ op: 'narrativeDocx', template });
    const f = await host.exportFile(bytes, `${exportBaseName()}情况说明.docx`, 'docx');
    if (f) say(`已导出「${f.name}」。`);
  } catch (e) {
    say(`无法生成情况说明 .docx：${(e as Error).message}`, 'error');
  }
}

async function printNow(): Promise<void> {
  const st = usePrint.getState();
  const host = controller.host;
  if (!host) return;
  try {
    if (st.pdf) {
      const pages = st.pdf.printedPages;
      const whole = pages.length === st.pdf.fullPageCount;
      const ranges = whole ? undefined : rangesText(pages);
      await host.print(st.pdf.html, { copies: st.copies, ...(ranges ? { pageRanges: ranges } : {}), ...(st.scale !== 100 ? { scale: st.scale / 100 } : {}) });
    } else if (st.html) await host.print(st.html);
  } catch (e) {
    say(`打印失败：${(e as Error).message}`, 'error');
  }
}

function close(): void {
  const st = usePrint.getState();
  if (st.url) URL.revokeObjectURL(st.url);
  usePrint.setState(initial());
}

function setCoverDate(v: string): void {
  usePrint.setState({ coverDate: v });
  // kept in the packet, so the next print and the CLI put the same date on the cover
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) controller.setMeta(COVER_DATE_KEY, v);
}

const GROUPS: { group: PrintPart['group']; label: string }[] = [
  { group: 'front', label: '封面与目录' },
  { group: 'overview', label: '第一部分' },
  { group: 'tables', label: '第二部分 公开表' },
  { group: 'narrative', label: '第三部分' },
  { group: 'back', label: '第四、五部分' },
  { group: 'report', label: '附：审核报告（不属于公开包）' },
];

/** 纵向/横向 of one part (or of every 自评表, key 'forms'); the template's own choice is the default. */
function OrientationChoice({ partKey, declared, label }: { partKey: string; declared: Orientation; label: string }) {
  const st = usePrint();
  const value = st.orientation[partKey] ?? declared;
  return (
    <select
      className="print-orient" value={value} data-orient={partKey} aria-label={`${label} 方向`} title={`模板规定：${declared === 'portrait' ? '纵向' : '横向'}`}
      onChange={(e) => usePrint.setState({ orientation: { ...usePrint.getState().orientation, [partKey]: e.target.value as Orientation } })}
    >
      <option value="portrait">纵向</option>
      <option value="landscape">横向</option>
    </select>
  );
}

function PartsChooser() {
  const st = usePrint();
  const chosen = new Set(st.chosen);
  const forms = st.parts.filter((p) => isForm(p.key));
  const toggle = (keys: string[], on: boolean) => {
    const next = new Set(st.chosen);
    for (const k of keys) if (on) next.add(k); else next.delete(k);
    usePrint.setState({ chosen: [...next] });
  };
  const pagesOf = (p: PrintPart) => (p.spans.length ? p.spans.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join('、') : '附在末尾');
  return (
    <div className="print-parts" data-testid="print-parts">
      {GROUPS.map(({ group, label }) => {
        const list = st.parts.filter((p) => p.group === group);
        if (!list.length) return null;
        const keys = list.map((p) => p.key);
        return (
          <fieldset key={group}>
            <legend>
              <label>
                <input type="checkbox" checked={keys.every((k) => chosen.has(k))} onChange={(e) => toggle(keys, e.target.checked)} data-testid={`print-group-${group}`} />
                {label}
              </label>
            </legend>
            {list.map((p) => (
              <label key={p.key} className="print-part" title={`第 ${pagesOf(p)} 页`}>
                <input type="checkbox" checked={chosen.has(p.key)} onChange={(e) => toggle([p.key], e.target.checked)} data-part={p.key} />
                <span className="print-part-label">{p.label}</span>
                <span className="print-part-pages">{pagesOf(p)}</span>
                <OrientationChoice partKey={p.key} declared={p.orientation} label={p.label} />
              </label>
            ))}
            {group === 'narrative' && (
              <>
                {st.parts.filter((p) => p.group === 'forms' && !isForm(p.key)).map((p) => (
                  <label key={p.key} className="print-part">
                    <input type="checkbox" checked={chosen.has(p.key)} onChange={(e) => toggle([p.key], e.target.checked)} data-part={p.key} />
                    <span className="print-part-label">{p.label}</span>
                    <span className="print-part-pages">{pagesOf(p)}</span>
                    <OrientationChoice partKey={p.key} declared={p.orientation} label={p.label} />
                  </label>
                ))}
                {forms.length > 0 && (
                  <div className="print-forms">
                    <label>
                      <input type="checkbox" checked={chosen.has('forms')} onChange={(e) => toggle(['forms'], e.target.checked)} data-part="forms" />
                      项目支出绩效自评表（{forms.length} 张）
                    </label>
                    <label>
                      <input type="radio" name="forms-mode" checked={st.formsMode === 'all'} onChange={() => usePrint.setState({ formsMode: 'all' })} /> 全部
                    </label>
                    <label>
                      <input type="radio" name="forms-mode" checked={st.formsMode === 'range'} onChange={() => usePrint.setState({ formsMode: 'range' })} data-testid="forms-range" /> 第
                    </label>
                    <input type="number" min={1} max={forms.length} value={st.formFrom} aria-label="自评表起" data-testid="forms-from"
                      onChange={(e) => usePrint.setState({ formsMode: 'range', formFrom: Math.max(1, Number(e.target.value) || 1) })} />
                    至
                    <input type="number" min={1} max={forms.length} value={st.formTo} aria-label="自评表止" data-testid="forms-to"
                      onChange={(e) => usePrint.setState({ formsMode: 'range', formTo: Math.min(forms.length, Number(e.target.value) || 1) })} />
                    张
                    <OrientationChoice partKey="forms" declared={forms[0].orientation} label="项目支出绩效自评表" />
                  </div>
                )}
              </>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}

function PagedPreview({ pdf, url }: { pdf: PacketPdf; url: string }) {
  const [at, setAt] = useState(1);
  useEffect(() => setAt(1), [url]);
  const partOf = useMemo(() => {
    const m = new Map<number, string>();
    for (const p of pdf.parts) for (const [a, b] of p.spans) for (let i = a; i <= b; i++) m.set(i, p.label);
    return m;
  }, [pdf]);
  return (
    <div className="print-preview-body">
      <ol className="print-pages" data-testid="preview-pages" aria-label="预览页">
        {pdf.printedPages.map((n, i) => (
          <li key={i}>
            <button type="button" className={at === i + 1 ? 'on' : ''} data-page={n} onClick={() => setAt(i + 1)}>
              <b>第 {n} 页</b>
              <span>{partOf.get(n) ?? ''}</span>
            </button>
          </li>
        ))}
      </ol>
      {/* the PDF itself, as Chromium printed it: what 下载 PDF saves and 打印 prints */}
      {navigator.pdfViewerEnabled === false ? (
        <div className="print-no-viewer" data-testid="preview-no-viewer">
          这里不能直接显示 PDF（浏览器的 PDF 查看器未开启）。左侧列出了 PDF 的全部 {pdf.pageCount} 页；点「下载 PDF」可在其他程序中查看。
        </div>
      ) : (
        <iframe key={`${url}#${at}`} title="打印预览" data-testid="preview-pdf" src={`${url}#page=${at}&view=FitH`} />
      )}
    </div>
  );
}

export function PrintDialog() {
  const st = usePrint();
  const stale = st.pdf !== null && st.previewKey !== selectionKey(st);
  useEffect(() => {
    if (!st.open) return;
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [st.open]);
  if (!st.open) return null;
  const pdfHost = !st.html;
  return (
    <div className="preview-pane print-dialog" role="dialog" aria-label="打印" data-testid="print-preview">
      <div className="preview-bar">
        <b>打印</b>
        {st.pdf && (
          <span className="print-count" data-testid="preview-count">
            共 <b data-testid="preview-page-count">{st.pdf.pageCount}</b> 页{st.pdf.pageCount < st.pdf.fullPageCount ? `（公开包共 ${st.pdf.fullPageCount} 页）` : ''}
          </span>
        )}
        {pdfHost && <button type="button" data-testid="pdf-button" disabled={!st.pdf || stale || !!st.busy} onClick={() => void downloadPdf()}>下载 PDF</button>}
 <button type="button" data-testid="docx-button" disabled={!!st.busy} onClick={() => void downloadDocx()}>下载情况说明 .docx</button>
        <button type="button" data-testid="print-button" disabled={!!st.busy || stale || (!st.pdf && !st.html)} onClick={() => void printNow()}>打印</button>
        <button type="button" data-testid="preview-close" onClick={close}>关闭</button>
      </div>
      <div className="print-main">
        <aside className="print-options">
          {pdfHost ? <PartsChooser /> : <p className="print-note">浏览器版不能生成 PDF，下面是打印版全文；选择部分和页码请在浏览器的打印对话框中进行，或使用桌面版。</p>}
          <div className="print-fields">
            {pdfHost && (
              <>
                <label>页码范围 <input type="text" value={st.pages} placeholder="全部，或如 7-25, 30" data-testid="print-pages" onChange={(e) => usePrint.setState({ pages: e.target.value })} /></label>
                <label>缩放 <input type="number" min={10} max={200} step={5} value={st.scale} data-testid="print-scale" onChange={(e) => usePrint.setState({ scale: Math.min(200, Math.max(10, Number(e.target.value) || 100)) })} />%</label>
                <label>份数 <input type="number" min={1} max={99} value={st.copies} data-testid="print-copies" onChange={(e) => usePrint.setState({ copies: Math.min(99, Math.max(1, Math.round(Number(e.target.value)) || 1)) })} /></label>
                <label>纸张 <select value={st.paper} data-testid="print-paper" onChange={(e) => usePrint.setState({ paper: e.target.value as PrintState['paper'] })}>
                  <option value="">按模板（{[...new Set(st.parts.map((p) => p.paper))].join('、') || 'A4'}）</option>
                  <option value="A4">A4</option>
                  <option value="A3">A3</option>
                </select></label>
                <p className="print-note">各部分的方向在左侧列表中选择，默认按模板的页面设置。</p>
              </>
            )}
            <label>封面日期 <input type="date" value={st.coverDate} data-testid="print-cover-date" onChange={(e) => setCoverDate(e.target.value)} /></label>
          </div>
          {pdfHost && (
            <button type="button" className="primary" data-testid="preview-update" disabled={!!st.busy || !st.parts.length} onClick={() => void makePreview()}>
              {stale ? '按所选更新预览' : '更新预览'}
            </button>
          )}
          {st.error && <p className="load-error" data-testid="print-error">{st.error}</p>}
          {st.busy && <ProgressBar testid="print-progress" fraction={st.busy.fraction} label={st.busy.message} />}
        </aside>
        {st.pdf && st.url ? (
          <PagedPreview pdf={st.pdf} url={st.url} />
        ) : st.html ? (
          <iframe title="打印预览" data-testid="print-frame" srcDoc={st.html} sandbox="allow-same-origin allow-modals" />
        ) : (
          <div className="print-wait">{st.busy ? '正在生成预览…' : ''}</div>
        )}
      </div>
    </div>
  );
}

/** The browser host: bundled packets over http, <input type=file> to open, a download to save. */
import type { PrintRequest, Host, MenuCommand, OpenedFile, SavedFile, ExportKind, DocumentState, RecoveryOffer } from './host';
import { BrowserRecovery } from './browser-recovery';
import { templateSets } from '../sets';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MIME: Record<ExportKind, string> = {
  xlsx: XLSX_MIME,
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`无法载入 ${url}（HTTP ${res.status}）`);
  return new Uint8Array(await res.arrayBuffer());
}

function pickFile(accept: string): Promise<OpenedFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      resolve({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.appendChild(input);
    input.click();
  });
}

function download(bytes: Uint8Array, name: string, mime: string): SavedFile {
  const blob = new Blob([bytes as BlobPart], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name };
}

/**
 * A page cannot make a PDF by itself; whoever serves the browser host may lend it Chromium's own printer as
 * `window.juesuanPdfPrinter(html, options) → base64 PDF` (the e2e harness does, with Playwright's page.pdf,
 * exactly as node/pdf.ts prints for the CLI). Without one, 导出 PDF says what to do instead.
 */
type LentPrinter = (html: string, opts: PrintRequest) => Promise<string>;

function lentPrinter(): LentPrinter | undefined {
  const f = (window as unknown as { juesuanPdfPrinter?: unknown }).juesuanPdfPrinter;
  return typeof f === 'function' ? (f as LentPrinter) : undefined;
}

/**
 * The print endpoint of `npm start`'s browser mode (node/print-server.ts, on the server that serves this
 * page): the same Chromium printing as the CLI. Its path and header are that module's PRINT_PATH and
 * PRINT_HEADER (the renderer cannot import node/).
 */
const PRINT_ENDPOINT = './__juesuan/pdf';

/** Whether the server that serves this page prints PDFs (a GET answered { ok: true } within 3 s). */
export async function probePrintEndpoint(): Promise<boolean> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 3000);
  try {
    const res = await fetch(PRINT_ENDPOINT, { signal: ctl.signal, cache: 'no-store' });
    if (!res.ok || !/json/.test(res.headers.get('content-type') ?? '')) return false;
    return (await res.json())?.ok === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function endpointPrint(html: string, pass: Omit<PrintRequest, 'copies'>): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(PRINT_ENDPOINT, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Juesuan-Print': '1' },
      body: JSON.stringify({ html, ...pass }),
    });
  } catch (e) {
    throw new Error(`无法连接打印服务（npm start 是否已停止？）：${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new Error((await res.text().catch(() => '')) || `打印服务出错（HTTP ${res.status}）。`);
  return new Uint8Array(await res.arrayBuffer());
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class BrowserHost implements Host {
  readonly kind = 'browser' as const;
  private name = '';
  /** set by createHost when the serving script offers the print endpoint */
  printEndpoint = false;
  private readonly recovery = new BrowserRecovery(() => this.name || '未命名公开包.xlsx');

  async openInitial(): Promise<OpenedFile | null> {
    const which = new URLSearchParams(location.search).get('packet') ?? 'reference';
    if (which === 'none') return null;
    if (which === 'tables') return this.openTemplate(new URLSearchParams(location.search).get('set') ?? templateSets()[0]?.id ?? '');
    return { name: 'reference-packet.xlsx', bytes: await fetchBytes('./packets/reference-packet.xlsx') };
  }

  openDialog(): Promise<OpenedFile | null> {
    return pickFile('.xlsx');
  }

  async openTemplate(set: string): Promise<OpenedFile | null> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(set)) throw new Error(`模板套「${set}」不是有效的名称。`);
    return { name: '未命名公开包.xlsx', bytes: await fetchBytes(`./packets/${set}/tables.xlsx`), untitled: true };
  }

  async openRecent(): Promise<OpenedFile | null> {
    return null;
  }

  async save(bytes: Uint8Array): Promise<SavedFile | null> {
    return download(bytes, this.name || '公开包.xlsx', XLSX_MIME);
  }

  async saveAs(bytes: Uint8Array, suggestedName: string): Promise<SavedFile | null> {
    return download(bytes, suggestedName, XLSX_MIME);
  }

  async exportFile(bytes: Uint8Array, suggestedName: string, kind: ExportKind): Promise<SavedFile | null> {
    return download(bytes, suggestedName, MIME[kind]);
  }

  importDialog(): Promise<OpenedFile | null> {
    return pickFile('.xlsx,.xls,.htm,.html,.mht,.mhtml,.csv,.txt');
  }

  async print(html: string): Promise<void> {
    // the browser's own print dialog over the packet document (it asks for pages and copies itself)
    const frame = document.createElement('iframe');
    frame.style.cssText = 'position:fixed;width:0;height:0;border:0;left:-10px;top:-10px';
    frame.srcdoc = html;
    document.body.appendChild(frame);
    await new Promise<void>((res) => frame.addEventListener('load', () => res(), { once: true }));
    frame.contentWindow?.print();
    setTimeout(() => frame.remove(), 60_000);
  }

  canPrintPdf(): boolean {
    return !!lentPrinter() || this.printEndpoint;
  }

  async printPdf(html: string, opts: PrintRequest = {}): Promise<Uint8Array> {
    const lent = lentPrinter();
    const { copies: _copies, ...pass } = opts;
    if (lent) return fromBase64(await lent(html, pass));
    if (this.printEndpoint) return endpointPrint(html, pass);
    throw new Error('浏览器版不能直接生成 PDF：请使用桌面版，或在浏览器的打印对话框中选择「另存为 PDF」。');
  }

  recoveryWrite(bytes: Uint8Array): Promise<void> {
    return this.recovery.write(bytes);
  }

  recoveryDiscard(): Promise<void> {
    return this.recovery.discard();
  }

  recoveryList(): Promise<RecoveryOffer[]> {
    return this.recovery.list();
  }

  recoveryOpen(id: string): Promise<OpenedFile | null> {
    return this.recovery.open(id);
  }

  recoveryDecline(id: string): Promise<void> {
    return this.recovery.decline(id);
  }

  setDocumentState(state: DocumentState): void {
    this.name = state.name;
    document.title = `${state.dirty ? '● ' : ''}${state.name} — 决算公开助手`;
  }

  closeWindow(): void {
    /* a browser tab closes itself */
  }

  onMenuCommand(_listener: (command: MenuCommand, arg?: number) => void): () => void {
    return () => undefined;
  }
}

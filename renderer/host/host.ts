/**
 * The renderer's one door to the outside world. Two implementations: the Electron preload (native dialogs,
 * disk, printing) and the browser host (file input, download, window.print), so the same renderer runs in
 * Electron and in a plain browser, which is how it is tested.
 */
import type { JuesuanBridge } from './bridge';

export type { PrintRequest, OpenedFile, SavedFile, ExportKind, MenuCommand, DocumentState, RecentEntry, RecoveryOffer } from './bridge';

export interface Host extends JuesuanBridge {
  kind: 'electron' | 'browser';
  /** the browser host prints PDF only with a printer lent by the page that serves it */
  canPrintPdf?(): boolean;
}

/** Whether printPdf can work here (Electron always; the browser host only with a lent printer). */
export function canPrintPdf(host: Host): boolean {
  return host.kind === 'electron' || !!host.canPrintPdf?.();
}

export async function createHost(): Promise<Host> {
  const bridge = window.juesuan;
  if (bridge) return { kind: 'electron', ...bindAll(bridge) };
  const { BrowserHost, probePrintEndpoint } = await import('./browser');
  const host = new BrowserHost();
  // npm start's browser mode prints PDFs on its server (node/print-server.ts); a plain static server does not
  host.printEndpoint = await probePrintEndpoint();
  return host;
}

/**
 * The preload's object is frozen by contextBridge; copy its functions so spreading keeps them callable. Every
 * function the preload exposes is copied, so a new channel needs no line here.
 */
function bindAll(bridge: JuesuanBridge): JuesuanBridge {
  const fns = bridge as unknown as Record<string, (...args: unknown[]) => unknown>;
  return Object.fromEntries(Object.keys(fns).map((k) => [k, (...args: unknown[]) => fns[k](...args)])) as unknown as JuesuanBridge;
}

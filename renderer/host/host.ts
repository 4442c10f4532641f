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
  const { BrowserHost } = await import('./browser');
  return new BrowserHost();
}

/** The preload's object is frozen by contextBridge; copy its functions so spreading keeps them callable. */
function bindAll(bridge: JuesuanBridge): JuesuanBridge {
  return {
    openInitial: () => bridge.openInitial(),
    openDialog: () => bridge.openDialog(),
    openTemplate: () => bridge.openTemplate(),
    openRecent: (i) => bridge.openRecent(i),
    listRecent: () => bridge.listRecent(),
    save: (b) => bridge.save(b),
    saveAs: (b, n) => bridge.saveAs(b, n),
    exportFile: (b, n, k) => bridge.exportFile(b, n, k),
    importDialog: () => bridge.importDialog(),
    print: (h, o) => bridge.print(h, o),
    printPdf: (h, o) => bridge.printPdf(h, o),
    recoveryWrite: (b) => bridge.recoveryWrite(b),
    recoveryDiscard: () => bridge.recoveryDiscard(),
    recoveryList: () => bridge.recoveryList(),
    recoveryOpen: (id) => bridge.recoveryOpen(id),
    recoveryDecline: (id) => bridge.recoveryDecline(id),
    setDocumentState: (s) => bridge.setDocumentState(s),
    closeWindow: () => bridge.closeWindow(),
    onMenuCommand: (l) => bridge.onMenuCommand(l),
  };
}

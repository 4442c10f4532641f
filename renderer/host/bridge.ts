/**
 * The API the Electron preload exposes to the renderer as `window.juesuan`. It is declared here, on the
 * renderer side, so the renderer never imports from electron/; the preload checks itself against it.
 * Everything crossing it is plain data (structured clone): bytes as Uint8Array, never file paths.
 */

export interface OpenedFile {
  /** file name for the title bar, e.g. 2024决算公开.xlsx */
  name: string;
  bytes: Uint8Array;
  /** true for a template opened as a new, unsaved packet */
  untitled?: boolean;
  /** unsaved work brought back from a recovery file: it opens with unsaved changes */
  recovered?: boolean;
}

/** Unsaved work a crashed session left behind, offered at the next start. */
export interface RecoveryOffer {
  /** the recovery file's id (hex), never a path */
  id: string;
  /** the document's name when it was written, e.g. 2024决算公开.xlsx */
  title: string;
  /** ISO time of the last autosave */
  savedAt: string;
  /** the file the work belongs to (a bare name); '' for a packet that was never saved */
  fileName: string;
  /** ISO time the file was saved after this autosave (by another window or program): recovering and saving would overwrite that */
  fileSavedLater?: string;
}

export interface SavedFile {
  name: string;
}

export type ExportKind = 'xlsx' | 'pdf' | 'docx';

/** Commands the menus send; the renderer runs them the same way as its own shortcuts. */
export const MENU_COMMANDS = [
  'new', 'open', 'open-recent', 'save', 'save-as', 'import', 'export', 'print',
  'undo', 'redo', 'find', 'insert-row', 'delete-row',
  'zoom-in', 'zoom-out', 'zoom-reset', 'toggle-checks',
  'about', 'save-then-close',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface RecentEntry {
  /** index into the main process's recent list; the renderer never sees the path */
  index: number;
  name: string;
}

export interface DocumentState {
  name: string;
  dirty: boolean;
}

export interface JuesuanBridge {
  /** the packet given on the command line, else the bundled reference packet */
  openInitial(): Promise<OpenedFile | null>;
  /** 打开: a native open dialog */
  openDialog(): Promise<OpenedFile | null>;
  /** 新建: the empty packet of template set `set` (a folder under templates/) as an untitled packet */
  openTemplate(set: string): Promise<OpenedFile | null>;
  openRecent(index: number): Promise<OpenedFile | null>;
  /** 保存: to the current file; asks for a name when there is none */
  save(bytes: Uint8Array): Promise<SavedFile | null>;
  saveAs(bytes: Uint8Array, suggestedName: string): Promise<SavedFile | null>;
  exportFile(bytes: Uint8Array, suggestedName: string, kind: ExportKind): Promise<SavedFile | null>;
  /** 导入: picks a workbook to import; the import feature decides what to do with it */
  importDialog(): Promise<OpenedFile | null>;
  /** 打印: the packet's HTML on a printer (the system print dialog), only the pages asked for, `copies` times */
  print(html: string, opts?: PrintRequest): Promise<void>;
  /**
   * 导出 PDF: the packet's HTML (no script runs in it) printed to PDF bytes by Chromium with shared/export's
   * PRINT_OPTIONS, so that this host is a PdfPrinter for shared/export/packet.ts, as the CLI's is.
   */
  printPdf(html: string, opts?: PrintRequest): Promise<Uint8Array>;
  /** autosave: replace this window's recovery file with the unsaved work (packet bytes) */
  recoveryWrite(bytes: Uint8Array): Promise<void>;
  /** the work was saved or closed on purpose: remove this window's recovery file */
  recoveryDiscard(): Promise<void>;
  /** unsaved work left by a session that did not close normally, newest first */
  recoveryList(): Promise<RecoveryOffer[]>;
  /** open an offered recovery file as unsaved work; it stays this window's recovery file until saved */
  recoveryOpen(id: string): Promise<OpenedFile | null>;
  /** the user declined an offered recovery file: remove it */
  recoveryDecline(id: string): Promise<void>;
  setDocumentState(state: DocumentState): void;
  /** after 保存 from the close prompt: the window may close now */
  closeWindow(): void;
  /** `arg` is the recent-file index for 'open-recent' */
  onMenuCommand(listener: (command: MenuCommand, arg?: number) => void): () => void;
}

/** How one print differs from the document as declared (shared/export PrintPassOptions, plus copies). */
export interface PrintRequest {
  /** "1-3, 8": pages of the whole document to output */
  pageRanges?: string;
  /** 0.1…2 */
  scale?: number;
  /** paper copies (a printer only) */
  copies?: number;
}

declare global {
  interface Window {
    juesuan?: JuesuanBridge;
  }
}

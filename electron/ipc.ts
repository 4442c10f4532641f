/**
 * The IPC channel table, shared by main and preload: one entry per bridge function, with its channel name
 * and the parser main runs on the arguments. Preload derives its functions from it; main registers its
 * handlers from it, so neither side can name a channel the other does not know.
 */
import type { JuesuanBridge, PrintRequest } from '../renderer/host/bridge';
import {
  expectArgCount, expectBytes, expectSetId, expectDocumentBytes, expectDocumentState, expectExportKind, expectFileName, expectPrintHtml, expectPrintRequest, expectRecoveryId,
  extensionOf,
} from './validate';

/** Bridge functions answered by the main process (ipcRenderer.invoke / ipcMain.handle). */
export type InvokeApi = Omit<JuesuanBridge, 'setDocumentState' | 'closeWindow' | 'onMenuCommand'>;
/** One-way messages (ipcRenderer.send / ipcMain.on). */
export type SendApi = Pick<JuesuanBridge, 'setDocumentState' | 'closeWindow'>;

type Parser<F> = F extends (...args: infer A) => unknown ? (args: readonly unknown[]) => A : never;

export interface ChannelEntry<F> {
  channel: string;
  parse: Parser<F>;
}

const none = (args: readonly unknown[]): [] => {
  expectArgCount(args, 0);
  return [];
};

/** A channel taking one argument, checked by `check`. */
function one<T>(check: (v: unknown) => T) {
  return (args: readonly unknown[]): [T] => {
    expectArgCount(args, 1);
    return [check(args[0])];
  };
}

const packetBytes = (v: unknown) => expectDocumentBytes(v, 'xlsx');

/** print / printPdf: the packet HTML and, optionally, which pages, scale and copies. */
function printArgs(args: readonly unknown[]): [string, PrintRequest?] {
  if (args.length !== 1 && args.length !== 2) expectArgCount(args, 2);
  return args.length === 2 ? [expectPrintHtml(args[0]), expectPrintRequest(args[1])] : [expectPrintHtml(args[0])];
}

/** `openRecent`'s index is checked against the recent list by its handler, which knows the list's length. */
function recentIndex(args: readonly unknown[]): [number] {
  expectArgCount(args, 1);
  const v = args[0];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 99) throw new TypeError('index: out of range');
  return [v];
}

export const INVOKE: { [K in keyof InvokeApi]: ChannelEntry<InvokeApi[K]> } = {
  openInitial: { channel: 'juesuan:open-initial', parse: none },
  openDialog: { channel: 'juesuan:open-dialog', parse: none },
  openTemplate: { channel: 'juesuan:open-template', parse: one(expectSetId) },
  openRecent: { channel: 'juesuan:open-recent', parse: recentIndex },
  save: { channel: 'juesuan:save', parse: one(packetBytes) },
  saveAs: {
    channel: 'juesuan:save-as',
    parse: (a) => {
      expectArgCount(a, 2);
      return [expectDocumentBytes(a[0], 'xlsx'), expectFileName(a[1], 'xlsx')];
    },
  },
  exportFile: {
    channel: 'juesuan:export',
    parse: (a) => {
      expectArgCount(a, 3);
      const kind = expectExportKind(a[2]);
      return [expectDocumentBytes(a[0], kind), expectFileName(a[1], extensionOf(kind)), kind];
    },
  },
  importDialog: { channel: 'juesuan:import-dialog', parse: none },
  print: { channel: 'juesuan:print', parse: printArgs },
  printPdf: { channel: 'juesuan:print-pdf', parse: printArgs },
  recoveryWrite: { channel: 'juesuan:recovery-write', parse: one(packetBytes) },
  recoveryDiscard: { channel: 'juesuan:recovery-discard', parse: none },
  recoveryList: { channel: 'juesuan:recovery-list', parse: none },
  recoveryOpen: { channel: 'juesuan:recovery-open', parse: one(expectRecoveryId) },
  recoveryDecline: { channel: 'juesuan:recovery-decline', parse: one(expectRecoveryId) },
};

export const SEND: { [K in keyof SendApi]: ChannelEntry<SendApi[K]> } = {
  setDocumentState: { channel: 'juesuan:document-state', parse: one(expectDocumentState) },
  closeWindow: { channel: 'juesuan:close-window', parse: none },
};

/** main → renderer: a menu command (and the recent-file index for 'open-recent'). */
export const MENU_EVENT = 'juesuan:menu-command';

export { expectBytes };

/**
 * Preload (sandboxed): exposes `window.juesuan` with named functions only, built from the channel table.
 * The renderer never gets ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { JuesuanBridge, MenuCommand } from '../renderer/host/bridge';
import { INVOKE, MENU_EVENT, SEND } from './ipc';
import { isMenuCommand } from './validate';

const api: JuesuanBridge = {
  openInitial: () => ipcRenderer.invoke(INVOKE.openInitial.channel),
  openDialog: () => ipcRenderer.invoke(INVOKE.openDialog.channel),
  openTemplate: () => ipcRenderer.invoke(INVOKE.openTemplate.channel),
  openRecent: (index) => ipcRenderer.invoke(INVOKE.openRecent.channel, index),
  listRecent: () => ipcRenderer.invoke(INVOKE.listRecent.channel),
  save: (bytes) => ipcRenderer.invoke(INVOKE.save.channel, bytes),
  saveAs: (bytes, name) => ipcRenderer.invoke(INVOKE.saveAs.channel, bytes, name),
  exportFile: (bytes, name, kind) => ipcRenderer.invoke(INVOKE.exportFile.channel, bytes, name, kind),
  importDialog: () => ipcRenderer.invoke(INVOKE.importDialog.channel),
  print: (html, opts) => ipcRenderer.invoke(INVOKE.print.channel, html, ...(opts ? [opts] : [])),
  printPdf: (html, opts) => ipcRenderer.invoke(INVOKE.printPdf.channel, html, ...(opts ? [opts] : [])),
  recoveryWrite: (bytes) => ipcRenderer.invoke(INVOKE.recoveryWrite.channel, bytes),
  recoveryDiscard: () => ipcRenderer.invoke(INVOKE.recoveryDiscard.channel),
  recoveryList: () => ipcRenderer.invoke(INVOKE.recoveryList.channel),
  recoveryOpen: (id) => ipcRenderer.invoke(INVOKE.recoveryOpen.channel, id),
  recoveryDecline: (id) => ipcRenderer.invoke(INVOKE.recoveryDecline.channel, id),
  setDocumentState: (state) => ipcRenderer.send(SEND.setDocumentState.channel, state),
  closeWindow: () => ipcRenderer.send(SEND.closeWindow.channel),
  onMenuCommand(listener: (command: MenuCommand, arg?: number) => void) {
    const handler = (_e: IpcRendererEvent, command: unknown, arg: unknown) => {
      if (isMenuCommand(command)) listener(command, typeof arg === 'number' ? arg : undefined);
    };
    ipcRenderer.on(MENU_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(MENU_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('juesuan', api);

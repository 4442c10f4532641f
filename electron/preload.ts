/**
 * Preload (sandboxed): exposes `window.juesuan` with named functions only, built from the channel table.
 * The renderer never gets ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { JuesuanBridge, MenuCommand } from '../renderer/host/bridge';
import { INVOKE, MENU_EVENT, SEND } from './ipc';
import { isMenuCommand } from './validate';

// every function comes from the channel table (electron/ipc.ts): a new channel is an entry there, its handler in
// main and its browser-host counterpart — nothing to repeat here
const invoke = Object.fromEntries(
  Object.entries(INVOKE).map(([name, e]) => [name, (...args: unknown[]) => ipcRenderer.invoke(e.channel, ...args)]),
);
const send = Object.fromEntries(
  Object.entries(SEND).map(([name, e]) => [name, (...args: unknown[]) => ipcRenderer.send(e.channel, ...args)]),
);

const api = {
  ...invoke,
  ...send,
  onMenuCommand(listener: (command: MenuCommand, arg?: number) => void) {
    const handler = (_e: IpcRendererEvent, command: unknown, arg: unknown) => {
      if (isMenuCommand(command)) listener(command, typeof arg === 'number' ? arg : undefined);
    };
    ipcRenderer.on(MENU_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(MENU_EVENT, handler);
    };
  },
} as JuesuanBridge;

contextBridge.exposeInMainWorld('juesuan', api);

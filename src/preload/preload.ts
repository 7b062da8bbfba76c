// The preload of the tray's windows (issue 14, "Security"): named methods on window.baomi, one
// per channel of src/main/ipc-guard.ts, and nothing else (no ipcRenderer, no channel names
// chosen by the page). Sandboxed: it may require only 'electron'. The main process checks
// every argument again; these types are for the renderer's compiler.
import type { Lang } from '../core/i18n/types.js';
import type {
  EventFilter,
  ExceptionRequestInput,
  ResultOf,
  StatusResult,
} from '../core/protocol/messages.js';

const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');

export interface BaomiBridge {
  status(): Promise<StatusResult>;
  events(filter: EventFilter): Promise<ResultOf['events.query']>;
  verify(): Promise<ResultOf['verify']>;
  requestException(input: ExceptionRequestInput): Promise<ResultOf['usb.exception.request']>;
  redeemToken(token: string): Promise<ResultOf['usb.exception.redeem']>;
  setLanguage(lang: Lang): Promise<void>;
  pledge(): Promise<ResultOf['pledge.get']>;
  acknowledgePledge(sha256: string): Promise<ResultOf['pledge.acknowledge']>;
}

const bridge: BaomiBridge = {
  status: () => ipcRenderer.invoke('baomi:status'),
  events: (filter) => ipcRenderer.invoke('baomi:events', filter),
  verify: () => ipcRenderer.invoke('baomi:verify'),
  requestException: (input) => ipcRenderer.invoke('baomi:exception-request', input),
  redeemToken: (token) => ipcRenderer.invoke('baomi:exception-redeem', { token }),
  setLanguage: (lang) => ipcRenderer.invoke('baomi:language', lang),
  pledge: () => ipcRenderer.invoke('baomi:pledge'),
  acknowledgePledge: (sha256) => ipcRenderer.invoke('baomi:pledge-acknowledge', { sha256 }),
};

contextBridge.exposeInMainWorld('baomi', bridge);

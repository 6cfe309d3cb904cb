/**
 * The mini program's platform in Node: `wx.request` over real HTTP to the local function host,
 * `wx.connectSocket` over `ws` to the real broker, storage in memory, the real clock, and a UI
 * that records what the page asked for (toasts, navigation) and answers confirmations as told.
 */
import { request as httpRequest } from 'node:http';
import type { Platform, Ui } from '../../../miniprogram/services/index';
import type { RequestFn } from '../../../miniprogram/services/transport';
import { createTimers } from './timers';
import { createWxSockets } from './wx-socket';

export const nodeRequest: RequestFn = (o) => {
  const url = new URL(o.url);
  const req = httpRequest(
    { hostname: url.hostname, port: url.port, path: url.pathname, method: o.method, headers: o.header, timeout: o.timeout },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => o.success({ statusCode: res.statusCode ?? 0, data: Buffer.concat(chunks).toString('utf8') }));
    },
  );
  req.on('error', (e) => o.fail({ errMsg: `request:fail ${e.message}` }));
  req.end(o.data);
};

export function memoryStorage() {
  const m = new Map<string, unknown>();
  return {
    getStorageSync: (k: string) => (m.has(k) ? m.get(k) : ''),
    setStorageSync: (k: string, v: unknown) => void m.set(k, v),
    removeStorageSync: (k: string) => void m.delete(k),
    map: m,
  };
}

export interface RecordingUi extends Ui {
  toasts: string[];
  navigations: string[];
  copied: string[];
  titles: string[];
  /** Answer given to the next confirmations (default true). */
  confirmAnswer: boolean;
  confirms: string[];
  /** What the next scan returns (undefined = cancelled). */
  scanResult?: string;
}

export function recordingUi(): RecordingUi {
  const ui: RecordingUi = {
    toasts: [],
    navigations: [],
    copied: [],
    titles: [],
    confirms: [],
    confirmAnswer: true,
    toast: (t) => void ui.toasts.push(t),
    confirm: async (title) => {
      ui.confirms.push(title);
      return ui.confirmAnswer;
    },
    scanCode: async () => ui.scanResult,
    navigateTo: (url) => void ui.navigations.push(url),
    switchTab: (url) => void ui.navigations.push(url),
    copy: (t) => void ui.copied.push(t),
    setTitle: (t) => void ui.titles.push(t),
  };
  return ui;
}

export function nodePlatform(extra: Partial<Platform> = {}) {
  const sockets = createWxSockets();
  const timers = createTimers();
  const ui = recordingUi();
  const storage = memoryStorage();
  const platform: Platform = {
    request: nodeRequest,
    connectSocket: sockets.connectSocket,
    storage,
    now: () => Date.now(),
    random: () => Math.random(),
    timer: timers,
    ui,
    ...extra,
  };
  return { platform, ui, storage, sockets, timers };
}

/**
 * The mini program's platform in Node: `wx.request` over real HTTP to the local function host,
 * `wx.uploadFile` as a real multipart upload of a file on disk,
 * `wx.connectSocket` over `ws` to the real broker, storage in memory, the real clock, and a UI
 * that records what the page asked for (toasts, navigation) and answers confirmations as told.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { basename } from 'node:path';
import type { UploadFileFn } from '../../../miniprogram/services/avatar';
import type { Platform, Ui } from '../../../miniprogram/services/index';
import type { RequestFn } from '../../../miniprogram/services/transport';
import { createTimers } from './timers';
import { createWxSockets } from './wx-socket';

export const nodeRequest: RequestFn = (o) => {
  const url = new URL(o.url);
  const req = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, method: o.method, headers: o.header, timeout: o.timeout }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => o.success({ statusCode: res.statusCode ?? 0, data: Buffer.concat(chunks).toString('utf8') }));
  });
  req.on('error', (e) => o.fail({ errMsg: `request:fail ${e.message}` }));
  req.end(o.data);
};

/**
 * `wx.uploadFile` in Node: the file at `filePath` sent as multipart/form-data in the part `name`,
 * with its file name, the way WeChat sends it; the answer's body as text.
 */
export const nodeUploadFile: UploadFileFn = (o) => {
  let file: Buffer;
  try {
    file = readFileSync(o.filePath);
  } catch (e) {
    return o.fail({ errMsg: `uploadFile:fail ${(e as Error).message}` });
  }
  const boundary = `----wxupload${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${o.name}"; filename="${basename(o.filePath)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const url = new URL(o.url);
  const req = httpRequest(
    {
      hostname: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...o.header, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
      timeout: o.timeout,
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => o.success({ statusCode: res.statusCode ?? 0, data: Buffer.concat(chunks).toString('utf8') }));
    },
  );
  req.on('error', (e) => o.fail({ errMsg: `uploadFile:fail ${e.message}` }));
  req.end(body);
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
  /** Numbers dialled (`wx.makePhoneCall`). */
  calls: string[];
  /** Template ids asked for (`wx.requestSubscribeMessage`). */
  subscribeRequests: string[][];
  /** The answer WeChat gives to every template asked for next: `accept`, `reject`, `ban`, or `fail` (the request itself fails). */
  subscribeAnswer: string;
}

export function recordingUi(): RecordingUi {
  const ui: RecordingUi = {
    toasts: [],
    navigations: [],
    copied: [],
    titles: [],
    confirms: [],
    confirmAnswer: true,
    calls: [],
    subscribeRequests: [],
    subscribeAnswer: 'accept',
    call: (n) => void ui.calls.push(n),
    requestSubscribeMessage: async (ids) => {
      ui.subscribeRequests.push(ids);
      if (ui.subscribeAnswer === 'fail') return { ok: false, message: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture. (20003)' };
      return { ok: true, answers: Object.fromEntries(ids.map((id) => [id, ui.subscribeAnswer])) };
    },
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
    uploadFile: nodeUploadFile,
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

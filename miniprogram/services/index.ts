/**
 * Builds the services every page uses from the platform's side effects (network, sockets,
 * storage, clock, timers), passed in — `wx` in the app, stand-ins in tests. Nothing here runs at
 * import time; `app.ts` calls `createServices` once in `onLaunch`.
 */
import type { ConnectSocket } from '../lib/mqtt';
import { createApi } from './api';
import { createDisplay } from './display';
import { createPrivacyGate } from './privacy';
import { type CloudFiles, createAvatars, type UploadFileFn } from './avatar';
import type { AppConfig } from './config';
import { createRealtimeClient, type RealtimeClient } from './realtime/index';
import { createSession, type StorageLike, withSession } from './session';
import { type CallFunction, type CloudLike, createCloudTransport, createHttpTransport, type RequestFn } from './transport';

export interface Timer {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

/** Dialogs, navigation and the camera: the page-facing side effects of `wx`. */
export interface Ui {
  toast(text: string): void;
  /** Resolves true when the user confirms. */
  confirm(title: string, content: string): Promise<boolean>;
  /** The text of a scanned code, or undefined when cancelled. */
  scanCode(): Promise<string | undefined>;
  navigateTo(url: string): void;
  switchTab(url: string): void;
  copy(text: string): void;
  setTitle(title: string): void;
  /** Ends the pull-down refresh animation (`wx.stopPullDownRefresh`). */
  stopPullDownRefresh?(): void;
  /** `wx.makePhoneCall`: opens the phone's dialler with the number. */
  call?(phoneNumber: string): void;
  /** `wx.openPrivacyContract`: the privacy guide declared for the mini program. */
  openPrivacyContract?(): void;
  /**
   * `wx.requestSubscribeMessage`: asks the user to accept one-time subscription messages with these
   * templates; must run in a tap's handler. Resolves with each template's answer (`accept`,
   * `reject`, `ban`, `filter`), or an error text when WeChat refused the request itself.
   */
  requestSubscribeMessage?(templateIds: string[]): Promise<{ ok: true; answers: Record<string, string> } | { ok: false; message: string }>;
}

/** The side effects the services need. */
export interface Platform {
  request: RequestFn;
  /** `wx.uploadFile`: the avatar upload to the local function host. */
  uploadFile: UploadFileFn;
  connectSocket: ConnectSocket;
  storage: StorageLike;
  /** `wx.cloud`, initialised; required in `cloud` mode. */
  cloud?: CloudLike & CloudFiles;
  now: () => number;
  random: () => number;
  timer: Timer;
  ui: Ui;
  /** WeChat's font size setting in px (`wx.getAppBaseInfo().fontSizeSetting`), when known. */
  fontSizeSetting?: () => number | undefined;
}

export function createServices(platform: Platform, config: AppConfig) {
  let signIn: CallFunction;
  let withToken: CallFunction;
  let token: () => string | undefined = () => undefined;
  if (config.mode === 'cloud') {
    if (!platform.cloud) throw new Error('cloud mode needs wx.cloud (base library 2.2.3 or later)');
    signIn = withToken = createCloudTransport(platform.cloud);
  } else {
    const http = (t: () => string | undefined) => createHttpTransport({ request: platform.request, baseUrl: config.local.functionsUrl, token: t });
    // Signing in never sends the old token: the host refuses a request with an invalid one.
    signIn = http(() => undefined);
    withToken = http(() => token());
  }
  const session = createSession({ mode: config.mode, storage: platform.storage, call: signIn, now: platform.now, random: platform.random });
  token = session.token;
  const api = createApi(withSession(withToken, session));
  const realtime: RealtimeClient = createRealtimeClient({
    connectSocket: platform.connectSocket,
    url: config.mode === 'cloud' ? config.cloud.mqttUrl : config.local.mqttUrl,
    credentials: () => api.realtimeCredentials(),
    now: platform.now,
    timer: platform.timer,
  });
  const avatars = createAvatars({
    mode: config.mode,
    functionsUrl: config.local.functionsUrl,
    uploadFile: platform.uploadFile,
    cloud: platform.cloud,
    session,
    now: platform.now,
    random: platform.random,
  });
  const display = createDisplay(platform.storage, platform.fontSizeSetting);
  const privacy = createPrivacyGate();
  return { api, session, realtime, avatars, display, privacy, ui: platform.ui, now: platform.now, timer: platform.timer, mode: config.mode };
}

export type Services = ReturnType<typeof createServices>;

/**
 * One MQTT connection with one set of credentials, from socket open to close. It never reconnects
 * by itself (mqtt.js' automatic reconnect would reuse the credentials, which expire after an hour,
 * and subscriptions of a clean session do not survive a reconnect anyway, MQTT-3.1.2-6): the
 * client replaces a lost session with a new one. Every promise here settles, also when the socket
 * dies without a close event (mqtt.js#1180): requests then time out on the injected timer.
 */
import { createMqttConnection } from '../../lib/mqtt';
import type { ConnectSocket, MqttMessage } from '../../lib/mqtt';
import { err, ErrorCode, ok } from '../../lib/core';
import type { RealtimeCredentials, Result } from '../../lib/core';
import type { RealtimeTimer } from './types';

export interface SessionOptions {
  connectSocket: ConnectSocket;
  url: string;
  credentials: RealtimeCredentials;
  timer: RealtimeTimer;
  /** ms; see RealtimeOptions.requestTimeoutMs. */
  requestTimeoutMs: number;
  /** ms; see RealtimeOptions.connectTimeoutMs. */
  connectTimeoutMs: number;
  /** s; see RealtimeOptions.keepaliveS. */
  keepaliveS: number;
}

export interface SessionHandlers {
  onMessage(m: MqttMessage): void;
  /** The connection ended after it had opened, other than through `close()`. Called at most once. */
  onLost(reason: string): void;
}

export interface Session {
  /** Settles once: ok on an accepted CONNACK; an error when refused, timed out or closed first. */
  readonly opened: Promise<Result<void>>;
  readonly isOpen: boolean;
  /** The SUBACK return code per topic (0/1/2 granted, 128 refused, MQTT-3.9.3). */
  subscribe(topics: string[]): Promise<Result<number[]>>;
  unsubscribe(topics: string[]): Promise<Result<void>>;
  /** Closes the socket; `onLost` is not called. Safe to call more than once. */
  close(): Promise<void>;
}

/** CONNACK return codes 4 and 5 (MQTT-3.2.2.3): the credentials, not the network, were the problem. */
const REFUSED_LOGIN = new Set([4, 5]);

export function openSession(opts: SessionOptions, handlers: SessionHandlers): Session {
  const c = opts.credentials;
  const conn = createMqttConnection(opts.connectSocket, {
    url: opts.url,
    clientId: c.clientId,
    username: c.username,
    password: c.password,
    keepalive: opts.keepaliveS,
    connectTimeout: opts.connectTimeoutMs,
    reconnectPeriod: 0,
  });
  let state: 'opening' | 'open' | 'closed' = 'opening';
  let lastError: { message: string; code?: unknown } | undefined;
  let settleOpened: (r: Result<void>) => void = () => undefined;
  const opened = new Promise<Result<void>>((resolve) => (settleOpened = resolve));

  /** Ends the session; `lost` says whether the client must hear about it. */
  const finish = (lost: boolean, reason: string): Promise<void> => {
    const was = state;
    if (was !== 'closed') {
      state = 'closed';
      if (was === 'opening') {
        const refused = lastError && REFUSED_LOGIN.has(lastError.code as number);
        settleOpened(err(ErrorCode.Unavailable, refused ? `MQTT login refused: ${reason}` : `MQTT connection failed: ${reason}`, { refused: !!refused }));
      } else if (lost) {
        handlers.onLost(reason);
      }
    }
    return conn.end();
  };

  // Always listened to: an 'error' event nobody hears is thrown by the emitter.
  conn.on('error', (e) => {
    lastError = { message: e.message, code: (e as Error & { code?: unknown }).code };
  });
  conn.on('connect', () => {
    if (state !== 'opening') return;
    state = 'open';
    settleOpened(ok(undefined));
  });
  conn.on('close', () => void finish(true, lastError?.message ?? 'connection closed'));
  conn.on('message', (m) => {
    if (state === 'open') handlers.onMessage(m);
  });

  /** Waits for an acknowledgement, at most `requestTimeoutMs`; a silent broker means a dead socket. */
  function request<T>(what: string, send: () => Promise<T>): Promise<Result<T>> {
    if (state !== 'open') return Promise.resolve(err(ErrorCode.Unavailable, `${what}: not connected`));
    return new Promise((resolve) => {
      let done = false;
      const id = opts.timer.setTimeout(() => {
        if (done) return;
        done = true;
        const reason = `${what}: no acknowledgement in ${opts.requestTimeoutMs} ms`;
        resolve(err(ErrorCode.Unavailable, reason));
        void finish(true, reason);
      }, opts.requestTimeoutMs);
      send().then(
        (v) => {
          if (done) return;
          done = true;
          opts.timer.clearTimeout(id);
          resolve(ok(v));
        },
        (e: Error) => {
          if (done) return;
          done = true;
          opts.timer.clearTimeout(id);
          resolve(err(ErrorCode.Unavailable, `${what}: ${e.message}`));
        },
      );
    });
  }

  return {
    opened,
    get isOpen() {
      return state === 'open';
    },
    subscribe: (topics) => request('subscribe', () => conn.subscribe(topics)),
    unsubscribe: (topics) => request('unsubscribe', () => conn.unsubscribe(topics)),
    close: () => finish(false, 'closed'),
  };
}

/**
 * Live readings and alert notices over MQTT over WebSocket with the user's short-lived read-only credentials
 * (`realtime.credentials`, ≤ 1 hour; docs/security.md): the same topics the mini program reads.
 * New credentials are fetched before they expire and after any dropped connection, with a growing
 * pause (capped) between failed attempts.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { alertTopic } from '../../core/alerts';
import { decodePropertyPost } from '../../core/alink/property-post';
import { deviceIdOf, parseTopic } from '../../core/alink/topics';
import type { PresenceMessage, RealtimeCredentials } from '../../core/api';
import type { Reading } from '../../core/vitals';
import type { Call } from './api';

/** Alerts of a patient are published on `/alerts/{patientId}` (core/alerts `alertTopic`). */
const ALERTS_PREFIX = alertTopic('');

export type LiveState = 'connecting' | 'live' | 'retrying' | 'closed';

export interface LiveHandlers {
  reading(deviceId: string, reading: Reading): void;
  presence(deviceId: string, online: boolean, at: number): void;
  /** An alert of a followed patient was raised or changed (`/alerts/{patientId}`). */
  alert?(patientId: string): void;
  state(state: LiveState, detail?: string): void;
}

export interface LiveOptions {
  call: Call;
  /** `ws://host:8083/mqtt`. */
  url: string;
  handlers: LiveHandlers;
  /** Renew this long before the credentials expire, ms. Default 60 s. */
  renewBeforeMs?: number;
  /** First and largest pause before reconnecting, ms. Defaults 2 s and 60 s. */
  retryMs?: number;
  maxRetryMs?: number;
  now?: () => number;
}

export function connectLive(opts: LiveOptions): { close(): void } {
  const now = opts.now ?? Date.now;
  const renewBefore = opts.renewBeforeMs ?? 60_000;
  const firstRetry = opts.retryMs ?? 2000;
  const maxRetry = opts.maxRetryMs ?? 60_000;
  let client: MqttClient | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry = firstRetry;
  let closed = false;

  function schedule(ms: number, why: string): void {
    if (closed) return;
    clearTimeout(timer);
    opts.handlers.state('retrying', why);
    timer = setTimeout(() => void start(), ms);
    retry = Math.min(retry * 2, maxRetry);
  }

  function onMessage(topic: string, payload: Uint8Array): void {
    if (topic.startsWith(ALERTS_PREFIX)) return opts.handlers.alert?.(topic.slice(ALERTS_PREFIX.length));
    const t = parseTopic(topic);
    if (!t) return;
    const deviceId = deviceIdOf(t);
    const text = new TextDecoder().decode(payload);
    if (t.kind === 'property.post') {
      const d = decodePropertyPost(text, now());
      if (!d.ok) return;
      for (const { timed: _timed, ...r } of d.value.readings) opts.handlers.reading(deviceId, r);
    } else if (t.kind === 'presence') {
      try {
        const p = JSON.parse(text) as PresenceMessage;
        if (typeof p.online === 'boolean') opts.handlers.presence(deviceId, p.online, typeof p.at === 'number' ? p.at : now());
      } catch {
        // Not a presence message: ignored.
      }
    }
  }

  async function start(): Promise<void> {
    if (closed) return;
    opts.handlers.state('connecting');
    const r = await opts.call<RealtimeCredentials>('realtime', { action: 'credentials' });
    if (closed) return;
    if (!r.ok) return schedule(retry, r.message);
    const creds = r.data;
    const old = client;
    old?.end(true);
    const c = mqtt.connect(opts.url, {
      clientId: creds.clientId,
      username: creds.username,
      password: creds.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    client = c;
    c.on('connect', () => {
      retry = firstRetry;
      const wanted = creds.topics.filter((tp) => /\/thing\/event\/property\/post$|\/presence$/.test(tp) || tp.startsWith(ALERTS_PREFIX));
      if (!wanted.length) return opts.handlers.state('live');
      c.subscribe(wanted, { qos: 0 }, (e) => {
        if (e) return schedule(retry, e.message);
        opts.handlers.state('live');
        clearTimeout(timer);
        timer = setTimeout(() => void start(), Math.max(1000, creds.expiresAt - now() - renewBefore));
      });
    });
    c.on('message', onMessage);
    c.on('error', (e) => {
      if (client === c) schedule(retry, e.message);
    });
    c.on('close', () => {
      if (client === c && !closed) schedule(retry, 'connection closed');
    });
  }

  void start();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      client?.end(true);
      opts.handlers.state('closed');
    },
  };
}

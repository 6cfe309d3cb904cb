/**
 * An emulated bedside terminal: logs in with the Alink signature, measures on a schedule (and on
 * "measure now"), keeps readings in a bounded outbox until the broker acknowledges them (so they
 * survive disconnections and restarts, and are replayed with their original times and ids),
 * obeys property-set commands, and reconnects with capped exponential backoff and jitter.
 */
import mqtt, { type MqttClient } from 'mqtt';
import {
  buildLogin,
  buildRequest,
  type DeviceCredentials,
  deviceIdOf,
  type MeasureSettings,
  Method,
  parseReply,
  parseTopic,
  type SignMethod,
  topics,
} from '../../core/alink';
import type { Measurement, VitalsSource } from '../vitals/types';
import { backoffDelay } from '../../core/retry';
import { type Clock, systemClock } from '../../core/clock';
import { handleCommand } from './commands';
import { createOutbox } from './outbox';
import { createMemoryStateStore, type DeviceStateStore } from './state-store';

export interface DeviceOptions {
  /** `mqtt://host:1883` or `ws://host:8083/mqtt`. */
  brokerUrl: string;
  credentials: DeviceCredentials;
  source: VitalsSource;
  /** Settings when nothing is remembered; default enabled, every 60 s (the original firmware). */
  settings?: Partial<MeasureSettings>;
  /** Where settings, message ids and unacknowledged readings are remembered. Default: memory. */
  stateStore?: DeviceStateStore;
  /** Readings kept while offline; the oldest are dropped beyond this. Default 500. */
  outboxCapacity?: number;
  /** Readings in flight (published, not yet acknowledged) at once. Default 10. */
  window?: number;
  /** Replay pace after an outage, readings per second (below the broker's 20/s limit). Default 10. */
  replayPerSecond?: number;
  /** Publish 1-second raw PPG frames on `thing/event/ppg/post` (not stored). Default false. */
  rawStream?: boolean;
  /**
   * What the login signs as `timestamp`: `wall-clock` ms (default; needed for `strict` devices),
   * `uptime` ms since start (the original ESP8266 firmware's `millis()`), or `none`.
   */
  loginTimestamp?: 'wall-clock' | 'uptime' | 'none';
  signMethod?: SignMethod;
  clock?: Clock;
  random?: () => number;
  /** Reconnect backoff: first delay and cap, ms. Defaults 1000 and 60 000. */
  reconnectBaseMs?: number;
  reconnectCapMs?: number;
}

export interface DeviceStats {
  measured: number;
  /** Measurements without a trustworthy HR/SpO2 (no finger, motion…). */
  invalid: number;
  published: number;
  /** Readings acknowledged by the broker (stored). */
  acked: number;
  /** Replies with an error code. */
  rejected: number;
  commands: number;
  reconnects: number;
  lastReplyCode?: number;
}

export function createDevice(opts: DeviceOptions) {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const startedAt = clock.now();
  const ref = { productKey: opts.credentials.productKey, deviceName: opts.credentials.deviceName };
  const store = opts.stateStore ?? createMemoryStateStore();
  const saved = store.load();
  const settings: MeasureSettings = saved?.settings ?? { enabled: true, intervalS: 60, ...opts.settings };
  const outbox = createOutbox(opts.outboxCapacity ?? 500, saved?.outbox);
  const window = opts.window ?? 10;
  const minGapMs = 1000 / (opts.replayPerSecond ?? 10);
  const stats: DeviceStats = { measured: 0, invalid: 0, published: 0, acked: 0, rejected: 0, commands: 0, reconnects: 0 };
  let seq = saved?.seq ?? 0;
  let client: MqttClient | undefined;
  let stopped = true;
  let attempt = 0;
  const timers: Record<'measure' | 'send' | 'reconnect' | 'raw', unknown> = { measure: undefined, send: undefined, reconnect: undefined, raw: undefined };
  let lastSentAt = -Infinity;

  const persist = () => store.save({ settings: { ...settings }, seq, outbox: outbox.snapshot() });
  const clear = (k: keyof typeof timers) => {
    if (timers[k] !== undefined) clock.clearTimeout(timers[k]);
    timers[k] = undefined;
  };

  function login() {
    const mode = opts.loginTimestamp ?? 'wall-clock';
    const timestamp = mode === 'none' ? undefined : mode === 'uptime' ? clock.now() - startedAt : clock.now();
    return buildLogin(opts.credentials, { timestamp, signMethod: opts.signMethod });
  }

  function measure(): Measurement {
    const m = opts.source.measure(clock.now());
    stats.measured++;
    if (m.invalidReason) stats.invalid++;
    const params: Record<string, unknown> = {};
    if (m.bodyTemperature !== undefined) params.BodyTemperature = { value: m.bodyTemperature, time: m.at };
    if (m.heartRate !== undefined) params.HeartRate = { value: m.heartRate, time: m.at };
    if (m.spo2 !== undefined) params.SpO2 = { value: m.spo2, time: m.at };
    if (Object.keys(params).length) {
      const id = String(++seq);
      outbox.add({ id, payload: buildRequest(id, Method.PropertyPost, params), at: m.at });
      persist();
      pump();
    }
    return m;
  }

  /** Hands outbox entries to the MQTT client: in order, a window at a time, paced after outages. */
  function pump(): void {
    const c = client;
    if (!c?.connected || timers.send !== undefined) return;
    while (outbox.inFlightCount() < window) {
      const [next] = outbox.nextToSend(1);
      if (!next) return;
      const wait = lastSentAt + minGapMs - clock.now();
      if (wait > 0) {
        timers.send = clock.setTimeout(() => {
          timers.send = undefined;
          pump();
        }, wait);
        return;
      }
      lastSentAt = clock.now();
      outbox.markInFlight(next.id);
      stats.published++;
      // mqtt.js keeps an unacknowledged QoS 1 message and resends it after a reconnect; the
      // callback fires on its PUBACK, or with an error if the client is ended first.
      c.publish(topics.propertyPost(ref), next.payload, { qos: 1 }, (e) => {
        if (e) outbox.markFailed(next.id);
        else {
          outbox.acknowledge(next.id);
          stats.acked++;
          persist();
        }
        pump();
      });
    }
  }

  function schedule(): void {
    clear('measure');
    if (stopped || !settings.enabled) return;
    timers.measure = clock.setTimeout(() => {
      timers.measure = undefined;
      measure();
      schedule();
    }, settings.intervalS * 1000);
  }

  function streamRaw(): void {
    clear('raw');
    if (stopped || !opts.rawStream || !opts.source.rawFrame) return;
    timers.raw = clock.setTimeout(() => {
      timers.raw = undefined;
      const now = clock.now();
      if (client?.connected && settings.enabled && opts.source.rawFrame) {
        const frame = opts.source.rawFrame(now - 1000, now);
        client.publish(topics.eventPost(ref, 'ppg'), buildRequest(String(now), 'thing.event.ppg.post', { start: now - 1000, ...frame }), { qos: 0 });
      }
      streamRaw();
    }, 1000);
  }

  function onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t) return;
    if (t.kind === 'property.post.reply') {
      const r = parseReply(payload.toString());
      if (r) {
        stats.lastReplyCode = r.code;
        if (r.code !== 200) stats.rejected++;
      }
      return;
    }
    const handled = handleCommand(t, payload.toString(), {
      ref,
      settings: () => ({ ...settings }),
      applySettings: (next) => {
        Object.assign(settings, next);
        persist();
        schedule();
      },
      measureNow: measure,
      reply: (replyTopic, body) => client?.publish(replyTopic, body, { qos: 0 }),
    });
    if (handled) stats.commands++;
  }

  function scheduleReconnect(c: MqttClient): void {
    if (stopped || timers.reconnect !== undefined || c !== client) return;
    const delay = backoffDelay(attempt++, { initialMs: opts.reconnectBaseMs ?? 1000, maxMs: opts.reconnectCapMs ?? 60_000, random });
    timers.reconnect = clock.setTimeout(() => {
      timers.reconnect = undefined;
      if (stopped || c !== client) return;
      stats.reconnects++;
      // A fresh signature per attempt: strict devices must never reuse a login timestamp.
      Object.assign(c.options, login());
      c.reconnect();
    }, delay);
  }

  return {
    deviceId: deviceIdOf(ref),
    stats,
    settings: (): MeasureSettings => ({ ...settings }),
    /** Readings waiting for an acknowledgement, and how many were dropped because the outbox was full. */
    buffer: () => ({ size: outbox.size(), dropped: outbox.dropped() }),
    connected: () => client?.connected === true,
    /** Connects and starts measuring; resolves on the first successful login. */
    start(): Promise<void> {
      stopped = false;
      // Reconnects are ours (backoff with jitter), not mqtt.js's fixed period.
      const c = mqtt.connect(opts.brokerUrl, { ...login(), protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 10_000 });
      client = c;
      c.on('message', onMessage);
      c.on('connect', () => {
        attempt = 0;
        pump();
      });
      c.on('close', () => scheduleReconnect(c));
      c.on('error', () => undefined); // refused logins and socket errors end in 'close'
      return new Promise<void>((resolve, reject) => {
        c.once('connect', () => {
          const downlink = [topics.propertySet(ref), topics.service(ref, '+'), topics.propertyPostReply(ref)];
          c.subscribe(downlink, { qos: 1 }, (e) => {
            if (e) return reject(e);
            schedule();
            streamRaw();
            resolve();
          });
        });
        c.once('error', (e) => {
          if (c.connected) return;
          // A refused first login is a configuration error: stop and report it.
          stopped = true;
          c.end(true);
          reject(e);
        });
      });
    },
    /** Measures and publishes immediately (as the "measure now" command does). */
    measureNow: (): Measurement => measure(),
    /** Drops the connection as a network failure would (tests, demos); the device reconnects. */
    simulateNetworkLoss(): void {
      client?.stream.destroy();
    },
    /** Stops measuring and disconnects; unacknowledged readings stay in the outbox (and state). */
    async stop(): Promise<void> {
      stopped = true;
      for (const k of Object.keys(timers) as Array<keyof typeof timers>) clear(k);
      const c = client;
      client = undefined;
      // Connected: DISCONNECT after in-flight publishes settle. Offline: nothing to wait for.
      if (c?.connected) await c.endAsync();
      else if (c) await c.endAsync(true);
      persist();
    },
  };
}

export type EmulatedDevice = ReturnType<typeof createDevice>;

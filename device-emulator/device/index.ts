/**
 * An emulated bedside terminal: logs in with the Alink signature, measures on a schedule (and on
 * "measure now"), publishes readings at QoS 1, and obeys property-set commands with a reply.
 */
import mqtt, { MqttClient } from 'mqtt';
import {
  buildLogin,
  buildReply,
  buildRequest,
  DeviceCredentials,
  MEASURE_NOW_SERVICE,
  Method,
  parseReply,
  parseRequest,
  parseTopic,
  SignMethod,
  topics,
} from '../../core/alink';
import type { Measurement, VitalsSource } from '../vitals/types';
import { applyPropertySet, MeasureSettings, reported } from './schedule';

/** Timers and clock, injectable so tests can drive time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface DeviceOptions {
  /** `mqtt://host:1883` or `ws://host:8083/mqtt`. */
  brokerUrl: string;
  credentials: DeviceCredentials;
  source: VitalsSource;
  /** Initial settings; default enabled, every 60 s (the original firmware's period). */
  settings?: Partial<MeasureSettings>;
  /**
   * What the login signs as `timestamp`: `wall-clock` ms (default; needed for `strict` devices),
   * `uptime` ms since start (the original ESP8266 firmware's `millis()`), or `none`.
   */
  loginTimestamp?: 'wall-clock' | 'uptime' | 'none';
  signMethod?: SignMethod;
  clock?: Clock;
  /** Delay between reconnect attempts, ms. Default 1000. */
  reconnectPeriodMs?: number;
}

export interface DeviceStats {
  measured: number;
  published: number;
  acked: number;
  rejected: number;
  commands: number;
  lastReplyCode?: number;
}

export function createDevice(opts: DeviceOptions) {
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const ref = { productKey: opts.credentials.productKey, deviceName: opts.credentials.deviceName };
  const settings: MeasureSettings = { enabled: true, intervalS: 60, ...opts.settings };
  const stats: DeviceStats = { measured: 0, published: 0, acked: 0, rejected: 0, commands: 0 };
  let seq = 0;
  let timer: unknown;
  let client: MqttClient | undefined;
  let stopped = false;

  function login() {
    const mode = opts.loginTimestamp ?? 'wall-clock';
    const timestamp = mode === 'none' ? undefined : mode === 'uptime' ? clock.now() - startedAt : clock.now();
    return buildLogin(opts.credentials, { timestamp, signMethod: opts.signMethod });
  }

  function payloadOf(m: Measurement): Record<string, unknown> {
    const params: Record<string, unknown> = {};
    const put = (k: string, v: number | undefined) => {
      if (v !== undefined) params[k] = { value: v, time: m.at };
    };
    put('BodyTemperature', m.bodyTemperature);
    put('HeartRate', m.heartRate);
    put('SpO2', m.spo2);
    return params;
  }

  function measure(): Measurement {
    const m = opts.source.measure(clock.now());
    stats.measured++;
    const params = payloadOf(m);
    if (client && Object.keys(params).length) {
      client.publish(topics.propertyPost(ref), buildRequest(String(++seq), Method.PropertyPost, params), { qos: 1 });
      stats.published++;
    }
    return m;
  }

  function schedule(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (stopped || !settings.enabled) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      measure();
      schedule();
    }, settings.intervalS * 1000);
  }

  function onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || !client) return;
    if (t.kind === 'property.post.reply') {
      const r = parseReply(payload.toString());
      if (r) {
        stats.lastReplyCode = r.code;
        if (r.code === 200) stats.acked++;
        else stats.rejected++;
      }
      return;
    }
    const req = parseRequest(payload.toString());
    if (!req) return;
    stats.commands++;
    if (t.kind === 'property.set') {
      const change = applyPropertySet(settings, req.params);
      if (change.ok) {
        Object.assign(settings, change.settings);
        schedule();
      }
      const body = change.ok
        ? buildReply({ id: req.id, code: 200, method: Method.PropertySet, data: reported(settings) })
        : buildReply({ id: req.id, code: 460, method: Method.PropertySet, message: change.message });
      client.publish(topics.propertySetReply(ref), body, { qos: 0 });
    } else if (t.kind === 'service' && t.identifier === MEASURE_NOW_SERVICE) {
      const m = measure();
      const data: Record<string, unknown> = { ...m };
      client.publish(topics.serviceReply(ref, MEASURE_NOW_SERVICE), buildReply({ id: req.id, code: 200, method: Method.service(MEASURE_NOW_SERVICE), data }), { qos: 0 });
    } else if (t.kind === 'service') {
      client.publish(topics.serviceReply(ref, t.identifier ?? ''), buildReply({ id: req.id, code: 460, message: `unknown service ${t.identifier}` }), { qos: 0 });
    }
  }

  return {
    deviceId: `${ref.productKey}/${ref.deviceName}`,
    stats,
    settings: (): MeasureSettings => ({ ...settings }),
    /** Connects and starts the schedule; resolves on the first successful login. */
    start(): Promise<void> {
      stopped = false;
      const c = mqtt.connect(opts.brokerUrl, {
        ...login(),
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: opts.reconnectPeriodMs ?? 1000,
        connectTimeout: 10_000,
      });
      client = c;
      // A fresh signature per attempt: strict devices must never reuse a login timestamp.
      c.on('reconnect', () => Object.assign(c.options, login()));
      c.on('message', onMessage);
      c.on('error', () => undefined); // refused logins and socket errors surface as reconnects
      return new Promise<void>((resolve, reject) => {
        c.once('connect', () => {
          c.subscribe(
            [topics.propertySet(ref), `${topics.service(ref, '+')}`, topics.propertyPostReply(ref)],
            { qos: 1 },
            (e) => (e ? reject(e) : (schedule(), resolve())),
          );
        });
        c.once('error', (e) => {
          if (c.connected) return;
          // A refused first login is a configuration error: stop retrying and report it.
          c.end(true);
          reject(e);
        });
      });
    },
    /** Measures and publishes immediately (as the "measure now" command does). */
    measureNow: (): Measurement => measure(),
    /** Stops measuring and disconnects after in-flight publishes are acknowledged. */
    async stop(): Promise<void> {
      stopped = true;
      schedule();
      const c = client;
      client = undefined;
      if (c) await c.endAsync();
    },
  };
}

export type EmulatedDevice = ReturnType<typeof createDevice>;

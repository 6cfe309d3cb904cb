/**
 * mqtt.js for the mini program, bundled by `npm run build` into `miniprogram/lib/mqtt.js`: the
 * protocol client over our own stream on a WeChat `SocketTask`. mqtt.js' own `wx` transport keeps
 * module-level state, so a second client breaks the first (mqttjs/MQTT.js#928), and its
 * environment detection mistakes the mini program for Node (#1702); neither runs here.
 */
import type MqttClientType from 'mqtt/lib/client';
import type { ConnectSocket, MqttConnection, MqttOptions } from './mqtt-api';
import type * as SocketStream from './socket-stream';

export type { ConnectSocket, MqttConnection, MqttMessage, MqttOptions, SocketTaskLike } from './mqtt-api';

/**
 * The mini program's JS engine has no `AbortController`/`AbortSignal`, and neither `self` nor
 * `window`: readable-stream's fallback then throws "Cannot destructure property
 * 'AbortController' of undefined" while the bundle loads (mqttjs/MQTT.js#1797, NervJS/taro#15580).
 * The MQTT path never aborts anything; readable-stream only needs the names to exist.
 */
function installAbortControllerShim(): void {
  const g = globalThis as { AbortController?: unknown; AbortSignal?: unknown };
  if (g.AbortController && g.AbortSignal) return;
  type Listener = (e: { type: string }) => void;
  class AbortSignalShim {
    aborted = false;
    reason: unknown = undefined;
    onabort: Listener | null = null;
    private readonly listeners: Listener[] = [];
    addEventListener(_type: string, fn: Listener): void {
      this.listeners.push(fn);
    }
    removeEventListener(_type: string, fn: Listener): void {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    }
    throwIfAborted(): void {
      if (this.aborted) throw this.reason;
    }
    /** @internal */
    fire(reason: unknown): void {
      if (this.aborted) return;
      this.aborted = true;
      this.reason = reason;
      for (const fn of [...this.listeners, ...(this.onabort ? [this.onabort] : [])]) fn({ type: 'abort' });
    }
  }
  class AbortControllerShim {
    readonly signal = new AbortSignalShim();
    abort(reason: unknown = new Error('This operation was aborted')): void {
      this.signal.fire(reason);
    }
  }
  g.AbortSignal ??= AbortSignalShim;
  g.AbortController ??= AbortControllerShim;
}

installAbortControllerShim();
// Loaded with `require` so they evaluate after the shim (static imports would be hoisted above it).
const MqttClient = (require('mqtt/lib/client') as { default: typeof MqttClientType }).default;
const { createSocketStream } = require('./socket-stream') as typeof SocketStream;

/** SUBACK return codes from a refused subscription: mqtt.js v5 puts the packet on the error. */
function refusedGrants(e: unknown): number[] | undefined {
  const granted = (e as { packet?: { granted?: unknown } } | null)?.packet?.granted;
  return Array.isArray(granted) && granted.every((g) => typeof g === 'number') ? (granted as number[]) : undefined;
}

export function createMqttConnection(connectSocket: ConnectSocket, opts: MqttOptions): MqttConnection {
  const client = new MqttClient(() => createSocketStream(connectSocket({ url: opts.url, protocols: ['mqtt'] })), {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    protocolVersion: 4,
    clean: true,
    keepalive: opts.keepalive ?? 30,
    connectTimeout: opts.connectTimeout ?? 10_000,
    reconnectPeriod: opts.reconnectPeriod ?? 0,
    // Plain setInterval: the mini program has no Web Workers for mqtt.js' worker timers.
    timerVariant: 'native',
  });
  let ended: Promise<void> | undefined;
  return {
    get connected() {
      return client.connected;
    },
    on(event: string, cb: (...args: never[]) => void) {
      if (event === 'message') {
        client.on('message', (topic, payload, packet) => (cb as (m: unknown) => void)({ topic, text: payload.toString('utf8'), retain: packet.retain }));
      } else {
        client.on(event as 'connect', cb as () => void);
      }
    },
    subscribe: (topics) =>
      new Promise((resolve, reject) => {
        if (topics.length === 0) return resolve([]);
        client.subscribe(topics, { qos: 0 }, (e, granted) => {
          // mqtt.js v5 reports a refused topic (SUBACK 0x80, MQTT-3.9.3) as an error whose packet
          // holds the return codes; the `granted` list it passes then still says the QoS asked for.
          const codes = e ? refusedGrants(e) : granted?.map((g) => g.qos);
          if (codes && codes.length === topics.length) resolve(codes);
          else reject(e ?? new Error(`SUBACK has ${codes?.length ?? 0} return codes for ${topics.length} topics`));
        });
      }),
    unsubscribe: (topics) =>
      new Promise((resolve, reject) => {
        if (topics.length === 0) return resolve();
        client.unsubscribe(topics, (e) => (e ? reject(e) : resolve()));
      }),
    end() {
      ended ??= new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
      return ended;
    },
  } as MqttConnection;
}

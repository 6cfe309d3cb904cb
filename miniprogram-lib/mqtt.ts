/**
 * mqtt.js for the mini program, bundled by `npm run build` into `miniprogram/lib/mqtt.js`: the
 * protocol client over our own stream on a WeChat `SocketTask`. mqtt.js' own `wx` transport keeps
 * module-level state, so a second client breaks the first (mqttjs/MQTT.js#928), and its
 * environment detection mistakes the mini program for Node (#1702); neither runs here.
 */
import MqttClient from 'mqtt/lib/client';
import type { ConnectSocket, MqttConnection, MqttOptions } from './mqtt-api';
import { createSocketStream } from './socket-stream';

export type { ConnectSocket, MqttConnection, MqttMessage, MqttOptions, SocketTaskLike } from './mqtt-api';

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
          // mqtt.js v5 reports a refused topic (SUBACK 0x80) as an error; the grants say which.
          if (granted && granted.length === topics.length) resolve(granted.map((g) => g.qos));
          else if (e) reject(e);
          else resolve(topics.map(() => 128));
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

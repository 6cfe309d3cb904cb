/**
 * The embedded MQTT broker: aedes with the device policy hooks, listening on TCP and on
 * WebSocket (path `/mqtt`, for mini programs and browsers).
 */
import { Aedes, type AedesOptions, type Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Writable } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { closeServer, listen } from '../net/listen';
import { createBrokerHooks, type HookDeps } from './hooks';
import { guardConnection } from './packet-guard';
import { createBrokerPersistence } from './retained';
import { autoSubscriptions, parseClientId, parseDeviceId, topicMatches, topics } from '../../core/alink';

export interface BrokerOptions extends HookDeps {
  /** MQTT over TCP port (0 = any free port). */
  tcpPort: number;
  /** MQTT over WebSocket port (0 = any free port). */
  wsPort: number;
  /** Interface to bind. Default `0.0.0.0` (devices connect from the LAN). */
  host?: string;
  /**
   * MQTT over TLS (the Link SDK's default, `securemode=2`): port (0 = any free port), PEM
   * certificate and key. Absent: no TLS listener.
   */
  tls?: { port: number; cert: string; key: string };
  /** Largest MQTT packet a client may send, bytes; larger ones close the connection. Default 256 KiB. */
  maxPacketBytes?: number;
  /**
   * Called when a device subscribes to its property-set topic: from then on it can receive
   * commands (with a clean session, anything sent before its SUBSCRIBE is lost).
   */
  onDeviceListening?: (deviceId: string) => void;
}

/** aedes keeps a client's subscriptions keyed by filter; its type definitions leave the field out. */
function subscriptionsOf(client: Client): Record<string, unknown> {
  return (client as Client & { subscriptions: Record<string, unknown> }).subscriptions;
}

function subscribedFilters(client: Client): string[] {
  return Object.keys(subscriptionsOf(client));
}

/** Whether a client subscribed to `topic`, by name (the usual case) or by a wildcard filter. */
function isSubscribed(client: Client, topic: string): boolean {
  const subs = subscriptionsOf(client);
  return subs[topic] !== undefined || Object.keys(subs).some((filter) => topicMatches(filter, topic));
}

/** The stream aedes writes a client's packets to (a TCP socket, or a WebSocket's stream); untyped in aedes. */
function connectionOf(client: Client): Writable {
  return (client as Client & { conn: Writable }).conn;
}

/**
 * aedes' wait for a client's socket to drain (1.x): a client that reads nothing for `drainTimeout`
 * (60 s by default) is closed. Untyped in aedes.
 */
function waitForDrain(client: Client): void {
  (client as Client & { waitForDrain?: (done: () => void) => void }).waitForDrain?.(() => undefined);
}

/** aedes keeps the connected clients by id; its type definitions leave the field out. */
function connectedClients(aedes: Aedes): Record<string, Client> {
  return (aedes as Aedes & { clients: Record<string, Client> }).clients;
}

/**
 * The parts of aedes' persistence (aedes-persistence 11, in memory by default) that hold a
 * client's session between connections; aedes' type definitions type it `any`.
 */
interface SessionStore {
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<{ messageId?: number }>;
  outgoingClearMessageId(client: { id: string }, packet: { messageId?: number }): Promise<unknown>;
  cleanIncoming?(client: { id: string }): Promise<unknown>;
  delWill(client: { id: string }): Promise<unknown>;
}

export async function createBroker(opts: BrokerOptions) {
  const policy = createBrokerHooks(opts);
  // The user name each client logged in with, for `clientIdsOf` (aedes does not keep it).
  const usernames = new WeakMap<Client, string>();
  const authenticate: NonNullable<AedesOptions['authenticate']> = (client, username, password, done) =>
    policy.hooks.authenticate!(client, username, password, (error, success) => {
      if (!error && success && username) usernames.set(client, username);
      done(error, success);
    });
  const aedes = await Aedes.createBroker({
    ...policy.hooks,
    authenticate,
    // Retained messages (one presence message per device) looked up by topic tree, not by a scan
    // of all of them for every SUBSCRIBE (./retained.ts).
    persistence: createBrokerPersistence(),
    // Alink client ids carry their signing parameters and are far longer than MQTT 3.1's 23.
    maxClientsIdLength: 256,
  });
  // Retained, so a client subscribing later learns the current state at once.
  const announce = (deviceId: string | undefined, online: boolean) => {
    const ref = deviceId ? parseDeviceId(deviceId) : undefined;
    if (!ref) return;
    const payload = Buffer.from(JSON.stringify({ online, at: Date.now() }));
    aedes.publish({ cmd: 'publish', topic: topics.presence(ref), payload, qos: 0, retain: true, dup: false }, () => undefined);
  };
  aedes.on('client', (c) => {
    announce(policy.clientConnected(c), true);
    // Link SDK devices with `_ss=1` send no SUBSCRIBE for their system topics: subscribe them here,
    // as Alibaba's broker does, before the CONNACK goes out (aedes emits `client` just before it).
    const deviceId = policy.deviceIdOf(c);
    const ref = deviceId ? parseDeviceId(deviceId) : undefined;
    const cid = parseClientId(c.id);
    if (!ref || !cid.ok || !cid.value.autoSubscribe) return;
    c.subscribe(
      autoSubscriptions(ref).map((topic) => ({ topic, qos: 1 as const })),
      (e?: Error | null) => {
        if (e) opts.log.warn(`automatic subscription of ${c.id} failed: ${e.message}`);
      },
    );
  });
  aedes.on('clientDisconnect', (c) => announce(policy.clientDisconnected(c), false));
  aedes.on('subscribe', (subscriptions, client) => {
    const deviceId = client && policy.deviceIdOf(client);
    const ref = deviceId ? parseDeviceId(deviceId) : undefined;
    if (!deviceId || !ref || !opts.onDeviceListening) return;
    const setTopic = topics.propertySet(ref);
    if (subscriptions.some((s) => topicMatches(s.topic, setTopic))) opts.onDeviceListening(deviceId);
  });
  aedes.on('clientError', (c, e) => {
    // A refused login is counted and logged (once a minute per reason) by the hooks already.
    if ((e as Error & { refused?: boolean }).refused) return;
    opts.log.once(`client-error:${e.message}:${Math.floor(Date.now() / 60_000)}`, `mqtt client ${c?.id}: ${e.message}`);
  });
  aedes.on('connectionError', (_client, e) => opts.log.once(`conn-error:${e.message}`, `mqtt connection error: ${e.message}`));

  /**
   * Sends a QoS 0 message to a device's own sessions subscribed to a filter matching `topic`.
   *
   * Written straight to the connection, encoded by mqtt-packet as aedes encodes its own: a QoS 0
   * message has no session state (MQTT 3.1.1 §4.3.1, at most once), and the checks aedes would
   * make on the way (forwarding policy, no-local) hold by construction — the topic is the device's
   * own downlink and the broker sends it. aedes' own path allocates two packets and takes two
   * immediates per message (docs/performance.md, "Eighth round"). A reply is sent right after
   * aedes wrote its QoS 1 message's PUBACK (local-cloud/broker/hooks), into the socket mqtt-packet's
   * `writeToStream` keeps corked until the next tick: both leave in one write — over TCP and TLS
   * one system call per device message instead of two ("Fifth round"), the PUBACK first (a
   * WebSocket stream sends them as two frames). Nothing is deferred, so no immediate and no cork
   * of our own per message ("Ninth round").
   */
  const sendToDevice = (deviceId: string, topic: string, payload: string): void => {
    for (const client of policy.clientsOf(deviceId)) {
      if (!client.connected || client.closed || !isSubscribed(client, topic)) continue;
      try {
        // One buffer: writeToStream would add four or five small chunks. A full socket is left to
        // aedes' drain timeout, as its own writes are.
        if (!connectionOf(client).write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }))) waitForDrain(client);
      } catch (e) {
        opts.log.once(`reply-write:${(e as Error).message}`, `reply to ${deviceId} not sent: ${(e as Error).message}`);
      }
    }
  };
  policy.setSender(sendToDevice);

  const maxPacket = opts.maxPacketBytes ?? 256 * 1024;
  const tooLarge = (e: Error) => {
    policy.stats.packetsTooLarge++;
    opts.log.once(`packet-too-large:${e.message}`, `connection closed: ${e.message}`);
  };
  const tcp = createTcpServer((socket) => {
    aedes.handle(socket);
    guardConnection(socket, maxPacket, tooLarge);
  });
  let tls: TlsServer | undefined;
  try {
    tls = opts.tls
      ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, (socket) => {
          aedes.handle(socket);
          guardConnection(socket, maxPacket, tooLarge);
        })
      : undefined;
  } catch (e) {
    // An unreadable certificate or key: the broker is not started, and nothing of it stays open.
    await new Promise<void>((r) => aedes.close(() => r()));
    throw e;
  }
  // A failed handshake (a client that does not trust the certificate) is that client's problem.
  tls?.on('tlsClientError', (e) => opts.log.once(`tls-error:${e.message}:${Math.floor(Date.now() / 60_000)}`, `mqtt tls handshake failed: ${e.message}`));
  const http = createHttpServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket: connect to /mqtt\n'));
  const wss = new WebSocketServer({ server: http, path: '/mqtt' });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    aedes.handle(stream, req);
    guardConnection(stream, maxPacket, tooLarge);
  });
  wss.on('error', (e) => opts.log.warn(`websocket server: ${e.message}`));

  const host = opts.host ?? '0.0.0.0';
  let closing: Promise<void> | undefined;
  try {
    const tcpPort = await listen(tcp, { port: opts.tcpPort, host, service: 'MQTT (TCP)', envVar: 'MQTT_PORT' });
    const wsPort = await listen(http, { port: opts.wsPort, host, service: 'MQTT over WebSocket', envVar: 'MQTT_WS_PORT' });
    const tlsPort = tls && opts.tls ? await listen(tls, { port: opts.tls.port, host, service: 'MQTT over TLS', envVar: 'MQTT_TLS_PORT' }) : undefined;
    return {
      aedes,
      tcpPort,
      wsPort,
      /** The TLS port, when there is a TLS listener. */
      tlsPort,
      stats: policy.stats,
      onlineDevices: policy.onlineCount,
      isOnline: (deviceId: string) => policy.clientsOf(deviceId).size > 0,
      /** Publishes from the broker itself (not subject to the device ACL); `retain` default false. */
      publish(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): Promise<void> {
        return new Promise((resolve, reject) =>
          aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false }, (e) => (e ? reject(e) : resolve())),
        );
      },
      /** Ids of the connected clients that logged in with this user name. */
      clientIdsOf(username: string): string[] {
        return Object.values(connectedClients(aedes))
          .filter((c) => !c.closed && usernames.get(c) === username)
          .map((c) => c.id);
      },
      /**
       * Disconnects the client with this id, if connected, and discards its session (persistent
       * subscriptions, queued and in-flight messages, will), so reconnecting with clean=false
       * starts afresh. A message published while the kick runs may still be queued for it.
       */
      async kickClient(clientId: string): Promise<void> {
        const client = connectedClients(aedes)[clientId];
        if (client) await new Promise<void>((r) => client.close(() => r()));
        const store = (aedes as Aedes & { persistence: SessionStore }).persistence;
        const ref = { id: clientId };
        await store.cleanSubscriptions(ref);
        for await (const packet of store.outgoingStream(ref)) await store.outgoingClearMessageId(ref, packet);
        await store.cleanIncoming?.(ref);
        await store.delWill(ref);
      },
      /** Disconnects every session of a device (disabled, or its secret rotated) and discards them. */
      async kickDevice(deviceId: string): Promise<void> {
        for (const c of [...policy.clientsOf(deviceId)]) await this.kickClient(c.id);
      },
      /** Subscribes a connected client on its behalf; false when no such client is connected. */
      subscribeClient(clientId: string, subscriptions: Array<{ topic: string; qos: 0 | 1 }>): Promise<boolean> {
        const client = connectedClients(aedes)[clientId];
        if (!client || client.closed) return Promise.resolve(false);
        return new Promise((resolve, reject) => client.subscribe(subscriptions, (e?: Error | null) => (e ? reject(e) : resolve(true))));
      },
      /** True once `close` has begun. */
      isClosed: () => closing !== undefined || aedes.closed,
      /** Closes the sessions of these users that hold subscriptions they may no longer have. */
      recheckUsers: (userIds: readonly string[]) => policy.recheckUsers(userIds, subscribedFilters),
      /** Stops accepting connections and closes every client. Safe to call twice. */
      close(): Promise<void> {
        closing ??= (async () => {
          // Stop accepting first; the servers finish closing once aedes has closed every client.
          const servers = Promise.all([closeServer(tcp), closeServer(http), ...(tls ? [closeServer(tls)] : [])]);
          for (const ws of wss.clients) ws.terminate();
          await new Promise<void>((r) => wss.close(() => r()));
          await new Promise<void>((r) => aedes.close(() => r()));
          await servers;
        })();
        return closing;
      },
    };
  } catch (e) {
    await Promise.all([closeServer(tcp), closeServer(http), ...(tls ? [closeServer(tls)] : [])]);
    await new Promise<void>((r) => aedes.close(() => r()));
    throw e;
  }
}

export type Broker = Awaited<ReturnType<typeof createBroker>>;

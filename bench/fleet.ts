/**
 * A fleet of light terminals for the scale benchmarks: each is one TCP socket speaking MQTT 3.1.1
 * through `mqtt-packet` (the encoder/decoder mqtt.js and aedes use), with what a bedside terminal
 * does and nothing more — an Alink login, the emulated terminal's subscriptions (property set,
 * services, post replies; device-emulator/device), QoS 1
 * property posts kept in the terminal's outbox (device-emulator/device/outbox) until PUBACK and
 * sent again after a reconnect, PINGREQ when idle (§3.1.2.10), and reconnects with the terminals'
 * jittered backoff (core/retry). A full mqtt.js client costs the load generator several times
 * more CPU per connection; with ten thousand of them on a two-core machine the generator, not the
 * server, would be measured.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { buildRequest, topics, type DeviceCredentials } from '../core/alink';
import { createBackoff, type Backoff } from '../core/retry';
import { createOutbox, type OutboxEntry } from '../device-emulator/device/outbox';

export interface FleetOptions {
  port: number;
  host?: string;
  /** CONNECT credentials of terminal `k`, signed afresh for every attempt. */
  login(k: number): { clientId: string; username?: string; password?: string };
  /** Where terminal `k` posts and hears replies. */
  device(k: number): Pick<DeviceCredentials, 'productKey' | 'deviceName'>;
  /** MQTT keepalive, s. Default 60. */
  keepaliveS?: number;
  /** A CONNECT not answered within this is abandoned and retried, ms. Default 10 000 (the emulated terminal's). */
  connectTimeoutMs?: number;
  /** Reconnect backoff, ms: the terminals' defaults 1000 and 60 000. */
  backoff?: { initialMs: number; maxMs: number };
}

export interface FleetStats {
  /** CONNECT attempts and how they ended. */
  attempts: number;
  connacks: number;
  refused: Record<string, number>;
  /** Sockets that closed or failed before a CONNACK (reset, refused port, timeout). */
  dropped: Record<string, number>;
  /** Connections lost after a CONNACK. */
  lost: number;
  /** Readings taken, first sends, re-sends, PUBACKs, replies heard. */
  readings: number;
  published: number;
  resent: number;
  acked: number;
  replies: number;
}

interface Terminal {
  k: number;
  socket?: Socket;
  connected: boolean;
  attemptAt: number;
  lastSentAt: number;
  nextMessageId: number;
  seq: number;
  backoff: Backoff;
  retryTimer?: NodeJS.Timeout;
  connectTimer?: NodeJS.Timeout;
  outbox: ReturnType<typeof createOutbox>;
  /** PUBACK-pending messages of the current connection: message id → outbox entry and send time. */
  inflight: Map<number, { entry: OutboxEntry; sentAt: number }>;
  /** Outbox entries published at least once (a later send is a re-send). */
  sentBefore: Set<string>;
}

export function createFleet(n: number, opts: FleetOptions) {
  const keepaliveMs = (opts.keepaliveS ?? 60) * 1000;
  const stats: FleetStats = { attempts: 0, connacks: 0, refused: {}, dropped: {}, lost: 0, readings: 0, published: 0, resent: 0, acked: 0, replies: 0 };
  /** CONNACK times from the start of an attempt, and PUBACK times from the send, ms. */
  const connackMs: number[] = [];
  let pubackMs: number[] = [];
  let stopped = false;
  const terminals: Terminal[] = Array.from({ length: n }, (_, k) => ({
    k,
    connected: false,
    attemptAt: 0,
    lastSentAt: 0,
    nextMessageId: 1,
    seq: 0,
    backoff: createBackoff(opts.backoff ?? { initialMs: 1000, maxMs: 60_000 }),
    outbox: createOutbox(10_000),
    inflight: new Map(),
    sentBefore: new Set(),
  }));
  const count = (into: Record<string, number>, why: string) => {
    into[why] = (into[why] ?? 0) + 1;
  };
  const write = (t: Terminal, p: Packet) => {
    t.lastSentAt = performance.now();
    t.socket?.write(mqttPacket.generate(p));
  };

  const send = (t: Terminal, entry: OutboxEntry) => {
    const messageId = t.nextMessageId;
    t.nextMessageId = (t.nextMessageId % 65_534) + 1; // 65 535 is the SUBSCRIBE's
    t.outbox.markInFlight(entry.id);
    t.inflight.set(messageId, { entry, sentAt: performance.now() });
    if (t.sentBefore.has(entry.id)) stats.resent++;
    else {
      stats.published++;
      t.sentBefore.add(entry.id);
    }
    write(t, { cmd: 'publish', topic: topics.propertyPost(opts.device(t.k)), payload: entry.payload, qos: 1, messageId, retain: false, dup: false });
  };

  const onPacket = (t: Terminal, p: Packet) => {
    if (p.cmd === 'connack') {
      clearTimeout(t.connectTimer);
      if (p.returnCode !== 0) {
        count(stats.refused, `CONNACK ${p.returnCode}`);
        return t.socket?.destroy();
      }
      t.connected = true;
      t.backoff.reset();
      stats.connacks++;
      connackMs.push(performance.now() - t.attemptAt);
      const d = opts.device(t.k);
      const downlink = [topics.propertySet(d), topics.service(d, '+'), topics.propertyPostReply(d)];
      write(t, { cmd: 'subscribe', messageId: 65_535, subscriptions: downlink.map((topic) => ({ topic, qos: 1 as const })) });
      // Everything not acknowledged is sent again, oldest first (clean session: new message ids).
      for (const entry of t.outbox.nextToSend(Number.MAX_SAFE_INTEGER)) send(t, entry);
      return;
    }
    if (p.cmd === 'puback') {
      const f = p.messageId === undefined ? undefined : t.inflight.get(p.messageId);
      if (!f || p.messageId === undefined) return;
      t.inflight.delete(p.messageId);
      t.outbox.acknowledge(f.entry.id);
      t.sentBefore.delete(f.entry.id);
      stats.acked++;
      pubackMs.push(performance.now() - f.sentAt);
      return;
    }
    if (p.cmd === 'publish') {
      stats.replies++;
      if (p.qos === 1 && p.messageId !== undefined) write(t, { cmd: 'puback', messageId: p.messageId });
    }
  };

  const connectOne = (t: Terminal) => {
    if (stopped) return;
    stats.attempts++;
    t.attemptAt = performance.now();
    const socket = tcpConnect({ port: opts.port, host: opts.host ?? '127.0.0.1' });
    t.socket = socket;
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p: Packet) => onPacket(t, p));
    parser.on('error', () => socket.destroy());
    let why = 'closed before CONNACK';
    socket.on('data', (d: Buffer) => parser.parse(d));
    socket.on('error', (e: Error & { code?: string }) => {
      why = e.code ?? e.message;
    });
    socket.once('connect', () => {
      const login = opts.login(t.k);
      write(t, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: login.clientId,
        keepalive: keepaliveMs / 1000,
        ...(login.username === undefined ? {} : { username: login.username }),
        ...(login.password === undefined ? {} : { password: Buffer.from(login.password) }),
      });
    });
    t.connectTimer = setTimeout(() => {
      why = 'CONNACK timeout';
      socket.destroy();
    }, opts.connectTimeoutMs ?? 10_000);
    socket.once('close', () => {
      clearTimeout(t.connectTimer);
      if (t.socket !== socket) return;
      t.socket = undefined;
      if (t.connected && !stopped) stats.lost++;
      else if (!(why === 'closed before CONNACK' && stopped)) count(stats.dropped, why);
      t.connected = false;
      // What was in flight on this connection is sent again on the next one.
      for (const f of t.inflight.values()) t.outbox.markFailed(f.entry.id);
      t.inflight.clear();
      if (!stopped) t.retryTimer = setTimeout(() => connectOne(t), t.backoff.next());
    });
  };

  /** One reading, as the terminal takes it every interval: into the outbox, sent if connected. */
  const measure = (t: Terminal) => {
    const now = Date.now();
    const entry: OutboxEntry = {
      id: `${t.k}-${t.seq++}`,
      at: performance.now(),
      payload: buildRequest(`${t.seq}`, 'thing.event.property.post', {
        HeartRate: { value: 60 + (t.seq % 40), time: now },
        SpO2: { value: 95 + (t.seq % 5), time: now },
        BodyTemperature: { value: 36.5, time: now },
      }),
    };
    stats.readings++;
    t.outbox.add(entry);
    if (t.connected) send(t, entry);
  };

  const pings = setInterval(() => {
    const due = performance.now() - keepaliveMs / 2;
    for (const t of terminals) if (t.connected && t.lastSentAt < due) write(t, { cmd: 'pingreq' });
  }, 1000);
  let measuring: NodeJS.Timeout[] = [];

  return {
    stats,
    connackMs,
    /** PUBACK times since the last call (and starts a new window). */
    takePubackMs(): number[] {
      const out = pubackMs;
      pubackMs = [];
      return out;
    },
    connected: () => terminals.reduce((a, t) => a + (t.connected ? 1 : 0), 0),
    /** Readings taken but not yet acknowledged, over the fleet. */
    unacknowledged: () => terminals.reduce((a, t) => a + t.outbox.size(), 0),
    /** Starts every terminal's first connection, `rate` per second, in slices every 10 ms. */
    async connectAll(rate: number): Promise<void> {
      const start = performance.now();
      for (let k = 0; k < n; ) {
        const due = Math.min(n, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        while (k < due) connectOne(terminals[k++] as Terminal);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Every terminal takes a reading every `intervalS`, with a random phase. */
    startMeasuring(intervalS: number): void {
      for (const t of terminals) {
        const first = setTimeout(
          () => {
            measure(t);
            measuring.push(setInterval(() => measure(t), intervalS * 1000));
          },
          Math.random() * intervalS * 1000,
        );
        measuring.push(first);
      }
    },
    stopMeasuring(): void {
      for (const m of measuring) clearTimeout(m);
      measuring = [];
    },
    /** Closes every connection and stops reconnecting. */
    async close(): Promise<void> {
      stopped = true;
      this.stopMeasuring();
      clearInterval(pings);
      for (const t of terminals) {
        clearTimeout(t.retryTimer);
        clearTimeout(t.connectTimer);
        if (t.socket && t.connected) write(t, { cmd: 'disconnect' });
        t.socket?.end();
        t.socket?.destroy();
      }
    },
  };
}

export type Fleet = ReturnType<typeof createFleet>;

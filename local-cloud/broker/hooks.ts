/**
 * aedes policy hooks: authentication (devices by Alink signature, people by short-lived signed
 * credentials), topic ACLs (deny by default), hand-off of telemetry to the message flow before the
 * PUBACK, device presence, and re-checking people's subscriptions when their access changes.
 */
import type { AedesOptions, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import type { MqttIdentity, MqttLogin, MqttPolicy } from '../../backend/mqtt-policy';
import { ConnackCode } from '../../backend/device-auth';
import type { Logger } from '../../backend/runtime/deps';
import { isDeviceDownlink, ntpResponse, parseTopic, topics, type TopicKind } from '../../core/alink';
import { FlowOverloadedError, type MessageFlow } from '../message-flow';

export interface BrokerStats {
  loginsAccepted: number;
  /** By reason; `client-id-not-owned` counts takeover attempts, `rate-limited` guessers held off. */
  loginsRefused: Record<string, number>;
  publishDenied: number;
  subscribeDenied: number;
  /** Connections closed for sending a packet over the size limit. */
  packetsTooLarge: number;
}

export interface HookDeps {
  policy: MqttPolicy;
  flow: MessageFlow;
  log: Logger;
}

/** Uplink topics whose messages go to `ingest` (stored or answered there) before the PUBACK. */
const INGESTED: ReadonlySet<TopicKind> = new Set<TopicKind>(['property.post', 'property.batch.post', 'ota.inform', 'deviceinfo.update', 'desired.get']);

/** The address a client connects from (TCP socket, or the WebSocket's HTTP request). */
function sourceOf(client: Client): string | undefined {
  const c = client as Client & { conn?: { remoteAddress?: string }; req?: { socket?: { remoteAddress?: string } } };
  return c.conn?.remoteAddress ?? c.req?.socket?.remoteAddress;
}

/** One log line per reason per minute at most: a flood of bad logins is counted, not logged. */
const minute = () => Math.floor(Date.now() / 60_000);

export function createBrokerHooks(deps: HookDeps) {
  const sessions = new WeakMap<Client, MqttIdentity>();
  const clientsByDevice = new Map<string, Set<Client>>();
  const clientsByUser = new Map<string, Set<Client>>();
  const add = (map: Map<string, Set<Client>>, key: string, c: Client) => {
    const set = map.get(key) ?? new Set<Client>();
    set.add(c);
    map.set(key, set);
    return set.size;
  };
  /** Removes a client; returns the number of clients left for the key (-1 if it was not there). */
  const remove = (map: Map<string, Set<Client>>, key: string, c: Client) => {
    const set = map.get(key);
    if (!set?.delete(c)) return -1;
    if (set.size === 0) map.delete(key);
    return set.size;
  };
  const deviceOf = (c: Client | null) => {
    const id = c ? sessions.get(c) : undefined;
    return id?.kind === 'device' ? id.device : undefined;
  };
  const stats: BrokerStats = { loginsAccepted: 0, loginsRefused: {}, publishDenied: 0, subscribeDenied: 0, packetsTooLarge: 0 };

  /** Sends to a device's sessions subscribed to `topic` (set by the broker once it is listening). */
  let sendToDevice: (deviceId: string, topic: string, payload: string) => void = () => undefined;

  const hooks: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'> = {
    authenticate(client, username, password, done) {
      deps.policy.authenticate(client.id, username ?? undefined, password?.toString('utf8'), sourceOf(client)).then(
        (checked) => {
          // People never keep a session across connections: what would be queued for it meanwhile
          // (or kept after they lose access) must not reach them. The mini program connects clean.
          const login: MqttLogin =
            checked.ok && checked.identity.kind === 'user' && !client.clean
              ? {
                  ok: false,
                  returnCode: ConnackCode.NotAuthorized,
                  reason: 'persistent-session',
                  message: `${username}: people must connect with a clean session`,
                }
              : checked;
          if (login.ok) {
            sessions.set(client, login.identity);
            stats.loginsAccepted++;
            return done(null, true);
          }
          stats.loginsRefused[login.reason] = (stats.loginsRefused[login.reason] ?? 0) + 1;
          deps.log.once(`login:${login.reason}:${minute()}`, `login refused (${login.reason}): ${login.message} (more this minute are only counted)`);
          done(Object.assign(new Error(login.message), { returnCode: login.returnCode, refused: true }) as AuthenticateError, null);
        },
        (e: unknown) => {
          deps.log.warn(`login check failed: ${(e as Error)?.message}`);
          // 3 = server unavailable (MQTT 3.1.1 §3.2.2.3): the device should retry later.
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, null);
        },
      );
    },

    authorizePublish(client, packet: PublishPacket, done) {
      if (!client) return done(null); // the broker's own publishes (replies, commands)
      const identity = sessions.get(client);
      const device = deviceOf(client);
      const topic = parseTopic(packet.topic);
      if (!identity || !deps.policy.mayPublish(identity, topic) || !device) {
        stats.publishDenied++;
        deps.log.once(`pub:${client.id}:${packet.topic}`, `publish denied: ${device?.deviceId ?? client.id} → ${packet.topic}`);
        // MQTT 3.1.1 §3.3.5 [MQTT-3.3.5-2]: an unauthorized PUBLISH is either acknowledged or the
        // connection is closed; closing makes the fault visible to the device.
        return done(new Error('publish not authorized'));
      }
      // Device messages are events, not state: a retained copy would replay stale vitals to every
      // new subscriber.
      packet.retain = false;
      if (topic?.kind === 'ntp.request') {
        // Clock sync, answered here at once: the fewer hops, the more accurate the device's clock.
        const recv = Date.now();
        const response = ntpResponse(packet.payload.toString(), recv, Date.now());
        done(null);
        if (response) sendToDevice(device.deviceId, topics.ntpResponse(topic), response);
        return;
      }
      if (!topic || !INGESTED.has(topic.kind)) return done(null);
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      // The PUBACK is written only after `done`: acknowledged means stored. For QoS 1 aedes writes
      // it within `done` (handlers/publish `enqueuePublish`), into a socket mqtt-packet keeps
      // corked until the next tick, so the reply written right after joins it: one write, PUBACK
      // first. (Alink devices publish at QoS 0 or 1; a QoS 0 message has no PUBACK to wait for.)
      deps.flow
        .telemetry(device.deviceId, packet.topic, payload)
        .then(
          (reply) => {
            done(null);
            if (reply) sendToDevice(device.deviceId, reply.topic, reply.payload);
          },
          (e: Error) => {
            // Overloaded: no PUBACK and the connection closes; the device resends after its backoff.
            if (e instanceof FlowOverloadedError) {
              deps.log.once(
                `overloaded:${minute()}`,
                `storage is behind (${e.message}): publishes refused, devices resend (more this minute are only counted)`,
              );
            }
            done(e);
          },
        )
        // A throw in aedes or in the reply's write must not become an unhandled rejection (which
        // ends the process): the message is stored either way.
        .catch((e: unknown) =>
          deps.log.once(`ack-failed:${(e as Error)?.message}`, `acknowledging ${device.deviceId} failed: ${(e as Error)?.message ?? String(e)}`),
        );
    },

    /**
     * Devices receive only downlink topics: a device subscribed to its whole `/sys/…/#` tree (as
     * the automatic subscription does) never hears its own posts, replies or presence back.
     */
    authorizeForward(client, packet) {
      const identity = sessions.get(client);
      if (identity?.kind !== 'device') return packet;
      const t = parseTopic(packet.topic);
      return t && (isDeviceDownlink(t.kind) || t.kind === 'ext.rrpc') ? packet : null;
    },

    authorizeSubscribe(client, sub: Subscription, done) {
      const identity = sessions.get(client);
      const refuse = () => {
        stats.subscribeDenied++;
        deps.log.once(`sub:${client.id}:${sub.topic}`, `subscribe denied: ${client.id} → ${sub.topic}`);
        done(null, null); // SUBACK return code 0x80 (failure), MQTT 3.1.1 §3.9.3
      };
      if (!identity) return refuse();
      deps.policy.maySubscribe(identity, sub.topic).then((ok) => (ok ? done(null, sub) : refuse()), refuse);
    },
  };

  return {
    hooks,
    stats,
    /** Where NTP answers and replies to stored messages go (the broker's `sendToDevice`). */
    setSender(send: typeof sendToDevice): void {
      sendToDevice = send;
    },
    /** Devices with at least one open session. */
    onlineCount: () => clientsByDevice.size,
    /** The device a client is logged in as, if it is a device. */
    deviceIdOf: (c: Client) => deviceOf(c)?.deviceId,
    /** Open sessions of a device (usually one; two briefly during a takeover). */
    clientsOf: (deviceId: string): ReadonlySet<Client> => clientsByDevice.get(deviceId) ?? new Set(),
    /** Returns the device id when this session brought its device online. */
    clientConnected(client: Client): string | undefined {
      const identity = sessions.get(client);
      if (identity?.kind === 'user') add(clientsByUser, identity.userId, client);
      if (identity?.kind !== 'device' || add(clientsByDevice, identity.device.deviceId, client) !== 1) return undefined;
      deps.flow.presence(identity.device.deviceId, true);
      return identity.device.deviceId;
    },
    /**
     * Returns the device id when this was its last session: offline only then (a takeover closes
     * the old session late).
     */
    clientDisconnected(client: Client): string | undefined {
      const identity = sessions.get(client);
      if (!identity) return undefined;
      sessions.delete(client);
      if (identity.kind === 'user') return void remove(clientsByUser, identity.userId, client);
      if (remove(clientsByDevice, identity.device.deviceId, client) !== 0) return undefined;
      deps.flow.presence(identity.device.deviceId, false);
      return identity.device.deviceId;
    },
    /**
     * Access of these users changed (removed from a family, device unbound, signed out): any
     * session holding a subscription they may no longer have, or whose sign-in session ended, is
     * closed at once (people's sessions are clean, so nothing of it is kept); the client reconnects
     * with fresh credentials and subscribes to what it may read now.
     */
    async recheckUsers(userIds: readonly string[], filtersOf: (c: Client) => string[]): Promise<number> {
      let closed = 0;
      for (const userId of userIds) {
        const clients = [...(clientsByUser.get(userId) ?? [])];
        if (clients.length === 0) continue;
        const allowed = await deps.policy.userTopics(userId);
        for (const c of clients) {
          const identity = sessions.get(c);
          // Signed out: credentials from that session no longer hold, whatever they subscribed to.
          const ended = identity?.kind === 'user' && identity.sessionId !== undefined && !(await deps.policy.sessionLive(userId, identity.sessionId));
          if (!ended && filtersOf(c).every((f) => allowed.has(f))) continue;
          c.close();
          closed++;
        }
      }
      return closed;
    },
  };
}

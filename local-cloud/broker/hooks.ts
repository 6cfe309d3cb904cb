/**
 * aedes policy hooks for device clients: authentication with the Alink device signature, topic
 * ACLs (deny by default), hand-off of telemetry to the message flow before the PUBACK, presence.
 */
import type { AedesOptions, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import {
  AuthenticatedDevice,
  createDeviceAuth,
  deviceMayPublish,
  deviceMaySubscribe,
} from '../../backend/device-auth';
import type { Logger } from '../../backend/runtime/deps';
import { parseTopic } from '../../core/alink';
import type { MessageFlow } from '../message-flow';

export interface BrokerStats {
  loginsAccepted: number;
  loginsRefused: Record<string, number>;
  publishDenied: number;
  subscribeDenied: number;
  /** Connections closed for sending a packet over the size limit. */
  packetsTooLarge: number;
}

export interface HookDeps {
  auth: ReturnType<typeof createDeviceAuth>;
  flow: MessageFlow;
  log: Logger;
}

export function createBrokerHooks(deps: HookDeps) {
  const sessions = new WeakMap<Client, AuthenticatedDevice>();
  const clientsByDevice = new Map<string, Set<Client>>();
  const stats: BrokerStats = { loginsAccepted: 0, loginsRefused: {}, publishDenied: 0, subscribeDenied: 0, packetsTooLarge: 0 };

  const hooks: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> = {
    authenticate(client, username, password, done) {
      deps.auth.authenticate(client.id, username ?? undefined, password?.toString('utf8')).then(
        (login) => {
          if (login.ok) {
            sessions.set(client, login.device);
            stats.loginsAccepted++;
            return done(null, true);
          }
          stats.loginsRefused[login.reason] = (stats.loginsRefused[login.reason] ?? 0) + 1;
          deps.log.once(`login:${login.reason}:${username}`, `login refused (${login.reason}): ${login.message}`);
          done(Object.assign(new Error(login.message), { returnCode: login.returnCode }) as AuthenticateError, null);
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
      const device = sessions.get(client);
      const topic = parseTopic(packet.topic);
      if (!device || !deviceMayPublish(device, topic)) {
        stats.publishDenied++;
        deps.log.once(`pub:${device?.deviceId}:${packet.topic}`, `publish denied: ${device?.deviceId ?? client.id} → ${packet.topic}`);
        // MQTT 3.1.1 §3.3.5 [MQTT-3.3.5-2]: an unauthorized PUBLISH is either acknowledged or the
        // connection is closed; closing makes the fault visible to the device.
        return done(new Error('publish not authorized'));
      }
      // Device messages are events, not state: a retained copy would replay stale vitals to every
      // new subscriber.
      packet.retain = false;
      if (topic?.kind !== 'property.post') return done(null);
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      // The PUBACK is written only after `done`: acknowledged means stored.
      deps.flow.telemetry(device.deviceId, packet.topic, payload).then(
        () => done(null),
        (e: Error) => done(e),
      );
    },

    authorizeSubscribe(client, sub: Subscription, done) {
      const device = sessions.get(client);
      if (device && deviceMaySubscribe(device, sub.topic)) return done(null, sub);
      stats.subscribeDenied++;
      deps.log.once(`sub:${device?.deviceId}:${sub.topic}`, `subscribe denied: ${device?.deviceId ?? client.id} → ${sub.topic}`);
      done(null, null); // SUBACK return code 0x80 (failure), MQTT 3.1.1 §3.9.3
    },
  };

  return {
    hooks,
    stats,
    /** Devices with at least one open session. */
    onlineCount: () => clientsByDevice.size,
    /** Open sessions of a device (usually one; two briefly during a takeover). */
    clientsOf: (deviceId: string): ReadonlySet<Client> => clientsByDevice.get(deviceId) ?? new Set(),
    clientConnected(client: Client): void {
      const device = sessions.get(client);
      if (!device) return;
      const set = clientsByDevice.get(device.deviceId) ?? new Set<Client>();
      set.add(client);
      clientsByDevice.set(device.deviceId, set);
      if (set.size === 1) deps.flow.presence(device.deviceId, true);
    },
    /** Offline only when the device's last session ends (a takeover closes the old one late). */
    clientDisconnected(client: Client): void {
      const device = sessions.get(client);
      if (!device) return;
      sessions.delete(client);
      const set = clientsByDevice.get(device.deviceId);
      if (!set?.delete(client) || set.size > 0) return;
      clientsByDevice.delete(device.deviceId);
      deps.flow.presence(device.deviceId, false);
    },
  };
}

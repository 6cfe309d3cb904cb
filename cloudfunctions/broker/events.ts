/**
 * What the webhook makes of one EMQX event (core/api/contract/broker.ts `webhookEvent`, checked
 * there). Devices are named by the username their Alink login used (`{deviceName}&{productKey}`),
 * which EMQX checked through POST /mqtt/auth — never by anything in the payload. Events of anyone
 * else (people, EMQX's API publishing the backend's own commands) are well-formed and ignored.
 */
import { deviceIdOf, parseUsername } from '../../core/alink';
import type { WebhookEvent } from '../../core/api/contract/broker';

export type BrokerEvent =
  | { kind: 'publish'; deviceId: string; topic: string; payload: string; receivedAt: number; at: number }
  | { kind: 'presence'; deviceId: string; online: boolean; at: number; clientId?: string }
  | { kind: 'subscribed'; deviceId: string; topic: string; at: number }
  /** A well-formed event about a client that is not a device (a person): nothing to store. */
  | { kind: 'ignored'; reason: string; at: number };

export function brokerEvent(e: WebhookEvent): BrokerEvent {
  const at = e.timestamp;
  // No user name: published through EMQX's own API (the backend's commands) or a bridge.
  const login = e.username === undefined ? undefined : parseUsername(e.username);
  const deviceId = login?.ok ? deviceIdOf(login.value) : undefined;
  switch (e.event) {
    case 'message.publish':
      if (!deviceId) return { kind: 'ignored', reason: 'publish by a client that is not a device', at };
      return { kind: 'publish', deviceId, topic: e.topic, payload: e.payload, receivedAt: e.publish_received_at ?? at, at };
    case 'client.connected':
    case 'client.disconnected': {
      if (!deviceId) return { kind: 'ignored', reason: 'presence of a client that is not a device', at };
      // A session replaced by a new connection of the same client: the device is still online.
      if (e.event === 'client.disconnected' && (e.reason === 'takenover' || e.reason === 'discarded'))
        return { kind: 'ignored', reason: `session ${e.reason}`, at };
      const online = e.event === 'client.connected';
      const presence: BrokerEvent = { kind: 'presence', deviceId, online, at: (online ? e.connected_at : e.disconnected_at) ?? at };
      if (e.clientid !== undefined) presence.clientId = e.clientid;
      return presence;
    }
    case 'session.subscribed':
      if (!deviceId) return { kind: 'ignored', reason: 'subscription of a client that is not a device', at };
      return { kind: 'subscribed', deviceId, topic: e.topic, at };
  }
}

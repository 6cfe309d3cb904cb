/**
 * What EMQX's rule engine sends to the webhook: the rule's `SELECT *` output per event, one JSON
 * object per request (or an array of them, if the HTTP action is configured to batch). Fields, per
 * EMQX 5 "Data Sources and Fields" (https://docs.emqx.com/en/emqx/latest/data-integration/rule-sql-events-and-fields.html):
 *
 *   message.publish      id, clientid, username, topic, payload, qos, timestamp, publish_received_at, peerhost
 *   client.connected     clientid, username, connected_at, timestamp, …
 *   client.disconnected  clientid, username, reason, disconnected_at, timestamp, …
 *   session.subscribed   clientid, username, topic, qos, timestamp
 *
 * `event` names the kind (a message rule's output may lack it: then `topic` + `payload` mean a
 * publish). Times are ms; EMQX 4's connected_at/disconnected_at were seconds, recognised by size.
 * Devices are named by the username their Alink login used (`{deviceName}&{productKey}`), which
 * EMQX checked through POST /mqtt/auth — never by anything in the payload. Events of anyone else
 * (people, EMQX's API publishing the backend's own commands) are well-formed and ignored.
 */
import { deviceIdOf, parseUsername } from '../../core/alink';

export type BrokerEvent =
  | { kind: 'publish'; deviceId: string; topic: string; payload: string; receivedAt: number; at: number }
  | { kind: 'presence'; deviceId: string; online: boolean; at: number; clientId?: string }
  | { kind: 'subscribed'; deviceId: string; topic: string; at: number }
  /** A well-formed event about a client that is not a device (a person): nothing to store. */
  | { kind: 'ignored'; reason: string; at: number };

export type ParsedEvents = { ok: true; events: BrokerEvent[] } | { ok: false; message: string };

/** At most this many events in one request. */
export const MAX_EVENTS = 1000;

const str = (v: unknown): v is string => typeof v === 'string';
const ms = (v: unknown): number | undefined => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
  // Seconds (EMQX 4) are below 10^12; milliseconds of any date after 2001 are above.
  return Math.round(v < 1e12 ? v * 1000 : v);
};

function one(raw: unknown, i: number): BrokerEvent | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `events[${i}] must be an object`;
  const e = raw as Record<string, unknown>;
  const at = ms(e.timestamp);
  if (at === undefined) return `events[${i}]: "timestamp" (ms) is required`;
  const event = e.event ?? (str(e.topic) && e.payload !== undefined ? 'message.publish' : undefined);
  // No user name: published through EMQX's own API (the backend's commands) or a bridge.
  const login = str(e.username) ? parseUsername(e.username) : { ok: false as const };
  const deviceId = login.ok ? deviceIdOf(login.value) : undefined;
  switch (event) {
    case 'message.publish': {
      if (!str(e.topic) || !str(e.payload)) return `events[${i}]: a publish needs "topic" and "payload" (a string: use payload_encoding plain)`;
      if (!deviceId) return { kind: 'ignored', reason: 'publish by a client that is not a device', at };
      return { kind: 'publish', deviceId, topic: e.topic, payload: e.payload, receivedAt: ms(e.publish_received_at) ?? at, at };
    }
    case 'client.connected':
    case 'client.disconnected': {
      if (!deviceId) return { kind: 'ignored', reason: 'presence of a client that is not a device', at };
      // A session replaced by a new connection of the same client: the device is still online.
      if (event === 'client.disconnected' && (e.reason === 'takenover' || e.reason === 'discarded'))
        return { kind: 'ignored', reason: `session ${e.reason}`, at };
      const online = event === 'client.connected';
      const presence: BrokerEvent = { kind: 'presence', deviceId, online, at: ms(online ? e.connected_at : e.disconnected_at) ?? at };
      if (str(e.clientid)) presence.clientId = e.clientid;
      return presence;
    }
    case 'session.subscribed': {
      if (!str(e.topic)) return `events[${i}]: a subscription needs "topic"`;
      if (!deviceId) return { kind: 'ignored', reason: 'subscription of a client that is not a device', at };
      return { kind: 'subscribed', deviceId, topic: e.topic, at };
    }
    default:
      return `events[${i}]: unsupported event ${JSON.stringify(event ?? null)}; expected message.publish, client.connected, client.disconnected or session.subscribed`;
  }
}

export function parseEvents(body: unknown): ParsedEvents {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return { ok: false, message: 'no events' };
  if (list.length > MAX_EVENTS) return { ok: false, message: `at most ${MAX_EVENTS} events per request` };
  const events: BrokerEvent[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = one(list[i], i);
    if (typeof e === 'string') return { ok: false, message: e };
    events.push(e);
  }
  return { ok: true, events };
}

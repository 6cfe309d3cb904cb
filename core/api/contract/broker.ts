/**
 * `broker`: what a production broker (EMQX 5) calls, not a client — its HTTP authenticator and
 * authorizer and its rule-engine webhook (docs/deploy.md §9.3 has the configuration that sends
 * these bodies).
 *
 * auth and acl are lenient: EMQX must get an answer ("deny") even for a request it filled badly,
 * so an unreadable field counts as missing and an unreadable request as empty, never as a
 * BAD_REQUEST. The webhook's envelope is checked here; its events one by one by the function
 * (`webhookEvent`), so that one malformed event is counted instead of losing the others.
 */
import * as v from 'valibot';
import { action } from './define';

/** A field EMQX fills from a placeholder (`${clientid}`…): a string, or missing. */
const placeholder = v.fallback(v.optional(v.string()), undefined);

/** POST /mqtt/auth: `{clientid, username, password, peerhost?}`; `peerhost` lets failed logins back off per address. */
export const authRequest = v.fallback(v.object({ clientid: placeholder, username: placeholder, password: placeholder, peerhost: placeholder }), {});
/** POST /mqtt/acl: `{clientid, username, topic, action}`, `action` being publish or subscribe. */
export const aclRequest = v.fallback(
  v.object({
    clientid: placeholder,
    username: placeholder,
    topic: placeholder,
    action: v.fallback(v.optional(v.picklist(['publish', 'subscribe'])), undefined),
  }),
  {},
);
export type AuthRequest = v.InferOutput<typeof authRequest>;
export type AclRequest = v.InferOutput<typeof aclRequest>;

/** EMQX's HTTP authenticator answer. */
export interface AuthAnswer {
  result: 'allow' | 'deny';
  is_superuser: false;
  /** A person's login: when their credentials expire, Unix seconds (EMQX disconnects the client then). */
  expire_at?: number;
}
/** EMQX's HTTP authorizer answer. */
export interface AclAnswer {
  result: 'allow' | 'deny';
}

/** At most this many events in one webhook request. */
export const MAX_EVENTS = 1000;

/**
 * An EMQX time: ms, or seconds from EMQX 4 (its connected_at/disconnected_at), told apart by
 * size — seconds are below 10^12, milliseconds of any date after 2001 above.
 */
const emqxTime = v.pipe(
  v.number(),
  v.finite('must be a time in ms'),
  v.minValue(0, 'must be a time in ms'),
  v.transform((t) => Math.round(t < 1e12 ? t * 1000 : t)),
);
/** A time EMQX may leave out: an unreadable one counts as missing (the event's `timestamp` stands in). */
const optionalTime = v.fallback(v.optional(emqxTime), undefined);

const SUPPORTED = 'message.publish, client.connected, client.disconnected or session.subscribed';

/**
 * One event of the rule's `SELECT *` output, per EMQX 5 "Data Sources and Fields"
 * (https://docs.emqx.com/en/emqx/latest/data-integration/rule-sql-events-and-fields.html):
 *
 *   message.publish      id, clientid, username, topic, payload, qos, timestamp, publish_received_at, peerhost
 *   client.connected     clientid, username, connected_at, timestamp, …
 *   client.disconnected  clientid, username, reason, disconnected_at, timestamp, …
 *   session.subscribed   clientid, username, topic, qos, timestamp
 *
 * A message rule's output may lack `event`: then `topic` + `payload` mean a publish. Fields the
 * backend does not read are dropped. A missing or unreadable `username` is a client that is not a
 * device (EMQX's own API publishing the backend's commands, a bridge): well-formed, ignored.
 */
export const webhookEvent = v.pipe(
  v.looseObject({}, 'must be an object'),
  v.transform((e) => (e.event === undefined && typeof e.topic === 'string' && e.payload !== undefined ? { ...e, event: 'message.publish' } : e)),
  v.variant(
    'event',
    [
      v.object({
        event: v.literal('message.publish'),
        timestamp: emqxTime,
        username: placeholder,
        clientid: placeholder,
        topic: v.string(),
        payload: v.string('must be a string: use payload_encoding plain'),
        publish_received_at: optionalTime,
      }),
      v.object({ event: v.literal('client.connected'), timestamp: emqxTime, username: placeholder, clientid: placeholder, connected_at: optionalTime }),
      v.object({
        event: v.literal('client.disconnected'),
        timestamp: emqxTime,
        username: placeholder,
        clientid: placeholder,
        reason: placeholder,
        disconnected_at: optionalTime,
      }),
      v.object({ event: v.literal('session.subscribed'), timestamp: emqxTime, username: placeholder, clientid: placeholder, topic: v.string() }),
    ],
    `names an unsupported event; expected ${SUPPORTED}`,
  ),
);
export type WebhookEvent = v.InferOutput<typeof webhookEvent>;

/** The webhook's answer: what became of the request's events. */
export interface WebhookAnswer {
  events: number;
  /** Messages whose readings were newly stored. */
  stored: number;
  /** Redeliveries of stored messages (acknowledged, not stored again). */
  duplicates: number;
  /** Device messages or properties refused (counted per device). */
  rejected: number;
  /** Devices' replies to commands, kept for the waiting `command` call. */
  commandReplies: number;
  /** Well-formed events about clients that are not devices. */
  ignored: number;
  /** Events outside the time window, refused. */
  stale: number;
  /** Events that are not what EMQX sends, refused (the others of the request are still stored). */
  malformed: number;
}

export const broker = {
  auth: action<AuthAnswer>()(v.object({ request: authRequest })),
  acl: action<AclAnswer>()(v.object({ request: aclRequest })),
  /** One event, or an array of them when the rule's HTTP action batches. */
  webhook: action<WebhookAnswer>()(
    v.object({
      events: v.pipe(
        v.union([v.array(v.unknown()), v.looseObject({})], 'must be an event object or an array of them'),
        v.transform((e): unknown[] => (Array.isArray(e) ? e : [e])),
        v.minLength(1, 'must hold at least one event'),
        v.maxLength(MAX_EVENTS, `must hold at most ${MAX_EVENTS} events`),
      ),
    }),
  ),
};

/**
 * The MQTT policy for every client: devices (Alink signature, their own topic tree) and people
 * (short-lived signed credentials, read-only access to the devices of the patients they follow).
 * The embedded broker calls it from its hooks; production brokers reach the same code through the
 * HTTP authentication/authorization endpoints (backend/mqtt-policy/http.ts, the `broker` function).
 */
import { deviceIdOf, parseClientId, parseDeviceId, type ParsedTopic, parseUsername, PRODUCT_KEY_RE, DEVICE_NAME_RE } from '../../core/alink';
import { type AuthenticatedDevice, ConnackCode, createDeviceAuth, deviceMayPublish, deviceMaySubscribe } from '../device-auth';
import { createGuessLimiter, type GuessLimiter, type LimitRule, retryText } from '../rate-limit';
import type { Store } from '../store/types';
import { createUserCredentials, patientTopics, readableTopics } from './user-credentials';

/** A person's identity carries the local sign-in session their credentials came from, if any. */
/** A person's `expiresAt` (ms) is their credentials' end: a production broker disconnects them then. */
export type MqttIdentity = { kind: 'device'; device: AuthenticatedDevice } | { kind: 'user'; userId: string; sessionId?: string; expiresAt?: number };

/** No limit on attempts as such (only failures count). */
const UNTHROTTLED = { burst: Number.MAX_SAFE_INTEGER, perMinute: Number.MAX_SAFE_INTEGER };

/** CONNACK 3, "server unavailable": the client should try again later. */
const TRY_LATER = 3;

export type MqttLogin =
  | { ok: true; identity: MqttIdentity }
  | {
      ok: false;
      returnCode: number;
      reason:
        | 'malformed'
        | 'unknown-device'
        | 'bad-signature'
        | 'stale-timestamp'
        | 'disabled'
        | 'bad-user-credentials'
        | 'session-ended'
        | 'client-id-not-owned'
        | 'persistent-session'
        | 'rate-limited';
      message: string;
    };

export interface MqttPolicyOptions {
  store: Store;
  now: () => number;
  /** Secret that signs user credentials (shared with the function issuing them). */
  secret: string;
  /**
   * Limits on failed logins per source (`ip`: 10 free failures) and per user name (`mqtt`: 5),
   * then blocks from 1 s doubling up to 1 minute; `false` turns them off.
   */
  limits?: false | { ip?: Partial<LimitRule>; mqtt?: Partial<LimitRule> };
  /**
   * How long a client id stays with the identity that last logged in with it, ms (default 7 days):
   * meanwhile another identity using it is refused, so it cannot take the session over.
   */
  clientIdHoldMs?: number;
  /**
   * Where that is remembered: `memory` (default; one long-lived process checks every login, as the
   * local host does) or `store` (`claimClientId`: login checks that share no memory, e.g. EMQX
   * calling CloudBase functions, where each call builds the policy afresh).
   */
  clientIds?: 'memory' | 'store';
}

/** Why a login was refused, as counted; `client-id-not-owned` is a takeover attempt. */
export type LoginReason = Extract<MqttLogin, { ok: false }>['reason'];

/** A stable key for an identity ("who owns this client id"). */
const identityKey = (i: MqttIdentity) => (i.kind === 'device' ? `device:${i.device.deviceId}` : `user:${i.userId}`);

/**
 * Whether a device's Alink client id is its own: an id in the SDK form `{productKey}.{deviceName}`
 * must name this device (firmware may use any other id, such as a chip id, that is not of that
 * form; `|` cannot occur in it, so it never looks like a person's `{userId}.{random}` either).
 */
function deviceOwnsClientId(device: AuthenticatedDevice, clientId: string): boolean {
  const cid = parseClientId(clientId);
  if (!cid.ok) return false;
  const dot = cid.value.id.indexOf('.');
  if (dot < 0) return true;
  const pk = cid.value.id.slice(0, dot);
  const dn = cid.value.id.slice(dot + 1);
  if (!PRODUCT_KEY_RE.test(pk) || !DEVICE_NAME_RE.test(dn)) return true;
  return pk === device.productKey && dn === device.deviceName;
}

export function createMqttPolicy(opts: MqttPolicyOptions) {
  const devices = createDeviceAuth({ store: opts.store, now: opts.now });
  const users = createUserCredentials(opts.secret);
  const limiter: GuessLimiter | undefined =
    opts.limits === false
      ? undefined
      : createGuessLimiter({
          now: opts.now,
          // Failures only (successful logins are never throttled: a site's devices reconnect together
          // after an outage), and blocks of at most a minute: devices behind one address (NAT, or the
          // demo devices on this machine) would otherwise be kept out by one misconfigured neighbour.
          rules: {
            ip: { ...UNTHROTTLED, freeFailures: 10, maxBlockMs: 60_000, ...(opts.limits?.ip ?? {}) },
            mqtt: { ...UNTHROTTLED, maxBlockMs: 60_000, ...(opts.limits?.mqtt ?? {}) },
          },
        });
  const holdMs = opts.clientIdHoldMs ?? 7 * 86_400_000;
  /** Client id → the identity that last logged in with it, and when (in memory, oldest first). */
  const owners = new Map<string, { key: string; at: number }>();
  const stats = { takeoversRefused: 0, rateLimited: 0 };

  /** Refused unless the client id is free, expired, or already this identity's. */
  async function claimClientId(clientId: string, identity: MqttIdentity): Promise<boolean> {
    const now = opts.now();
    const key = identityKey(identity);
    if (opts.clientIds === 'store') {
      // A person's client id already names them (`{userId}.…`, checked before) and is new at every
      // connection: keeping those would only grow the collection. A device's id is one per device.
      return identity.kind === 'user' ? true : opts.store.claimClientId(clientId, key, now, holdMs);
    }
    const held = owners.get(clientId);
    if (held && held.key !== key && now - held.at < holdMs) return false;
    owners.delete(clientId);
    owners.set(clientId, { key, at: now });
    if (owners.size > 100_000) owners.delete(owners.keys().next().value as string);
    return true;
  }

  /** A local sign-in session still live (not logged out, not expired, this user's). */
  async function sessionLive(userId: string, sessionId: string): Promise<boolean> {
    const s = await opts.store.getSession(sessionId);
    return s !== undefined && s.revokedAt === undefined && s.expiresAt > opts.now() && s.userId === userId;
  }

  async function check(clientId: string, username: string | undefined, password: string | undefined): Promise<MqttLogin> {
    let identity: MqttIdentity;
    if (users.isUserLogin(username)) {
      const who = users.verify(username as string, password, opts.now());
      if (!who)
        return { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'bad-user-credentials', message: `invalid or expired credentials for ${username}` };
      if (who.sessionId !== undefined && !(await sessionLive(who.userId, who.sessionId))) {
        return { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'session-ended', message: `the sign-in session of ${username} has ended` };
      }
      if (!users.ownsClientId(who.userId, clientId)) {
        stats.takeoversRefused++;
        return {
          ok: false,
          returnCode: ConnackCode.IdentifierRejected,
          reason: 'client-id-not-owned',
          message: `client id ${clientId} does not belong to ${username}`,
        };
      }
      identity = { kind: 'user', ...who };
    } else {
      const login = await devices.authenticate(clientId, username, password);
      if (!login.ok) return login;
      if (!deviceOwnsClientId(login.device, clientId)) {
        stats.takeoversRefused++;
        return {
          ok: false,
          returnCode: ConnackCode.IdentifierRejected,
          reason: 'client-id-not-owned',
          message: `client id ${clientId} names another device than ${login.device.deviceId}`,
        };
      }
      identity = { kind: 'device', device: login.device };
    }
    if (!(await claimClientId(clientId, identity))) {
      stats.takeoversRefused++;
      return {
        ok: false,
        returnCode: ConnackCode.IdentifierRejected,
        reason: 'client-id-not-owned',
        message: `client id ${clientId} is in use by another identity`,
      };
    }
    return { ok: true, identity };
  }

  /** Topics a user may read now: those of devices currently bound to patients they follow, and those patients' alerts. */
  async function userTopics(userId: string): Promise<Set<string>> {
    const ids = await opts.store.devicesOfUser(userId);
    const patients = await opts.store.patientsOf(userId);
    return new Set([
      ...ids.flatMap((id) => {
        const ref = parseDeviceId(id);
        return ref ? readableTopics(ref) : [];
      }),
      ...patients.flatMap((p) => patientTopics(p.id)),
    ]);
  }

  return {
    /**
     * Checks a CONNECT: credentials, that the client id belongs to the identity (no takeover of
     * another's session), and the guessing limits. `source` is the client's address, if known.
     */
    async authenticate(clientId: string, username: string | undefined, password: string | undefined, source?: string): Promise<MqttLogin> {
      const keys = [...(source ? [`ip:${source}`] : []), `mqtt:${username ?? ''}`];
      const allowed = limiter?.attempt(keys) ?? { ok: true };
      if (!allowed.ok) {
        stats.rateLimited++;
        return { ok: false, returnCode: TRY_LATER, reason: 'rate-limited', message: `too many failed logins; try again in ${retryText(allowed.retryAfterMs)}` };
      }
      const login = await check(clientId, username, password);
      if (login.ok) limiter?.success([`mqtt:${username ?? ''}`]);
      else limiter?.failure(keys);
      return login;
    },
    /** Whether a person's sign-in session (named by their credentials) is still live. */
    sessionLive,
    /** Takeover attempts and rate-limited logins refused so far. */
    stats,
    /**
     * The identity behind an already-authenticated username (production brokers ask authorization
     * separately, naming the client only by username).
     */
    identityOf(username: string): MqttIdentity | undefined {
      if (users.isUserLogin(username)) return { kind: 'user', userId: users.userIdOf(username) };
      const u = parseUsername(username);
      return u.ok ? { kind: 'device', device: { ...u.value, deviceId: deviceIdOf(u.value) } } : undefined;
    },
    /** People never publish: commands go through the `command` function, which checks roles. */
    mayPublish(identity: MqttIdentity, topic: string | ParsedTopic | undefined): boolean {
      return identity.kind === 'device' && deviceMayPublish(identity.device, topic);
    },
    async maySubscribe(identity: MqttIdentity, filter: string): Promise<boolean> {
      if (identity.kind === 'device') return deviceMaySubscribe(identity.device, filter);
      return (await userTopics(identity.userId)).has(filter);
    },
    userTopics,
  };
}

export type MqttPolicy = ReturnType<typeof createMqttPolicy>;

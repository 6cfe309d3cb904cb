/**
 * Short-lived MQTT credentials for people (the mini program, the web console): a user never holds
 * a long-lived secret. The password is a signed token (typ `mqtt`, ≤ 1 hour); the broker checks it
 * at CONNECT, and the topic rules below at every SUBSCRIBE.
 */
import { randomBytes } from 'node:crypto';
import { type DeviceRef, MEASURE_NOW_SERVICE, topics } from '../../core/alink';
import { alertTopic } from '../../core/alerts';
import { createTokenSigner } from '../auth/session-token';
import type { RealtimeCredentials, UserRecord } from '../../core/api';

export type { RealtimeCredentials } from '../../core/api';

/** Lifetime of real-time credentials: 1 hour. */
export const REALTIME_TTL_MS = 3_600_000;
const USERNAME_PREFIX = 'user:';

/** The MQTT username a person's credentials carry (brokers list a person's sessions by it). */
export const mqttUsernameOf = (userId: string): string => `${USERNAME_PREFIX}${userId}`;

/** What a person may read of a device: telemetry, raw waveform, presence and command replies. */
export function readableTopics(d: DeviceRef): string[] {
  return [topics.propertyPost(d), topics.eventPost(d, 'ppg'), topics.presence(d), topics.propertySetReply(d), topics.serviceReply(d, MEASURE_NOW_SERVICE)];
}

/** What a person may read of a patient they follow: its alerts (docs/alerts.md). */
export function patientTopics(patientId: string): string[] {
  return [alertTopic(patientId)];
}

export function createUserCredentials(secret: string, ttlMs = REALTIME_TTL_MS) {
  const signer = createTokenSigner(secret);
  return {
    /**
     * `sessionId`: the local sign-in session the credentials come from; the broker refuses them
     * once that session has ended (logout). CloudBase callers have none.
     */
    issue(user: UserRecord, devices: DeviceRef[], now: number, sessionId?: string): RealtimeCredentials {
      const expiresAt = now + ttlMs;
      return {
        clientId: `${user.id}.${randomBytes(4).toString('hex')}`,
        username: mqttUsernameOf(user.id),
        password: signer.sign({ typ: 'mqtt', sub: user.id, oid: user.openid, exp: expiresAt, ...(sessionId ? { sid: sessionId } : {}) }),
        expiresAt,
        topics: devices.flatMap(readableTopics),
      };
    },
    /** Who a CONNECT stands for (user, sign-in session), or undefined; only for `user:` usernames. */
    verify(username: string, password: string | undefined, now: number): { userId: string; sessionId?: string; expiresAt: number } | undefined {
      if (!username.startsWith(USERNAME_PREFIX) || !password) return undefined;
      const check = signer.verify(password, 'mqtt', now);
      if (!check.ok || `${USERNAME_PREFIX}${check.claims.sub}` !== username) return undefined;
      return {
        userId: check.claims.sub,
        expiresAt: check.claims.exp,
        ...(typeof check.claims.sid === 'string' ? { sessionId: check.claims.sid } : {}),
      };
    },
    /** Whether a client id is one this user's credentials name: `{userId}.{1–32 letters/digits}`. */
    ownsClientId: (userId: string, clientId: string) => clientId.startsWith(`${userId}.`) && /^[A-Za-z0-9]{1,32}$/.test(clientId.slice(userId.length + 1)),
    isUserLogin: (username: string | undefined) => username?.startsWith(USERNAME_PREFIX) === true,
    /** The user id named by a `user:` username (already authenticated by the broker). */
    userIdOf: (username: string) => username.slice(USERNAME_PREFIX.length),
  };
}

export type UserCredentials = ReturnType<typeof createUserCredentials>;

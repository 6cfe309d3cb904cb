/**
 * The MQTT policy for every client: devices (Alink signature, their own topic tree) and people
 * (short-lived signed credentials, read-only access to the devices of the patients they follow).
 * The embedded broker calls it from its hooks; production brokers reach the same code through the
 * HTTP authentication/authorization endpoints (backend/mqtt-policy/http.ts, the `broker` function).
 */
import { deviceIdOf, parseDeviceId, ParsedTopic, parseUsername } from '../../core/alink';
import { AuthenticatedDevice, ConnackCode, createDeviceAuth, deviceMayPublish, deviceMaySubscribe } from '../device-auth';
import type { Store } from '../store/types';
import { createUserCredentials, readableTopics } from './user-credentials';

export type MqttIdentity = { kind: 'device'; device: AuthenticatedDevice } | { kind: 'user'; userId: string };

export type MqttLogin =
  | { ok: true; identity: MqttIdentity }
  | { ok: false; returnCode: number; reason: string; message: string };

export interface MqttPolicyOptions {
  store: Store;
  now: () => number;
  /** Secret that signs user credentials (shared with the function issuing them). */
  secret: string;
}

export function createMqttPolicy(opts: MqttPolicyOptions) {
  const devices = createDeviceAuth({ store: opts.store, now: opts.now });
  const users = createUserCredentials(opts.secret);

  /** Topics a user may read now: those of devices currently bound to patients they follow. */
  async function userTopics(userId: string): Promise<Set<string>> {
    const ids = await opts.store.devicesOfUser(userId);
    return new Set(ids.flatMap((id) => {
      const ref = parseDeviceId(id);
      return ref ? readableTopics(ref) : [];
    }));
  }

  return {
    async authenticate(clientId: string, username: string | undefined, password: string | undefined): Promise<MqttLogin> {
      if (users.isUserLogin(username)) {
        const userId = users.verify(username as string, password, opts.now());
        return userId
          ? { ok: true, identity: { kind: 'user', userId } }
          : { ok: false, returnCode: ConnackCode.BadCredentials, reason: 'bad-user-credentials', message: `invalid or expired credentials for ${username}` };
      }
      const login = await devices.authenticate(clientId, username, password);
      return login.ok ? { ok: true, identity: { kind: 'device', device: login.device } } : login;
    },
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

/**
 * MQTT authentication and authorization over HTTP, in the shape EMQX's HTTP authenticator and
 * authorizer call, so a production broker enforces exactly the policy of the embedded one
 * (backend/mqtt-policy). Served by the `broker` function (cloudfunctions/broker) — on CloudBase through
 * the HTTP access service, locally by the function host. Configure EMQX with the shared secret as
 * `Authorization: Bearer <secret>` (docs/deploy.md):
 *
 *   POST /mqtt/auth  {"clientid", "username", "password", "peerhost"?} → {"result": "allow" | "deny", "is_superuser": false, "expire_at"?}
 *   POST /mqtt/acl   {"clientid", "username", "topic", "action"}    → {"result": "allow" | "deny"}
 *
 * `action` is `publish` or `subscribe` (EMQX placeholders ${clientid}, ${username}, ${password},
 * ${topic}, ${action}). The bodies are read by `authRequest` / `aclRequest` of the `broker`
 * contract (core/api/contract/broker.ts), which turn anything unreadable into a missing field:
 * anything malformed is denied.
 */
import type { AclAnswer, AclRequest, AuthAnswer, AuthRequest } from '../../core/api/contract/broker';
import type { MqttPolicy } from './index';

export function createMqttAuthEndpoints(policy: MqttPolicy) {
  return {
    async auth(body: AuthRequest): Promise<AuthAnswer> {
      if (body.clientid === undefined) return { result: 'deny', is_superuser: false };
      // `peerhost` (EMQX's ${peerhost}), when sent, lets failed logins back off per source address.
      const login = await policy.authenticate(body.clientid, body.username, body.password, body.peerhost);
      if (!login.ok) return { result: 'deny', is_superuser: false };
      // A person's connection ends with their credentials (≤ 1 hour): EMQX disconnects the client at
      // `expire_at`, Unix seconds (EMQX 5 HTTP authentication, "expire_at" in the response body), so
      // access lost while the broker could not be told (a failed kick) ends within the hour too.
      const expiresAt = login.identity.kind === 'user' ? login.identity.expiresAt : undefined;
      return { result: 'allow', is_superuser: false, ...(expiresAt !== undefined ? { expire_at: Math.floor(expiresAt / 1000) } : {}) };
    },
    async acl(body: AclRequest): Promise<AclAnswer> {
      const { username, topic } = body;
      const identity = username === undefined ? undefined : policy.identityOf(username);
      if (!identity || topic === undefined) return { result: 'deny' };
      if (body.action === 'publish') return { result: policy.mayPublish(identity, topic) ? 'allow' : 'deny' };
      if (body.action === 'subscribe') return { result: (await policy.maySubscribe(identity, topic)) ? 'allow' : 'deny' };
      return { result: 'deny' };
    },
  };
}

export type MqttAuthEndpoints = ReturnType<typeof createMqttAuthEndpoints>;

/**
 * MQTT authentication and authorization over HTTP, in the shape EMQX's HTTP authenticator and
 * authorizer call, so a production broker enforces exactly the policy of the embedded one
 * (backend/mqtt-policy). Served by the `broker` function (cloudfunctions/broker) — on CloudBase through
 * the HTTP access service, locally by the function host. Configure EMQX with the shared secret as
 * `Authorization: Bearer <secret>` (docs/deploy.md):
 *
 *   POST /mqtt/auth  {"clientid", "username", "password", "peerhost"?} → {"result": "allow" | "deny", "is_superuser": false}
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
      return { result: login.ok ? 'allow' : 'deny', is_superuser: false };
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

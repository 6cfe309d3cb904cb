/**
 * `BrokerApi` over the embedded aedes broker (./index.ts), the local counterpart of the EMQX REST
 * adapter (backend/broker-api/emqx.ts). No options: it talks to the broker in-process.
 *
 * - `publish(topic, payload, {qos = 1, retain = false})` publishes as the broker itself (no device
 *   ACL), like EMQX's publish API; it resolves once aedes has routed the message (delivered to
 *   connected subscribers, queued for offline persistent sessions at QoS 1, stored when retained;
 *   an empty retained payload clears the retained message). No subscribers is not an error.
 * - `clientsOf(username)` lists the connected clients that logged in with exactly that user name.
 * - `kick(ids)` closes those connections and discards their sessions; unknown ids are ignored.
 *
 * Errors are `BrokerApiError`s, as with EMQX: an invalid topic name (empty, a wildcard, U+0000,
 * over 65 535 bytes) or a QoS other than 0/1 is `BROKER_REJECTED` (EMQX answers 400); a closed
 * broker or an aedes failure is `BROKER_UNAVAILABLE`.
 */
import { BrokerApiError, BrokerErrorCode, invalidTopicName } from '../../backend/broker-api/errors';
import type { BrokerApi, PublishOptions, Subscription } from '../../backend/broker-api/types';
import type { Broker } from './index';

/** What the adapter needs of the embedded broker (`createBroker`'s result has it). */
export type EmbeddedBroker = Pick<Broker, 'publish' | 'clientIdsOf' | 'kickClient' | 'subscribeClient' | 'isClosed'>;

export function createEmbeddedBrokerApi(broker: EmbeddedBroker): BrokerApi {
  const unavailable = (what: string, e: unknown) =>
    new BrokerApiError(BrokerErrorCode.Unavailable, what, `embedded broker failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });

  return {
    async publish(topic: string, payload: string, opts: PublishOptions = {}): Promise<void> {
      const what = `embedded publish (topic ${topic})`;
      const qos = opts.qos ?? 1;
      const bad =
        invalidTopicName(topic) ??
        (qos !== 0 && qos !== 1 ? `qos must be 0 or 1, got ${String(qos)}` : undefined) ??
        (typeof payload !== 'string' ? 'payload must be a string' : undefined);
      if (bad) throw new BrokerApiError(BrokerErrorCode.Rejected, what, bad);
      if (broker.isClosed()) throw new BrokerApiError(BrokerErrorCode.Unavailable, what, 'the embedded broker is closed');
      try {
        await broker.publish(topic, payload, qos, opts.retain === true);
      } catch (e) {
        throw unavailable(what, e);
      }
    },

    async clientsOf(username: string): Promise<string[]> {
      if (!username || broker.isClosed()) return [];
      return broker.clientIdsOf(username);
    },

    async subscribe(clientId: string, subscriptions: Subscription[]): Promise<void> {
      const what = `embedded subscribe (client ${clientId})`;
      const bad = subscriptions.find((x) => typeof x.topic !== 'string' || x.topic.length === 0 || (x.qos !== 0 && x.qos !== 1));
      if (bad) throw new BrokerApiError(BrokerErrorCode.Rejected, what, `invalid subscription ${JSON.stringify(bad)}`);
      if (broker.isClosed() || subscriptions.length === 0) return;
      try {
        await broker.subscribeClient(clientId, subscriptions);
      } catch (e) {
        throw unavailable(what, e);
      }
    },

    async kick(clientIds: string[]): Promise<void> {
      if (broker.isClosed()) return; // closing drops every connection and session anyway
      const ids = [...new Set(clientIds.filter((id) => typeof id === 'string' && id.length > 0))];
      const results = await Promise.allSettled(ids.map((id) => broker.kickClient(id)));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) throw unavailable(`embedded kick (client ${ids[failed]})`, (results[failed] as PromiseRejectedResult).reason);
    },
  };
}

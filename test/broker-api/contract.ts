/**
 * The BrokerApi contract: what every implementation must do, run from one test file per
 * implementation — against the real embedded broker with real MQTT clients (embedded.test.ts), and
 * against the EMQX adapter talking to the fake EMQX REST API, whose MQTT side is a model that
 * keeps sessions, queues and retained messages (emqx.test.ts).
 */
import type { BrokerApi } from '../../backend/broker-api/types';
import { until } from '../helpers/until';

export interface ContractMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

/** One MQTT connection, as the harness made it. */
export interface ContractClient {
  clientId: string;
  /** CONNACK's session-present flag. */
  sessionPresent: boolean;
  /** Subscribes; resolves once the broker granted it. */
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  /** Every message received so far, in order. */
  messages(): ContractMessage[];
  connected(): boolean;
  /** Resolves when the connection closed (by the broker or by `end`). */
  closed: Promise<void>;
  /** Disconnects normally (a persistent session stays on the broker). */
  end(): Promise<void>;
}

export interface BrokerApiHarness {
  api: BrokerApi;
  /** Two user names clients can log in with. */
  usernames: [string, string];
  /** A topic clients of `usernames[0]` may subscribe to and the API may publish on. */
  topic: string;
  /** Another such topic, which nobody in these tests subscribes to. */
  quietTopic: string;
  /** Connects a client of `usernames[who]`; the same label gives the same client id. */
  connect(who: 0 | 1, label: string, clean?: boolean): Promise<ContractClient>;
  /** Releases everything (clients, broker, servers). */
  close(): Promise<void>;
}

export interface BrokerApiFactory {
  open(): Promise<BrokerApiHarness>;
}

const payloads = (c: ContractClient) => c.messages().map((m) => m.payload);

export function runBrokerApiContract(name: string, factory: BrokerApiFactory): void {
  describe(`BrokerApi contract: ${name}`, () => {
    let h: BrokerApiHarness;
    beforeEach(async () => {
      h = await factory.open();
    });
    afterEach(async () => {
      await h.close();
    });

    /** Publishes a marker and waits for it: everything sent to `c` before it has arrived. */
    async function flush(c: ContractClient, marker = `marker-${Math.random()}`): Promise<void> {
      await h.api.publish(h.topic, marker, { qos: 1 });
      await until(() => payloads(c).includes(marker), `marker on ${c.clientId}`);
    }

    test('publish reaches a subscriber with the payload intact (UTF-8), not flagged retained', async () => {
      const c = await h.connect(0, 'sub');
      await c.subscribe(h.topic, 1);
      const payload = JSON.stringify({ id: 'c1', params: { note: '体温 36.6 ℃ ✓' } });
      await h.api.publish(h.topic, payload);
      await until(() => c.messages().length > 0, 'the message');
      expect(c.messages()).toEqual([{ topic: h.topic, payload, retain: false }]);
    });

    test("subscribe on a client's behalf: it then receives what is published; an unknown client is ignored", async () => {
      const c = await h.connect(0, 'auto');
      await h.api.subscribe(c.clientId, [{ topic: h.topic, qos: 1 }]);
      await h.api.publish(h.topic, 'for the auto-subscribed');
      await until(() => payloads(c).includes('for the auto-subscribed'), 'the message');
      await expect(h.api.subscribe('no-such-client', [{ topic: h.topic, qos: 1 }])).resolves.toBeUndefined();
    });

    test('publish with no subscriber resolves (at QoS 0 and 1)', async () => {
      await expect(h.api.publish(h.quietTopic, 'nobody listens')).resolves.toBeUndefined();
      await expect(h.api.publish(h.quietTopic, 'nobody listens', { qos: 0 })).resolves.toBeUndefined();
    });

    test('a retained message reaches a later subscriber; an empty retained payload clears it', async () => {
      await h.api.publish(h.topic, '{"online":true}', { retain: true });
      const late = await h.connect(0, 'late');
      await late.subscribe(h.topic, 1);
      await until(() => late.messages().length > 0, 'the retained message');
      expect(late.messages()[0]).toEqual({ topic: h.topic, payload: '{"online":true}', retain: true });

      await h.api.publish(h.topic, '', { retain: true });
      const later = await h.connect(0, 'later');
      await later.subscribe(h.topic, 1);
      await flush(later, 'after');
      expect(payloads(later)).toEqual(['after']);
    });

    test('a message at the default QoS (1) waits in a persistent session while its client is away', async () => {
      const c = await h.connect(0, 'away', false);
      await c.subscribe(h.topic, 1);
      await c.end();
      await until(async () => !(await h.api.clientsOf(h.usernames[0])).includes(c.clientId), 'the client gone');
      await h.api.publish(h.topic, 'while away');
      const back = await h.connect(0, 'away', false);
      expect(back.clientId).toBe(c.clientId);
      expect(back.sessionPresent).toBe(true);
      await until(() => back.messages().length > 0, 'the queued message');
      expect(payloads(back)).toEqual(['while away']);
    });

    test('clientsOf lists the connected clients of exactly that user name', async () => {
      const [u0, u1] = h.usernames;
      const a1 = await h.connect(0, 'a1');
      const a2 = await h.connect(0, 'a2');
      const b1 = await h.connect(1, 'b1');
      const kept = await h.connect(0, 'kept', false);
      await kept.end(); // its session stays, but it is not connected
      await until(async () => (await h.api.clientsOf(u0)).length === 2, 'two connected clients of the first user');
      expect((await h.api.clientsOf(u0)).sort()).toEqual([a1.clientId, a2.clientId].sort());
      expect(await h.api.clientsOf(u1)).toEqual([b1.clientId]);
      expect(await h.api.clientsOf(`${u0}x`)).toEqual([]);
      expect(await h.api.clientsOf('')).toEqual([]);
    });

    test('kick disconnects the clients and discards their sessions; other clients stay', async () => {
      const [u0, u1] = h.usernames;
      const a1 = await h.connect(0, 'a1', false);
      const a2 = await h.connect(0, 'a2');
      const b1 = await h.connect(1, 'b1');
      await a1.subscribe(h.topic, 1);
      await h.api.kick([a1.clientId, a2.clientId]);
      await Promise.all([a1.closed, a2.closed]);
      expect(await h.api.clientsOf(u0)).toEqual([]);
      expect(await h.api.clientsOf(u1)).toEqual([b1.clientId]);
      expect(b1.connected()).toBe(true);

      // Published while a1 is gone: had its session survived, this would wait for it.
      await h.api.publish(h.topic, 'after the kick');
      const back = await h.connect(0, 'a1', false);
      expect(back.sessionPresent).toBe(false);
      await back.subscribe(h.topic, 1);
      await flush(back, 'fresh');
      expect(payloads(back)).toEqual(['fresh']);
    });

    test("kick discards a disconnected client's kept session with the messages queued in it", async () => {
      const c = await h.connect(0, 'offline', false);
      await c.subscribe(h.topic, 1);
      await c.end();
      await until(async () => !(await h.api.clientsOf(h.usernames[0])).includes(c.clientId), 'the client gone');
      await h.api.publish(h.topic, 'queued before the kick');
      await h.api.kick([c.clientId]);
      const back = await h.connect(0, 'offline', false);
      expect(back.sessionPresent).toBe(false);
      await back.subscribe(h.topic, 1);
      await flush(back, 'fresh');
      expect(payloads(back)).toEqual(['fresh']);
    });

    test('kick ignores unknown ids, duplicates and an empty list', async () => {
      const a1 = await h.connect(0, 'a1');
      await expect(h.api.kick([])).resolves.toBeUndefined();
      await expect(h.api.kick(['no-such-client', 'another/unknown id'])).resolves.toBeUndefined();
      await h.api.kick([a1.clientId, a1.clientId]);
      await a1.closed;
      await expect(h.api.kick([a1.clientId])).resolves.toBeUndefined(); // already gone
    });

    test.each([['a/+/b'], ['a/#'], ['']])('publish to the invalid topic %j is BROKER_REJECTED', async (topic) => {
      await expect(h.api.publish(topic, 'x')).rejects.toMatchObject({ code: 'BROKER_REJECTED' });
    });
  });
}

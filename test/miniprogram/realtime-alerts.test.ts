/**
 * @jest-environment node
 *
 * Alerts reaching the mini program live (#12 "Realtime"): the realtime client subscribes to the
 * patient's `/alerts/{patientId}` topic with the user's real credentials, against the real stack
 * (broker over WebSocket, the `ingest` path raising the alert, the `alerts` function), and turns
 * each published alert into an `alert` event; a user who does not follow the patient gets nothing.
 */
import { buildRequest, topics } from '../../core/alink';
import type { Result } from '../../core';
import type { RealtimeCredentials } from '../../core/api';
import { alertTopic } from '../../core/alerts';
import { connectDevice, createDevice, publish } from '../helpers/stack';
import { useRealtimeStack } from './helpers/realtime-stack';
import { until } from '../helpers/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alerts over the realtime client', () => {
  const fx = useRealtimeStack();
  const { call, data, login } = fx;

  function clientFor(token: string) {
    const { client, events } = fx.realtime(
      async () => (await call('realtime', { action: 'credentials' }, token)).body as unknown as Result<RealtimeCredentials>,
    );
    return { client, events, alerts: () => events.flatMap((e) => (e.type === 'alert' ? [e] : [])) };
  }

  test('a low SpO2 raises an alert the family sees live, and its acknowledgement follows; a stranger sees nothing', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const patientId = patient.id as string;
    const device = await createDevice(fx.stack);
    await data('devices', { action: 'bind', patientId, code: device.bindCode }, alice);

    const mine = clientFor(alice);
    const watched = await mine.client.watch([device.deviceId], [patientId]);
    expect(watched).toMatchObject({ ok: true, data: { watching: [device.deviceId] } });
    const stranger = clientFor(bob);
    // Bob's credentials do not list the topic: the client never subscribes to it.
    expect((await stranger.client.watch([], [patientId])).ok).toBe(true);

    const d = await connectDevice(fx.stack, device);
    fx.devices.push(d);
    // Three consecutive readings at 88 % (NEWS2 SpO2 score 3) persist long enough to raise (docs/alerts.md).
    for (let i = 0; i < 3; i++) {
      await publish(d, topics.propertyPost(device), buildRequest(String(i + 1), 'thing.event.property.post', { SpO2: 88, HeartRate: 80 }));
      await sleep(5);
    }
    await until(() => mine.alerts().length > 0, 'the alert over MQTT');
    const [raised] = mine.alerts();
    expect(raised).toMatchObject({ type: 'alert', patientId, reason: 'raise', alert: { patientId, kind: 'spo2', severity: 'urgent', value: 88 } });
    expect(raised.alert.resolvedAt).toBeUndefined();
    expect(mine.client.stats().alerts).toBe(1);

    const ack = await data('alerts', { action: 'acknowledge', alertId: raised.alert.id, note: '已打电话' }, alice);
    expect(ack.ack).toBeDefined();
    await until(() => mine.alerts().some((e) => e.reason === 'acknowledge'), 'the acknowledgement over MQTT');
    expect(mine.alerts().find((e) => e.reason === 'acknowledge')!.alert.ack).toMatchObject({ note: '已打电话' });

    await sleep(200);
    expect(stranger.alerts()).toEqual([]);
    expect(stranger.client.stats().messages).toBe(0);
  });

  test('alert messages of patients not watched, not shaped as alerts, or of an unknown kind are counted and dropped', async () => {
    const alice = await login('alice');
    const p1 = (await data('patients', { action: 'create', name: '王奶奶' }, alice)).id as string;
    const p2 = (await data('patients', { action: 'create', name: '李爷爷' }, alice)).id as string;
    const mine = clientFor(alice);
    await mine.client.watch([], [p1]);
    const broker = fx.stack.broker.aedes;
    const send = (topic: string, payload: string) =>
      new Promise<void>((resolve) =>
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, () => resolve()),
      );
    await send(alertTopic(p1), 'not json');
    await send(alertTopic(p1), JSON.stringify({ type: 'alert', reason: 'raise', alert: { id: 'x', patientId: p2, kind: 'spo2', startedAt: 1 } }));
    await send(alertTopic(p1), JSON.stringify({ type: 'alert', reason: 'raise', alert: { id: 'z', patientId: p1, kind: 'blood-pressure', startedAt: 1 } }));
    await send(alertTopic(p2), JSON.stringify({ type: 'alert', reason: 'raise', alert: { id: 'y', patientId: p2, kind: 'spo2', startedAt: 1 } }));
    await until(() => mine.client.stats().ignored.payload >= 3, 'the bad payloads');
    await sleep(100);
    expect(mine.alerts()).toEqual([]);
    // p2's topic was never subscribed, so the broker never sent it.
    expect(mine.client.stats().ignored).toMatchObject({ payload: 3, unwatched: 0 });
  });
});

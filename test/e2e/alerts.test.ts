/**
 * Alerts end to end on the real local stack (function host over HTTP, embedded broker, SQLite,
 * ingest): readings of an emulated terminal (the hypoxia scenario through the on-device
 * algorithm) published over MQTT raise one SpO2 episode, which is delivered (realtime topic,
 * WeChat "would send") and resolved; acknowledgement stops escalation; people not following the
 * patient see and receive nothing; silence raises "no data"; only the owner changes rules.
 */
import { alertTopic, type AlertRecord } from '../../core/alerts';
import { buildRequest, topics } from '../../core/alink';
import { createPpgVitalsSource } from '../../device-emulator/vitals/ppg-source';
import { functionClient } from '../helpers/http';
import { connect, connectDevice, createDevice, nextMessage, publish, startStack, subscribe, tempDir } from '../helpers/stack';

type Json = Record<string, unknown>;
type Sent = { at: number; spo2?: number; heartRate?: number; bodyTemperature?: number };
const TEMPLATE = 'tmplAlert01';

describe('alerts', () => {
  let dir: ReturnType<typeof tempDir>;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let clock: number;
  const published: Array<{ topic: string; body: Json }> = [];

  beforeAll(() => {
    process.env.ALERT_WECHAT_TEMPLATE_ID = TEMPLATE;
  });
  afterAll(() => {
    delete process.env.ALERT_WECHAT_TEMPLATE_ID;
  });
  beforeEach(async () => {
    dir = tempDir();
    clock = Date.now();
    published.length = 0;
    stack = await startStack(dir.path, { now: () => clock, alertCheckIntervalS: 0 });
    stack.broker.aedes.on('publish', (packet) => {
      if (packet.topic.startsWith('/alerts/')) published.push({ topic: packet.topic, body: JSON.parse(packet.payload.toString()) as Json });
    });
  });
  afterEach(async () => {
    await stack.close();
    dir.remove();
  });

  const { call, data, login } = functionClient(() => stack.ports.http);
  const code = (r: { body: Json }) => (r.body.ok ? 'OK' : r.body.code);

  /** Alice owns a patient with a bound device; Carol is family (via an invite); Bob follows nobody. */
  async function family() {
    const alice = await login('alice');
    const carol = await login('carol');
    const bob = await login('bob');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    const patientId = patient.id as string;
    const invite = await data('patients', { action: 'createInvite', patientId }, alice);
    await data('patients', { action: 'redeemInvite', code: invite.code }, carol);
    const device = await createDevice(stack);
    await data('devices', { action: 'bind', patientId, code: device.bindCode }, alice);
    // Readings count for the patient from the binding on: let 20 minutes pass so tests can send a scenario's worth.
    const boundAt = clock;
    clock += 20 * 60_000;
    const me = async (t: string) => (await data('auth', { action: 'me' }, t)) as { id?: string; user?: { id: string } };
    const idOf = async (t: string) => {
      const m = await me(t);
      return (m.user?.id ?? m.id) as string;
    };
    return { boundAt, alice, carol, bob, patientId, device, ids: { alice: await idOf(alice), carol: await idOf(carol), bob: await idOf(bob) } };
  }

  /** Publishes readings one message each, with their own times, waiting for each PUBACK (stored and evaluated). */
  async function send(device: Awaited<ReturnType<typeof createDevice>>, readings: Sent[]) {
    const c = await connectDevice(stack, device);
    let id = 0;
    for (const m of readings) {
      const params: Json = {};
      if (m.spo2 !== undefined) params.SpO2 = { value: m.spo2, time: m.at };
      if (m.heartRate !== undefined) params.HeartRate = { value: m.heartRate, time: m.at };
      if (m.bodyTemperature !== undefined) params.BodyTemperature = { value: m.bodyTemperature, time: m.at };
      await publish(c, topics.propertyPost(device), buildRequest(String(++id), 'thing.event.property.post', params));
    }
    return c;
  }

  const historyOf = async (patientId: string, token: string) =>
    (await data('alerts', { action: 'history', patientId, limit: 100 }, token)).alerts as AlertRecord[];

  test('hypoxia scenario: exactly one SpO2 episode, raised, delivered, upgraded and resolved; nothing reaches a stranger', async () => {
    const { boundAt, alice, carol, bob, patientId, device, ids } = await family();
    expect((await data('alerts', { action: 'subscribed', templateId: TEMPLATE, count: 3 }, alice)).remaining).toBe(3);
    // The emulated terminal's 15-minute hypoxia scenario, one reading every 10 s, measured by the on-device algorithm.
    const t0 = boundAt + 1000;
    const source = createPpgVitalsSource({ scenario: 'hypoxia', seed: 1, startedAt: t0 });
    const readings = Array.from({ length: 91 }, (_, i) => source.measure(t0 + i * 10_000));
    const c = await send(device, readings);
    await c.endAsync();

    const alerts = await historyOf(patientId, alice);
    expect(alerts.map((a) => a.kind)).toEqual(['spo2']);
    const [a] = alerts;
    expect(a).toMatchObject({ patientId, kind: 'spo2', severity: 'urgent', condition: 'vital:spo2' });
    expect(a.resolvedAt).toBeDefined();
    expect(a.resolveNote).toMatch(/SpO2 back in range/);
    expect(a.startedAt).toBeGreaterThan(t0 + 120_000);
    expect(await data('alerts', { action: 'active', patientId }, carol)).toEqual([]);

    // Delivered: on the patient's topic (raise, upgrades, resolve) and as WeChat messages to each member with quota left.
    const reasons = published.filter((p) => p.topic === alertTopic(patientId)).map((p) => p.body.reason);
    expect(reasons[0]).toBe('raise');
    expect(reasons[reasons.length - 1]).toBe('resolve');
    expect(reasons.filter((r) => r === 'raise')).toHaveLength(1);
    const wechat = a.deliveries.filter((d) => d.channel === 'wechat');
    expect(wechat.filter((d) => d.userId === ids.alice).map((d) => d.outcome)).toContain('would-send');
    expect(wechat.filter((d) => d.userId === ids.carol).every((d) => d.outcome === 'no-quota')).toBe(true);
    expect(a.deliveries.some((d) => d.userId === ids.bob)).toBe(false);
    expect(stack.log.lines.some((l) => l.includes(`would send WeChat template ${TEMPLATE}`))).toBe(true);
    expect((await data('alerts', { action: 'quota' }, alice)).remaining).toEqual({
      [TEMPLATE]: 3 - wechat.filter((d) => d.userId === ids.alice && d.outcome === 'would-send').length,
    });

    // A stranger sees nothing and cannot act.
    expect(code(await call('alerts', { action: 'active', patientId }, bob))).toBe('NOT_FOUND');
    expect(code(await call('alerts', { action: 'history', patientId }, bob))).toBe('NOT_FOUND');
    expect(code(await call('alerts', { action: 'acknowledge', alertId: a.id }, bob))).toBe('NOT_FOUND');
    expect(code(await call('alerts', { action: 'rules', patientId }, bob))).toBe('NOT_FOUND');
  }, 60_000);

  test('a single outlier reading raises nothing; readings without heart rate or SpO2 raise nothing either', async () => {
    const { boundAt, alice, patientId, device } = await family();
    const t0 = boundAt + 1000;
    const normal = (i: number): Sent => ({ at: t0 + i * 10_000, spo2: 97, heartRate: 72, bodyTemperature: 36.8 });
    const readings: Sent[] = [...[0, 1, 2, 3].map(normal), { at: t0 + 40_000, spo2: 84, heartRate: 140, bodyTemperature: 36.8 }, ...[5, 6, 7].map(normal)];
    // The device withholds heart rate and SpO2 it cannot trust (finger off): temperature only.
    readings.push(...[8, 9, 10, 11].map((i) => ({ at: t0 + i * 10_000, bodyTemperature: 36.8 })));
    const c = await send(device, readings);
    expect(await historyOf(patientId, alice)).toEqual([]);
    // The same low SpO2 three times in a row does raise (the outlier was not missed for another reason).
    await send(
      device,
      [13, 14, 15].map((i) => ({ at: t0 + i * 10_000, spo2: 84, heartRate: 72, bodyTemperature: 36.8 })),
    );
    expect((await historyOf(patientId, alice)).map((x) => [x.kind, x.severity])).toEqual([['spo2', 'urgent']]);
    await c.endAsync();
  });

  test('a long stretch of readings without heart rate or SpO2 (finger off) raises "check the sensor", resolved by a valid reading', async () => {
    const { boundAt, alice, patientId, device } = await family();
    const t0 = boundAt + 1000;
    // 11 minutes of temperature-only readings, one a minute (the default stretch is 10 minutes).
    const c = await send(
      device,
      Array.from({ length: 12 }, (_, i) => ({ at: t0 + i * 60_000, bodyTemperature: 36.6 })),
    );
    const [a] = (await data('alerts', { action: 'active', patientId }, alice)) as unknown as AlertRecord[];
    expect(a).toMatchObject({ kind: 'check-sensor', deviceId: device.deviceId, startedAt: t0 });
    await publish(c, topics.propertyPost(device), buildRequest('50', 'thing.event.property.post', { HeartRate: { value: 70, time: t0 + 12 * 60_000 } }));
    expect(await data('alerts', { action: 'active', patientId }, alice)).toEqual([]);
    await c.endAsync();
  });

  test('an urgent alert is re-sent to every member until acknowledged; the acknowledgement is recorded and stops it', async () => {
    const { alice, carol, bob, patientId, device, ids } = await family();
    await data('alerts', { action: 'subscribed', templateId: TEMPLATE, count: 5 }, alice);
    await data('alerts', { action: 'subscribed', templateId: TEMPLATE, count: 5 }, carol);
    // Members read the patient's alert topic with their real-time credentials; a stranger may not subscribe.
    const mqttAs = async (token: string) => {
      const cr = await data('realtime', { action: 'credentials' }, token);
      return {
        topics: cr.topics as string[],
        client: await connect(`ws://127.0.0.1:${stack.ports.mqttWs}/mqtt`, {
          clientId: cr.clientId as string,
          username: cr.username as string,
          password: cr.password as string,
        }),
      };
    };
    const carolRt = await mqttAs(carol);
    const bobRt = await mqttAs(bob);
    expect(carolRt.topics).toContain(alertTopic(patientId));
    expect(bobRt.topics).not.toContain(alertTopic(patientId));
    expect(await subscribe(carolRt.client, alertTopic(patientId))).toBe(1);
    expect(await subscribe(bobRt.client, alertTopic(patientId))).toBe(128);
    const raised = nextMessage(carolRt.client, alertTopic(patientId));
    const c = await send(
      device,
      [0, 1, 2].map((i) => ({ at: clock - 30_000 + i * 10_000, spo2: 88, heartRate: 80 })),
    );
    expect(JSON.parse(await raised)).toMatchObject({ type: 'alert', reason: 'raise', alert: { patientId, kind: 'spo2', severity: 'urgent' } });
    await Promise.all([carolRt.client.endAsync(true), bobRt.client.endAsync(true)]);
    const [a] = (await data('alerts', { action: 'active', patientId }, carol)) as unknown as AlertRecord[];
    expect(a).toMatchObject({ kind: 'spo2', severity: 'urgent', escalations: 0 });

    const check = () => data('alerts', { action: 'check' }, stack.adminToken);
    expect((await check()).escalated).toBe(0); // not yet: 10 minutes by default
    clock += 10 * 60_000 + 1000;
    expect((await check()).escalated).toBe(1);
    let now = (await data('alerts', { action: 'active', patientId }, alice)) as unknown as AlertRecord[];
    expect(now[0].escalations).toBe(1);
    const escalated = now[0].deliveries.filter((d) => d.reason === 'escalate' && d.channel === 'wechat');
    expect(escalated.map((d) => d.userId).sort()).toEqual([ids.alice, ids.carol].sort());

    expect(code(await call('alerts', { action: 'acknowledge', alertId: a.id, note: 'x' }, bob))).toBe('NOT_FOUND');
    const acked = await data('alerts', { action: 'acknowledge', alertId: a.id, note: '已打电话' }, carol);
    expect(acked.ack).toEqual({ by: ids.carol, at: clock, note: '已打电话' });
    expect(code(await call('alerts', { action: 'acknowledge', alertId: a.id }, alice))).toBe('CONFLICT');
    clock += 30 * 60_000;
    expect((await check()).escalated).toBe(0);
    now = (await data('alerts', { action: 'active', patientId }, alice)) as unknown as AlertRecord[];
    expect(now[0]).toMatchObject({ escalations: 1, ack: { by: ids.carol, note: '已打电话' } });
    expect(published.some((p) => p.body.reason === 'acknowledge')).toBe(true);
    await c.endAsync();
  });

  test('snoozing a kind holds back its WeChat messages for that patient', async () => {
    const { alice, patientId, device } = await family();
    await data('alerts', { action: 'subscribed', templateId: TEMPLATE, count: 5 }, alice);
    expect(code(await call('alerts', { action: 'snooze', patientId, kind: 'loud', minutes: 5 }, alice))).toBe('BAD_REQUEST');
    await data('alerts', { action: 'snooze', patientId, kind: 'spo2', minutes: 60 }, alice);
    const c = await send(
      device,
      [0, 1, 2].map((i) => ({ at: clock - 30_000 + i * 10_000, spo2: 88 })),
    );
    await c.endAsync();
    const [a] = (await data('alerts', { action: 'active', patientId }, alice)) as unknown as AlertRecord[];
    expect(a.deliveries.filter((d) => d.channel === 'wechat').map((d) => d.outcome)).toEqual(['snoozed']);
    expect((await data('alerts', { action: 'quota' }, alice)).remaining).toEqual({ [TEMPLATE]: 5 });
  });

  test('silence: a measuring device that stops sending raises "no data" after its intervals, resolved when data returns', async () => {
    const { alice, patientId, device } = await family();
    // Measuring every 60 s (the firmware default); "no data" after 3 intervals.
    const c = await send(device, [{ at: clock, spo2: 97, heartRate: 70 }]);
    const check = () => data('alerts', { action: 'check' }, stack.adminToken);
    clock += 2 * 60_000;
    expect((await check()).raised).toBe(0);
    clock += 61_000;
    expect((await check()).raised).toBe(1);
    expect((await check()).raised).toBe(0); // one alert per episode
    const [a] = (await data('alerts', { action: 'active', patientId }, alice)) as unknown as AlertRecord[];
    expect(a).toMatchObject({ kind: 'no-data', deviceId: device.deviceId, severity: 'warning' });
    expect(a.message).toMatch(/No reading for 3 min/);
    await publish(c, topics.propertyPost(device), buildRequest('99', 'thing.event.property.post', { SpO2: { value: 97, time: clock } }));
    expect(await data('alerts', { action: 'active', patientId }, alice)).toEqual([]);
    const [resolved] = await historyOf(patientId, alice);
    expect(resolved.resolveNote).toMatch(/readings arrived again/);
    await c.endAsync();
  });

  test('only the owner changes the rules: validated, audited; family is refused', async () => {
    const { alice, carol, patientId, ids } = await family();
    expect(code(await call('alerts', { action: 'setRules', patientId, rules: { spo2Scale: 2 } }, carol))).toBe('FORBIDDEN');
    expect(code(await call('alerts', { action: 'setRules', patientId, rules: { spo2Scale: 5 } }, alice))).toBe('BAD_REQUEST');
    const rules = await data('alerts', { action: 'setRules', patientId, rules: { spo2Scale: 2, escalateAfterS: 300 } }, alice);
    expect(rules).toMatchObject({ spo2Scale: 2, escalateAfterS: 300 });
    const got = await data('alerts', { action: 'rules', patientId }, carol);
    expect(got.updatedBy).toBe(ids.alice);
    expect((got.changes as Array<{ by: string; changes: string[] }>)[0]).toMatchObject({
      by: ids.alice,
      changes: expect.arrayContaining(['spo2Scale: 1 → 2', 'escalateAfterS: 600 → 300']),
    });
  });
});

describe('alerts with the functions in their worker thread (as npm start runs them)', () => {
  test('an alert raised by ingest in the worker is published on the patient topic by the main thread broker', async () => {
    const dir = tempDir();
    const stack = await startStack(dir.path, { functionsIn: 'worker', alertCheckIntervalS: 0 });
    try {
      const topicsSeen: string[] = [];
      stack.broker.aedes.on('publish', (packet) => {
        if (packet.topic.startsWith('/alerts/')) topicsSeen.push(packet.topic);
      });
      const { data, login } = functionClient(() => stack.ports.http);
      const alice = await login('alice');
      const patient = await data('patients', { action: 'create', name: 'P' }, alice);
      const device = await createDevice(stack);
      await data('devices', { action: 'bind', patientId: patient.id, code: device.bindCode }, alice);
      const c = await connectDevice(stack, device);
      const t = Date.now() + 1000;
      for (let i = 0; i < 3; i++) {
        await publish(c, topics.propertyPost(device), buildRequest(String(i + 1), 'thing.event.property.post', { SpO2: { value: 88, time: t + i * 1000 } }));
      }
      await c.endAsync();
      const active = (await data('alerts', { action: 'active', patientId: patient.id }, alice)) as unknown as AlertRecord[];
      expect(active.map((a) => a.kind)).toEqual(['spo2']);
      for (let i = 0; i < 50 && !topicsSeen.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(topicsSeen).toEqual([alertTopic(patient.id as string)]);
    } finally {
      await stack.close();
      dir.remove();
    }
  });
});

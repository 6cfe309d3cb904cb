/**
 * Redelivery through `ingest` (the broker's batches), where a message's readings depend on when it
 * arrived: the decoder refuses times too far ahead of the arrival or older than 30 days, so a
 * redelivery arriving later may decode to other readings than the first delivery did. Whatever
 * the store recognises redeliveries by, a redelivered message must change nothing.
 */
import { MAX_FUTURE_SKEW_MS, MAX_READING_AGE_MS, Method, parseDeviceId, topics } from '../../core/alink';
import type { IngestResult } from '../../cloudfunctions/ingest/messages';
import { createDevice, useStack } from '../helpers/stack';

const MINUTE = 60_000;

describe('ingest: a redelivered message changes nothing', () => {
  const stack = useStack();

  async function device() {
    const d = await createDevice(stack());
    const ref = parseDeviceId(d.deviceId);
    if (!ref) throw new Error(`not a device id: ${d.deviceId}`);
    const post = (id: string, params: Record<string, unknown>, receivedAt: number) => ({
      type: 'telemetry',
      deviceId: d.deviceId,
      topic: topics.propertyPost(ref),
      payload: JSON.stringify({ id, version: '1.0', method: Method.PropertyPost, params }),
      receivedAt,
    });
    return { id: d.deviceId, post };
  }
  async function batch(messages: unknown[]): Promise<IngestResult> {
    const r = await stack().invoke('ingest', { action: 'batch', messages }, { kind: 'service', name: 'broker' });
    if (!r.ok) throw new Error(r.message);
    return r.data as IngestResult;
  }
  const raw = (id: string, from: number, to: number) => stack().store.queryRaw({ segments: [{ deviceId: id, from, to }], limit: 100 });
  const idRows = () => (stack().store.db.prepare('SELECT count(*) AS c FROM message_ids').get() as { c: number }).c;

  test('readings at device times: recognised from their rows, with no id row', async () => {
    const d = await device();
    const t = Date.now() - 5000;
    const m = d.post('1', { HeartRate: { value: 70, time: t }, SpO2: { value: 97, time: t } }, t + 100);
    expect(await batch([m])).toMatchObject({ stored: 1, duplicates: 0 });
    expect(idRows()).toBe(0);
    expect(await batch([{ ...m, receivedAt: t + 60_000 }])).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await raw(d.id, t - 1, t + 1)).toEqual([{ ts: t, heartRate: 70, spo2: 97 }]);
  });

  test('a reading refused as too far ahead, then kept on redelivery: still a duplicate', async () => {
    const d = await device();
    const r0 = Date.now() - 10 * MINUTE;
    // The device's clock runs 6 minutes fast for heart rate: refused at first (more than 5 minutes ahead).
    const m = d.post('7', { HeartRate: { value: 80, time: r0 + MAX_FUTURE_SKEW_MS + MINUTE }, SpO2: { value: 97, time: r0 } }, r0);
    expect(await batch([m])).toMatchObject({ stored: 1, duplicates: 0, rejected: 1 });
    // A newer message changes SpO2 at that instant (the newer wins).
    expect(await batch([d.post('8', { SpO2: { value: 95, time: r0 } }, r0 + 1000)])).toMatchObject({ stored: 1 });
    // 90 s later the first one comes back; its heart rate is no longer too far ahead.
    expect(await batch([{ ...m, receivedAt: r0 + 90_000 }])).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await raw(d.id, r0 - 1, r0 + 10 * MINUTE)).toEqual([{ ts: r0, spo2: 95 }]);
  });

  test('a reading near the oldest accepted age, refused on redelivery: still a duplicate', async () => {
    const d = await device();
    const r0 = Date.now();
    const old = r0 - MAX_READING_AGE_MS + 3_600_000;
    const t2 = r0 - 5000;
    expect(await batch([d.post('1', { SpO2: { value: 97, time: t2 } }, r0 - 4000)])).toMatchObject({ stored: 1 });
    const m = d.post('2', { HeartRate: { value: 61, time: old }, BodyTemperature: { value: 36.6, time: t2 } }, r0);
    expect(await batch([m])).toMatchObject({ stored: 1, duplicates: 0, rejected: 0 });
    // Two hours later the old reading is past 30 days and refused: the rest must still be recognised.
    expect(await batch([{ ...m, receivedAt: r0 + 2 * 3_600_000 }])).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await raw(d.id, old - 1, r0)).toEqual([
      { ts: old, heartRate: 61 },
      { ts: t2, spo2: 97, temperature: 36.6 },
    ]);
  });
});

/**
 * `ingest` checks a batch's messages one by one: a malformed message is counted as rejected and
 * gets no reply, and the rest of the batch is stored (the message flow retries a failed batch
 * whole, so one bad message must not fail the others). Only a bad envelope is a BAD_REQUEST.
 */
import { Method, parseDeviceId, topics } from '../../core/alink';
import type { IngestResult } from '../../cloudfunctions/ingest/messages';
import { createDevice, useStack } from '../helpers/stack';

describe('ingest batch with malformed messages', () => {
  const stack = useStack();

  const batch = (messages: unknown) => stack().invoke('ingest', { action: 'batch', messages }, { kind: 'service', name: 'broker' });

  test('stores the good messages, counts the bad ones and answers them with no reply', async () => {
    const d = await createDevice(stack());
    const ref = parseDeviceId(d.deviceId);
    if (!ref) throw new Error(`not a device id: ${d.deviceId}`);
    const now = Date.now();
    const payload = JSON.stringify({ id: '5', version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 70, time: now } } });
    const good = { type: 'telemetry', deviceId: d.deviceId, topic: topics.propertyPost(ref), payload, receivedAt: now };
    const r = await batch([{ ...good, receivedAt: 'now' }, good, null]);
    expect(r.ok).toBe(true);
    const result = (r.ok ? r.data : undefined) as IngestResult;
    expect(result).toMatchObject({ stored: 1, duplicates: 0, rejected: 2 });
    expect(result.replies.map((x) => x?.code ?? null)).toEqual([null, 200, null]);
    expect((await stack().store.deviceStatus(d.deviceId))?.readings).toBe(1);
    expect(stack().log.lines.join('\n')).toContain('"messages.0.receivedAt" must be number (got "now")');
  });

  test('a bad envelope is refused whole', async () => {
    expect(await batch({ type: 'telemetry' })).toEqual({ ok: false, code: 'BAD_REQUEST', message: '"messages" must be an array' });
  });
});

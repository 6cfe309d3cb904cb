/**
 * When storage falls behind by `maxQueued` messages, the broker refuses further readings instead
 * of holding them in memory: no PUBACK, the connection closes (MQTT 3.1.1 §3.3.5), the refusal is
 * counted and logged, and the device resends after reconnecting. Real broker, real MQTT clients,
 * real storage; `maxQueued: 0` makes every reading arrive at an overloaded flow.
 */
import { Method, parseDeviceId, topics } from '../../core/alink';
import { closed, connectDevice, createDevice, useStack } from '../helpers/stack';

describe('storage overloaded', () => {
  const stack = useStack({ maxQueued: 0 });

  test('a reading is refused without PUBACK, the connection closes, nothing is stored, the broker keeps serving', async () => {
    const d = await createDevice(stack());
    const ref = parseDeviceId(d.deviceId);
    if (!ref) throw new Error(`not a device id: ${d.deviceId}`);
    const c = await connectDevice(stack(), d);
    const gone = closed(c);
    let acked = false;
    const payload = JSON.stringify({ id: '1', version: '1.0', method: Method.PropertyPost, params: { HeartRate: { value: 70, time: Date.now() } } });
    c.publish(topics.propertyPost(ref), payload, { qos: 1 }, () => {
      acked = true;
    });
    await gone;
    expect(acked).toBe(false);
    expect(stack().flow.stats.overloaded).toBe(1);
    expect((await stack().store.deviceStatus(d.deviceId))?.readings).toBe(0);
    expect(stack().log.lines.join('\n')).toContain('storage is behind');
    // The same device connects again (and would resend); presence still flows.
    const again = await connectDevice(stack(), d);
    expect(again.connected).toBe(true);
    await again.endAsync(true);
    await c.endAsync(true);
  });
});

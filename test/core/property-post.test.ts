import { decodePropertyBatchPost, decodePropertyPost } from '../../core/alink';

const NOW = Date.UTC(2026, 5, 1, 12);
const post = (params: unknown) => JSON.stringify({ id: '1', version: '1.0', method: 'thing.event.property.post', params });

describe('decodePropertyPost', () => {
  test('plain numbers take the receive time', () => {
    expect(decodePropertyPost(post({ BodyTemperature: 36.64, HeartRate: 72, SpO2: 98.14 }), NOW)).toEqual({
      ok: true,
      value: { id: '1', ack: true, readings: [{ ts: NOW, timed: false, temperature: 36.64, heartRate: 72, spo2: 98.1 }], rejected: [], attributes: {} },
    });
  });

  test('{value, time} pairs group by their own times', () => {
    const r = decodePropertyPost(post({ HeartRate: { value: 70, time: NOW - 2000 }, SpO2: { value: 97, time: NOW - 2000 }, BodyTemperature: 36.5 }), NOW);
    expect(r.ok && r.value.readings).toEqual([
      { ts: NOW - 2000, timed: true, heartRate: 70, spo2: 97 },
      { ts: NOW, timed: false, temperature: 36.5 },
    ]);
  });

  test.each([
    ['a numeric id', '{"id":17,"params":{"HeartRate":70}}', '17'],
    ['no id', '{"params":{"HeartRate":70}}', undefined],
    ['an object id', '{"id":{"x":1},"params":{"HeartRate":70}}', undefined],
  ])('accepts %s', (_n, payload, expected) => {
    const r = decodePropertyPost(payload, NOW);
    expect(r.ok && r.value.id).toBe(expected);
  });

  test.each([
    ['SpO2 > 100', { SpO2: 100.5 }, 'out-of-range'],
    ['SpO2 below 50', { SpO2: 20 }, 'out-of-range'],
    ['heart rate 0', { HeartRate: 0 }, 'out-of-range'],
    ['heart rate 400', { HeartRate: 400 }, 'out-of-range'],
    ['temperature 60 °C', { BodyTemperature: 60 }, 'out-of-range'],
    ['a string', { HeartRate: '70' }, 'wrong-type'],
    ['null', { HeartRate: null }, 'wrong-type'],
    ['an object without value', { HeartRate: { time: NOW } }, 'wrong-type'],
    ['a time a day ahead', { HeartRate: { value: 70, time: NOW + 86_400_000 } }, 'bad-time'],
    ['a time 40 days old', { HeartRate: { value: 70, time: NOW - 40 * 86_400_000 } }, 'bad-time'],
    ['an uptime as time', { HeartRate: { value: 70, time: 123456 } }, 'bad-time'],
  ])('rejects %s', (_n, params, kind) => {
    const r = decodePropertyPost(post(params), NOW);
    expect(r.ok && r.value.readings).toEqual([]);
    expect(r.ok && r.value.rejected.map((x) => x.kind)).toEqual([kind]);
  });

  test("other properties are the device's attributes, not rejections (latest value wins)", () => {
    const r = decodePropertyPost(post({ HeartRate: 70, MACAddress: 'AA:BB:CC:DD:EE:FF', Rssi: { value: -60, time: NOW - 1000 }, Info: { a: 1 } }), NOW);
    expect(r.ok && r.value.rejected).toEqual([]);
    expect(r.ok && r.value.attributes).toEqual({ MACAddress: 'AA:BB:CC:DD:EE:FF', Rssi: -60, Info: '{"a":1}' });
  });

  test('"sys": {"ack": 0} asks for no reply', () => {
    const r = decodePropertyPost('{"id":"5","sys":{"ack":0},"params":{"HeartRate":70}}', NOW);
    expect(r.ok && r.value.ack).toBe(false);
  });

  test('a batch post stores each timed value like a single post', () => {
    const body = {
      id: '8',
      params: {
        properties: {
          HeartRate: [
            { value: 70, time: NOW - 2000 },
            { value: 72, time: NOW - 1000 },
          ],
          SpO2: [{ value: 97, time: NOW - 1000 }],
          Mode: [
            { value: 'a', time: NOW - 2000 },
            { value: 'b', time: NOW - 1000 },
          ],
        },
        events: {},
      },
    };
    const r = decodePropertyBatchPost(JSON.stringify(body), NOW);
    expect(r.ok && r.value.readings).toEqual([
      { ts: NOW - 2000, timed: true, heartRate: 70 },
      { ts: NOW - 1000, timed: true, heartRate: 72, spo2: 97 },
    ]);
    expect(r.ok && r.value.attributes).toEqual({ Mode: 'b' });
  });

  test.each([
    ['not JSON', '{', 'malformed-json'],
    ['an array', '[]', 'not-object'],
    ['a string', '"hi"', 'not-object'],
    ['no params', '{"id":"1"}', 'missing-params'],
    ['params as an array', '{"params":[1]}', 'missing-params'],
  ])('refuses a payload that is %s', (_n, payload, kind) => {
    const r = decodePropertyPost(payload, NOW);
    expect(!r.ok && r.rejection.kind).toBe(kind);
  });
});

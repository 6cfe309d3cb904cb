import { generate } from 'mqtt-packet';
import { createPacketGuard, PacketTooLargeError } from '../../local-cloud/broker/packet-guard';

function publish(bytes: number): Buffer {
  return generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false });
}

/** Feeds `data` to a guard in chunks of `chunk` bytes; resolves with what passed or the error. */
function feed(limit: number, data: Buffer, chunk: number): Promise<{ passed: number; error?: Error }> {
  return new Promise((resolve) => {
    const guard = createPacketGuard(limit);
    let passed = 0;
    guard.on('data', (b: Buffer) => (passed += b.length));
    guard.on('error', (error) => resolve({ passed, error }));
    guard.on('end', () => resolve({ passed }));
    for (let i = 0; i < data.length; i += chunk) guard.write(data.subarray(i, i + chunk));
    guard.end();
  });
}

describe('MQTT packet size guard', () => {
  const stream = Buffer.concat([publish(10), publish(200), publish(20_000), generate({ cmd: 'pingreq' }), publish(0)]);

  test.each([1, 2, 3, 7, 1000, stream.length])('passes packets under the limit unchanged in chunks of %i bytes', async (chunk) => {
    expect(await feed(64 * 1024, stream, chunk)).toEqual({ passed: stream.length });
  });

  test.each([1, 5, 4096])('stops at the first packet over the limit (chunks of %i bytes)', async (chunk) => {
    const data = Buffer.concat([publish(10), publish(70_000), publish(10)]);
    const r = await feed(64 * 1024, data, chunk);
    expect(r.error).toBeInstanceOf(PacketTooLargeError);
    expect(r.passed).toBeLessThanOrEqual(publish(10).length + 8);
  });

  test('refuses an announced length before its body arrives', async () => {
    const header = Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]); // 268 435 455 bytes announced
    expect((await feed(1024, header, 5)).error).toBeInstanceOf(PacketTooLargeError);
  });
});

import { generate } from 'mqtt-packet';
import { createPacketMeter, PacketTooLargeError } from '../../local-cloud/broker/packet-guard';

function publish(bytes: number): Buffer {
  return generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false });
}

/** Feeds `data` in chunks of `chunk` bytes; returns the offset of the chunk that failed, or -1. */
function feed(limit: number, data: Buffer, chunk: number): { failedAt: number; error?: PacketTooLargeError } {
  const meter = createPacketMeter(limit);
  for (let i = 0; i < data.length; i += chunk) {
    const error = meter.feed(data.subarray(i, i + chunk));
    if (error) return { failedAt: i, error };
  }
  return { failedAt: -1 };
}

describe('MQTT packet size meter', () => {
  const stream = Buffer.concat([publish(10), publish(200), publish(20_000), generate({ cmd: 'pingreq' }), publish(0)]);

  test.each([1, 2, 3, 7, 1000, stream.length])('accepts packets under the limit fed in chunks of %i bytes', (chunk) => {
    expect(feed(64 * 1024, stream, chunk)).toEqual({ failedAt: -1 });
  });

  test.each([1, 5, 4096])('stops at the header of the first packet over the limit (chunks of %i bytes)', (chunk) => {
    const first = publish(10);
    const r = feed(64 * 1024, Buffer.concat([first, publish(70_000), publish(10)]), chunk);
    expect(r.error).toBeInstanceOf(PacketTooLargeError);
    expect(r.failedAt).toBeLessThanOrEqual(first.length + 4);
  });

  test('refuses an announced length before its body arrives', () => {
    const header = Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]); // 268 435 455 bytes announced
    expect(feed(1024, header, 5).error).toBeInstanceOf(PacketTooLargeError);
  });
});

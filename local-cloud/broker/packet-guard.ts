/**
 * Caps the size of MQTT packets a client may send, before the broker buffers them: aedes (and its
 * parser) would otherwise collect a packet of any announced length — up to 256 MB, the largest
 * MQTT 3.1.1 allows (§2.2.3) — in memory. The meter reads each fixed header's Remaining Length as
 * bytes go past and the connection is closed at the first packet over the limit.
 */
import type { Duplex } from 'node:stream';

export class PacketTooLargeError extends Error {
  readonly code = 'PACKET_TOO_LARGE';
}

/** Tracks MQTT packet boundaries in a byte stream; `feed` returns an error at the first oversize packet. */
export function createPacketMeter(maxPacketBytes: number) {
  // 0 = expecting a fixed-header type byte, 1 = reading Remaining Length, 2 = inside a body.
  let state = 0;
  let length = 0;
  let multiplier = 1;
  let bodyLeft = 0;
  return {
    feed(chunk: Buffer): PacketTooLargeError | undefined {
      let i = 0;
      while (i < chunk.length) {
        if (state === 0) {
          state = 1;
          length = 0;
          multiplier = 1;
          i++;
        } else if (state === 1) {
          const byte = chunk.readUInt8(i++);
          length += (byte & 0x7f) * multiplier;
          multiplier *= 128;
          if (length > maxPacketBytes) return new PacketTooLargeError(`packet of ${length} bytes exceeds ${maxPacketBytes}`);
          if ((byte & 0x80) === 0) {
            bodyLeft = length;
            state = bodyLeft > 0 ? 2 : 0;
          } else if (multiplier > 128 ** 3) {
            return new PacketTooLargeError('malformed Remaining Length');
          }
        } else {
          const take = Math.min(bodyLeft, chunk.length - i);
          bodyLeft -= take;
          i += take;
          if (bodyLeft === 0) state = 0;
        }
      }
      return undefined;
    },
  };
}

/**
 * Meters a connection the broker already reads. Call after `aedes.handle(conn)`: with its
 * 'readable' listener in place, a 'data' listener only observes the chunks aedes reads (Node emits
 * 'data' from `read()`), so flow control and the data path are unchanged.
 */
export function guardConnection(conn: Duplex, maxPacketBytes: number, onTooLarge: (e: Error) => void): void {
  const meter = createPacketMeter(maxPacketBytes);
  const onData = (chunk: Buffer) => {
    const e = meter.feed(chunk);
    if (!e) return;
    conn.off('data', onData);
    onTooLarge(e);
    conn.destroy();
  };
  conn.on('data', onData);
}

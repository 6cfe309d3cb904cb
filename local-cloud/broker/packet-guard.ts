/**
 * Caps the size of MQTT packets a client may send, before the broker buffers them: aedes (and its
 * parser) would otherwise collect a packet of any announced length — up to 256 MB, the largest
 * MQTT 3.1.1 allows (§2.2.3) — in memory. The guard reads each fixed header's Remaining Length as
 * bytes stream past and closes the connection at the first packet over the limit.
 */
import { Duplex, Transform, TransformCallback } from 'node:stream';

export class PacketTooLargeError extends Error {
  readonly code = 'PACKET_TOO_LARGE';
}

/** A Transform that passes bytes through unchanged while tracking MQTT packet boundaries. */
export function createPacketGuard(maxPacketBytes: number): Transform {
  // Parser state: 0 = expecting a fixed-header type byte, 1 = reading Remaining Length, 2 = in body.
  let state = 0;
  let length = 0;
  let multiplier = 1;
  let bodyLeft = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 0) {
          state = 1;
          length = 0;
          multiplier = 1;
          i++;
        } else if (state === 1) {
          const byte = chunk[i++];
          length += (byte & 0x7f) * multiplier;
          multiplier *= 128;
          if (length > maxPacketBytes) return done(new PacketTooLargeError(`packet of ${length} bytes exceeds ${maxPacketBytes}`));
          if ((byte & 0x80) === 0) {
            bodyLeft = length;
            state = bodyLeft > 0 ? 2 : 0;
          } else if (multiplier > 128 ** 3) {
            return done(new PacketTooLargeError('malformed Remaining Length'));
          }
        } else {
          const take = Math.min(bodyLeft, chunk.length - i);
          bodyLeft -= take;
          i += take;
          if (bodyLeft === 0) state = 0;
        }
      }
      done(null, chunk);
    },
  });
}

/**
 * Wraps a connection so that reads go through the guard and writes go straight to it; closing
 * either side closes the connection.
 */
export function guardConnection(conn: Duplex, maxPacketBytes: number, onTooLarge: (e: Error) => void): Duplex {
  const guard = createPacketGuard(maxPacketBytes);
  guard.on('error', (e) => {
    onTooLarge(e);
    conn.destroy();
  });
  conn.pipe(guard);
  const wrapped = Duplex.from({ readable: guard, writable: conn });
  conn.on('close', () => wrapped.destroy());
  return wrapped;
}

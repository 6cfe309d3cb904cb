/**
 * A byte stream over a WeChat `SocketTask`, the transport under mqtt.js in the mini program.
 * Writes made before the socket opens are held and sent in order once it does; each write sends
 * exactly the chunk's bytes (a Buffer may be a view into a larger pooled ArrayBuffer).
 */
import { Buffer } from 'buffer';
import { Duplex } from 'readable-stream';
import type { SocketTaskLike } from './mqtt-api';

type Pending = { bytes: ArrayBuffer; done: (e?: Error | null) => void };

export function createSocketStream(task: SocketTaskLike): Duplex {
  let open = false;
  let closed = false;
  const held: Pending[] = [];
  const send = ({ bytes, done }: Pending) => task.send({ data: bytes, success: () => done(), fail: (e) => done(new Error(`socket send failed: ${e.errMsg}`)) });

  const stream = new Duplex({
    read() {
      // Data is pushed as it arrives from the socket.
    },
    write(chunk: Uint8Array, _encoding, done) {
      const bytes = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer;
      if (open) send({ bytes, done });
      else held.push({ bytes, done });
    },
    destroy(e, done) {
      if (!closed) {
        closed = true;
        task.close({});
      }
      for (const p of held.splice(0)) p.done(e ?? new Error('socket closed'));
      done(e);
    },
  });

  task.onOpen(() => {
    open = true;
    for (const p of held.splice(0)) send(p);
  });
  task.onMessage(({ data }) => {
    stream.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
  });
  task.onClose(() => {
    closed = true;
    stream.push(null);
    stream.destroy();
  });
  task.onError(({ errMsg }) => stream.destroy(new Error(`socket error: ${errMsg}`)));
  return stream;
}

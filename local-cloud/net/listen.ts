/** Listening on a port with one clear error when it is taken. */
import type { Server } from 'node:net';

export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly service: string,
    readonly envVar: string,
  ) {
    super(`port ${port} for ${service} is already in use (another instance running?); choose another with ${envVar}=<port>`);
  }
}

export interface ListenTarget {
  port: number;
  host: string;
  /** Human name for errors, e.g. "MQTT (TCP)". */
  service: string;
  /** Environment variable that sets this port, for the error message. */
  envVar: string;
}

/** Starts listening; resolves with the bound port (useful with port 0). */
export function listen(server: Server, target: ListenTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e.code === 'EADDRINUSE' ? new PortInUseError(target.port, target.service, target.envVar) : e);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : target.port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(target.port, target.host);
  });
}

/** Closes a server; resolves when it is closed (also when it was never listening). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

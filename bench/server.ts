/**
 * The benchmarks' server under test in its own child process (ingest-server.ts), so that its CPU
 * and memory are measured apart from the load generator's: a bare aedes broker or the whole stack.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DeviceCredentials } from '../core/alink';

export type ServerMode = 'bare' | 'stack';

export interface ServerOptions {
  /** Devices to provision (stack). */
  provision?: number;
  /** The stack's data folder, kept when it stops (a restart uses the same one). Default: a temporary one. */
  dataDir?: string;
  /** MQTT port; default any free one. */
  port?: number;
}

export interface BenchServer {
  mode: ServerMode;
  child: ChildProcess;
  port: number;
  devices: DeviceCredentials[];
  /** The server process's CPU time so far (all its threads), µs. */
  cpuUs(): Promise<number>;
  rssBytes(): Promise<number>;
  /** Orderly stop: readings stored (stack) and messages per ingest batch. */
  stop(): Promise<{ stored: number; perBatch?: number }>;
  /** SIGKILL, as a crash or a pulled plug would stop it. */
  kill(): Promise<void>;
}

export async function startServer(mode: ServerMode, o: ServerOptions = {}): Promise<BenchServer> {
  // BENCH_CPU_PROF=<dir>: the servers write V8 CPU profiles there (for finding where the time goes).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(join(__dirname, 'ingest-server.ts'), [mode, String(o.provision ?? 0), o.dataDir ?? '', String(o.port ?? 0)], {
    // BENCH_SERVER_FLAGS: more Node flags for the server (e.g. `--trace-gc`).
    execArgv: ['--import', 'tsx', ...prof, ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean)],
    env: process.env,
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ask = <T>(type: string | undefined, answer: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (r: { type: string }) => {
        if (r.type !== answer) return;
        child.off('message', on);
        resolve(r as T);
      };
      child.on('message', on);
      void exited.then(() => reject(new Error(`${mode} server exited with ${child.exitCode ?? child.signalCode}`)));
      if (type) child.send({ type });
    });
  const ready = await ask<{ port: number; devices: DeviceCredentials[] }>(undefined, 'ready');
  return {
    mode,
    child,
    port: ready.port,
    devices: ready.devices,
    cpuUs: async () => (await ask<{ us: number }>('cpu', 'cpu')).us,
    rssBytes: async () => (await ask<{ rssBytes: number }>('mem', 'mem')).rssBytes,
    async stop() {
      const stopped = await ask<{ stored: number; perBatch?: number; error?: string }>('stop', 'stopped');
      await exited;
      if (stopped.error) throw new Error(`${mode} server: ${stopped.error}`);
      return stopped;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The server side of `bench:ingest --steady`, run in a child process so that its CPU time
 * (`process.cpuUsage`, all its threads: broker, message flow, function worker) is measured apart
 * from the load generator's. argv[2]: `bare` (aedes with no hooks, devices log in with any
 * credentials) or `stack` (the real local stack, SQLite with FULL sync unless BENCH_SYNC=normal).
 * argv[3]: devices to provision. argv[4], optional: the stack's data folder, kept when it stops
 * (for a restart on the same data; default a temporary one, removed); argv[5], optional: the MQTT
 * port (default any free one). Talks to the parent over IPC:
 *   → {type:'ready', port, devices}   ← {type:'cpu'} → {type:'cpu', us}   ← {type:'mem'} → {type:'mem', rssBytes}
 *   ← {type:'stop'} → {type:'stopped', stored, perBatch}
 */
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import type { DeviceCredentials } from '../core/alink';
import { createLogger, createMemoryLogger } from '../backend/runtime/deps';
import { createStack, type Stack } from '../local-cloud/stack';
import { tempDir } from './lib';

type ToServer = { type: 'cpu' } | { type: 'mem' } | { type: 'stop' };

const send = (m: unknown) => process.send?.(m);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function bare(port: number): Promise<{ port: number; stop: () => Promise<{ stored: number; perBatch?: number }> }> {
  const broker = await Aedes.createBroker({ maxClientsIdLength: 256 });
  const server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    stop: async () => {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
      return { stored: 0 };
    },
  };
}

function groupCommitFromEnv(v: string | undefined): { targetBatch: number; maxWaitMs: number } | false | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === 'off') return false;
  const [targetBatch, maxWaitMs] = v.split(',').map(Number);
  if (!Number.isInteger(targetBatch) || !(targetBatch! > 0) || !Number.isFinite(maxWaitMs) || !(maxWaitMs! >= 0)) {
    throw new Error(`BENCH_GROUP_COMMIT must be off or <targetBatch>,<maxWaitMs> (e.g. 32,20), not ${v}`);
  }
  return { targetBatch: targetBatch!, maxWaitMs: maxWaitMs! };
}

async function stack(
  n: number,
  dataDir: string | undefined,
  port: number,
): Promise<{ port: number; devices: DeviceCredentials[]; stop: () => Promise<{ stored: number; perBatch?: number }> }> {
  const dir = dataDir ? { path: dataDir, remove: () => undefined } : tempDir('rpm-bench-steady-');
  const s: Stack = await createStack({
    dataDir: dir.path,
    mqttPort: port,
    mqttWsPort: 0,
    httpPort: 0,
    host: '127.0.0.1',
    // BENCH_SERVER_LOG=1: the stack's warnings on stderr (e.g. why connections were dropped).
    log: process.env.BENCH_SERVER_LOG === '1' ? createLogger() : createMemoryLogger(),
    synchronous: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
    // BENCH_GROUP_COMMIT=off: without the message flow's adaptive wait for fuller batches (default
    // on); `<targetBatch>,<maxWaitMs>` (e.g. 32,20): with other bounds than the defaults.
    groupCommit: groupCommitFromEnv(process.env.BENCH_GROUP_COMMIT),
    // BENCH_INLINE=off: every batch goes to the function worker (default: batches are stored on the broker thread while it has time to spare).
    inlineIngest: process.env.BENCH_INLINE === 'off' ? false : undefined,
  });
  const devices: DeviceCredentials[] = [];
  for (let k = 0; k < n; k++) {
    const r = await s.invoke('devices', { action: 'create', deviceName: `steady-${k}` }, { kind: 'admin' });
    if (!r.ok) throw new Error(r.message);
    devices.push(r.data as DeviceCredentials);
  }
  return {
    port: s.ports.mqtt,
    devices,
    stop: async () => {
      await s.close();
      const perBatch = s.flow.stats.messages / Math.max(1, s.flow.stats.batches);
      const { createSqliteStore } = await import('../backend/store/sqlite');
      const store = createSqliteStore({ dataDir: dir.path });
      const stored = (await store.stats()).readings;
      await store.close();
      dir.remove();
      return { stored, perBatch };
    },
  };
}

async function main(): Promise<void> {
  const [mode, count, dataDir, portArg] = process.argv.slice(2);
  const n = Number(count);
  const port = Number(portArg ?? 0);
  const server = mode === 'bare' ? { ...(await bare(port)), devices: [] as DeviceCredentials[] } : await stack(n, dataDir || undefined, port);
  process.on('message', (m: ToServer) => {
    if (m.type === 'cpu') send({ type: 'cpu', us: cpuUs() });
    else if (m.type === 'mem') send({ type: 'mem', rssBytes: process.memoryUsage().rss });
    else if (m.type === 'stop') {
      // Exits by itself (so that a --cpu-prof profile is written) once the parent has the answer.
      const reply = (r: object) => process.send?.(r, () => process.exit(0));
      void server.stop().then(
        (r) => reply({ type: 'stopped', ...r }),
        (e: Error) => reply({ type: 'stopped', stored: -1, error: e.message }),
      );
    }
  });
  send({ type: 'ready', port: server.port, devices: server.devices });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

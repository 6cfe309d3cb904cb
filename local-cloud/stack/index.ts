/**
 * The whole backend on one machine: SQLite store, cloud functions behind the local function host,
 * the embedded broker feeding `ingest` through the message flow, and optional demo devices.
 */
import { join } from 'node:path';
import type { Result } from '../../core';
import { createMqttPolicy } from '../../backend/mqtt-policy';
import type { BackendEvent } from '../../backend/runtime/deps';
import type { Logger } from '../../backend/runtime/deps';
import { createSqliteStore } from '../../backend/store/sqlite';
import { secretKeysFromEnv } from '../../backend/secret-box/key-file';
import type { IngestResult } from '../../cloudfunctions/ingest/messages';
import { createBroker } from '../broker';
import { loadTlsPair } from '../broker/tls';
import { createDeviceControl } from '../broker/device-control';
import { createFunctionHost } from '../function-host';
import { createMqttAuthEndpoints } from '../../backend/mqtt-policy/http';
import { createMessageFlow, type MessageFlowOptions } from '../message-flow';
import type { RateLimit } from '../message-flow/rate-limiter';
import { buildLocalFunctions } from './functions';
import { createInlineRunner, createWorkerRunner, type FunctionRunner } from '../function-runner';
import { startDemoDevices } from './demo';
import { loadOrCreateToken } from './tokens';
import { startAlertTimer } from './alert-timer';
import { createInlineIngest, type InlineIngest } from './inline-ingest';
import { secureDataDir } from './data-dir';
import { createSessionService } from '../../backend/auth/sessions';

/** Where `npm run build` puts the web console (scripts/build-console.ts). */
export const CONSOLE_DIR = join(__dirname, '..', '..', 'web-console', 'dist');

export interface StackOptions {
  /** Folder for the database and local tokens. */
  dataDir: string;
  /** Ports; 0 picks a free one. Defaults 1883 / 8083 / 3000. */
  mqttPort?: number;
  mqttWsPort?: number;
  /** MQTT over TLS port (0 = any free port); undefined = no TLS listener. */
  mqttTlsPort?: number;
  /** PEM certificate and key files for TLS; without them a self-signed pair in `$dataDir/tls/` (with a warning). */
  mqttTlsCert?: string;
  mqttTlsKey?: string;
  httpPort?: number;
  /** Interface the function host binds. Default `127.0.0.1`. */
  host?: string;
  /** Interface the broker binds (devices connect from the LAN). Default `host` if given, else `0.0.0.0`. */
  mqttHost?: string;
  /** Host names besides IP addresses and `localhost` that HTTP requests may name (`HTTP_ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[];
  /** The built web console served at `/console/`. Default `web-console/dist` of this checkout (`npm run build`). */
  consoleDir?: string;
  /** Demo devices to run in-process (0 = none). Default 0 here; `npm start` defaults to 3. */
  demoDevices?: number;
  /** Measurement period of demo devices, seconds. Default 5. */
  demoIntervalS?: number;
  log: Logger;
  now?: () => number;
  rateLimit?: RateLimit;
  /** The message flow's adaptive group commit (local-cloud/message-flow); default on with its defaults, `false` = off. */
  groupCommit?: MessageFlowOptions['groupCommit'];
  /** Messages waiting to be stored before publishes are refused (local-cloud/message-flow `maxQueued`). Default 20 000. */
  maxQueued?: number;
  /** SQLite durability; default `full`. */
  synchronous?: 'full' | 'normal';
  adminToken?: string;
  serviceToken?: string;
  /**
   * Where functions run: `worker` (default) — a worker thread with its own database connection,
   * so storage work does not slow the broker; `process` — on the main thread.
   */
  functionsIn?: 'worker' | 'process';
  /**
   * With functions in the worker: while the broker thread has time to spare, batches of device
   * messages are stored on it through a connection of its own that never waits for the write lock
   * (local-cloud/message-flow `inline`; its options and their defaults: `InlineGateOptions` in
   * local-cloud/message-flow/inline-gate.ts). `false`: every batch goes to the worker. Default on.
   */
  inlineIngest?: Omit<NonNullable<MessageFlowOptions['inline']>, 'ingest'> | false;
  /** Seconds between alert checks (no data, offline, escalation: `alerts.check`); 0 = none. Default 60. */
  alertCheckIntervalS?: number;
}

export async function createStack(opts: StackOptions) {
  const now = opts.now ?? Date.now;
  if (secureDataDir(opts.dataDir, (m) => opts.log.warn(m)) > 0) opts.log.info('data folder: permissions tightened to owner-only (0700/0600)');
  // SECRETS_KEY if set, else the key file in the data folder (docs/security.md "Secrets at rest").
  const store = createSqliteStore({ dataDir: opts.dataDir, synchronous: opts.synchronous, keys: secretKeysFromEnv(process.env, opts.dataDir) });
  await store.resetPresence(now());
  const adminToken = loadOrCreateToken(opts.dataDir, 'admin-token', opts.adminToken);
  const serviceToken = loadOrCreateToken(opts.dataDir, 'service-token', opts.serviceToken);
  const sessionSecret = loadOrCreateToken(opts.dataDir, 'session-secret');
  const sessions = createSessionService({ store, secret: sessionSecret });
  let broker: Awaited<ReturnType<typeof createBroker>> | undefined;
  const deviceControl = createDeviceControl({
    store,
    now,
    log: opts.log,
    publish: (topic, payload) => (broker ? broker.publish(topic, payload, 1) : Promise.reject(new Error('broker not started'))),
    isOnline: (deviceId) => broker?.isOnline(deviceId) ?? false,
  });
  // Functions report access changes; the broker closes sessions that lost what they subscribed to.
  const onEvent = (e: BackendEvent) => {
    if (e.type === 'publish')
      return void broker?.publish(e.topic, e.payload, 1).catch((err: Error) => opts.log.warn(`publish on ${e.topic} failed: ${err.message}`));
    if (e.type === 'access-changed')
      return broker?.recheckUsers(e.userIds).then(
        () => undefined,
        (err: Error) => opts.log.warn(`re-check failed: ${err.message}`),
      );
    if (e.type === 'device-revoked')
      return broker?.kickDevice(e.deviceId).catch((err: Error) => opts.log.warn(`disconnecting ${e.deviceId} failed: ${err.message}`));
  };
  // What every copy of the functions gets besides its store.
  const functionDeps = { now, log: opts.log, secret: sessionSecret, notify: onEvent, control: deviceControl.control };
  const runner: FunctionRunner =
    opts.functionsIn === 'process'
      ? createInlineRunner(buildLocalFunctions({ ...functionDeps, store }))
      : await createWorkerRunner({ dataDir: opts.dataDir, synchronous: opts.synchronous, sessionSecret }, opts.log, onEvent, deviceControl.control);
  const host = opts.host ?? '127.0.0.1';
  let inline: InlineIngest | undefined;
  try {
    inline =
      opts.functionsIn === 'process' || opts.inlineIngest === false
        ? undefined
        : createInlineIngest({ dataDir: opts.dataDir, synchronous: opts.synchronous, deps: functionDeps });
  } catch (e) {
    await runner.close();
    await store.close();
    throw e;
  }

  const mqttPolicy = createMqttPolicy({ store, now, secret: sessionSecret });
  const functionHost = createFunctionHost({
    runner,
    mqttAuth: createMqttAuthEndpoints(mqttPolicy),
    adminToken,
    serviceToken,
    resolveBearer: (token) => sessions.resolve(token, now()),
    health: async () => ({ devicesOnline: broker?.onlineDevices() ?? 0, ...(await store.stats()) }),
    files: { dir: join(opts.dataDir, 'files'), log: opts.log },
    // The broker starts after the host listens; until then the page learns no MQTT port.
    console: { dir: opts.consoleDir ?? CONSOLE_DIR, config: () => (broker ? { mqttWsPort: broker.wsPort, mqttWsPath: '/mqtt' } : {}) },
    allowedHosts: opts.allowedHosts,
  });
  const flow = createMessageFlow({
    now,
    rateLimit: opts.rateLimit,
    groupCommit: opts.groupCommit,
    maxQueued: opts.maxQueued,
    ingest: (messages) => functionHost.invoke('ingest', { action: 'batch', messages }, { kind: 'service', name: 'broker' }) as Promise<Result<IngestResult>>,
    ...(inline ? { inline: { ...opts.inlineIngest, ingest: inline.ingest } } : {}),
    onError: (e) => opts.log.warn(`message flow: ${(e as Error).message}`),
  });

  const closers: Array<() => Promise<void>> = [() => runner.close(), async () => inline?.close()];
  try {
    const httpPort = await functionHost.listen(opts.httpPort ?? 3000, host);
    closers.push(() => functionHost.close());
    broker = await createBroker({
      policy: mqttPolicy,
      onDeviceListening: (deviceId) => {
        deviceControl.onDeviceListening(deviceId).catch((e: Error) => opts.log.warn(`desired state for ${deviceId}: ${e.message}`));
      },
      flow,
      log: opts.log,
      tcpPort: opts.mqttPort ?? 1883,
      wsPort: opts.mqttWsPort ?? 8083,
      ...(opts.mqttTlsPort === undefined
        ? {}
        : { tls: { port: opts.mqttTlsPort, ...loadTlsPair({ certFile: opts.mqttTlsCert, keyFile: opts.mqttTlsKey }, opts.dataDir, (m) => opts.log.warn(m)) } }),
      host: opts.mqttHost ?? opts.host ?? '0.0.0.0',
    });
    const b = broker;
    b.aedes.on('publish', (packet) => deviceControl.onPublish(packet.topic, packet.payload as Buffer));
    const alertTimer = startAlertTimer({ intervalMs: (opts.alertCheckIntervalS ?? 60) * 1000, invoke: functionHost.invoke, log: opts.log });
    const demo = await startDemoDevices({
      count: opts.demoDevices ?? 0,
      intervalS: opts.demoIntervalS ?? 5,
      brokerUrl: `mqtt://127.0.0.1:${b.tcpPort}`,
      store,
      now,
      stateDir: join(opts.dataDir, 'demo-state'),
    });

    let closing: Promise<void> | undefined;
    return {
      ports: { mqtt: b.tcpPort, mqttWs: b.wsPort, http: httpPort, ...(b.tlsPort === undefined ? {} : { mqttTls: b.tlsPort }) },
      adminToken,
      store,
      broker: b,
      flow,
      functionHost,
      /** Where functions run (its `pendingCalls` shows calls in flight). */
      functionRunner: runner,
      demo,
      invoke: functionHost.invoke,
      async status() {
        return { devicesOnline: b.onlineDevices(), ...(await store.stats()), flow: { ...flow.stats } };
      },
      /**
       * Orderly shutdown: demo devices stop, the broker stops taking messages, the flow stores
       * what it holds (every acknowledged reading is then in storage), then HTTP and the store.
       * Safe to call twice.
       */
      close(): Promise<void> {
        closing ??= (async () => {
          await demo.stop();
          await alertTimer.stop();
          await b.close();
          await flow.idle();
          await functionHost.close();
          await runner.close();
          await inline?.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await broker?.close();
    for (const c of closers.reverse()) await c();
    await store.close();
    throw e;
  }
}

export type Stack = Awaited<ReturnType<typeof createStack>>;

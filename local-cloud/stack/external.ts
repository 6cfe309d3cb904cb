/**
 * The backend on this machine with an external broker (EMQX) instead of the embedded one
 * (`BROKER=emqx npm start`): the function host and SQLite here, the broker elsewhere. EMQX calls
 * this host as it would call CloudBase — POST /mqtt/auth and /mqtt/acl for logins and topic checks,
 * POST /mqtt/webhook for device messages and connection events (with the service token as
 * bearer) — and the functions reach EMQX through its REST API: commands, replies to devices,
 * retained presence, and disconnecting people who lost access. docs/deploy.md ("EMQX") has the
 * EMQX side.
 *
 * Functions run on the main thread: there is no broker here whose latency they could hurt.
 */
import type { Result } from '../../core';
import { createEmqxBrokerApi, type EmqxBrokerApiOptions } from '../../backend/broker-api/emqx';
import { createRemoteDeviceControl } from '../../backend/device-control/remote';
import { createMqttPolicy } from '../../backend/mqtt-policy';
import { createMqttAuthEndpoints } from '../../backend/mqtt-policy/http';
import { createSessionService } from '../../backend/auth/sessions';
import { disconnectDevice, disconnectUsers } from '../../backend/runtime/broker-environment';
import type { BackendEvent, Logger } from '../../backend/runtime/deps';
import type { Caller } from '../../backend/runtime/context';
import { createSqliteStore } from '../../backend/store/sqlite';
import { secretKeysFromEnv } from '../../backend/secret-box/key-file';
import { createFunctionHost } from '../function-host';
import { createInlineRunner } from '../function-runner';
import { buildLocalFunctions } from './functions';
import { loadOrCreateToken } from './tokens';
import { secureDataDir } from './data-dir';

export interface ExternalStackOptions {
  dataDir: string;
  /** EMQX's REST API (backend/broker-api/emqx.ts). */
  emqx: EmqxBrokerApiOptions;
  /** Default 3000; 0 picks a free port. */
  httpPort?: number;
  /** Default `127.0.0.1` (set `HOST` so that EMQX can reach it). */
  host?: string;
  /** Host names besides IP addresses and `localhost` that requests may name (`HTTP_ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[];
  log: Logger;
  now?: () => number;
  synchronous?: 'full' | 'normal';
  adminToken?: string;
  /** The bearer EMQX sends to /mqtt/*. */
  serviceToken?: string;
}

export async function createExternalBrokerStack(opts: ExternalStackOptions) {
  const now = opts.now ?? Date.now;
  const broker = createEmqxBrokerApi(opts.emqx);
  if (secureDataDir(opts.dataDir, (m) => opts.log.warn(m)) > 0) opts.log.info('data folder: permissions tightened to owner-only (0700/0600)');
  // SECRETS_KEY if set, else the key file in the data folder (docs/security.md "Secrets at rest").
  const store = createSqliteStore({ dataDir: opts.dataDir, synchronous: opts.synchronous, keys: secretKeysFromEnv(process.env, opts.dataDir) });
  const adminToken = loadOrCreateToken(opts.dataDir, 'admin-token', opts.adminToken);
  const serviceToken = loadOrCreateToken(opts.dataDir, 'service-token', opts.serviceToken);
  const secret = loadOrCreateToken(opts.dataDir, 'session-secret');
  const sessions = createSessionService({ store, secret });
  const notify = async (e: BackendEvent) => {
    if (e.type === 'access-changed') await disconnectUsers(broker, e.userIds);
    if (e.type === 'device-revoked') await disconnectDevice(broker, e.deviceId);
  };
  const control = createRemoteDeviceControl({ broker, store, now });
  const runner = createInlineRunner(buildLocalFunctions({ store, now, log: opts.log, secret, notify, control, broker }));
  const functionHost = createFunctionHost({
    runner,
    mqttAuth: createMqttAuthEndpoints(createMqttPolicy({ store, now, secret })),
    adminToken,
    serviceToken,
    resolveBearer: (token) => sessions.resolve(token, now()),
    health: async () => ({ broker: 'emqx', ...(await store.stats()) }),
    allowedHosts: opts.allowedHosts,
  });
  let httpPort: number;
  try {
    httpPort = await functionHost.listen(opts.httpPort ?? 3000, opts.host ?? '127.0.0.1');
  } catch (e) {
    await store.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    ports: { http: httpPort },
    adminToken,
    store,
    functionHost,
    invoke: (name: string, event: unknown, caller: Caller): Promise<Result<unknown>> => functionHost.invoke(name, event, caller),
    /** Stops taking requests, lets those in flight finish, closes the store. Safe to call twice. */
    close(): Promise<void> {
      closing ??= (async () => {
        await functionHost.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export type ExternalBrokerStack = Awaited<ReturnType<typeof createExternalBrokerStack>>;

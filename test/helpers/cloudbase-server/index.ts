/**
 * A local stand-in for CloudBase's document database, spoken to by the real `@cloudbase/node-sdk`
 * through its `serviceUrl` option. It answers the SDK's `/admin` database actions by executing
 * them with mingo (an in-memory MongoDB-compatible engine) and enforces CloudBase's documented
 * limits, so an adapter that would break on CloudBase breaks here too. What it does not prove:
 * docs/cloudbase-stand-in.md.
 *
 *   const server = await startCloudbaseServer();
 *   const db = tcb.init(sdkOptions(server)).database();
 */
import type { AddressInfo } from 'node:net';
import { createHttpServer, type RecordedRequest, type ServerState } from './http-server';
import { Database } from './store';
import { TransactionManager } from './transactions';

export type { RecordedRequest } from './http-server';

export interface CloudbaseServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Keep every request body (and its path, query and headers) for `recorded()`. */
  record?: boolean;
  /** How long an abandoned transaction lives (default 60 s, MongoDB's transactionLifetimeLimitSeconds). */
  transactionLifetimeMs?: number;
  /** Server clock (ms) for `db.serverDate()` and transaction expiry; default `Date.now`. */
  clock?: () => number;
}

export interface CloudbaseServerStats {
  requests: number;
  byAction: Record<string, number>;
  /** Documents returned to the client: get, aggregate output, reads in transactions, updateAndReturn. */
  docsRead: number;
  /** Documents inserted, modified (changed) or removed; transactional writes count at commit. */
  docsWritten: number;
}

export interface CloudbaseServer {
  /** Pass to `tcb.init({ serviceUrl })`, e.g. http://127.0.0.1:PORT/admin */
  serviceUrl: string;
  /** The env id this server accepts. */
  env: string;
  stats(): CloudbaseServerStats;
  resetStats(): void;
  /** Requests received while `record: true`, oldest first (each has `action` and `body`). */
  recorded(): RecordedRequest[];
  /**
   * Answers the next `count` (default 1) requests of `action` (e.g. `database.startTransaction`),
   * after `skip` (default 0) of them pass, with `DATABASE_REQUEST_FAILED`: a failure half-way
   * through a batch, for retry tests.
   */
  failRequests(action: string, opts?: { skip?: number; count?: number }): void;
  /** Deep copies of the committed documents of a collection, in natural order ([] if none). */
  documents(collection: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

const ENV = 'test-env';
const DEFAULT_TRANSACTION_LIFETIME_MS = 60_000;

export async function startCloudbaseServer(opts: CloudbaseServerOptions = {}): Promise<CloudbaseServer> {
  quietSdkNetworkProbes();
  const state = initialState(opts);
  const http = createHttpServer(state);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/admin`,
    env: ENV,
    stats: () => ({ requests: state.requests, byAction: { ...state.byAction }, ...state.counters }),
    resetStats: () => resetStats(state),
    recorded: () => state.recorded.map((r) => structuredClone(r)),
    failRequests: (action, o = {}) => {
      state.faults.push({ action, skip: o.skip ?? 0, count: o.count ?? 1 });
    },
    documents: (collection) => state.db.snapshot(collection),
    close: () => closeServer(http),
  };
}

/** `tcb.init` options for the SDK against this server: env, dummy credentials, serviceUrl, timeout. */
export function sdkOptions(server: CloudbaseServer): Record<string, unknown> {
  quietSdkNetworkProbes();
  return { env: server.env, secretId: 'stand-in-secret-id', secretKey: 'stand-in-secret-key', serviceUrl: server.serviceUrl, timeout: 5000 };
}

/**
 * Outside Tencent Cloud, @cloudbase/node-sdk probes http://metadata.tencentyun.com before EVERY
 * request (utils/cloudplatform.js `checkIsInTencentCloud` → utils/metadata.js `lookupAppId`, 30 ms
 * axios timeout, and a failed probe is not cached), plus once from `tcb.init()` (`preflight…`).
 * That is two DNS lookups per call leaving the machine, and a lookup still pending when the test
 * ends holds the process open. `TENCENTCLOUD=true` is the SDK's own switch that skips the probe;
 * its only other effects are the default endpoint (overridden by `serviceUrl`) and the
 * `X-TCB-Source` header (",tencentcloud" instead of ",unknown"). Jest gives each test file its own
 * copy of process.env, so this does not leak between files.
 */
export function quietSdkNetworkProbes(): void {
  process.env.TENCENTCLOUD = 'true';
}

function initialState(opts: CloudbaseServerOptions): ServerState {
  const clock = opts.clock ?? Date.now;
  const db = new Database();
  return {
    env: ENV,
    db,
    txns: new TransactionManager(db, opts.transactionLifetimeMs ?? DEFAULT_TRANSACTION_LIFETIME_MS, clock),
    counters: { docsRead: 0, docsWritten: 0 },
    requests: 0,
    byAction: {},
    record: opts.record ?? false,
    recorded: [],
    nextRequestId: 0,
    clock,
    faults: [],
  };
}

function resetStats(state: ServerState): void {
  state.requests = 0;
  state.byAction = {};
  state.counters.docsRead = 0;
  state.counters.docsWritten = 0;
}

function closeServer(http: ReturnType<typeof createHttpServer>): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    // The SDK keeps connections alive (agentkeepalive); without this, close() waits for them.
    http.closeAllConnections();
  });
}

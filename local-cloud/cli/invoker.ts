/**
 * How the CLI reaches the functions: over HTTP when the local stack is running (so the running
 * broker sees new devices at once), otherwise in-process against the same SQLite data folder.
 */
import type { Result } from '../../core';
import { createLogger } from '../../backend/runtime/deps';
import { createSqliteStore } from '../../backend/store/sqlite';
import { buildFunctions } from '../stack/functions';
import { readToken } from '../stack/tokens';

export type Invoke = (name: string, event: Record<string, unknown>) => Promise<Result<unknown>>;

export interface Invoker {
  invoke: Invoke;
  /** Where calls go, for messages. */
  via: string;
  close(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1500) });
    return r.ok;
  } catch {
    return false;
  }
}

export async function createInvoker(opts: { url: string; dataDir: string; token?: string }): Promise<Invoker> {
  const token = opts.token ?? readToken(opts.dataDir, 'admin-token');
  if (token && (await reachable(opts.url))) {
    return {
      via: opts.url,
      invoke: async (name, event) => {
        const r = await fetch(`${opts.url}/functions/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(event),
        });
        return (await r.json()) as Result<unknown>;
      },
      close: async () => undefined,
    };
  }
  const store = createSqliteStore({ dataDir: opts.dataDir });
  const functions = buildFunctions({ store, now: Date.now, log: createLogger() });
  return {
    via: `${opts.dataDir} (stack not running)`,
    invoke: (name, event) => functions[name](event, { caller: { kind: 'admin' } }),
    close: () => store.close(),
  };
}

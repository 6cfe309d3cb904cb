/**
 * How the CLI reaches the functions, by the store `STORE` selects (`backend/runtime/environment`):
 * - `sqlite` (default): over HTTP when the local stack is running (so the running broker sees new
 *   devices at once), otherwise in-process against the same SQLite data folder;
 * - `cloudbase`: in-process against the CloudBase database, with the API keys from the environment
 *   (`cloudbaseOptionsFromEnv`). This is how operators act on a CloudBase deployment: the deployed
 *   functions only ever see WeChat users, never an operator (docs/deploy.md).
 * Either way the in-process functions run as `admin`, the operator at the keyboard.
 */
import { err, ErrorCode, type Result } from '../../core';
import type { Invoke } from '../../core/api';
import { createLogger } from '../../backend/runtime/deps';
import { openStoreFromEnv, storeKindOf } from '../../backend/runtime/environment';
import { secureDataDir } from '../stack/data-dir';
import { buildFunctions } from '../stack/functions';
import { readToken } from '../stack/tokens';

export type { Invoke } from '../../core/api';

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

export async function createInvoker(opts: { url: string; dataDir: string; token?: string; env?: NodeJS.ProcessEnv }): Promise<Invoker> {
  const env = opts.env ?? process.env;
  const kind = storeKindOf(env);
  const token = kind === 'sqlite' ? (opts.token ?? readToken(opts.dataDir, 'admin-token')) : undefined;
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
  if (kind === 'sqlite') secureDataDir(opts.dataDir); // owner-only, as `npm start` makes it
  const store = await openStoreFromEnv({ ...env, DATA_DIR: opts.dataDir });
  const functions = buildFunctions({ store, now: Date.now, log: createLogger() });
  return {
    via: kind === 'cloudbase' ? `CloudBase environment ${env.CLOUDBASE_ENV ?? env.TCB_ENV ?? ''}` : `${opts.dataDir} (stack not running)`,
    invoke: async (name, event) => {
      const fn = functions[name];
      if (!fn) return err(ErrorCode.NotFound, `no function named ${name}`);
      return fn(event, { caller: { kind: 'admin' } });
    },
    close: () => store.close(),
  };
}

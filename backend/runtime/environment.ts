/**
 * Dependencies for a function run by a platform that only calls `main(event, context)`
 * (CloudBase, `tcb fn run`). Built per invocation and closed afterwards, so nothing lives in
 * module scope. The local function host does not use this: it builds the dependencies once and
 * calls each function's `createHandler(deps)`.
 *
 * Environment:
 * - `STORE` = `cloudbase` (the CloudBase document database; connection from
 *   `cloudbaseOptionsFromEnv`) or `sqlite` (`DATA_DIR`, default `./data`).
 * - Inside CloudBase (`insideCloudbase`) the store is always `cloudbase`: an unset `STORE` means
 *   `cloudbase`, and `STORE=sqlite` is refused, because a function instance's disk is temporary —
 *   "这块临时磁盘空间在函数执行完毕后可能被销毁"
 *   (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/mechanism.html) —
 *   and concurrent instances do not share it, so SQLite there would silently lose data.
 * - Anywhere else an unset `STORE` means `sqlite`, the embedded default.
 * - `SECRETS_KEY` (CloudBase: required) or the key file `SECRETS_KEY_FILE` / `{DATA_DIR}/secrets.key`
 *   (SQLite): the keys sealing device secrets and hashing codes (backend/secret-box/key-file.ts).
 * - The broker's settings (`REALTIME_SECRET`, `BROKER`, EMQX's API): broker-environment.ts.
 *
 * The adapters are imported on demand, so a bundled function loads `better-sqlite3` (a native
 * module the CloudBase build does not install) only when `STORE=sqlite`.
 */
import { AppError, err, ErrorCode, type Result, toErr } from '../../core';
import { cloudbaseOptionsFromEnv, insideCloudbase } from '../store/cloudbase/options';
import type { Store } from '../store/types';
import { secretKeysFromEnv } from '../secret-box/key-file';
import { createLogger, type FunctionDeps, type Logger } from './deps';
import { brokerDepsFromEnv } from './broker-environment';

export type StoreKind = 'sqlite' | 'cloudbase';

/** The store the environment selects; an `UNAVAILABLE` AppError for an unknown or refused choice. */
export function storeKindOf(env: NodeJS.ProcessEnv): StoreKind {
  const inside = insideCloudbase(env);
  const kind = env.STORE?.trim() || (inside ? 'cloudbase' : 'sqlite');
  if (kind !== 'sqlite' && kind !== 'cloudbase') {
    throw new AppError(ErrorCode.Unavailable, `STORE must be "cloudbase" or "sqlite", got "${kind}"`);
  }
  if (kind === 'sqlite' && inside) {
    throw new AppError(
      ErrorCode.Unavailable,
      "STORE=sqlite is refused inside CloudBase: a function instance's disk is temporary and not shared, " +
        'so the data would be lost; use STORE=cloudbase (the default there)',
    );
  }
  return kind;
}

/** Opens the store the environment selects. Throws an `AppError` naming what is wrong or missing. */
export async function openStoreFromEnv(env: NodeJS.ProcessEnv): Promise<Store> {
  if (storeKindOf(env) === 'cloudbase') {
    const opts = cloudbaseOptionsFromEnv(env);
    const { createCloudbaseStore } = await import('../store/cloudbase');
    return createCloudbaseStore({ ...opts, keys: secretKeysFromEnv(env) });
  }
  const { createSqliteStore } = await import('../store/sqlite');
  const dataDir = env.DATA_DIR || './data';
  return createSqliteStore({ dataDir, keys: secretKeysFromEnv(env, dataDir) });
}

/** A failure to open the store as a result; unexpected errors are logged, not shown to the caller. */
function openFailure(thrown: unknown, log: Logger): Result<never> {
  if (thrown instanceof AppError) return toErr(thrown);
  log.warn(`could not open the store: ${(thrown as Error)?.stack ?? String(thrown)}`);
  return err(ErrorCode.Unavailable, 'the store could not be opened');
}

export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env, log: Logger = createLogger()) {
  return {
    async use<T>(fn: (deps: FunctionDeps) => Promise<Result<T>>): Promise<Result<T>> {
      let store: Store;
      try {
        store = await openStoreFromEnv(env);
      } catch (thrown) {
        return openFailure(thrown, log);
      }
      try {
        let extra: ReturnType<typeof brokerDepsFromEnv>;
        try {
          extra = brokerDepsFromEnv(env, store, Date.now);
        } catch (thrown) {
          return openFailure(thrown, log);
        }
        return await fn({ store, now: Date.now, log, ...extra });
      } finally {
        // A failed close must not replace the answer the function already has.
        await store.close().catch((e: unknown) => log.warn(`closing the store failed: ${(e as Error)?.message ?? String(e)}`));
      }
    },
  };
}

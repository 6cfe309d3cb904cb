/**
 * Dependencies for a function run by a platform that only calls `main(event, context)`
 * (CloudBase, `tcb fn run`). Built per invocation and closed afterwards, so nothing lives in
 * module scope. The local function host does not use this: it builds the dependencies once and
 * calls each function's `createHandler(deps)`.
 *
 * Environment: `STORE` = `sqlite` (default; `DATA_DIR`, default `./data`). The CloudBase database
 * adapter plugs in here as another `STORE` value.
 */
import { AppError, ErrorCode, Result, toErr } from '../../core';
import { createSqliteStore } from '../store/sqlite';
import { createLogger, FunctionDeps } from './deps';

export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return {
    async use<T>(fn: (deps: FunctionDeps) => Promise<Result<T>>): Promise<Result<T>> {
      const kind = env.STORE ?? 'sqlite';
      if (kind !== 'sqlite') return toErr(new AppError(ErrorCode.Unavailable, `STORE=${kind} is not supported by this build`));
      const store = createSqliteStore({ dataDir: env.DATA_DIR ?? './data' });
      try {
        return await fn({ store, now: Date.now, log: createLogger() });
      } finally {
        await store.close();
      }
    },
  };
}

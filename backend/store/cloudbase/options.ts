/**
 * Where the CloudBase store connects, read from the environment. Inside a CloudBase function the
 * platform provides the environment id and temporary keys (`TENCENTCLOUD_SECRETID`,
 * `TENCENTCLOUD_SECRETKEY`, `TENCENTCLOUD_SESSIONTOKEN`, read by `@cloudbase/node-sdk` itself);
 * anywhere else (the CLI on an operator's machine, the opt-in live test, the benchmark against the
 * local stand-in) they must be given.
 */
import { AppError, ErrorCode } from '../../../core';

export interface CloudbaseStoreOptions {
  /**
   * CloudBase environment id (`CLOUDBASE_ENV`). Omitted inside a CloudBase function: the SDK's
   * `SYMBOL_CURRENT_ENV` (the function's own environment) is used.
   */
  env?: string;
  /** API key id (`TENCENTCLOUD_SECRETID`); inside CloudBase the platform's temporary key. */
  secretId?: string;
  /** API key secret (`TENCENTCLOUD_SECRETKEY`). */
  secretKey?: string;
  /** Temporary key token (`TENCENTCLOUD_SESSIONTOKEN`). */
  sessionToken?: string;
  /**
   * Endpoint for the SDK's `/admin` requests (`CLOUDBASE_SERVICE_URL`), for the local stand-in
   * used by tests and benchmarks. Default: the SDK's own (the real CloudBase API).
   */
  serviceUrl?: string;
  /** Request timeout, ms (`CLOUDBASE_TIMEOUT_MS`). Default 15 000 (the SDK's default). */
  timeoutMs?: number;
  /** Prefix for every collection name (`CLOUDBASE_COLLECTION_PREFIX`), e.g. to share one environment. Default `rpm_`. */
  collectionPrefix?: string;
}

/** True inside a Tencent serverless function (CloudBase runs functions on SCF). */
export function insideCloudbase(env: NodeJS.ProcessEnv): boolean {
  return env.TENCENTCLOUD_RUNENV === 'SCF' || env.SCF_NAMESPACE !== undefined;
}

/** Options from the environment; a clear error naming the first missing variable otherwise. */
export function cloudbaseOptionsFromEnv(env: NodeJS.ProcessEnv): CloudbaseStoreOptions {
  const inside = insideCloudbase(env);
  const opts: CloudbaseStoreOptions = {};
  const pick = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const envId = pick('CLOUDBASE_ENV') ?? pick('TCB_ENV');
  if (envId) opts.env = envId;
  else if (!inside) throw new AppError(ErrorCode.Unavailable, 'STORE=cloudbase needs CLOUDBASE_ENV (the CloudBase environment id)');
  const secretId = pick('TENCENTCLOUD_SECRETID');
  const secretKey = pick('TENCENTCLOUD_SECRETKEY');
  // Checked inside CloudBase too, where the runtime sets them: without them @cloudbase/node-sdk
  // 3.18 rejects a promise nobody awaits (TcbApiHttpRequester.prepareCredentials in
  // dist/utils/tcbapirequester.js), which ends a Node process; a clear error is better.
  const where = inside ? 'inside CloudBase (the function runtime normally sets it)' : 'outside CloudBase';
  if (!secretId) throw new AppError(ErrorCode.Unavailable, `STORE=cloudbase ${where} needs TENCENTCLOUD_SECRETID (an API key id)`);
  if (!secretKey) throw new AppError(ErrorCode.Unavailable, `STORE=cloudbase ${where} needs TENCENTCLOUD_SECRETKEY (an API key secret)`);
  opts.secretId = secretId;
  opts.secretKey = secretKey;
  const token = pick('TENCENTCLOUD_SESSIONTOKEN');
  if (token) opts.sessionToken = token;
  const url = pick('CLOUDBASE_SERVICE_URL');
  if (url) {
    if (!/^https?:\/\/[^/]+/.test(url)) throw new AppError(ErrorCode.Unavailable, `CLOUDBASE_SERVICE_URL must be an http(s) URL, got "${url}"`);
    opts.serviceUrl = url;
  }
  const timeout = pick('CLOUDBASE_TIMEOUT_MS');
  if (timeout) {
    const n = Number(timeout);
    if (!Number.isInteger(n) || n < 100) throw new AppError(ErrorCode.Unavailable, `CLOUDBASE_TIMEOUT_MS must be an integer ≥ 100, got "${timeout}"`);
    opts.timeoutMs = n;
  }
  const prefix = pick('CLOUDBASE_COLLECTION_PREFIX');
  if (prefix !== undefined) {
    if (!/^[A-Za-z0-9_-]{0,32}$/.test(prefix))
      throw new AppError(ErrorCode.Unavailable, 'CLOUDBASE_COLLECTION_PREFIX may hold only letters, digits, "_" and "-" (at most 32)');
    opts.collectionPrefix = prefix;
  }
  return opts;
}

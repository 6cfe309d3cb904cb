/**
 * How the mini program reaches the cloud functions: `wx.cloud.callFunction` on CloudBase, or HTTP
 * to the local function host (`POST /functions/<name>`). Both answer with the functions' own
 * `Result`; anything else (network failure, a proxy's HTML page) becomes an `Err`, so a caller
 * handles one shape and every call settles.
 */
import { err, ErrorCode, type Result } from '../lib/core';

export type CallFunction = <T>(name: string, event: Record<string, unknown>) => Promise<Result<T>>;

/** The part of `wx.request` the HTTP transport uses. */
export type RequestFn = (opts: {
  url: string;
  method: 'POST';
  data: string;
  header: Record<string, string>;
  timeout: number;
  success: (res: { statusCode: number; data: unknown }) => void;
  fail: (e: { errMsg: string }) => void;
}) => unknown;

/** The part of `wx.cloud` the CloudBase transport uses. */
export interface CloudLike {
  callFunction(opts: { name: string; data: Record<string, unknown> }): Promise<{ result?: unknown }>;
}

function asResult<T>(body: unknown): Result<T> {
  if (body && typeof body === 'object' && typeof (body as { ok?: unknown }).ok === 'boolean') {
    const r = body as Result<T>;
    if (r.ok || (typeof r.code === 'string' && typeof r.message === 'string')) return r;
  }
  return err(ErrorCode.Unavailable, '服务返回了无法识别的结果');
}

export interface HttpTransportOptions {
  request: RequestFn;
  /** The local function host, e.g. `http://192.168.1.10:3000` (no trailing slash). */
  baseUrl: string;
  /** The current session token, if signed in. */
  token: () => string | undefined;
  /** Per-call timeout, ms. Default 15 000 (a command waits up to 5 s for the device). */
  timeoutMs?: number;
}

export function createHttpTransport(opts: HttpTransportOptions): CallFunction {
  const base = opts.baseUrl.replace(/\/+$/, '');
  return <T>(name: string, event: Record<string, unknown>) =>
    new Promise<Result<T>>((resolve) => {
      const token = opts.token();
      const header: Record<string, string> = { 'content-type': 'application/json' };
      if (token) header.authorization = `Bearer ${token}`;
      opts.request({
        url: `${base}/functions/${encodeURIComponent(name)}`,
        method: 'POST',
        data: JSON.stringify(event),
        header,
        timeout: opts.timeoutMs ?? 15_000,
        success: (res) => {
          let body = res.data;
          if (typeof body === 'string') {
            try {
              body = JSON.parse(body);
            } catch {
              body = undefined;
            }
          }
          resolve(asResult<T>(body));
        },
        fail: (e) => resolve(err(ErrorCode.Unavailable, `网络不可用：${e.errMsg}`)),
      });
    });
}

export function createCloudTransport(cloud: CloudLike): CallFunction {
  return async <T>(name: string, event: Record<string, unknown>) => {
    try {
      const res = await cloud.callFunction({ name, data: event });
      return asResult<T>(res.result);
    } catch (e) {
      return err(ErrorCode.Unavailable, `云函数调用失败：${(e as { errMsg?: string; message?: string }).errMsg ?? (e as Error).message}`);
    }
  };
}

/**
 * The cloud functions over HTTP, as the local function host serves them (`POST /functions/<name>`,
 * same origin as the console): the caller is named by `Authorization: Bearer <token>` only.
 */
import { err, ErrorCode, type Result } from '../../core/result';

export type Call = <T>(fn: string, event: Record<string, unknown>) => Promise<Result<T>>;

/** A caller of the functions with the token `token()` returns (none: anonymous). */
export function createCall(base: string, token: () => string | undefined, fetchFn: typeof fetch = fetch.bind(globalThis)): Call {
  return async <T>(fn: string, event: Record<string, unknown>): Promise<Result<T>> => {
    const t = token();
    try {
      const r = await fetchFn(`${base}/functions/${encodeURIComponent(fn)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
        body: JSON.stringify(event),
      });
      const body = (await r.json()) as Result<T>;
      return body && typeof body === 'object' && 'ok' in body ? body : err(ErrorCode.Internal, `unexpected answer (HTTP ${r.status})`);
    } catch (e) {
      return err(ErrorCode.Unavailable, `the server cannot be reached: ${(e as Error).message}`);
    }
  };
}

/** The data of a result, or throws its message (for UI code that shows errors in one place). */
export async function must<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.message} (${r.code})`);
  return r.data;
}

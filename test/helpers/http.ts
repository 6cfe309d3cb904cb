/** Calling the local function host over real HTTP, as the mini program's service layer does. */
type Json = Record<string, unknown>;

export function functionClient(port: () => number) {
  async function call(fn: string, event: Json, token?: string): Promise<{ status: number; body: Json }> {
    const r = await fetch(`http://127.0.0.1:${port()}/functions/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(event),
    });
    return { status: r.status, body: (await r.json()) as Json };
  }
  /** The `data` of a successful result; throws with the error otherwise. */
  async function data(fn: string, event: Json, token?: string): Promise<Json> {
    const r = await call(fn, event, token);
    if (r.body.ok !== true) throw new Error(`${fn}.${String(event.action)}: ${JSON.stringify(r.body)}`);
    return r.body.data as Json;
  }
  const login = async (code: string) => (await data('auth', { action: 'login', code, name: code })).token as string;
  return { call, data, login };
}

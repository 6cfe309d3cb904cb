/**
 * Calling the local function host over real HTTP, as the mini program's service layer does. `call`
 * and `data` send any event (tests of bad input need that); `act` sends a declared action, typed
 * from the functions' contract (core/api/contract) like the mini program's api client.
 */
import type { ActionInput, ActionName, ActionResult, FunctionName } from '../../core/api';

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
  /** A declared action's answer, typed from the contract; throws with the error otherwise. */
  async function act<F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, input: ActionInput<F, A>, token?: string): Promise<ActionResult<F, A>> {
    return (await data(fn, { action, ...(input as Json) }, token)) as ActionResult<F, A>;
  }
  const login = async (code: string) => {
    const { token } = await act('auth', 'login', { code, name: code });
    if (!token) throw new Error(`auth.login for ${code} gave no session token`);
    return token;
  };
  return { call, data, act, login };
}

/**
 * Shared by the stand-in's tests: the real @cloudbase/node-sdk pointed at a fresh server.
 * Each test file starts its own server on an ephemeral port.
 */
import tcb from '@cloudbase/node-sdk';
import { type CloudbaseServer, type CloudbaseServerOptions, sdkOptions, startCloudbaseServer } from '../helpers/cloudbase-server';

export type Db = ReturnType<ReturnType<typeof tcb.init>['database']>;

export interface Harness {
  server: CloudbaseServer;
  db: Db;
}

/** Starts a server before the file's tests and closes it after; use the getters inside tests. */
export function useStandIn(opts: CloudbaseServerOptions = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    h.server = await startCloudbaseServer(opts);
    h.db = tcb.init(sdkOptions(h.server)).database();
  });
  afterAll(async () => {
    await h.server.close();
  });
  return h;
}

/** The `TcbError` a call rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    return { code: String(err.code), message: String(err.message) };
  }
  throw new Error('expected the call to fail, it succeeded');
}

let counter = 0;
/** A new, empty collection. */
export async function freshCollection(db: Db, prefix = 'c'): Promise<string> {
  const name = `${prefix}_${++counter}`;
  await db.createCollection(name);
  return name;
}

/** POST a raw body to the server, as a client other than the SDK might. */
export async function rawPost(server: CloudbaseServer, body: string, path = '/admin'): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(server.serviceUrl);
  const r = await fetch(`${url.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** A raw action with the env filled in. */
export function rawAction(server: CloudbaseServer, action: string, params: Record<string, unknown> = {}) {
  return rawPost(server, JSON.stringify({ action, envName: server.env, ...params }));
}

/** `db.command.mod(divisor, remainder)`: the SDK reads `arguments`, its typings declare no parameters. */
export function modOf(db: Db, divisor: number, remainder: number): ReturnType<Db['command']['eq']> {
  return (db.command.mod as unknown as (d: number, r: number) => ReturnType<Db['command']['eq']>)(divisor, remainder);
}

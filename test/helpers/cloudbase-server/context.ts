/** What every action handler gets: the database, open transactions, counters and the request time. */
import type { Database } from './store';
import type { TransactionManager } from './transactions';
import type { Params } from './params';

export interface Counters {
  docsRead: number;
  docsWritten: number;
}

export interface ActionContext {
  db: Database;
  txns: TransactionManager;
  counters: Counters;
  /** Server time of this request (ms), for `db.serverDate()`. */
  now: number;
}

/** An action's answer, without `requestId` (the HTTP layer adds it). */
export type ActionResult = Record<string, unknown>;

export type ActionHandler = (p: Params, ctx: ActionContext) => ActionResult;

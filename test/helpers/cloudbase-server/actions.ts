/**
 * The `/admin` database actions this stand-in answers, by the `action` name the SDK sends
 * (`@cloudbase/node-sdk/dist/utils/tcbdbapirequester.js` puts it in the body next to the
 * parameters). A request with a `transactionId` runs the transactional form of its action.
 */
import { invalidParam } from './errors';
import type { ActionContext, ActionHandler, ActionResult } from './context';
import * as docs from './document-actions';
import * as tx from './transaction-actions';
import type { Params } from './params';

interface Route {
  plain: ActionHandler;
  /** Used when the request carries a `transactionId`. */
  inTransaction: ActionHandler;
}

const route = (plain: ActionHandler, inTransaction: ActionHandler): Route => ({ plain, inTransaction });
const txOnly = (h: ActionHandler): Route => route(h, h);

const ROUTES: Record<string, Route> = {
  'database.addCollection': route(docs.addCollection, tx.refusedInTransaction('creating a collection')),
  'database.insertDocument': route(docs.insertDocuments, tx.insertInTransaction),
  'database.getDocument': route(docs.getDocuments, tx.getInTransactionByDoc),
  'database.calculateDocument': route(docs.countDocuments, tx.refusedInTransaction('count()')),
  'database.modifyDocument': route(docs.modifyDocuments, tx.modifyInTransaction),
  'database.removeDocument': route(docs.removeDocuments, tx.removeInTransaction),
  'database.modifyAndReturnDoc': route(docs.modifyAndReturn, tx.refusedInTransaction('updateAndReturn()')),
  'database.aggregateDocuments': route(docs.aggregateDocuments, tx.refusedInTransaction('aggregate()')),
  'database.startTransaction': txOnly(tx.startTransaction),
  'database.commitTransaction': txOnly(tx.commitTransaction),
  'database.abortTransaction': txOnly(tx.abortTransaction),
  'database.getInTransaction': txOnly(tx.getInTransaction),
  'database.updateDocInTransaction': txOnly(tx.updateDocInTransaction),
  'database.deleteDocInTransaction': txOnly(tx.deleteDocInTransaction),
};

export const SUPPORTED_ACTIONS = Object.keys(ROUTES);

export function runAction(action: string, p: Params, ctx: ActionContext): ActionResult {
  const r = ROUTES[action];
  if (!r) throw invalidParam(`unknown action '${action}'; this stand-in answers ${SUPPORTED_ACTIONS.join(', ')}`);
  const inTransaction = p.transactionId !== undefined && p.transactionId !== null;
  return (inTransaction ? r.inTransaction : r.plain)(p, ctx);
}

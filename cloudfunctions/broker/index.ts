/**
 * `broker`: what a production broker (EMQX) calls over HTTP — login checks (`auth`), topic checks
 * (`acl`) and the rule-engine webhook (`webhook`) that brings device messages and connection
 * events to storage. Locally the function host serves it at POST /mqtt/auth, /mqtt/acl and
 * /mqtt/webhook; on CloudBase the HTTP access service routes the same paths here (docs/deploy.md).
 * Only the broker may call it: the local host checks its service token, and on CloudBase the
 * request must carry `Authorization: Bearer <BROKER_HOOK_SECRET>`.
 */
import { broker } from '../../core/api/contract/broker';
import { defineFunction } from '../../backend/runtime/handler';
import { httpEntry } from '../../backend/runtime/http-entry';
import { acl, auth } from './handlers/mqtt-auth';
import { webhook } from './handlers/webhook';

const fn = defineFunction('broker', { contract: broker, actions: { auth, acl, webhook }, allow: ['service'] });
export const createHandler = fn.createHandler;
export const main = httpEntry(fn.main, {
  name: 'broker',
  actions: ['auth', 'acl', 'webhook'],
  bodyField: { auth: 'request', acl: 'request', webhook: 'events' },
  // EMQX's checks get an answer ("deny") even for an unreadable request; the webhook gets a 400.
  lenient: ['auth', 'acl'],
});

/**
 * WeChat subscription messages: each time the user accepts in `wx.requestSubscribeMessage` the
 * backend may send them one message with that template, so the mini program reports every accept
 * and the backend counts what is left.
 *
 *   {action: "subscribed", templateId, count?: 1}  → {templateId, remaining}
 *   {action: "quota"}                              → {templateId (configured, or null), remaining: {templateId: n}}
 */
import { ok } from '../../../core';
import { alerts as contract } from '../../../core/api/contract/alerts';
import { alertConfigFromEnv } from '../../../backend/alerts';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const subscribed = typed(contract.subscribed, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const { templateId, count } = input;
  return ok({ templateId, remaining: await deps.store.addSubscribeQuota(user.id, templateId, count) });
});

export const quota = typed(contract.quota, async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  const templateId = deps.alerts?.config?.templateId ?? alertConfigFromEnv().templateId ?? null;
  return ok({ templateId, remaining: await deps.store.subscribeQuota(user.id) });
});

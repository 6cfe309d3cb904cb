/**
 * WeChat subscription messages: each time the user accepts in `wx.requestSubscribeMessage` the
 * backend may send them one message with that template, so the mini program reports every accept
 * and the backend counts what is left.
 *
 *   {action: "subscribed", templateId, count?: 1}  → {templateId, remaining}
 *   {action: "quota"}                              → {templateId (configured, or null), remaining: {templateId: n}}
 */
import { AppError, ErrorCode, ok } from '../../../core';
import { alertConfigFromEnv } from '../../../backend/alerts';
import type { Handler } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const subscribed: Handler = async ({ event, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const t = event.templateId;
  if (typeof t !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(t)) throw new AppError(ErrorCode.BadRequest, '"templateId" must be a subscription template id');
  const n = event.count ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) throw new AppError(ErrorCode.BadRequest, '"count" must be 1–10');
  return ok({ templateId: t, remaining: await deps.store.addSubscribeQuota(user.id, t, n) });
};

export const quota: Handler = async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  const templateId = deps.alerts?.config?.templateId ?? alertConfigFromEnv().templateId ?? null;
  return ok({ templateId, remaining: await deps.store.subscribeQuota(user.id) });
};

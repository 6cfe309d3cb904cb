/**
 * A patient's alert rules:
 *
 *   {action: "rules", patientId}               → {rules, defaults, updatedAt?, updatedBy?, changes} (any member)
 *   {action: "setRules", patientId, rules}     → the new rules (owner only; `rules` holds the fields to change)
 *
 * Changes are validated (core/alerts `applyRulesChange`) and audited: who, when, and each changed
 * field with its old and new value.
 */
import { AppError, ErrorCode, ok } from '../../../core';
import { applyRulesChange, defaultRules, diffRules } from '../../../core/alerts';
import { alerts as contract } from '../../../core/api/contract/alerts';
import { ANY_ROLE, OWNER, requireRole } from '../../../backend/runtime/access';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';

export const rules = typed(contract.rules, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const id = input.patientId;
  await requireRole(deps, id, user.id, ANY_ROLE);
  const rec = await deps.store.alertRules(id);
  const changes = await deps.store.ruleChanges(id, 20);
  return ok({
    rules: rec?.rules ?? defaultRules(),
    defaults: defaultRules(rec?.rules.spo2Scale ?? 1),
    updatedAt: rec?.updatedAt,
    updatedBy: rec?.updatedBy,
    changes,
  });
});

export const setRules = typed(contract.setRules, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const id = input.patientId;
  await requireRole(deps, id, user.id, OWNER);
  const current = (await deps.store.alertRules(id))?.rules ?? defaultRules();
  const next = applyRulesChange(current, input.rules);
  if (!next.ok) throw new AppError(ErrorCode.BadRequest, next.message);
  const changes = diffRules(current, next.rules);
  if (!changes.length) return ok(next.rules);
  const now = deps.now();
  await deps.store.setAlertRules(id, { rules: next.rules, updatedAt: now, updatedBy: user.id }, { patientId: id, at: now, by: user.id, changes });
  deps.log.info(`alert rules of ${id} changed by ${user.id}: ${changes.join('; ')}`);
  return ok(next.rules);
});

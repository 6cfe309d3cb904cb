/**
 * Remote control of a bedside device by the people following its patient (owner or family):
 *
 *   {action: "set", deviceId, settings: {enabled?, intervalS?}, timeoutMs?}
 *   {action: "measureNow", deviceId, timeoutMs?}
 *   {action: "state", deviceId}
 *
 * `set` stores the result as the device's desired state first, so a device that is offline gets it
 * when it reconnects; then it sends the command and waits for the device's reply. Every command is
 * audited (who, what, when, result). Results: `acked`, `rejected` (the device said no), `timeout`
 * (no reply in time; `offline` when the device had no connection).
 */
import { err, ErrorCode, ok } from '../../../core';
import { command as contract } from '../../../core/api/contract/command';
import { applyPropertySet, MEASURE_NOW_SERVICE, type MeasureSettings, reported, settingsFromProperties } from '../../../core/alink';
import { controlWithin, requireDeviceAccess, spansOf } from '../../../backend/runtime/access';
import type { CommandOutcome } from '../../../backend/runtime/control';
import type { FunctionDeps } from '../../../backend/runtime/deps';
import { typed } from '../../../backend/runtime/handler';
import { requireUser } from '../../../backend/runtime/users';
import type { AuditEntry } from '../../../backend/store/types';

/** Settings of a device nobody has configured yet: the original firmware's. */
const FACTORY: MeasureSettings = { enabled: true, intervalS: 60 };
const DEFAULT_TIMEOUT_MS = 5000;

function resultOf(o: CommandOutcome): { result: AuditEntry['result']; detail: string } {
  if (o.status === 'acked') return { result: 'acked', detail: 'device confirmed' };
  if (o.status === 'rejected') return { result: 'rejected', detail: `device replied ${o.code}: ${o.message}` };
  return { result: 'timeout', detail: o.offline ? 'device offline' : 'no reply in time' };
}

async function send(deps: FunctionDeps, entry: Omit<AuditEntry, 'result' | 'detail'>, outcome: Promise<CommandOutcome>) {
  const o = await outcome;
  const { result, detail } = resultOf(o);
  await deps.store.appendAudit({ ...entry, result, detail });
  return { result, detail, data: o.status === 'acked' ? o.data : undefined, offline: o.status === 'timeout' && o.offline };
}

export const set = typed(contract.set, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const access = await requireDeviceAccess(deps, input.deviceId, user.id);
  const { settings: s, timeoutMs = DEFAULT_TIMEOUT_MS } = input;
  const params: Record<string, unknown> = {};
  if (s.enabled !== undefined) params.MeasureEnabled = s.enabled ? 1 : 0;
  if (s.intervalS !== undefined) params.MeasureInterval = s.intervalS;
  const state = await deps.store.deviceState(access.deviceId);
  const change = applyPropertySet(state.desired ?? state.reported ?? FACTORY, params);
  if (!change.ok) return err(ErrorCode.BadRequest, change.message);
  const now = deps.now();
  await deps.store.setDesired(access.deviceId, change.settings, now, user.id);
  if (!deps.control) return err(ErrorCode.Unavailable, 'device control is not configured on this host');
  const entry = { at: now, userId: user.id, patientId: access.patientId, deviceId: access.deviceId, action: 'set', params: { ...change.settings } };
  const outcome = await send(deps, entry, deps.control.request(access.deviceId, { kind: 'set', params: reported(change.settings) }, timeoutMs));
  // Alink's standard reply is `code: 200, data: {}`: the device applied what was sent. (A reply
  // listing its settings is recorded where replies are read.)
  if (outcome.result === 'acked' && !settingsFromProperties(outcome.data ?? {})) await deps.store.setReported(access.deviceId, change.settings, deps.now());
  return ok({ ...outcome, desired: change.settings, pending: outcome.result !== 'acked' });
});

export const measureNow = typed(contract.measureNow, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const access = await requireDeviceAccess(deps, input.deviceId, user.id);
  const { timeoutMs = DEFAULT_TIMEOUT_MS } = input;
  if (!deps.control) return err(ErrorCode.Unavailable, 'device control is not configured on this host');
  const entry = { at: deps.now(), userId: user.id, patientId: access.patientId, deviceId: access.deviceId, action: 'measureNow', params: {} };
  return ok(await send(deps, entry, deps.control.request(access.deviceId, { kind: 'service', identifier: MEASURE_NOW_SERVICE, params: {} }, timeoutMs)));
});

export const state = typed(contract.state, async ({ input, caller, deps }) => {
  const user = await requireUser(caller, deps);
  const access = await requireDeviceAccess(deps, input.deviceId, user.id);
  const [st, status, entries, spans] = await Promise.all([
    deps.store.deviceState(access.deviceId),
    deps.store.deviceStatus(access.deviceId),
    deps.store.auditOf(access.deviceId, 20),
    spansOf(deps, access.patientId, access.deviceId),
  ]);
  const { state: own, audit } = controlWithin(st, entries, access.patientId, spans);
  return ok({ deviceId: access.deviceId, online: status?.online ?? false, ...own, audit });
});

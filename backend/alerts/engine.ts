/**
 * Alert evaluation and lifecycle (docs/alerts.md):
 * - `onReadings`: right after a batch is stored (ingest and the broker webhook), readings of bound
 *   devices step their patient's vital conditions (core/alerts) and the device's "check the
 *   sensor" condition, and any reading resolves the device's "no data" alert;
 * - `check`: on a timer, "no data" and "offline" per bound device, and escalation of urgent alerts
 *   nobody acknowledged;
 * - `acknowledge`, `snooze`.
 * A raise creates one alert per episode (its id is derived from the condition and the episode's
 * start, so evaluating the same readings twice creates it once); a clear resolves it with a note.
 */
import {
  type AlertKind,
  type AlertRecord,
  type AlertRules,
  type ConditionEvent,
  type ConditionState,
  defaultRules,
  type DeliveryReason,
  type DeliveryRecord,
  emptyCondition,
  isInvalidPpg,
  levelsOf,
  SEVERITY_OF_SCORE,
  SEVERITY_RANK,
  type Severity,
  type SnoozeRecord,
  step,
  VITAL_LABEL,
  type VitalAlertKind,
} from '../../core/alerts';
import type { Reading } from '../../core';
import type { Logger } from '../runtime/deps';
import { atArrival, type DeviceStatus, type ReadingBatchItem, type Store } from '../store/types';
import type { AlertDelivery } from './delivery';

/** A device's readings in one batch: stored by it (`fresh`), or by an earlier delivery (`again`). */
interface DeviceReadings {
  fresh: Reading[];
  again: Reading[];
}

/** Measurement interval assumed for a device that never reported its settings (the firmware's default), s. */
export const DEFAULT_INTERVAL_S = 60;

const UNIT: Record<VitalAlertKind, string> = { spo2: ' %', heartRate: ' bpm', temperature: ' °C', combined: '' };

/** Device ids in condition keys and alert ids: `{pk}:{dn}` (no `/`). */
export const deviceKey = (deviceId: string): string => deviceId.replace('/', ':');
const alertIdOf = (patientId: string, condition: string, startedAt: number) => `${patientId}:${condition}:${startedAt}`;
const minutes = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;

export function vitalMessage(kind: VitalAlertKind, value: number, level: number): string {
  if (kind === 'combined') return `${VITAL_LABEL.combined}: ${value}`;
  return `${VITAL_LABEL[kind]} ${value}${UNIT[kind]} (NEWS2 ${level})`;
}

export interface AlertEngineOptions {
  store: Store;
  now: () => number;
  log: Logger;
  delivery: AlertDelivery;
  /**
   * Lets other work run between groups of devices in `check` (default: one turn of the event loop
   * via setImmediate): with the local host, ingest shares the worker thread with the periodic check,
   * and a check over thousands of devices in one piece held every PUBACK back for its duration.
   */
  pause?: () => Promise<void>;
}

/** Devices `check` looks at between pauses. */
const CHECK_SLICE = 50;

export function createAlertEngine(opts: AlertEngineOptions) {
  const { store, log, delivery } = opts;

  const rulesOf = async (patientId: string): Promise<AlertRules> => (await store.alertRules(patientId))?.rules ?? defaultRules();

  const snoozedUntil = (snoozes: SnoozeRecord[], kind: AlertKind, at: number) => snoozes.some((s) => s.kind === kind && s.until > at);

  /** Tells people: realtime always; WeChat for warning and urgent alerts (not info, not resolutions). */
  async function deliver(alert: AlertRecord, reason: DeliveryReason, at: number, snoozes?: SnoozeRecord[]): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [await delivery.publish(alert, reason, at)];
    const toWechat = (reason === 'raise' || reason === 'upgrade' || reason === 'escalate') && SEVERITY_RANK[alert.severity] >= SEVERITY_RANK.warning;
    if (toWechat) {
      if (snoozedUntil(snoozes ?? (await store.snoozes(alert.patientId)), alert.kind, at)) {
        out.push({ at, channel: 'wechat', reason, outcome: 'snoozed' });
      } else {
        const members = await store.members(alert.patientId);
        const patient = await store.getPatient(alert.patientId);
        out.push(
          ...(await delivery.wechat(
            alert,
            reason,
            members.map((m) => m.userId),
            at,
            patient?.name ?? '',
          )),
        );
      }
    }
    await store.addDeliveries(alert.id, out);
    alert.deliveries.push(...out);
    return out;
  }

  async function raise(a: Omit<AlertRecord, 'deliveries' | 'escalations' | 'notifiedAt' | 'raisedAt'>, at: number, snoozes: SnoozeRecord[]): Promise<void> {
    const alert: AlertRecord = { ...a, raisedAt: at, notifiedAt: at, escalations: 0, deliveries: [] };
    if (!(await store.createAlert(alert))) return; // raised already by an evaluation of the same readings
    log.info(`alert raised: ${alert.patientId} ${alert.kind} ${alert.severity}: ${alert.message}`);
    await deliver(alert, 'raise', at, snoozes);
  }

  async function resolve(alertId: string, at: number, note: string): Promise<void> {
    const alert = await store.getAlert(alertId);
    if (!alert || alert.resolvedAt !== undefined) return;
    await store.updateAlert(alertId, { resolvedAt: at, resolveNote: note });
    Object.assign(alert, { resolvedAt: at, resolveNote: note });
    log.info(`alert resolved: ${alert.patientId} ${alert.kind}: ${note}`);
    await deliver(alert, 'resolve', at);
  }

  async function applyVitalEvent(patientId: string, e: ConditionEvent, snoozes: SnoozeRecord[], now: number): Promise<void> {
    if (e.type === 'raise') {
      await raise(
        {
          id: alertIdOf(patientId, `vital:${e.kind}`, e.startedAt),
          patientId,
          kind: e.kind,
          condition: `vital:${e.kind}`,
          severity: e.severity,
          ...(e.kind === 'combined' ? { partial: true } : {}),
          startedAt: e.startedAt,
          message: vitalMessage(e.kind, e.value, e.level),
          value: e.value,
        },
        now,
        snoozes,
      );
    } else if (e.type === 'upgrade') {
      const alert = await store.getAlert(e.alertId);
      if (!alert || alert.resolvedAt !== undefined || SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[e.severity]) return;
      const message = vitalMessage(e.kind, e.value, SEVERITY_RANK[e.severity]);
      await store.updateAlert(alert.id, { severity: e.severity, message, value: e.value, notifiedAt: now });
      Object.assign(alert, { severity: e.severity, message, value: e.value, notifiedAt: now });
      await deliver(alert, 'upgrade', now, snoozes);
    } else {
      const label = VITAL_LABEL[e.kind];
      await resolve(e.alertId, now, `${label} back in range since ${new Date(e.normalFrom).toISOString()}`);
    }
  }

  /** Steps a device condition that raises as soon as it holds and clears as soon as it does not. */
  function deviceStep(
    state: ConditionState | undefined,
    holds: boolean,
    since: number,
    at: number,
    newId: (startedAt: number) => string,
  ): { state: ConditionState; event?: 'raise' | 'clear'; alertId?: string } {
    const s: ConditionState = state ? { ...state, runFrom: [...state.runFrom], runCount: [...state.runCount] } : emptyCondition();
    s.lastTs = Math.max(s.lastTs, at);
    if (holds && !s.active) {
      s.active = { alertId: newId(since), severity: 'warning', normalFrom: null, normalCount: 0 };
      s.runFrom[0] = since;
      return { state: s, event: 'raise', alertId: s.active.alertId };
    }
    if (!holds && s.active) {
      const alertId = s.active.alertId;
      s.active = undefined;
      s.runFrom[0] = null;
      return { state: s, event: 'clear', alertId };
    }
    return { state: s };
  }

  /**
   * Evaluates one patient's readings (of one or more devices): `fresh` ones were stored by this
   * batch, `again` ones by an earlier delivery (evaluated then unless that evaluation never ran; the
   * conditions skip what they have seen by its time). Returns the changed condition states to store.
   */
  async function evaluatePatient(patientId: string, byDevice: Map<string, DeviceReadings>, now: number): Promise<Record<string, ConditionState | null>> {
    const rules = await rulesOf(patientId);
    const states = await store.conditionStates(patientId);
    const changed: Record<string, ConditionState | null> = {};
    const events: ConditionEvent[] = [];
    const deviceEvents: Array<() => Promise<void>> = [];
    const all = [...byDevice.values()].flatMap((d) => [...d.fresh, ...d.again]).sort((a, b) => a.ts - b.ts);
    for (const r of all) {
      const levels = levelsOf(r, rules);
      for (const [kind, lv] of Object.entries(levels) as Array<[VitalAlertKind, { level: number; value: number }]>) {
        if (rules.disabled.includes(kind)) continue;
        const key = `vital:${kind}`;
        const before = states[key] ?? emptyCondition();
        const res = step(before, kind, r.ts, lv.level, lv.value, rules, (from) => alertIdOf(patientId, key, from));
        // Only what a reading moved is written back: a reading seen before (a redelivery) changes
        // nothing, so it cannot overwrite what a batch evaluated meanwhile has written.
        if (res.state === before) continue;
        states[key] = res.state;
        changed[key] = res.state;
        if (res.event) events.push(res.event);
      }
    }
    for (const [deviceId, { fresh, again }] of byDevice) {
      const dk = deviceKey(deviceId);
      // Any new reading ends "no data" (one delivered again says nothing about now).
      const noDataKey = `device:no-data:${dk}`;
      const newest = fresh[fresh.length - 1];
      if (states[noDataKey]?.active && newest) {
        const last = newest.ts;
        const res = deviceStep(states[noDataKey], false, last, last, () => '');
        changed[noDataKey] = res.state;
        states[noDataKey] = res.state;
        deviceEvents.push(() => resolve(res.alertId as string, now, `readings arrived again at ${new Date(last).toISOString()}`));
      }
      // A long stretch of readings whose heart rate and SpO2 the device withheld: check the sensor.
      const sensorKey = `device:check-sensor:${dk}`;
      if (rules.disabled.includes('check-sensor')) continue;
      const sensorBefore = states[sensorKey] ?? emptyCondition();
      let st = sensorBefore;
      for (const r of [...fresh, ...again].sort((a, b) => a.ts - b.ts)) {
        if (r.ts <= st.lastTs) continue;
        const invalid = isInvalidPpg(r);
        // Index 1 is the "invalid readings" run (the sensor condition uses one level).
        const invalidCount = st.runCount[1] ?? 0;
        const invalidFrom = invalid ? (invalidCount > 0 ? (st.runFrom[1] ?? r.ts) : r.ts) : null;
        st = { ...st, runFrom: [st.runFrom[0] ?? null, invalidFrom, null], runCount: [st.runCount[0] ?? 0, invalid ? invalidCount + 1 : 0, 0] };
        const holds = invalidFrom !== null && r.ts - invalidFrom >= rules.device.invalidStretchS * 1000;
        // Once raised it stays until a valid reading arrives.
        const res = deviceStep(st, st.active ? invalid : holds, invalidFrom ?? r.ts, r.ts, (from) => alertIdOf(patientId, sensorKey, from));
        st = res.state;
        if (res.event === 'raise') {
          const from = invalidFrom as number;
          deviceEvents.push(async () =>
            raise(
              {
                id: res.alertId as string,
                patientId,
                kind: 'check-sensor',
                condition: sensorKey,
                deviceId,
                severity: 'warning',
                startedAt: from,
                message: `No valid heart rate or SpO2 for ${minutes(r.ts - from)}: check the sensor`,
              },
              now,
              await store.snoozes(patientId),
            ),
          );
        } else if (res.event === 'clear') {
          const id = res.alertId as string;
          const at = r.ts;
          deviceEvents.push(() => resolve(id, now, `valid readings again at ${new Date(at).toISOString()}`));
        }
      }
      if (st === sensorBefore) continue;
      states[sensorKey] = st;
      changed[sensorKey] = st;
    }
    // Alerts first, then (the caller) the state: if writing the state fails, the next evaluation raises
    // the same episode again under the same id, which creates nothing (a repeated clear or upgrade is a no-op).
    if (events.length || deviceEvents.length) {
      const snoozes = await store.snoozes(patientId);
      for (const e of events) await applyVitalEvent(patientId, e, snoozes, now);
      for (const run of deviceEvents) await run();
    }
    return changed;
  }

  return {
    rulesOf,

    /**
     * After a batch was stored: evaluates the readings of bound devices. Those of a redelivered
     * item too, except one at its arrival instant (a vital without an Alink `time` is stamped on
     * arrival, so a redelivery's copy is not a stored reading): an earlier delivery may have stored
     * them without their evaluation running — a batch whose answer was lost, or on CloudBase one that
     * failed after some of its device-hours committed — and what a condition has seen it skips by
     * time (core/alerts `step`), so evaluating them again raises nothing twice.
     */
    async onReadings(items: ReadingBatchItem[], duplicate: boolean[]): Promise<void> {
      const byDevice = new Map<string, DeviceReadings>();
      items.forEach((it, i) => {
        const readings = duplicate[i] ? it.readings.filter((r) => !atArrival(it, r)) : it.readings;
        if (!readings.length) return;
        const d = byDevice.get(it.deviceId) ?? { fresh: [], again: [] };
        (duplicate[i] ? d.again : d.fresh).push(...readings);
        byDevice.set(it.deviceId, d);
      });
      const byPatient = new Map<string, Map<string, DeviceReadings>>();
      const bindings = await store.currentBindingsOf([...byDevice.keys()]);
      for (const [deviceId, readings] of byDevice) {
        const binding = bindings.get(deviceId);
        if (!binding) continue; // nobody to tell
        const mine = (list: Reading[]) => list.filter((r) => r.ts >= binding.from).sort((a, b) => a.ts - b.ts);
        const own = { fresh: mine(readings.fresh), again: mine(readings.again) };
        if (!own.fresh.length && !own.again.length) continue;
        const m = byPatient.get(binding.patientId) ?? new Map<string, DeviceReadings>();
        m.set(deviceId, own);
        byPatient.set(binding.patientId, m);
      }
      const now = opts.now();
      const updates: Record<string, Record<string, ConditionState | null>> = {};
      for (const [patientId, m] of byPatient) {
        const changed = await evaluatePatient(patientId, m, now);
        if (Object.keys(changed).length) updates[patientId] = changed;
      }
      // One write for the whole batch (one SQLite transaction).
      if (Object.keys(updates).length) await store.putConditionStates(updates);
    },

    /**
     * The timer's work: "no data" and "offline" per bound device, then escalation of urgent alerts
     * nobody acknowledged. Returns counts for the log.
     */
    async check(): Promise<{ raised: number; resolved: number; escalated: number }> {
      const now = opts.now();
      const counts = { raised: 0, resolved: 0, escalated: 0 };
      const pause = opts.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
      // Bound devices only: an unbound device raises nothing, however many the fleet has.
      const byPatient = new Map<string, Array<{ status: DeviceStatus; from: number }>>();
      let looked = 0;
      for (const b of await store.currentBindings()) {
        if (++looked % CHECK_SLICE === 0) await pause();
        const status = await store.deviceStatus(b.deviceId);
        if (!status) continue;
        const list = byPatient.get(b.patientId) ?? [];
        list.push({ status, from: b.from });
        byPatient.set(b.patientId, list);
      }
      for (const [patientId, list] of byPatient) {
        if (++looked % CHECK_SLICE === 0) await pause();
        const rules = await rulesOf(patientId);
        const states = await store.conditionStates(patientId);
        const snoozes = await store.snoozes(patientId);
        const changed: Record<string, ConditionState | null> = {};
        const todo: Array<() => Promise<void>> = [];
        for (const { status, from } of list) {
          const dk = deviceKey(status.id);
          const state = await store.deviceState(status.id);
          const settings = state.reported ?? state.desired;
          const enabled = settings?.enabled ?? true;
          const intervalS = settings?.intervalS ?? DEFAULT_INTERVAL_S;
          // Silence counts from the last reading, the binding, or measurement being switched on, whichever is latest.
          const switchedOn = state.desired?.enabled ? state.desired.at : 0;
          const lastAt = Math.max(status.lastReading?.ts ?? 0, from, switchedOn);
          const silentFor = now - lastAt;
          const checks: Array<{ kind: 'no-data' | 'offline'; holds: boolean; since: number; message: string; note: string }> = [
            {
              kind: 'no-data',
              holds: enabled && silentFor >= rules.device.noDataIntervals * intervalS * 1000,
              since: lastAt,
              message: `No reading for ${minutes(silentFor)} (measuring every ${intervalS} s)`,
              note: 'measurement switched off',
            },
            {
              kind: 'offline',
              holds: !status.online && now - (status.presenceAt ?? from) >= rules.device.offlineGraceS * 1000,
              since: status.presenceAt ?? from,
              message: `Device ${status.label || status.id} offline for ${minutes(now - (status.presenceAt ?? from))}`,
              note: 'the device is back online',
            },
          ];
          for (const c of checks) {
            const key = `device:${c.kind}:${dk}`;
            if (rules.disabled.includes(c.kind) && !states[key]?.active) continue;
            const res = deviceStep(states[key], c.holds && !rules.disabled.includes(c.kind), c.since, now, (s) => alertIdOf(patientId, key, s));
            if (!res.event) continue;
            changed[key] = res.state;
            if (res.event === 'raise') {
              counts.raised++;
              todo.push(() =>
                raise(
                  {
                    id: res.alertId as string,
                    patientId,
                    kind: c.kind,
                    condition: key,
                    deviceId: status.id,
                    severity: 'warning',
                    startedAt: c.since,
                    message: c.message,
                  },
                  now,
                  snoozes,
                ),
              );
            } else {
              counts.resolved++;
              todo.push(() => resolve(res.alertId as string, now, c.note));
            }
          }
        }
        for (const run of todo) await run();
        if (Object.keys(changed).length) await store.putConditionStates({ [patientId]: changed });
      }
      // Escalation: urgent, unacknowledged, not snoozed, not re-sent for escalateAfterS.
      const rulesCache = new Map<string, AlertRules>();
      for (const a of await store.activeAlerts()) {
        if (a.severity !== 'urgent' || a.ack) continue;
        const rules = rulesCache.get(a.patientId) ?? (await rulesOf(a.patientId));
        rulesCache.set(a.patientId, rules);
        if (now - a.notifiedAt < rules.escalateAfterS * 1000) continue;
        const snoozes = await store.snoozes(a.patientId);
        if (snoozedUntil(snoozes, a.kind, now)) continue;
        await store.updateAlert(a.id, { notifiedAt: now, escalations: a.escalations + 1 });
        Object.assign(a, { notifiedAt: now, escalations: a.escalations + 1 });
        log.info(`alert escalated (${a.escalations}): ${a.patientId} ${a.kind}: ${a.message}`);
        await deliver(a, 'escalate', now, snoozes);
        counts.escalated++;
      }
      return counts;
    },

    /** Records the first acknowledgement; false if someone acknowledged already or it is resolved. */
    async acknowledge(alert: AlertRecord, userId: string, note: string | undefined): Promise<AlertRecord | undefined> {
      const now = opts.now();
      const ack = note ? { by: userId, at: now, note } : { by: userId, at: now };
      if (!(await store.acknowledgeAlert(alert.id, ack))) return undefined;
      const updated = { ...alert, ack };
      await deliver(updated, 'acknowledge', now);
      return updated;
    },
  };
}

export type AlertEngine = ReturnType<typeof createAlertEngine>;

/** Severity of a NEWS2 sub-score (re-exported for handlers). */
export const severityOfLevel = (level: 1 | 2 | 3): Severity => SEVERITY_OF_SCORE[level];

/**
 * Alerts on CloudBase.
 *
 *   alert_rules        { _id: patientId, rules, updatedAt, updatedBy }
 *   alert_rule_changes { _id: "{patientId}:{at}:{random}", patientId, at, by, changes }
 *   alert_conditions   { _id: patientId, c: { "<encoded condition key>": ConditionState } }
 *   alerts             { _id: alert id, ...AlertRecord, active, acked }
 *   alert_snoozes      { _id: "{patientId}:{kind}", patientId, kind, until, by, at }
 *   subscribe_quota    { _id: "{userId}:{templateId}", userId, templateId, remaining }
 *
 * Every write touches one document: a patient's condition states live in one document (one read
 * and one write per evaluation); an alert's id is derived from its condition and episode start,
 * so two evaluations racing over the same readings create one alert (the second insert is a
 * duplicate); acknowledging and taking quota are conditional updates (`acked == false`,
 * `remaining > 0`), so two people racing cannot both win.
 */
import { randomBytes } from 'node:crypto';
import type { AlertAck, AlertKind, AlertRecord, ConditionState, DeliveryRecord, SnoozeRecord } from '../../../core/alerts';
import type { AlertPage, AlertPatch, AlertRulesRecord, RuleChange } from '../types';
import { allWhere, byId, type CloudbaseDb, type CollectionRef, type Doc, docsOf, isDuplicate, must, PAGE, upsert as upsertDoc } from './db';

/** Field names may not contain `.` or start with `$`: condition keys are escaped. */
const encodeKey = (k: string) => k.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24');
const decodeKey = (k: string) => k.replace(/%2E/g, '.').replace(/%24/g, '$').replace(/%25/g, '%');

const encodeCursor = (a: AlertRecord): string => `${a.raisedAt}|${a.id}`;
function decodeCursor(c: string): { raisedAt: number; id: string } | undefined {
  const bar = c.indexOf('|');
  const raisedAt = Number(c.slice(0, bar));
  return bar > 0 && Number.isSafeInteger(raisedAt) ? { raisedAt, id: c.slice(bar + 1) } : undefined;
}

function toAlert(d: Doc): AlertRecord {
  const { _id, active: _a, acked: _k, ...rest } = d;
  const a = { ...rest, id: _id as string } as unknown as AlertRecord & Record<string, unknown>;
  for (const k of Object.keys(a)) if (a[k] === null) delete a[k];
  if (!a.ack) delete a.ack;
  a.deliveries = (a.deliveries ?? []) as DeliveryRecord[];
  return a;
}

export function createAlerts(cdb: CloudbaseDb) {
  const { db } = cdb;
  const _ = db.command;
  const c = (n: Parameters<CloudbaseDb['name']>[0]) => () => db.collection(cdb.name(n));
  const rules = c('alert_rules');
  const changes = c('alert_rule_changes');
  const conditions = c('alert_conditions');
  const alerts = c('alerts');
  const snoozes = c('alert_snoozes');
  const quota = c('subscribe_quota');
  const get = (coll: CollectionRef, id: string) => byId(cdb, coll, id);
  const all = (coll: CollectionRef, where: Record<string, unknown>) => allWhere(cdb, coll, where);
  const upsert = (coll: CollectionRef, id: string, update: Record<string, unknown>, init: () => Record<string, unknown>) =>
    upsertDoc(cdb, coll, id, update, init);

  /** One patient's condition document: the changed keys set or removed, the document created if missing. */
  async function putStatesOf(patientId: string, states: Record<string, ConditionState | null>): Promise<void> {
    const entries = Object.entries(states);
    if (!entries.length) return;
    const update: Record<string, unknown> = {};
    const init: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      update[`c.${encodeKey(k)}`] = v === null ? _.remove() : _.set(v);
      if (v !== null) init[encodeKey(k)] = v;
    }
    await upsert(conditions, patientId, update, () => ({ patientId, c: init }));
  }

  return {
    async rules(patientId: string): Promise<AlertRulesRecord | undefined> {
      const d = await get(rules, patientId);
      return d ? { rules: d.rules as AlertRulesRecord['rules'], updatedAt: d.updatedAt as number, updatedBy: d.updatedBy as string } : undefined;
    },
    async setRules(patientId: string, rec: AlertRulesRecord, change: RuleChange): Promise<void> {
      // The change first: a failure after it leaves an entry for rules that did not take, which
      // says "tried"; the other order could change rules with no trace of who did it.
      const _id = `${patientId}:${String(change.at).padStart(15, '0')}:${randomBytes(4).toString('hex')}`;
      must(await cdb.run(() => changes().add({ _id, patientId, at: change.at, by: change.by, changes: change.changes })));
      must(await cdb.run(() => rules().doc(patientId).set({ patientId, rules: rec.rules, updatedAt: rec.updatedAt, updatedBy: rec.updatedBy })));
    },
    async ruleChanges(patientId: string, limit: number): Promise<RuleChange[]> {
      const q = changes().where({ patientId }).orderBy('at', 'desc').orderBy('_id', 'desc').limit(Math.min(limit, PAGE));
      return docsOf(await cdb.run(() => q.get())).map((d) => ({ patientId, at: d.at as number, by: d.by as string, changes: (d.changes ?? []) as string[] }));
    },
    async states(patientId: string): Promise<Record<string, ConditionState>> {
      const d = await get(conditions, patientId);
      const out: Record<string, ConditionState> = {};
      for (const [k, v] of Object.entries((d?.c ?? {}) as Record<string, ConditionState>)) out[decodeKey(k)] = v;
      return out;
    },
    async putStates(updates: Record<string, Record<string, ConditionState | null>>): Promise<void> {
      for (const [patientId, states] of Object.entries(updates)) await putStatesOf(patientId, states);
    },
    async create(a: AlertRecord): Promise<boolean> {
      const { id, ...rest } = a;
      try {
        must(await cdb.run(() => alerts().add({ _id: id, ...rest, ack: a.ack ?? null, active: a.resolvedAt === undefined, acked: a.ack !== undefined })));
        return true;
      } catch (e) {
        if (isDuplicate(e)) return false;
        throw e;
      }
    },
    async get(id: string): Promise<AlertRecord | undefined> {
      const d = await get(alerts, id);
      return d ? toAlert(d) : undefined;
    },
    async update(id: string, patch: AlertPatch): Promise<void> {
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) data[k] = v;
      if (patch.resolvedAt !== undefined) data.active = false;
      if (Object.keys(data).length) must(await cdb.run(() => alerts().doc(id).update(data)));
    },
    async acknowledge(id: string, ack: AlertAck): Promise<boolean> {
      const value = ack.note === undefined ? { by: ack.by, at: ack.at } : { by: ack.by, at: ack.at, note: ack.note };
      const res = must(
        await cdb.run(() =>
          alerts()
            .where({ _id: id, acked: false })
            .update({ acked: true, ack: _.set(value) }),
        ),
      );
      return (res.updated as number) > 0;
    },
    async addDeliveries(id: string, deliveries: DeliveryRecord[]): Promise<void> {
      if (!deliveries.length) return;
      must(
        await cdb.run(() =>
          alerts()
            .doc(id)
            .update({ deliveries: _.push(deliveries) }),
        ),
      );
    },
    async active(patientId?: string): Promise<AlertRecord[]> {
      const docs = await all(alerts, patientId === undefined ? { active: true } : { active: true, patientId });
      return docs.map(toAlert).sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1));
    },
    async history(patientId: string, before: string | undefined, limit: number): Promise<AlertPage> {
      const cur = before === undefined ? undefined : decodeCursor(before);
      const where = cur ? _.and([{ patientId }, _.or([{ raisedAt: _.lt(cur.raisedAt) }, { raisedAt: cur.raisedAt, _id: _.lt(cur.id) }])]) : { patientId };
      const q = alerts()
        .where(where)
        .orderBy('raisedAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(Math.min(limit + 1, PAGE));
      const rows = docsOf(await cdb.run(() => q.get())).map(toAlert);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return rows.length > limit && last ? { alerts: page, next: encodeCursor(last) } : { alerts: page };
    },
    async setSnooze(s: SnoozeRecord): Promise<void> {
      must(await cdb.run(() => snoozes().doc(`${s.patientId}:${s.kind}`).set({ patientId: s.patientId, kind: s.kind, until: s.until, by: s.by, at: s.at })));
    },
    async snoozes(patientId: string): Promise<SnoozeRecord[]> {
      return (await all(snoozes, { patientId }))
        .map((d) => ({ patientId, kind: d.kind as AlertKind, until: d.until as number, by: d.by as string, at: d.at as number }))
        .sort((a, b) => (a.kind < b.kind ? -1 : 1));
    },
    async addQuota(userId: string, templateId: string, n: number): Promise<number> {
      const id = `${userId}:${templateId}`;
      await upsert(quota, id, { remaining: _.inc(n) }, () => ({ userId, templateId, remaining: n }));
      return ((await get(quota, id))?.remaining as number) ?? 0;
    },
    async takeQuota(userId: string, templateId: string): Promise<boolean> {
      const res = must(
        await cdb.run(() =>
          quota()
            .where({ _id: `${userId}:${templateId}`, remaining: _.gt(0) })
            .update({ remaining: _.inc(-1) }),
        ),
      );
      return (res.updated as number) > 0;
    },
    async quota(userId: string): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const d of await all(quota, { userId })) out[d.templateId as string] = d.remaining as number;
      return out;
    },
    async openidOf(userId: string): Promise<string | undefined> {
      const d = await get(c('users'), userId);
      return typeof d?.openid === 'string' ? d.openid : undefined;
    },
  };
}

/** Alerts on SQLite: rules and their history, condition states, alerts, snoozes, subscription quota. */
import type { AlertAck, AlertRecord, ConditionState, DeliveryRecord, SnoozeRecord } from '../../../core/alerts';
import type { AlertKind } from '../../../core/alerts';
import type { AlertPage, AlertPatch, AlertRulesRecord, RuleChange } from '../types';
import { type Db, writeTransaction } from './database';

/** History cursor: `{raisedAt}|{id}` of the last alert of a page. */
export const encodeCursor = (a: AlertRecord): string => `${a.raisedAt}|${a.id}`;
export function decodeCursor(c: string): { raisedAt: number; id: string } | undefined {
  const bar = c.indexOf('|');
  const raisedAt = Number(c.slice(0, bar));
  return bar > 0 && Number.isSafeInteger(raisedAt) ? { raisedAt, id: c.slice(bar + 1) } : undefined;
}

export function createAlertTables(db: Db) {
  const q = {
    rules: db.prepare('SELECT rules, updated_at, updated_by FROM alert_rules WHERE patient_id = ?'),
    putRules: db.prepare(`INSERT INTO alert_rules (patient_id, rules, updated_at, updated_by) VALUES (?, ?, ?, ?)
      ON CONFLICT (patient_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
    addChange: db.prepare('INSERT INTO alert_rule_changes (patient_id, at, by, changes) VALUES (?, ?, ?, ?)'),
    changes: db.prepare('SELECT at, by, changes FROM alert_rule_changes WHERE patient_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
    states: db.prepare('SELECT key, state FROM alert_conditions WHERE patient_id = ?'),
    putState: db.prepare('INSERT OR REPLACE INTO alert_conditions (patient_id, key, state) VALUES (?, ?, ?)'),
    delState: db.prepare('DELETE FROM alert_conditions WHERE patient_id = ? AND key = ?'),
    create: db.prepare('INSERT OR IGNORE INTO alerts (id, patient_id, raised_at, active, body) VALUES (?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT body FROM alerts WHERE id = ?'),
    put: db.prepare('UPDATE alerts SET body = ?, active = ? WHERE id = ?'),
    activeOf: db.prepare('SELECT body FROM alerts WHERE active = 1 AND patient_id = ? ORDER BY raised_at, id'),
    activeAll: db.prepare('SELECT body FROM alerts WHERE active = 1 ORDER BY raised_at, id'),
    history: db.prepare('SELECT body FROM alerts WHERE patient_id = ? ORDER BY raised_at DESC, id DESC LIMIT ?'),
    historyBefore: db.prepare(
      'SELECT body FROM alerts WHERE patient_id = ? AND (raised_at < ? OR (raised_at = ? AND id < ?)) ORDER BY raised_at DESC, id DESC LIMIT ?',
    ),
    putSnooze: db.prepare('INSERT OR REPLACE INTO alert_snoozes (patient_id, kind, until, by, at) VALUES (?, ?, ?, ?, ?)'),
    snoozes: db.prepare('SELECT * FROM alert_snoozes WHERE patient_id = ? ORDER BY kind'),
    addQuota: db.prepare(`INSERT INTO subscribe_quota (user_id, template_id, remaining) VALUES (?, ?, ?)
      ON CONFLICT (user_id, template_id) DO UPDATE SET remaining = remaining + excluded.remaining RETURNING remaining`),
    takeQuota: db.prepare('UPDATE subscribe_quota SET remaining = remaining - 1 WHERE user_id = ? AND template_id = ? AND remaining > 0'),
    quota: db.prepare('SELECT template_id, remaining FROM subscribe_quota WHERE user_id = ?'),
    openid: db.prepare('SELECT openid FROM users WHERE id = ?'),
  };
  const parse = (rows: unknown[]) => (rows as Array<{ body: string }>).map((r) => JSON.parse(r.body) as AlertRecord);
  const get = (id: string) => {
    const r = q.get.get(id) as { body: string } | undefined;
    return r ? (JSON.parse(r.body) as AlertRecord) : undefined;
  };
  const write = (a: AlertRecord) => q.put.run(JSON.stringify(a), a.resolvedAt === undefined ? 1 : 0, a.id);
  /** Read-modify-write of one alert; better-sqlite3 is synchronous, so nothing interleaves. */
  const modify = writeTransaction(db, (id: string, f: (a: AlertRecord) => boolean) => {
    const a = get(id);
    if (!a || !f(a)) return false;
    write(a);
    return true;
  });

  return {
    rules(patientId: string): AlertRulesRecord | undefined {
      const r = q.rules.get(patientId) as { rules: string; updated_at: number; updated_by: string } | undefined;
      return r ? { rules: JSON.parse(r.rules) as AlertRulesRecord['rules'], updatedAt: r.updated_at, updatedBy: r.updated_by } : undefined;
    },
    setRules: writeTransaction(db, (patientId: string, rec: AlertRulesRecord, change: RuleChange) => {
      q.putRules.run(patientId, JSON.stringify(rec.rules), rec.updatedAt, rec.updatedBy);
      q.addChange.run(patientId, change.at, change.by, JSON.stringify(change.changes));
    }),
    ruleChanges(patientId: string, limit: number): RuleChange[] {
      return (q.changes.all(patientId, limit) as Array<{ at: number; by: string; changes: string }>).map((r) => ({
        patientId,
        at: r.at,
        by: r.by,
        changes: JSON.parse(r.changes) as string[],
      }));
    },
    states(patientId: string): Record<string, ConditionState> {
      const out: Record<string, ConditionState> = {};
      for (const r of q.states.all(patientId) as Array<{ key: string; state: string }>) out[r.key] = JSON.parse(r.state) as ConditionState;
      return out;
    },
    putStates: writeTransaction(db, (updates: Record<string, Record<string, ConditionState | null>>) => {
      for (const [patientId, states] of Object.entries(updates)) {
        for (const [k, v] of Object.entries(states)) {
          if (v === null) q.delState.run(patientId, k);
          else q.putState.run(patientId, k, JSON.stringify(v));
        }
      }
    }),
    create(a: AlertRecord): boolean {
      return q.create.run(a.id, a.patientId, a.raisedAt, a.resolvedAt === undefined ? 1 : 0, JSON.stringify(a)).changes > 0;
    },
    get,
    update(id: string, patch: AlertPatch): void {
      modify(id, (a) => {
        for (const [k, v] of Object.entries(patch)) if (v !== undefined) (a as unknown as Record<string, unknown>)[k] = v;
        return true;
      });
    },
    acknowledge(id: string, ack: AlertAck): boolean {
      return modify(id, (a) => {
        if (a.ack) return false;
        a.ack = ack.note === undefined ? { by: ack.by, at: ack.at } : { ...ack };
        return true;
      });
    },
    addDeliveries(id: string, deliveries: DeliveryRecord[]): void {
      modify(id, (a) => {
        a.deliveries.push(...deliveries);
        return true;
      });
    },
    active(patientId?: string): AlertRecord[] {
      return parse(patientId === undefined ? q.activeAll.all() : q.activeOf.all(patientId));
    },
    history(patientId: string, before: string | undefined, limit: number): AlertPage {
      const c = before === undefined ? undefined : decodeCursor(before);
      const rows = parse(c ? q.historyBefore.all(patientId, c.raisedAt, c.raisedAt, c.id, limit + 1) : q.history.all(patientId, limit + 1));
      const alerts = rows.slice(0, limit);
      const last = alerts[alerts.length - 1];
      return rows.length > limit && last ? { alerts, next: encodeCursor(last) } : { alerts };
    },
    setSnooze(s: SnoozeRecord): void {
      q.putSnooze.run(s.patientId, s.kind, s.until, s.by, s.at);
    },
    snoozes(patientId: string): SnoozeRecord[] {
      return (q.snoozes.all(patientId) as Array<{ kind: string; until: number; by: string; at: number }>).map((r) => ({
        patientId,
        kind: r.kind as AlertKind,
        until: r.until,
        by: r.by,
        at: r.at,
      }));
    },
    addQuota(userId: string, templateId: string, n: number): number {
      return (q.addQuota.get(userId, templateId, n) as { remaining: number }).remaining;
    },
    takeQuota(userId: string, templateId: string): boolean {
      return q.takeQuota.run(userId, templateId).changes > 0;
    },
    quota(userId: string): Record<string, number> {
      const out: Record<string, number> = {};
      for (const r of q.quota.all(userId) as Array<{ template_id: string; remaining: number }>) out[r.template_id] = r.remaining;
      return out;
    },
    openidOf(userId: string): string | undefined {
      return (q.openid.get(userId) as { openid: string } | undefined)?.openid;
    },
  };
}

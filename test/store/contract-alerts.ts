/**
 * The store contract, alerts: rules and their audit trail, condition states, idempotent alert
 * creation, acknowledgement once, deliveries, active lists, paged history, snoozes and WeChat
 * subscription quota. Run by `runStoreContract` for every adapter.
 */
import { type AlertRecord, defaultRules, emptyCondition } from '../../core/alerts';
import type { Store } from '../../backend/store/types';

const T0 = Date.UTC(2026, 0, 1);

const alert = (patientId: string, n: number, extra: Partial<AlertRecord> = {}): AlertRecord => ({
  id: `${patientId}:vital:spo2:${T0 + n}`,
  patientId,
  kind: 'spo2',
  condition: 'vital:spo2',
  severity: 'warning',
  startedAt: T0 + n,
  raisedAt: T0 + n * 1000,
  message: 'SpO2 92 %',
  value: 92,
  notifiedAt: T0 + n * 1000,
  escalations: 0,
  deliveries: [],
  ...extra,
});

export function runAlertContract(getStore: () => Store): void {
  describe('alerts', () => {
    test('rules are stored per patient, and every change is kept with who made it', async () => {
      const store = getStore();
      expect(await store.alertRules('p1')).toBeUndefined();
      const r1 = defaultRules(1);
      await store.setAlertRules(
        'p1',
        { rules: r1, updatedAt: T0, updatedBy: 'u_owner' },
        { patientId: 'p1', at: T0, by: 'u_owner', changes: ['spo2Scale: 1 → 1'] },
      );
      const r2 = defaultRules(2);
      await store.setAlertRules(
        'p1',
        { rules: r2, updatedAt: T0 + 5, updatedBy: 'u_owner' },
        { patientId: 'p1', at: T0 + 5, by: 'u_owner', changes: ['spo2Scale: 1 → 2'] },
      );
      expect(await store.alertRules('p1')).toEqual({ rules: r2, updatedAt: T0 + 5, updatedBy: 'u_owner' });
      expect(await store.alertRules('p2')).toBeUndefined();
      expect((await store.ruleChanges('p1', 10)).map((c) => c.changes)).toEqual([['spo2Scale: 1 → 2'], ['spo2Scale: 1 → 1']]);
      expect(await store.ruleChanges('p1', 1)).toEqual([{ patientId: 'p1', at: T0 + 5, by: 'u_owner', changes: ['spo2Scale: 1 → 2'] }]);
    });

    test('condition states are replaced and deleted per key (keys may hold dots and slashes)', async () => {
      const store = getStore();
      expect(await store.conditionStates('p1')).toEqual({});
      const a = { ...emptyCondition(), lastTs: T0 };
      const b = { ...emptyCondition(), lastTs: T0 + 1, runFrom: [T0, null, null], runCount: [1, 0, 0] };
      await store.putConditionStates({ p1: { 'vital:spo2': a, 'device:no-data:pk0000test1:bed.1': b }, p3: { 'vital:spo2': a } });
      expect(await store.conditionStates('p1')).toEqual({ 'vital:spo2': a, 'device:no-data:pk0000test1:bed.1': b });
      const a2 = { ...a, lastTs: T0 + 9, active: { alertId: 'x', severity: 'urgent' as const, normalFrom: null, normalCount: 0 } };
      await store.putConditionStates({ p1: { 'vital:spo2': a2, 'device:no-data:pk0000test1:bed.1': null } });
      expect(await store.conditionStates('p1')).toEqual({ 'vital:spo2': a2 });
      expect(await store.conditionStates('p2')).toEqual({});
      expect(await store.conditionStates('p3')).toEqual({ 'vital:spo2': a });
    });

    test('an alert is created once per id; updates, deliveries and one acknowledgement are kept', async () => {
      const store = getStore();
      const a = alert('p1', 1);
      expect(await store.createAlert(a)).toBe(true);
      expect(await store.createAlert({ ...a, message: 'again' })).toBe(false);
      expect(await store.getAlert(a.id)).toEqual(a);
      expect(await store.getAlert('nope')).toBeUndefined();
      await store.updateAlert(a.id, { severity: 'urgent', value: 88, message: 'SpO2 88 %' });
      await store.addDeliveries(a.id, [{ at: T0 + 1, channel: 'realtime', reason: 'raise', outcome: 'sent' }]);
      await store.addDeliveries(a.id, [
        { at: T0 + 2, channel: 'wechat', reason: 'raise', userId: 'u1', outcome: 'would-send', detail: 'template t1' },
        { at: T0 + 2, channel: 'wechat', reason: 'raise', userId: 'u2', outcome: 'no-quota' },
      ]);
      expect(await store.acknowledgeAlert(a.id, { by: 'u2', at: T0 + 3, note: 'called her' })).toBe(true);
      expect(await store.acknowledgeAlert(a.id, { by: 'u1', at: T0 + 4 })).toBe(false);
      expect(await store.acknowledgeAlert('nope', { by: 'u1', at: T0 + 4 })).toBe(false);
      const got = await store.getAlert(a.id);
      expect(got).toMatchObject({ severity: 'urgent', value: 88, message: 'SpO2 88 %', ack: { by: 'u2', at: T0 + 3, note: 'called her' } });
      expect(got?.deliveries.map((d) => d.outcome)).toEqual(['sent', 'would-send', 'no-quota']);
      expect((await store.activeAlerts('p1')).map((x) => x.id)).toEqual([a.id]);
      await store.updateAlert(a.id, { resolvedAt: T0 + 10, resolveNote: 'back in range for 60 s' });
      expect(await store.activeAlerts('p1')).toEqual([]);
      expect((await store.getAlert(a.id))?.resolvedAt).toBe(T0 + 10);
    });

    test('active alerts of one patient or of all; history newest first, page by page', async () => {
      const store = getStore();
      for (let i = 0; i < 7; i++) await store.createAlert(alert('p1', i, i < 5 ? { resolvedAt: T0 + 99_000 } : {}));
      // Two alerts raised in the same millisecond still page in a stable order.
      await store.createAlert(alert('p1', 7, { raisedAt: T0 + 6000, id: 'p1:vital:heartRate:1', kind: 'heartRate', condition: 'vital:heartRate' }));
      await store.createAlert(alert('p2', 1));
      expect((await store.activeAlerts('p1')).map((a) => a.id).sort()).toEqual([alert('p1', 5).id, alert('p1', 6).id, 'p1:vital:heartRate:1'].sort());
      expect((await store.activeAlerts()).length).toBe(4);
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.alertHistory('p1', before, 3);
        seen.push(...page.alerts.map((a) => a.id));
        if (!page.next) break;
        before = page.next;
      }
      expect(seen).toHaveLength(8);
      expect(new Set(seen).size).toBe(8);
      const raised = await Promise.all(seen.map(async (id) => (await store.getAlert(id))!.raisedAt));
      expect(raised).toEqual([...raised].sort((x, y) => y - x));
    });

    test('snoozes per patient and kind; the last one set wins', async () => {
      const store = getStore();
      await store.setSnooze({ patientId: 'p1', kind: 'spo2', until: T0 + 3_600_000, by: 'u1', at: T0 });
      await store.setSnooze({ patientId: 'p1', kind: 'offline', until: T0 + 60_000, by: 'u2', at: T0 });
      await store.setSnooze({ patientId: 'p1', kind: 'spo2', until: T0 + 600_000, by: 'u2', at: T0 + 1 });
      expect(await store.snoozes('p1')).toEqual([
        { patientId: 'p1', kind: 'offline', until: T0 + 60_000, by: 'u2', at: T0 },
        { patientId: 'p1', kind: 'spo2', until: T0 + 600_000, by: 'u2', at: T0 + 1 },
      ]);
      expect(await store.snoozes('p2')).toEqual([]);
    });

    test('subscription quota is added and taken one at a time, never below zero', async () => {
      const store = getStore();
      expect(await store.takeSubscribeQuota('u1', 'tmpl-a')).toBe(false);
      expect(await store.addSubscribeQuota('u1', 'tmpl-a', 2)).toBe(2);
      expect(await store.addSubscribeQuota('u1', 'tmpl-a', 1)).toBe(3);
      expect(await store.addSubscribeQuota('u1', 'tmpl-b', 1)).toBe(1);
      const taken = await Promise.all([1, 2, 3, 4, 5].map(() => store.takeSubscribeQuota('u1', 'tmpl-a')));
      expect(taken.filter(Boolean)).toHaveLength(3);
      expect(await store.subscribeQuota('u1')).toEqual({ 'tmpl-a': 0, 'tmpl-b': 1 });
      expect(await store.subscribeQuota('u2')).toEqual({});
    });

    test("a user's OPENID is found by user id", async () => {
      const store = getStore();
      const u = await store.userForOpenid('openid-x', 'x', T0);
      expect(await store.openidOf(u.id)).toBe('openid-x');
      expect(await store.openidOf('u_nobody')).toBeUndefined();
    });
  });
}

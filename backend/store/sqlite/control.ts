/** Desired and reported device settings, and the audit trail of commands. */
import type { AuditEntry, CommandReplyRecord, CommandResult, DeviceState, Settings } from '../types';
import type { Db } from './database';

interface StateRow {
  desired_enabled: number | null;
  desired_interval_s: number | null;
  desired_at: number | null;
  desired_by: string | null;
  reported_enabled: number | null;
  reported_interval_s: number | null;
  reported_at: number | null;
}

interface AuditRow {
  at: number;
  user_id: string;
  patient_id: string | null;
  device_id: string;
  action: string;
  params: string;
  result: string;
  detail: string;
}

/** How long a device's reply to a command is kept. */
export const REPLY_TTL_MS = 86_400_000;

export function createControlTables(db: Db, rowId: (deviceId: string) => number | undefined) {
  const q = {
    state: db.prepare('SELECT * FROM device_state WHERE device_id = ?'),
    desired: db.prepare(`INSERT INTO device_state (device_id, desired_enabled, desired_interval_s, desired_at, desired_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET desired_enabled = excluded.desired_enabled, desired_interval_s = excluded.desired_interval_s,
      desired_at = excluded.desired_at, desired_by = excluded.desired_by`),
    reported: db.prepare(`INSERT INTO device_state (device_id, reported_enabled, reported_interval_s, reported_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET reported_enabled = excluded.reported_enabled, reported_interval_s = excluded.reported_interval_s,
      reported_at = excluded.reported_at`),
    audit: db.prepare('INSERT INTO audit (at, user_id, patient_id, device_id, action, params, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    auditOf: db.prepare('SELECT * FROM audit WHERE device_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
    putReply: db.prepare('INSERT OR REPLACE INTO command_replies (device_id, id, code, message, data, at) VALUES (?, ?, ?, ?, ?, ?)'),
    reply: db.prepare('SELECT * FROM command_replies WHERE device_id = ? AND id = ?'),
    forgetReplies: db.prepare('DELETE FROM command_replies WHERE at < ?'),
  };
  let repliesSincePurge = 0;
  const need = (deviceId: string) => {
    const id = rowId(deviceId);
    if (id === undefined) throw new Error(`unknown device ${deviceId}`);
    return id;
  };
  return {
    state(deviceId: string): DeviceState {
      const id = rowId(deviceId);
      const r = id === undefined ? undefined : (q.state.get(id) as StateRow | undefined);
      const out: DeviceState = {};
      if (r?.desired_at != null && r.desired_interval_s !== null) {
        out.desired = { enabled: r.desired_enabled === 1, intervalS: r.desired_interval_s, at: r.desired_at, by: r.desired_by ?? '' };
      }
      if (r?.reported_at != null && r.reported_interval_s !== null) {
        out.reported = { enabled: r.reported_enabled === 1, intervalS: r.reported_interval_s, at: r.reported_at };
      }
      return out;
    },
    setDesired(deviceId: string, s: Settings, at: number, by: string): void {
      q.desired.run(need(deviceId), s.enabled ? 1 : 0, s.intervalS, at, by);
    },
    setReported(deviceId: string, s: Settings, at: number): void {
      q.reported.run(need(deviceId), s.enabled ? 1 : 0, s.intervalS, at);
    },
    recordCommandReply(r: CommandReplyRecord): void {
      q.putReply.run(need(r.deviceId), r.id, r.code, r.message ?? null, JSON.stringify(r.data), r.at);
      // Replies matter for as long as a command waits (seconds): forget those older than a day.
      if (++repliesSincePurge >= 100) {
        repliesSincePurge = 0;
        q.forgetReplies.run(r.at - REPLY_TTL_MS);
      }
    },
    commandReply(deviceId: string, id: string): CommandReplyRecord | undefined {
      const d = rowId(deviceId);
      const r = d === undefined ? undefined : (q.reply.get(d, id) as { code: number; message: string | null; data: string; at: number } | undefined);
      if (!r) return undefined;
      const out: CommandReplyRecord = { deviceId, id, code: r.code, data: JSON.parse(r.data) as Record<string, unknown>, at: r.at };
      if (r.message !== null) out.message = r.message;
      return out;
    },
    appendAudit(e: AuditEntry): void {
      q.audit.run(e.at, e.userId, e.patientId ?? null, e.deviceId, e.action, JSON.stringify(e.params), e.result, e.detail);
    },
    auditOf(deviceId: string, limit: number): AuditEntry[] {
      return (q.auditOf.all(deviceId, limit) as AuditRow[]).map((r) => {
        const e: AuditEntry = {
          at: r.at,
          userId: r.user_id,
          deviceId: r.device_id,
          action: r.action,
          params: JSON.parse(r.params) as Record<string, unknown>,
          result: r.result as CommandResult,
          detail: r.detail,
        };
        if (r.patient_id !== null) e.patientId = r.patient_id;
        return e;
      });
    },
  };
}

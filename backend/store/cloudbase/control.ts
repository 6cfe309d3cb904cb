/**
 * Desired and reported device settings, and the audit trail of commands, on CloudBase.
 *
 *   device_state { _id: "{pk}:{dn}", desired: {enabled, intervalS, at, by}, reported: {enabled, intervalS, at} }
 *   audit        { _id, at, userId, patientId, deviceId, action, params, result, detail }
 *   command_replies { _id: "{pk}:{dn}:{id}", deviceId, id, code, message, data (JSON text), at }
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry, CommandReplyRecord, CommandResult, DeviceState, Settings } from '../types';
import { type CloudbaseDb, docsOf, firstDoc, must, upsert } from './db';
import { deviceKeyOf } from './keys';

export function createControl(cdb: CloudbaseDb) {
  const { db } = cdb;
  const _ = db.command;
  const states = () => db.collection(cdb.name('device_state'));
  const audit = () => db.collection(cdb.name('audit'));
  const replies = () => db.collection(cdb.name('command_replies'));
  const replyId = (deviceId: string, id: string) => `${deviceKeyOf(deviceId)}:${id}`;
  let seq = 0;

  /** Sets one whole field of the device's state document, creating the document if needed. */
  async function put(deviceId: string, field: 'desired' | 'reported', value: Record<string, unknown>): Promise<void> {
    await upsert(cdb, states, deviceKeyOf(deviceId), { [field]: _.set(value) }, () => ({ deviceId, [field]: value }));
  }

  return {
    async state(deviceId: string): Promise<DeviceState> {
      const d = firstDoc(await cdb.run(() => states().doc(deviceKeyOf(deviceId)).get()));
      const out: DeviceState = {};
      const desired = d?.desired as (Settings & { at: number; by: string }) | undefined;
      const reported = d?.reported as (Settings & { at: number }) | undefined;
      if (desired) out.desired = { enabled: desired.enabled, intervalS: desired.intervalS, at: desired.at, by: desired.by };
      if (reported) out.reported = { enabled: reported.enabled, intervalS: reported.intervalS, at: reported.at };
      return out;
    },
    setDesired: (deviceId: string, s: Settings, at: number, by: string) => put(deviceId, 'desired', { enabled: s.enabled, intervalS: s.intervalS, at, by }),
    setReported: (deviceId: string, s: Settings, at: number) => put(deviceId, 'reported', { enabled: s.enabled, intervalS: s.intervalS, at }),
    async recordCommandReply(r: CommandReplyRecord): Promise<void> {
      // The device's `data` is kept as JSON text: its keys are the device's (they may hold `$` or
      // `.`, which CloudBase refuses as field names), and nobody queries inside it.
      const data = { deviceId: r.deviceId, id: r.id, code: r.code, message: r.message ?? null, data: JSON.stringify(r.data), at: r.at };
      // set() replaces or creates: a redelivered reply rewrites the same document.
      must(await cdb.run(() => replies().doc(replyId(r.deviceId, r.id)).set(data)));
    },
    async commandReply(deviceId: string, id: string): Promise<CommandReplyRecord | undefined> {
      const d = firstDoc(await cdb.run(() => replies().doc(replyId(deviceId, id)).get()));
      if (!d) return undefined;
      const out: CommandReplyRecord = {
        deviceId,
        id,
        code: d.code as number,
        data: JSON.parse((d.data as string | undefined) ?? '{}') as Record<string, unknown>,
        at: d.at as number,
      };
      if (typeof d.message === 'string') out.message = d.message;
      return out;
    },
    async appendAudit(e: AuditEntry): Promise<void> {
      // Ids sort by time and then by order of writing within this instance, so entries of one
      // millisecond keep their order (newest first on reading); the random part keeps instances apart.
      const _id = `${String(e.at).padStart(15, '0')}-${String(seq++ % 1e6).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
      const data = {
        _id,
        at: e.at,
        userId: e.userId,
        patientId: e.patientId ?? null,
        deviceId: e.deviceId,
        action: e.action,
        params: e.params,
        result: e.result,
        detail: e.detail,
      };
      must(await cdb.run(() => audit().add(data)));
    },
    async auditOf(deviceId: string, limit: number): Promise<AuditEntry[]> {
      const q = audit().where({ deviceId }).orderBy('at', 'desc').orderBy('_id', 'desc').limit(Math.min(limit, 1000));
      return docsOf(await cdb.run(() => q.get())).map((d) => {
        const e: AuditEntry = {
          at: d.at as number,
          userId: d.userId as string,
          deviceId: d.deviceId as string,
          action: d.action as string,
          params: (d.params ?? {}) as Record<string, unknown>,
          result: d.result as CommandResult,
          detail: d.detail as string,
        };
        if (typeof d.patientId === 'string') e.patientId = d.patientId;
        return e;
      });
    },
  };
}

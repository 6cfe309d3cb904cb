/**
 * Users, sessions, patients, family members and invites on CloudBase.
 *
 *   users    { _id: "u_{hash of openid}", openid, name, avatarUrl?, createdAt }
 *   sessions { _id, userId, createdAt, expiresAt, revokedAt }
 *   patients { _id, name, birthDate, sex, notes, phone, emergencyContacts, createdAt }
 *   members  { _id: "{patientId}:{userId}", patientId, userId, role, since }
 *   invites  { _id: keyed hash of the code (`h1.…`, backend/secret-box), patientId, createdBy, createdAt, expiresAt, redeemedBy, redeemedAt, joined }
 *
 * A user's id is derived from the OPENID, so two first sign-ins racing create one user (the
 * second insert is a duplicate) without a unique index or a transaction.
 * Invites written before codes were hashed have the plain code as `_id`: redeeming one moves it
 * to its hash first (as does `resealSecrets`).
 */
import { createHash } from 'node:crypto';
import type {
  EmergencyContact,
  InviteRecord,
  MemberRecord,
  PatientProfile,
  PatientRecord,
  RedeemOutcome,
  Role,
  SessionRecord,
  Sex,
  UserProfilePatch,
  UserRecord,
} from '../types';
import { allWhere, byId, type CloudbaseDb, type CollectionRef, type Doc, isDuplicate, must } from './db';
import { memberKey } from './keys';
import type { SecretKeys } from '../../secret-box';

export const userIdFor = (openid: string): string => `u_${createHash('sha256').update(openid).digest('hex').slice(0, 16)}`;

function toUser(d: Doc): UserRecord {
  const u: UserRecord = { id: d._id as string, openid: d.openid as string, name: d.name as string, createdAt: d.createdAt as number };
  if (typeof d.avatarUrl === 'string') u.avatarUrl = d.avatarUrl;
  return u;
}

function toPatient(d: Doc): PatientRecord {
  const p: PatientRecord = { id: d._id as string, name: d.name as string, sex: d.sex as Sex, notes: d.notes as string, createdAt: d.createdAt as number };
  if (typeof d.birthDate === 'string') p.birthDate = d.birthDate;
  if (typeof d.phone === 'string') p.phone = d.phone;
  if (Array.isArray(d.emergencyContacts) && d.emergencyContacts.length) p.emergencyContacts = d.emergencyContacts as EmergencyContact[];
  return p;
}

/** CloudBase `_.in` takes a bounded list; ask in chunks. */
const IN_CHUNK = 100;
/** How long after taking an invite a failed redemption may still be finished once the invite expired, ms. */
const FINISH_GRACE_MS = 3_600_000;
function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += IN_CHUNK) out.push(xs.slice(i, i + IN_CHUNK));
  return out;
}

export function createPeople(cdb: CloudbaseDb, keys: SecretKeys) {
  const all = (coll: CollectionRef, where: Record<string, unknown>) => allWhere(cdb, coll, where);
  const { db } = cdb;
  const _ = db.command;
  const c = (n: Parameters<CloudbaseDb['name']>[0]) => () => db.collection(cdb.name(n));
  const users = c('users');
  const sessions = c('sessions');
  const patients = c('patients');
  const members = c('members');
  const invites = c('invites');
  const get = (coll: CollectionRef, id: string) => byId(cdb, coll, id);

  async function byIds(coll: () => ReturnType<typeof users>, ids: string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    for (const part of chunks([...new Set(ids)])) for (const d of await all(coll, { _id: _.in(part) })) out.set(d._id as string, d);
    return out;
  }

  async function addMember(patientId: string, userId: string, role: Role, since: number): Promise<boolean> {
    try {
      must(await cdb.run(() => members().add({ _id: memberKey(patientId, userId), patientId, userId, role, since })));
      return true;
    } catch (e) {
      if (isDuplicate(e)) return false;
      throw e;
    }
  }

  /** Adds the member an invite admits, then marks the invite as having done so. */
  async function join(code: string, patientId: string, userId: string, since: number): Promise<void> {
    await addMember(patientId, userId, 'family', since);
    must(await cdb.run(() => invites().doc(code).update({ joined: true })));
  }

  /** Moves a plain-code invite document to its hashed id; the hashed copy wins a race. */
  async function hashInvite(d: Doc): Promise<string> {
    const { _id: plain, ...rest } = d;
    const id = keys.hash(plain as string);
    try {
      must(await cdb.run(() => invites().add({ _id: id, ...rest })));
    } catch (e) {
      if (!isDuplicate(e)) throw e;
    }
    must(
      await cdb.run(() =>
        invites()
          .doc(plain as string)
          .remove(),
      ),
    );
    return id;
  }

  /** The invite document a code names (its hash under any key, or a not yet converted plain id). */
  async function findInvite(code: string): Promise<Doc | undefined> {
    const [d] = await all(invites, { _id: _.in([...keys.hashes(code), code]) });
    if (!d || keys.keyIdOf(d._id as string)) return d;
    return get(invites, await hashInvite(d));
  }

  async function roleOf(patientId: string, userId: string): Promise<Role | undefined> {
    return (await get(members, memberKey(patientId, userId)))?.role as Role | undefined;
  }

  return {
    async userForOpenid(openid: string, name: string, now: number): Promise<UserRecord> {
      const id = userIdFor(openid);
      const found = await get(users, id);
      if (found) return toUser(found);
      try {
        must(await cdb.run(() => users().add({ _id: id, openid, name, createdAt: now })));
        return { id, openid, name, createdAt: now };
      } catch (e) {
        if (!isDuplicate(e)) throw e;
        return toUser((await get(users, id)) as Doc);
      }
    },
    async findUserByOpenid(openid: string): Promise<UserRecord | undefined> {
      const d = await get(users, userIdFor(openid));
      return d ? toUser(d) : undefined;
    },
    async updateUser(id: string, patch: UserProfilePatch): Promise<UserRecord | undefined> {
      const data: Record<string, unknown> = {};
      if (patch.name !== undefined) data.name = patch.name;
      if (patch.avatarUrl !== undefined) data.avatarUrl = patch.avatarUrl;
      if (Object.keys(data).length) must(await cdb.run(() => users().doc(id).update(data)));
      const d = await get(users, id);
      return d ? toUser(d) : undefined;
    },
    async createSession(s: SessionRecord): Promise<void> {
      must(await cdb.run(() => sessions().add({ _id: s.id, userId: s.userId, createdAt: s.createdAt, expiresAt: s.expiresAt, revokedAt: null })));
    },
    async getSession(id: string): Promise<SessionRecord | undefined> {
      const d = await get(sessions, id);
      if (!d) return undefined;
      const s: SessionRecord = { id, userId: d.userId as string, createdAt: d.createdAt as number, expiresAt: d.expiresAt as number };
      if (typeof d.revokedAt === 'number') s.revokedAt = d.revokedAt;
      return s;
    },
    async revokeSession(id: string, at: number): Promise<void> {
      must(
        await cdb.run(() =>
          sessions()
            .where({ _id: id, revokedAt: _.eq(null) })
            .update({ revokedAt: at }),
        ),
      );
    },
    /** Two writes (patient, then owner); a patient left without its owner by a failure is unreachable and harmless. */
    async createPatient(p: PatientRecord, ownerId: string): Promise<void> {
      must(
        await cdb.run(() =>
          patients().add({
            _id: p.id,
            name: p.name,
            birthDate: p.birthDate ?? null,
            sex: p.sex,
            notes: p.notes,
            phone: p.phone ?? null,
            emergencyContacts: p.emergencyContacts ?? [],
            createdAt: p.createdAt,
          }),
        ),
      );
      await addMember(p.id, ownerId, 'owner', p.createdAt);
    },
    async getPatient(id: string): Promise<PatientRecord | undefined> {
      const d = await get(patients, id);
      return d ? toPatient(d) : undefined;
    },
    async updatePatient(id: string, p: PatientProfile): Promise<void> {
      // emergencyContacts replaced as a whole: `_.set` so the array is not merged element-wise.
      must(
        await cdb.run(() =>
          patients()
            .doc(id)
            .update({
              name: p.name,
              birthDate: p.birthDate ?? null,
              sex: p.sex,
              notes: p.notes,
              phone: p.phone ?? null,
              emergencyContacts: _.set(p.emergencyContacts ?? []),
            }),
        ),
      );
    },
    async patientsOf(userId: string): Promise<Array<PatientRecord & { role: Role }>> {
      const ms = await all(members, { userId });
      const ps = await byIds(
        patients,
        ms.map((m) => m.patientId as string),
      );
      return ms
        .flatMap((m) => {
          const p = ps.get(m.patientId as string);
          return p ? [{ ...toPatient(p), role: m.role as Role }] : [];
        })
        .sort((a, b) => a.createdAt - b.createdAt);
    },
    roleOf,
    async members(patientId: string): Promise<MemberRecord[]> {
      const ms = await all(members, { patientId });
      const us = await byIds(
        users,
        ms.map((m) => m.userId as string),
      );
      return ms
        .map((m) => {
          const u = us.get(m.userId as string);
          const r: MemberRecord = {
            patientId,
            userId: m.userId as string,
            userName: (u?.name as string | undefined) ?? '',
            role: m.role as Role,
            since: m.since as number,
          };
          if (typeof u?.avatarUrl === 'string') r.avatarUrl = u.avatarUrl;
          return r;
        })
        .sort((a, b) => (a.role === b.role ? a.since - b.since : a.role === 'owner' ? -1 : 1));
    },
    async removeMember(patientId: string, userId: string): Promise<boolean> {
      // The invites they joined with are spent for good first: the finishing path below (a
      // redemption whose last write failed) must never re-admit someone removed since.
      must(await cdb.run(() => invites().where({ patientId, redeemedBy: userId }).update({ joined: true })));
      const res = must(
        await cdb.run(() =>
          members()
            .where({ _id: memberKey(patientId, userId), role: 'family' })
            .remove(),
        ),
      );
      return (res as { deleted?: number }).deleted === 1;
    },
    async createInvite(i: InviteRecord): Promise<void> {
      const data = {
        _id: keys.hash(i.code),
        patientId: i.patientId,
        createdBy: i.createdBy,
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
        redeemedBy: null,
        redeemedAt: null,
      };
      must(await cdb.run(() => invites().add(data)));
    },
    /**
     * The invite is taken with one conditional update (only while unredeemed), so two people racing
     * for one code cannot both join. If joining then fails, the same person redeeming again
     * finishes it instead of finding the code used — while the invite is valid, or within
     * `FINISH_GRACE_MS` of taking it; once joined (or removed), the code is used for good.
     */
    async redeemInvite(plainCode: string, userId: string, now: number): Promise<{ outcome: RedeemOutcome; patientId?: string }> {
      const inv = await findInvite(plainCode);
      if (!inv) return { outcome: 'unknown' };
      const code = inv._id as string;
      const patientId = inv.patientId as string;
      if (inv.redeemedBy !== null && inv.redeemedBy !== undefined) {
        // Finishing a redemption that failed half-way (the invite taken, the member not added) —
        // never re-admitting someone who joined with it and was removed since.
        if (inv.redeemedBy === userId && inv.joined !== true && (now < (inv.expiresAt as number) || now - (inv.redeemedAt as number) <= FINISH_GRACE_MS)) {
          await join(code, patientId, userId, inv.redeemedAt as number);
          return { outcome: 'joined', patientId };
        }
        return { outcome: 'used' };
      }
      if ((inv.expiresAt as number) <= now) return { outcome: 'expired' };
      if (await roleOf(patientId, userId)) return { outcome: 'already-member', patientId };
      const taken = must(
        await cdb.run(() =>
          invites()
            .where({ _id: code, redeemedBy: _.eq(null) })
            .update({ redeemedBy: userId, redeemedAt: now }),
        ),
      );
      if ((taken as { updated?: number }).updated !== 1) return { outcome: 'used' };
      await join(code, patientId, userId, now);
      return { outcome: 'joined', patientId };
    },
    /** Moves every plain-code invite to its hash; counts unredeemed invites hashed under an older key. */
    async rehashInvites(): Promise<{ codes: number; oldCodes: number }> {
      let codes = 0;
      let oldCodes = 0;
      for (const d of await all(invites, {})) {
        const k = keys.keyIdOf(d._id as string);
        if (!k) {
          await hashInvite(d);
          codes++;
        } else if (k !== keys.currentId && (d.redeemedBy === null || d.redeemedBy === undefined)) oldCodes++;
      }
      return { codes, oldCodes };
    },
  };
}

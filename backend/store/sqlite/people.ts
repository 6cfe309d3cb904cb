/** Users, sessions, patients, family members and invites. */
import { randomBytes } from 'node:crypto';
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
import type { SecretKeys } from '../../secret-box';
import { type Db, writeTransaction } from './database';

interface UserRow {
  id: string;
  openid: string;
  name: string;
  avatar_url: string | null;
  created_at: number;
}
interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
interface PatientRow {
  id: string;
  name: string;
  birth_date: string | null;
  sex: string;
  notes: string;
  phone: string | null;
  emergency_contacts: string | null;
  created_at: number;
}
interface InviteRow {
  code: string;
  patient_id: string;
  expires_at: number;
  redeemed_by: string | null;
}

function toUser(r: UserRow): UserRecord {
  const u: UserRecord = { id: r.id, openid: r.openid, name: r.name, createdAt: r.created_at };
  if (r.avatar_url !== null) u.avatarUrl = r.avatar_url;
  return u;
}

function toPatient(r: PatientRow): PatientRecord {
  const p: PatientRecord = { id: r.id, name: r.name, sex: r.sex as Sex, notes: r.notes, createdAt: r.created_at };
  if (r.birth_date !== null) p.birthDate = r.birth_date;
  if (r.phone !== null) p.phone = r.phone;
  const contacts = r.emergency_contacts === null ? [] : (JSON.parse(r.emergency_contacts) as EmergencyContact[]);
  if (contacts.length) p.emergencyContacts = contacts;
  return p;
}

/** Stored as JSON, NULL when empty (the record then has no `emergencyContacts`). */
function contactsColumn(p: PatientProfile): string | null {
  return p.emergencyContacts?.length ? JSON.stringify(p.emergencyContacts) : null;
}

/** `invites.code` holds the code's keyed hash (migration 8): a lookup matches its hash under every key. */
export function createPeopleTables(db: Db, keys: SecretKeys) {
  const q = {
    userByOpenid: db.prepare('SELECT * FROM users WHERE openid = ?'),
    insertUser: db.prepare('INSERT INTO users (id, openid, name, created_at) VALUES (?, ?, ?, ?)'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    updateUser: db.prepare('UPDATE users SET name = coalesce(?, name), avatar_url = coalesce(?, avatar_url) WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    session: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    revoke: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    insertPatient: db.prepare('INSERT INTO patients (id, name, birth_date, sex, notes, phone, emergency_contacts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    patient: db.prepare('SELECT * FROM patients WHERE id = ?'),
    updatePatient: db.prepare('UPDATE patients SET name = ?, birth_date = ?, sex = ?, notes = ?, phone = ?, emergency_contacts = ? WHERE id = ?'),
    addMember: db.prepare('INSERT INTO patient_members (patient_id, user_id, role, since) VALUES (?, ?, ?, ?)'),
    patientsOf: db.prepare(`SELECT p.*, m.role FROM patient_members m JOIN patients p ON p.id = m.patient_id
      WHERE m.user_id = ? ORDER BY p.created_at`),
    role: db.prepare('SELECT role FROM patient_members WHERE patient_id = ? AND user_id = ?'),
    members: db.prepare(`SELECT m.patient_id, m.user_id, u.name, u.avatar_url, m.role, m.since FROM patient_members m
      JOIN users u ON u.id = m.user_id WHERE m.patient_id = ? ORDER BY m.role DESC, m.since`),
    removeMember: db.prepare("DELETE FROM patient_members WHERE patient_id = ? AND user_id = ? AND role = 'family'"),
    insertInvite: db.prepare('INSERT INTO invites (code, patient_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
    invite: db.prepare('SELECT code, patient_id, expires_at, redeemed_by FROM invites WHERE code IN (SELECT value FROM json_each(?))'),
    allInvites: db.prepare('SELECT code, redeemed_by FROM invites'),
    setInviteCode: db.prepare('UPDATE invites SET code = ? WHERE code = ?'),
    redeem: db.prepare('UPDATE invites SET redeemed_by = ?, redeemed_at = ? WHERE code = ? AND redeemed_by IS NULL'),
  };

  const redeemTx = writeTransaction(db, (code: string, userId: string, now: number): { outcome: RedeemOutcome; patientId?: string } => {
    const inv = q.invite.get(JSON.stringify(keys.hashes(code))) as InviteRow | undefined;
    if (!inv) return { outcome: 'unknown' };
    if (inv.redeemed_by !== null) return { outcome: 'used' };
    if (inv.expires_at <= now) return { outcome: 'expired' };
    if (q.role.get(inv.patient_id, userId)) return { outcome: 'already-member', patientId: inv.patient_id };
    q.redeem.run(userId, now, inv.code);
    q.addMember.run(inv.patient_id, userId, 'family', now);
    return { outcome: 'joined', patientId: inv.patient_id };
  });

  return {
    userForOpenid(openid: string, name: string, now: number): UserRecord {
      const found = q.userByOpenid.get(openid) as UserRow | undefined;
      if (found) return toUser(found);
      const user: UserRecord = { id: `u_${randomBytes(8).toString('hex')}`, openid, name, createdAt: now };
      q.insertUser.run(user.id, openid, name, now);
      return user;
    },
    findUserByOpenid(openid: string): UserRecord | undefined {
      const r = q.userByOpenid.get(openid) as UserRow | undefined;
      return r ? toUser(r) : undefined;
    },
    updateUser(id: string, patch: UserProfilePatch): UserRecord | undefined {
      q.updateUser.run(patch.name ?? null, patch.avatarUrl ?? null, id);
      const r = q.userById.get(id) as UserRow | undefined;
      return r ? toUser(r) : undefined;
    },
    createSession(s: SessionRecord): void {
      q.insertSession.run(s.id, s.userId, s.createdAt, s.expiresAt);
    },
    getSession(id: string): SessionRecord | undefined {
      const r = q.session.get(id) as SessionRow | undefined;
      if (!r) return undefined;
      const s: SessionRecord = { id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
      if (r.revoked_at !== null) s.revokedAt = r.revoked_at;
      return s;
    },
    revokeSession(id: string, at: number): void {
      q.revoke.run(at, id);
    },
    createPatient: writeTransaction(db, (p: PatientRecord, ownerId: string): void => {
      q.insertPatient.run(p.id, p.name, p.birthDate ?? null, p.sex, p.notes, p.phone ?? null, contactsColumn(p), p.createdAt);
      q.addMember.run(p.id, ownerId, 'owner', p.createdAt);
    }),
    getPatient(id: string): PatientRecord | undefined {
      const r = q.patient.get(id) as PatientRow | undefined;
      return r ? toPatient(r) : undefined;
    },
    updatePatient(id: string, p: PatientProfile): void {
      q.updatePatient.run(p.name, p.birthDate ?? null, p.sex, p.notes, p.phone ?? null, contactsColumn(p), id);
    },
    patientsOf(userId: string): Array<PatientRecord & { role: Role }> {
      return (q.patientsOf.all(userId) as Array<PatientRow & { role: Role }>).map((r) => ({ ...toPatient(r), role: r.role }));
    },
    roleOf(patientId: string, userId: string): Role | undefined {
      return (q.role.get(patientId, userId) as { role: Role } | undefined)?.role;
    },
    members(patientId: string): MemberRecord[] {
      const rows = q.members.all(patientId) as Array<{
        patient_id: string;
        user_id: string;
        name: string;
        avatar_url: string | null;
        role: Role;
        since: number;
      }>;
      return rows.map((r) => {
        const m: MemberRecord = { patientId: r.patient_id, userId: r.user_id, userName: r.name, role: r.role, since: r.since };
        if (r.avatar_url !== null) m.avatarUrl = r.avatar_url;
        return m;
      });
    },
    removeMember(patientId: string, userId: string): boolean {
      return q.removeMember.run(patientId, userId).changes === 1;
    },
    createInvite(i: InviteRecord): void {
      q.insertInvite.run(keys.hash(i.code), i.patientId, i.createdBy, i.createdAt, i.expiresAt);
    },
    redeemInvite: redeemTx,
    /** Hashes plain invite codes; counts unredeemed invites hashed under an older key. */
    rehashInvites(): { codes: number; oldCodes: number } {
      let codes = 0;
      let oldCodes = 0;
      for (const i of q.allInvites.all() as Array<{ code: string; redeemed_by: string | null }>) {
        const k = keys.keyIdOf(i.code);
        if (!k) {
          q.setInviteCode.run(keys.hash(i.code), i.code);
          codes++;
        } else if (k !== keys.currentId && i.redeemed_by === null) oldCodes++;
      }
      return { codes, oldCodes };
    },
  };
}

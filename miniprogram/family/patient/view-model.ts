/** Pure rules of the patient page: device and member rows. */
import { type DeviceStatus, formatCode, type MemberRecord, normalizeCode } from '../../lib/core';
import type { PatientProfile } from '../../lib/core';
import { ago, dateTimeText } from '../../common/time';
import { ROLE_TEXT } from '../../pages/me/view-model';

export interface DeviceRow {
  id: string;
  label: string;
  online: boolean;
  status: string;
}

export function deviceRow(d: DeviceStatus, now: number): DeviceRow {
  const last = d.lastReading ? `最近测量 ${ago(d.lastReading.ts, now)}` : '还没有测量数据';
  const presence = d.online ? '在线' : d.presenceAt ? `离线 · ${ago(d.presenceAt, now)}` : '离线';
  return { id: d.id, label: d.label || d.deviceName, online: d.online, status: `${presence} · ${last}` };
}

export interface MemberRow {
  userId: string;
  name: string;
  /** What the avatar shows ('' = the name's first character). */
  avatarSrc: string;
  roleText: string;
  since: string;
  isMe: boolean;
  /** The owner may remove family members (never themself). */
  removable: boolean;
}

/** `avatarSource` turns a stored avatar reference into an `<image>` source (`services.avatars.source`). */
export function memberRows(members: readonly MemberRecord[], meId: string, iAmOwner: boolean, avatarSource: (ref: string | undefined) => string): MemberRow[] {
  return members.map((m) => ({
    userId: m.userId,
    name: m.userName,
    avatarSrc: avatarSource(m.avatarUrl),
    roleText: ROLE_TEXT[m.role],
    since: dateTimeText(m.since),
    isMe: m.userId === meId,
    removable: iAmOwner && m.role !== 'owner' && m.userId !== meId,
  }));
}

/**
 * A scanned label may hold the bare code or a URL/text ending in it (`…?code=XXXXX-XXXXX`); takes
 * the last run of code characters.
 */
export function codeFromScan(text: string): string {
  const m = text.match(/([0-9A-Za-z]{5}-?[0-9A-Za-z]{5})\s*$/);
  return m ? formatCode(normalizeCode(m[1])) : text.trim();
}

/** `ABCD2345` → `ABCD 2345`, easier to read out over the phone. */
export function inviteText(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

/** Where a shared invite card opens: 我的, with the code filled in. */
export function shareInvitePath(code: string): string {
  return `/pages/me/index?invite=${encodeURIComponent(code)}`;
}

/** One number to call (`wx.makePhoneCall`): who, and the number as stored. */
export interface CallRow {
  /** `王秀英本人`, `张丽（女儿）`. */
  who: string;
  phone: string;
}

export function callRows(p: PatientProfile): CallRow[] {
  const own = p.phone ? [{ who: `${p.name}本人`, phone: p.phone }] : [];
  return [...own, ...(p.emergencyContacts ?? []).map((c) => ({ who: c.relation ? `${c.name}（${c.relation}）` : c.name, phone: c.phone }))];
}

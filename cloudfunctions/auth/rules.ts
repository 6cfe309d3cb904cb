/**
 * What a user's avatar may be — for the local host's avatar paths also used by the function host
 * that stores the uploads. The display name's rule is the `auth` contract's
 * (core/api/contract/auth), checked before any handler runs.
 */

/** Image types the local host accepts for avatars, by the file extension it stores them under. */
export const AVATAR_TYPES = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' } as const;
export type AvatarExt = keyof typeof AVATAR_TYPES;

/**
 * An avatar stored by the local function host: `/files/avatars/<32 hex>.<ext>`, a path on the host
 * (each client resolves it against the host it talks to, which differs between the simulator and a
 * phone on the LAN).
 */
export const LOCAL_AVATAR_PATH = /^\/files\/avatars\/([0-9a-f]{32}\.(?:png|jpg|webp|gif))$/;

/** Longest avatar reference accepted. */
const MAX_AVATAR_CHARS = 256;

/**
 * A CloudBase file id the mini program got from `wx.cloud.uploadFile` with the cloud path
 * `avatars/<user id>/<file>`: `cloud://<env>.<bucket>/avatars/<user id>/<file>`.
 */
const CLOUD_AVATAR = /^cloud:\/\/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\/avatars\/([A-Za-z0-9_-]{1,64})\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/**
 * Why `raw` cannot be `userId`'s avatar, or undefined when it can: a CloudBase file id under the
 * user's own `avatars/<user id>/` folder, or a path of an avatar the local host stores.
 */
export function avatarProblem(raw: unknown, userId: string): string | undefined {
  const rule = `"avatarUrl" must be a CloudBase file id (cloud://<env>.<bucket>/avatars/${userId}/<file>) or a local host avatar path (/files/avatars/<name>)`;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_AVATAR_CHARS) return rule;
  if (LOCAL_AVATAR_PATH.test(raw)) return undefined;
  const cloud = CLOUD_AVATAR.exec(raw);
  if (!cloud) return rule;
  return cloud[1] === userId ? undefined : `"avatarUrl" must be one of your own files (avatars/${userId}/…)`;
}

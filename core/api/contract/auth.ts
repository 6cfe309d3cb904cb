/** `auth`: sign in, who am I, change my name and avatar, sign out. */
import * as v from 'valibot';
import { type LoginResult, type MeResult, PROFILE_LIMITS, type UserRecord } from '..';
import { action } from './define';
import { empty } from './fields';

/** Read after the field's name: `"name" must be 1–32 characters (after trimming spaces)`. */
export const NAME_WORDING = `must be 1–${PROFILE_LIMITS.nameMaxChars} characters (after trimming spaces)`;

/** A display name: trimmed, then 1–32 characters. */
const name = v.pipe(v.string(NAME_WORDING), v.trim(), v.minLength(1, NAME_WORDING), v.maxLength(PROFILE_LIMITS.nameMaxChars, NAME_WORDING));

export const auth = {
  /**
   * `code` is the local host's development sign-in (checked there); on CloudBase the platform
   * names the caller and `code` is ignored.
   */
  login: action<LoginResult>()(v.object({ code: v.optional(v.string()), name: v.optional(name) })),
  me: action<MeResult>()(empty),
  /** The avatar's rules depend on the caller (their own folder): checked by the function. */
  updateProfile: action<UserRecord>()(v.object({ name: v.optional(name), avatarUrl: v.optional(v.string()) })),
  logout: action<{ signedOut: true }>()(empty),
};

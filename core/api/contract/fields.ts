/** Schemas for fields several actions share, worded so the message reads after the field's name. */
import * as v from 'valibot';
import { isCode, normalizeCode } from '../../codes';

/** A non-empty id (patient, device, user): `"patientId" is required` when missing or empty. */
export const id = v.pipe(v.string(), v.minLength(1, 'is required'));

/** A code typed by a person (bind or invite code): normalized, then checked for its length. */
export const code = (length: number, what: string) => {
  const message = `must be the ${length}-character ${what}`;
  return v.pipe(
    v.string(message),
    v.transform(normalizeCode),
    v.check((c) => isCode(c, length), message),
  );
};

/** Nothing but the action name. */
export const empty = v.object({});

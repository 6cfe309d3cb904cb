/**
 * `history`: readings over [from, to), raw or bucketed, of a patient (or, for operators, of one
 * device). The range rules (order, span, `maxPoints` bounds) are `checkRange`'s, in core/history.
 */
import * as v from 'valibot';
import type { HistoryResult } from '..';
import { action } from './define';
import { id } from './fields';

const MODES = ['auto', 'raw', 'buckets'] as const;
const ms = v.number('must be a timestamp in ms since the epoch');

export const history = {
  query: action<HistoryResult>()(
    v.object({
      patientId: v.optional(id),
      /** Operators only. */
      deviceId: v.optional(id),
      /** ms since the epoch, inclusive. */
      from: ms,
      /** ms since the epoch, exclusive. */
      to: ms,
      /** Most points returned; the function buckets beyond that. Default 500. */
      maxPoints: v.optional(v.number()),
      /** `auto` (default), `raw` (pages; `next` is the following page's `from`) or `buckets`. */
      mode: v.optional(v.picklist(MODES, `must be one of ${MODES.join(', ')}`), 'auto'),
    }),
  ),
};

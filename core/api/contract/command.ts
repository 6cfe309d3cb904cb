/** `command`: remote control of bedside devices (settings, measure now) with desired state and audit. */
import * as v from 'valibot';
import type { CommandReply, ControlState, SetReply } from '..';
import { action } from './define';
import { id } from './fields';

/** How long to wait for the device's reply; default 5000. */
const timeoutMs = v.optional(
  v.pipe(v.number('must be 100–15000'), v.integer('must be 100–15000'), v.minValue(100, 'must be 100–15000'), v.maxValue(15_000, 'must be 100–15000')),
);

export const command = {
  /** The ranges of `settings` are the device model's (core/alink/settings). */
  set: action<SetReply>()(
    v.object({
      deviceId: id,
      settings: v.object({ enabled: v.optional(v.boolean()), intervalS: v.optional(v.number()) }, 'must be an object with enabled and/or intervalS'),
      timeoutMs,
    }),
  ),
  measureNow: action<CommandReply>()(v.object({ deviceId: id, timeoutMs })),
  state: action<ControlState>()(v.object({ deviceId: id })),
};

/**
 * `{action: "check"}`: "no data" and "offline" for every bound device, and escalation of urgent
 * alerts nobody acknowledged. Called by the timer — CloudBase's timer trigger (index.ts), the
 * interval in `npm start` — and by operators.
 */
import { ok } from '../../../core';
import { alertEngineOf } from '../../../backend/alerts';
import type { Handler } from '../../../backend/runtime/handler';

export const check: Handler = async ({ deps }) => ok(await alertEngineOf(deps).check());

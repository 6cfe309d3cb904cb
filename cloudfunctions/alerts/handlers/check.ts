/**
 * `{action: "check"}`: "no data" and "offline" for every bound device, and escalation of urgent
 * alerts nobody acknowledged. Called by the timer — CloudBase's timer trigger (index.ts), the
 * interval in `npm start` — and by operators.
 */
import { ok } from '../../../core';
import { alertEngineOf } from '../../../backend/alerts';
import { alerts as contract } from '../../../core/api/contract/alerts';
import { typed } from '../../../backend/runtime/handler';

export const check = typed(contract.check, async ({ deps }) => ok(await alertEngineOf(deps).check()));

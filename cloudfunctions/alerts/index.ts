/**
 * `alerts`: a patient's alerts (active, history, acknowledge, snooze), their rules (owner sets),
 * WeChat subscription quota, and the timer's `check`. docs/alerts.md.
 *
 * CloudBase's timer trigger calls `main` with `{Type: "Timer", TriggerName, Time}` and no caller
 * identity; such an event runs `check` and nothing else. A person always carries an OPENID, so
 * they cannot reach this path.
 */
import { err, ErrorCode } from '../../core';
import { alerts } from '../../core/api/contract/alerts';
import { type CloudFunction, defineFunction, guard, type Handler } from '../../backend/runtime/handler';
import { callerOf, type FunctionContext } from '../../backend/runtime/context';
import { depsFromEnvironment } from '../../backend/runtime/environment';
import type { FunctionDeps } from '../../backend/runtime/deps';
import { acknowledge, active, history, snooze, snoozes } from './handlers/alerts';
import { rules, setRules } from './handlers/rules';
import { quota, subscribed } from './handlers/subscribe';
import { check } from './handlers/check';

/** `check` is for the timer (a service caller) and operators. */
const serviceOrAdmin = <H extends Handler>(h: H): H =>
  guard(h, ({ caller }) => (caller.kind === 'service' || caller.kind === 'admin' ? undefined : err(ErrorCode.Forbidden, 'operators only')));

const userOnly = <H extends Handler>(h: H): H =>
  guard(h, (input) => (input.caller.kind === 'user' ? undefined : err(ErrorCode.Forbidden, 'alerts: for the people following a patient')));

const fn = defineFunction('alerts', {
  contract: alerts,
  actions: {
    active: userOnly(active),
    history: userOnly(history),
    acknowledge: userOnly(acknowledge),
    snooze: userOnly(snooze),
    snoozes: userOnly(snoozes),
    rules: userOnly(rules),
    setRules: userOnly(setRules),
    subscribed: userOnly(subscribed),
    quota: userOnly(quota),
    check: serviceOrAdmin(check),
  },
  allow: ['user', 'admin', 'service'],
});

export const isTimerEvent = (event: unknown): boolean => typeof event === 'object' && event !== null && (event as Record<string, unknown>).Type === 'Timer';

export function createHandler(deps: FunctionDeps): CloudFunction {
  const handle = fn.createHandler(deps);
  return (event, context?: FunctionContext) =>
    isTimerEvent(event) && callerOf(context).kind === 'anonymous'
      ? handle({ action: 'check' }, { caller: { kind: 'service', name: 'timer' } })
      : handle(event, context);
}

export const main = async (event: unknown, context?: FunctionContext) => depsFromEnvironment().use((deps) => createHandler(deps)(event, context));

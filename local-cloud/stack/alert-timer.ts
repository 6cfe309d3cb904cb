/**
 * The local counterpart of the `alerts` function's CloudBase timer trigger: calls `alerts.check`
 * ("no data", "offline", escalation) every `intervalMs`, one call at a time.
 */
import type { Result } from '../../core';
import type { Caller } from '../../backend/runtime/context';
import type { Logger } from '../../backend/runtime/deps';

export function startAlertTimer(opts: {
  intervalMs: number;
  invoke: (name: string, event: unknown, caller: Caller) => Promise<Result<unknown>>;
  log: Logger;
}): { stop(): Promise<void> } {
  if (opts.intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = opts
      .invoke('alerts', { action: 'check' }, { kind: 'service', name: 'timer' })
      .then((r) => {
        if (!r.ok) opts.log.warn(`alerts check: ${r.code} ${r.message}`);
      })
      .catch((e: Error) => opts.log.warn(`alerts check failed: ${e.message}`))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Stands in for the `worker-timers` package in the mini program bundle: the mini program has no
 * Web Workers, and the client is created with `timerVariant: 'native'`, so these never run.
 */
const unavailable = (): never => {
  throw new Error('worker timers are not available in the mini program');
};
export const setInterval = unavailable;
export const clearInterval = unavailable;
export const setTimeout = unavailable;
export const clearTimeout = unavailable;

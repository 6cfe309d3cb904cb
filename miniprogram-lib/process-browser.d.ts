/** The `process` package's browser shim (no typings of its own). */
declare module 'process/browser.js' {
  const process: { env: Record<string, string | undefined>; nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void };
  export default process;
}

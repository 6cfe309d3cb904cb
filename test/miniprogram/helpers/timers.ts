/** Real timers behind the injected interface, cleared after each test. */
export function createTimers() {
  const pending = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    setTimeout(fn: () => void, ms: number) {
      const id = next++;
      pending.set(
        id,
        setTimeout(() => (pending.delete(id), fn()), ms),
      );
      return id;
    },
    clearTimeout(id: number) {
      clearTimeout(pending.get(id));
      pending.delete(id);
    },
    clearAll: () => (pending.forEach((t) => clearTimeout(t)), pending.clear()),
  };
}

/**
 * Unchanged since the freeze: the baseline shares the current module. Before changing
 * device-emulator/algorithm/stats.ts, copy its current text here so the baseline stays as it was.
 */
export * from '../../../device-emulator/algorithm/stats';

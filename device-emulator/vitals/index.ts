/**
 * Choosing a vitals source by name: a PPG scenario (the full signal chain: synthetic sensor
 * signals analysed by the on-device algorithm) or `steady` (a light random walk for load tests).
 */
import { createPpgVitalsSource, isScenarioName, SCENARIOS } from './ppg-source';
import { createSteadySource } from './steady-source';
import type { VitalsSource } from './types';

export const SOURCE_NAMES: readonly string[] = [...SCENARIOS, 'steady'];

/** Throws a RangeError naming the choices when `name` is not a source. */
export function checkSourceName(name: string): void {
  if (name !== 'steady' && !isScenarioName(name)) {
    throw new RangeError(`unknown scenario "${name}"; choose one of ${SOURCE_NAMES.join(', ')}`);
  }
}

export function createVitalsSource(name: string, seed: number, startedAt: number): VitalsSource {
  checkSourceName(name);
  return name === 'steady' ? createSteadySource({ seed }) : createPpgVitalsSource({ scenario: name, seed, startedAt });
}

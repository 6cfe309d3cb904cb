/** Synthetic patient and sensor signals for the bedside-terminal emulator. */
export { createPpgSynthesizer, ADC_FULL_SCALE, type PpgSynthesizer, type PpgSynthesizerOptions, type PpgWindow } from './ppg-synth';
export { createTemperatureProbe, MAX30205_LSB, type TemperatureProbe } from './temperature';
export { SCENARIOS, assertScenarioName, getScenario, isScenarioName } from './scenarios';
export type { Drive, GroundTruth, Scenario, ScenarioName } from './scenarios';
export { ratioForSpo2, spo2ForRatio } from './spo2-curve';
export { createProfile, type Profile } from './profile';

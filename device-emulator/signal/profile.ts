/**
 * Per-instance constants drawn once from the seed: the "subject" (respiration, pulse contour,
 * heart-rate variability) and the "device" (LED/photodiode DC levels, noise, temperature-sensor
 * offset and thermal lag). Ranges are from the MAX30102 and MAX30205 datasheets (Maxim, 2018)
 * and from typical fingertip PPG physiology.
 */
import { Stream, uniformAt } from './rng';

export interface Profile {
  /** IR DC level with a finger on, 18-bit ADC counts (MAX30102 full scale 262 143). */
  irDc: number;
  /** Red DC level, counts (red is absorbed more by tissue, so lower at equal LED current). */
  redDc: number;
  /** Shot/thermal noise: σ = noiseShot·√level + noiseFloor counts per 100 Hz conversion. */
  noiseShot: number;
  noiseFloor: number;
  /** Level with no finger on the window (ambient residue after cancellation + cover reflection). */
  offLevel: number;
  /** Breaths per minute. */
  respirationRate: number;
  /** Respiratory baseline wander, fraction of DC (peak). */
  wander: number;
  /** Respiratory modulation of pulse amplitude, fraction (peak). */
  amplitudeModulation: number;
  /** Respiratory sinus arrhythmia, bpm (peak). */
  rsa: number;
  /** Reflected-wave amplitude of the pulse contour. */
  reflection: number;
  /** Red motion-artefact gain relative to IR (motion shifts venous blood and tissue: R_motion ≈ 1). */
  motionRedGain: number;
  /** Calibration offset of the MAX30205, °C (datasheet: ±0.1 °C from 37 to 39 °C). */
  temperatureOffset: number;
  /** Thermal time constant of the temperature probe on skin, s. */
  temperatureTau: number;
  /** Air temperature the probe starts from, °C. */
  ambientTemperature: number;
}

export function createProfile(seed: number): Profile {
  let i = 0;
  const u = (lo: number, hi: number) => lo + (hi - lo) * uniformAt(seed, Stream.device, i++);
  const irDc = u(70000, 120000);
  return {
    irDc,
    redDc: irDc * u(0.7, 0.95),
    noiseShot: u(0.04, 0.06),
    noiseFloor: u(3, 6),
    offLevel: u(500, 2500),
    respirationRate: u(12, 18),
    wander: u(0.002, 0.006),
    amplitudeModulation: u(0.06, 0.15),
    rsa: u(1.5, 4),
    reflection: u(0.3, 0.5),
    motionRedGain: u(0.95, 1.25),
    temperatureOffset: u(-0.08, 0.08),
    temperatureTau: u(45, 75),
    ambientTemperature: u(21, 25),
  };
}

/** Contract between the device emulator and a source of vital signs. */
import type { HeartRateReason, Spo2Reason } from '../algorithm/types';

/** One measurement as the terminal reports it. Times are ms since the Unix epoch (UTC). */
export interface Measurement {
  at: number;
  bodyTemperature?: number; // °C, 1 decimal
  heartRate?: number; // beats/min, integer
  spo2?: number; // %, 1 decimal
  /** Set when the device could not produce a trustworthy heart rate (then heartRate and spo2 are absent). */
  invalidReason?: HeartRateReason;
  /**
   * Set whenever spo2 is absent: the heart-rate reason, or why SpO2 alone was withheld
   * ('red-no-pulse', 'out-of-calibration', …) while the heart rate was reported.
   */
  spo2InvalidReason?: Spo2Reason;
}

export interface VitalsSource {
  /** Measure at wall-clock time `at` (ms): synthesize and analyse the raw window ending at `at`. */
  measure(at: number): Measurement;
  /** Optional raw frame for a live waveform view: samples in [from, to). */
  rawFrame?(from: number, to: number): { rate: number; red: number[]; ir: number[] };
}

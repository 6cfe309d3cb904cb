/** Contract between the device emulator and a source of vital signs. */

/** One measurement as the terminal reports it. Times are ms since the Unix epoch (UTC). */
export interface Measurement {
  at: number;
  bodyTemperature?: number; // °C, 1 decimal
  heartRate?: number; // beats/min, integer
  spo2?: number; // %, 1 decimal
  /** Set when the device could not produce a trustworthy HR/SpO2 (then heartRate/spo2 are absent). */
  invalidReason?: 'no-finger' | 'motion' | 'low-perfusion' | 'low-quality';
}

export interface VitalsSource {
  /** Measure at wall-clock time `at` (ms): synthesize and analyse the raw window ending at `at`. */
  measure(at: number): Measurement;
  /** Optional raw frame for a live waveform view: samples in [from, to). */
  rawFrame?(from: number, to: number): { rate: number; red: number[]; ir: number[] };
}

/** Public types of the on-device heart-rate / SpO2 algorithm. */
import type { SensorCalibration } from './calibration';

/**
 * Why no heart rate was given. `no-contact`: nothing (or not tissue) in front of the sensor, or
 * the sensor being put on / taken off; `motion`: movement artefact; `low-perfusion`: a pulse too
 * weak against the sensor's own noise floor; `low-quality`: anything else (irregular or
 * structured interference).
 */
export type HeartRateReason = 'no-contact' | 'motion' | 'low-perfusion' | 'low-quality';

/**
 * Why no SpO2 was given: the heart-rate reasons, plus `red-no-pulse` (the IR pulse is clean but
 * the red channel does not carry it) and `out-of-calibration` (the ratio lies outside the range
 * the calibration curve was fitted on).
 */
export type Spo2Reason = HeartRateReason | 'red-no-pulse' | 'out-of-calibration';

/** Any reason a window gave no complete reading. */
export type InvalidReason = Spo2Reason;

/** Signal-quality indices computed for every window (diagnostics; see docs/algorithm.md). */
export interface SignalQualityIndices {
  /** Channel the heart rate was measured on. */
  rateChannel: 'ir' | 'red';
  /** Perfusion index of the rate channel: median beat amplitude / DC, in % (reported, not gated). */
  perfusionIndex: number;
  /** Normalised autocorrelation at the pulse period (0–1). */
  periodicity: number;
  /**
   * Periodicity against chance: autocorrelation × √(independent samples in the overlap). Pure
   * noise gives |z| ≈ 1 whatever the window length, so one threshold serves 3 beats and 10.
   */
  periodicityZ: number;
  /** Mean correlation of each beat with the window's average beat (−1–1). */
  templateCorrelation: number;
  /** Mean power per spectral bin at the pulse harmonics over that of the other in-band bins (IR). */
  pulseSnrIr: number;
  /** Same for the red channel. */
  pulseSnrRed: number;
  /**
   * In-band residual power per bin over the sensor's white-noise floor (bins above the pulse
   * band) for the rate channel: ≈ 1 when only sensor noise competes with the pulse, ≫ 1 with
   * interference. NaN when the sample rate leaves no bins above the band.
   */
  residualOverFloor: number;
  /** Same for the red channel. */
  redResidualOverFloor: number;
  /** Red/IR magnitude-squared coherence over the pulse harmonics (0–1). */
  coherence: number;
  /** Coefficient of variation of the accepted inter-beat intervals (within ±25 % of the median). */
  ibiVariation: number;
  /** Share of inter-beat intervals rejected as missed, extra or ectopic beats (0–1). */
  ibiOutlierShare: number;
  /** |beat-based − spectral rate| / spectral rate. */
  rateDisagreement: number;
  /** Relative standard error of the ratio of ratios (Bendat & Piersol gain error). */
  ratioUncertainty: number;
  /** Largest / median RMS of the band-passed signal over 1 s segments (motion bursts → large). */
  envelopeRatio: number;
  /** Peak-to-peak of the slow (< 0.5 Hz) IR level, in % of DC (pressure / movement shifts). */
  dcShift: number;
  /** Red DC / IR DC. Tissue keeps it within a factor of a few; reflections off a cover do not. */
  levelRatio: number;
  /** Larger channel DC as a share of the ADC full scale (NaN when the full scale is unknown). */
  levelShare: number;
  /** Ambient DC / smaller LED-channel DC (NaN without an ambient channel). */
  ambientShare: number;
  /** Beats found in the window. */
  beats: number;
  /** Window length / pulse period. */
  periodsInWindow: number;
}

/** Result of analysing one window. */
export interface PpgAnalysis {
  /** Heart rate AND SpO2 can be trusted. */
  valid: boolean;
  heartRateValid: boolean;
  spo2Valid: boolean;
  /** Beats per minute (unrounded); only when `heartRateValid`. */
  heartRate?: number;
  /** % (unrounded); only when `spo2Valid`. Never clamped: outside its domain the curve is not used. */
  spo2?: number;
  /**
   * With `outOfCalibration: 'flag'`: the curve's value for a ratio outside its fitted range,
   * explicitly uncalibrated (and `spo2Valid` false).
   */
  uncalibratedSpo2?: number;
  heartRateReason?: HeartRateReason;
  spo2Reason?: Spo2Reason;
  /** First reason the reading is incomplete: the heart-rate one, else the SpO2 one. */
  reason?: InvalidReason;
  /** Overall signal quality, 0 (unusable) – 1 (clean). */
  quality: number;
  /** Ratio of ratios (AC_red/DC_red)/(AC_ir/DC_ir); present whenever both channels were analysed. */
  ratio?: number;
  sqi: SignalQualityIndices;
}

/** Heart rate of the recent track, used to hold lock with looser gates (see tracker.ts). */
export interface RateTrack {
  /** bpm */
  heartRate: number;
}

/** Options of `analyzePpgWindow`; every field has a default suited to a MAX30102 finger sensor. */
export interface PpgAlgorithmOptions {
  /** SpO2 curve with its domain. Default: `MAX30102_FINGER` (calibrations.ts). */
  calibration?: SensorCalibration;
  /** Ratios outside the curve's fitted range: 'refuse' (default) or 'flag' (`uncalibratedSpo2`). */
  outOfCalibration?: 'refuse' | 'flag';
  /** Lowest reportable heart rate, bpm. Default 30. */
  minHeartRate?: number;
  /** Highest reportable heart rate, bpm. Default 240. */
  maxHeartRate?: number;
  /** Pass band of the pulse filter, Hz. Default [0.5, 5]. */
  passbandHz?: readonly [number, number];
  /**
   * ADC full scale of the raw samples (MAX30102: 262 143). Used only as contact evidence (a level
   * far below full scale with no pulse); 0 for signals that are not ADC counts. Default 262 143.
   */
  adcFullScale?: number;
  /** Ambient-light samples (same length), when the sensor reports them (e.g. MAXM86161). */
  ambient?: ArrayLike<number>;
  /** Shortest window analysed, s. Default 2. */
  minWindowSeconds?: number;
  /** Recent heart-rate track (from `createPpgTracker`): holds lock with hysteresis. */
  track?: RateTrack;
  /**
   * Which way systole moves the signal: 'intensity' (detected light drops, raw photodiode
   * counts), 'volume' (absorbance-like, rises) or 'auto' (from the skew of the slope, since the
   * systolic edge is the steep one). Default 'auto'.
   */
  polarity?: 'auto' | 'intensity' | 'volume';
}

/** Public types of the on-device heart-rate / SpO2 algorithm. */
import type { Spo2Calibration } from './calibration';

/** Why a window produced no reading. */
export type InvalidReason = 'no-finger' | 'motion' | 'low-perfusion' | 'low-quality';

/** Signal-quality indices computed for every window (diagnostics; see docs/algorithm.md). */
export interface SignalQualityIndices {
  /** IR perfusion index: median beat amplitude / DC, in %. */
  perfusionIndex: number;
  /** Normalised autocorrelation at the pulse period (0–1). */
  periodicity: number;
  /** Mean correlation of each beat with the window's average beat (−1–1). */
  templateCorrelation: number;
  /** Correlation of the band-passed red and IR signals (−1–1). */
  redIrCorrelation: number;
  /** Coefficient of variation of the accepted inter-beat intervals (within ±25 % of the median). */
  ibiVariation: number;
  /** Share of inter-beat intervals rejected as missed, extra or ectopic beats (0–1). */
  ibiOutlierShare: number;
  /** |beat-based − spectral rate| / spectral rate. */
  rateDisagreement: number;
  /** Largest relative deviation of the spectral and per-beat ratios from the regression one. */
  ratioDisagreement: number;
  /** Standard error of the ratio of ratios relative to its value. */
  ratioUncertainty: number;
  /** Largest / median RMS of the band-passed IR over 1 s segments (motion bursts → large). */
  envelopeRatio: number;
  /** Peak-to-peak of the slow (< 0.5 Hz) IR level, in % of DC (pressure / movement shifts). */
  dcShift: number;
  /** Share of samples whose IR level is below `minDc` (0–1). */
  lowDcShare: number;
  /** Beats found in the window. */
  beats: number;
  /** Window length / pulse period. */
  periodsInWindow: number;
}

/** Result of analysing one window. */
export interface PpgAnalysis {
  /** True when heartRate and spo2 can be trusted; both are absent otherwise. */
  valid: boolean;
  /** Beats per minute (unrounded). */
  heartRate?: number;
  /** % (unrounded, ≤ 100). */
  spo2?: number;
  /** Overall signal quality, 0 (unusable) – 1 (clean). */
  quality: number;
  /** Set when `valid` is false. */
  reason?: InvalidReason;
  /** Ratio of ratios (AC_red/DC_red)/(AC_ir/DC_ir); present whenever a pulse was found. */
  ratio?: number;
  sqi: SignalQualityIndices;
}

/** Options of `analyzePpgWindow`; every field has a default suited to a MAX30102 finger sensor. */
export interface PpgAlgorithmOptions {
  /** SpO2 curve. Default: `MAX30102_CALIBRATION` (Maxim's quadratic, also our synthetic sensor's). */
  calibration?: Spo2Calibration;
  /** Lowest reportable heart rate, bpm. Default 30. */
  minHeartRate?: number;
  /** Highest reportable heart rate, bpm. Default 240. */
  maxHeartRate?: number;
  /** Pass band of the pulse filter, Hz. Default [0.5, 5]. */
  passbandHz?: readonly [number, number];
  /**
   * IR level (ADC counts) below which no finger is assumed to cover the sensor. Default 10000,
   * for an 18-bit MAX30102 at typical LED currents (finger on: 50k–150k; off: ambient and cover
   * reflection, a few thousand). Use 0 for signals that are not raw ADC counts.
   */
  minDc?: number;
  /** Perfusion index below which no reading is given, %. Default 0.05. */
  minPerfusionIndex?: number;
  /** Shortest window analysed, s. Default 2. */
  minWindowSeconds?: number;
  /**
   * Which way systole moves the signal: 'intensity' (detected light drops, raw photodiode
   * counts), 'volume' (absorbance-like, rises) or 'auto' (from the skew of the slope, since the
   * systolic edge is the steep one). Default 'auto'.
   */
  polarity?: 'auto' | 'intensity' | 'volume';
}

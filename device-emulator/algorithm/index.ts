/** On-device heart-rate / SpO2 algorithm, its baseline, and the body-temperature estimator. */
export { analyzePpgWindow } from './analyze';
export { maximReference, maximSpo2FromRatioX100, type MaximResult } from './maxim-baseline';
export { MAX30102_CALIBRATION, fitCalibration, spo2FromRatio } from './calibration';
export type { CalibrationFitOptions, CalibrationPoint, Spo2Calibration } from './calibration';
export { QUALITY_LIMITS } from './quality';
export { estimateBodyTemperature } from './temperature';
export type { TemperatureEstimate, TemperatureEstimatorOptions, TemperatureSample } from './temperature';
export { resample } from './resample';
export type { InvalidReason, PpgAlgorithmOptions, PpgAnalysis, SignalQualityIndices } from './types';

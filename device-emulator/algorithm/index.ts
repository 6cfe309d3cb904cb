/** On-device heart-rate / SpO2 algorithm, its tracker, calibrations, the baseline, and the body-temperature estimator. */
export { analyzePpgWindow } from './analyze';
export { createPpgTracker, stepTracker, INITIAL_TRACKER_STATE, type PpgTracker, type TrackerOptions, type TrackerState } from './tracker';
export { maximReference, maximSpo2FromRatioX100, type MaximResult } from './maxim-baseline';
export { calibrate, calibrationFromPoints, fitCalibration, refitOffset, spo2FromRatio } from './calibration';
export type { CalibrationFitOptions, CalibrationPoint, SensorCalibration, Spo2Calibration } from './calibration';
export { CALIBRATIONS, MAX30102_FINGER, MAXM86161_FINGER } from './calibrations';
export { CONTACT_LIMITS } from './contact';
export { QUALITY_LIMITS } from './quality';
export { estimateBodyTemperature } from './temperature';
export type { TemperatureEstimate, TemperatureEstimatorOptions, TemperatureSample } from './temperature';
export { resample } from './resample';
export type { HeartRateReason, InvalidReason, PpgAlgorithmOptions, PpgAnalysis, RateTrack, SignalQualityIndices, Spo2Reason } from './types';

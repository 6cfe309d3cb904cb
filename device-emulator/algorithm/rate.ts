/**
 * Heart rate from one band-passed, systole-up channel: the autocorrelation period refined by the
 * spectral peak near it, then beats (mid-upstroke fiducials) and their intervals. The reported
 * rate is the mean of the beat-based and spectral rates, which must agree (harmonic confusion
 * makes them disagree).
 */
import { detectBeats, interBeatIntervals, type Beat } from './beats';
import { templateCorrelation } from './features';
import { estimatePeriod, hann, periodicityZ, spectralPeak } from './periodicity';
import { mean, median, std } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, max, min, SQRT2 } = Math;

export interface ChannelRate {
  /** Refined pulse frequency, Hz. */
  f0: number;
  /** Autocorrelation at the period and its significance for the window length. */
  periodicity: number;
  periodicityZ: number;
  beats: Beat[];
  /** Mean of the beat-based and spectral rates, bpm (undefined without 2 usable intervals). */
  heartRate?: number;
  ibiVariation: number;
  ibiOutlierShare: number;
  rateDisagreement: number;
  templateCorrelation: number;
  /** Median beat amplitude of the (DC-normalised) channel, in %. */
  perfusionIndex: number;
}

/**
 * Mean of the intervals within ±25 % of their median, in samples. A premature beat yields one
 * short and one long (compensatory) interval; both are dropped and the mean stays right.
 */
function robustInterval(ibis: readonly number[]): { interval: number; variation: number; outliers: number } | undefined {
  if (ibis.length === 0) return undefined;
  const med = median(ibis);
  const kept = ibis.filter((x) => abs(x - med) <= 0.25 * med);
  if (kept.length === 0) return undefined;
  const m = mean(kept);
  return { interval: m, variation: std(kept) / m, outliers: 1 - kept.length / ibis.length };
}

/** Autocorrelation period of `v` (samples) between the rate limits, with its z score. */
export function channelPeriod(v: Float64Array, fs: number, minLag: number, maxLag: number, bandwidthHz: number, hintLag?: number) {
  const p = estimatePeriod(v, minLag, maxLag, hintLag);
  if (!p) return undefined;
  return { ...p, z: periodicityZ(p.strength, v.length / fs, p.lag / fs, bandwidthHz) };
}

export function measureRate(v: Float64Array, fs: number, period: { lag: number; strength: number; z: number }, loHz: number, hiHz: number): ChannelRate {
  const f0 = fs / period.lag;
  const fSpec = spectralPeak(hann(v), fs, max(f0 * 0.85, loHz), min(f0 * 1.15, hiHz)) ?? f0;
  const beats = detectBeats(v, fs / fSpec);
  const iv = robustInterval(interBeatIntervals(beats));
  const specRate = 60 * fSpec;
  const out: ChannelRate = {
    f0: fSpec,
    periodicity: period.strength,
    periodicityZ: period.z,
    beats,
    ibiVariation: 1,
    ibiOutlierShare: 1,
    rateDisagreement: 1,
    templateCorrelation: templateCorrelation(v, beats, fs / fSpec),
    perfusionIndex: beats.length > 0 ? median(beats.map((b) => b.amplitude)) * 100 : 2 * SQRT2 * std(v) * 100,
  };
  if (iv) {
    const beatRate = (60 * fs) / iv.interval;
    out.ibiVariation = iv.variation;
    out.ibiOutlierShare = iv.outliers;
    out.rateDisagreement = abs(beatRate - specRate) / specRate;
    out.heartRate = (beatRate + specRate) / 2;
  }
  return out;
}

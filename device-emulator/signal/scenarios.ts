/**
 * Named scenarios: keyframed vitals that repeat with a period, so an emulator can run for as
 * long as it likes. Each exposes its ground truth via `truthAt(tMs)` (ms since the scenario
 * started) for tests and benchmarks.
 *
 * Physiology behind the numbers:
 *  - fever: heart rate rises ~10 bpm per °C (Liebermeister's rule); during the rise peripheral
 *    vasoconstriction widens the skin–core gap and lowers perfusion, during defervescence
 *    vasodilation narrows the gap and raises perfusion;
 *  - hypoxia: saturation falls over minutes and the heart rate rises a little (chemoreflex);
 *  - low perfusion: fingertip perfusion index down to 0.05–0.4 % (cold hands, shock; typical
 *    0.5–5 %, cf. Masimo perfusion-index literature), with a wider skin–core gap.
 */
import { type Keyframe, Timeline } from './timeline';

/** Ground truth at one instant. */
export interface GroundTruth {
  /** bpm */
  heartRate: number;
  /** % */
  spo2: number;
  /** °C */
  coreTemperature: number;
  /** °C at the temperature probe site (before the probe's own lag) */
  skinTemperature: number;
  fingerOn: boolean;
  motion: boolean;
  /** IR AC/DC, % */
  perfusionIndex: number;
}

/** Inputs of the synthesiser at one instant (superset of the truth). */
export interface Drive {
  heartRate: number;
  spo2: number;
  perfusionIndex: number;
  /** Finger contact, 0 (off) – 1 (on). */
  contact: number;
  /** Motion intensity, 0 – 1. */
  motion: number;
  coreTemperature: number;
  /** Core − skin at the probe, °C. */
  skinGradient: number;
  /** Probability that a beat is premature. */
  ectopicRate: number;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  /** Length of one cycle, ms (the timeline repeats after it). */
  readonly periodMs: number;
  drive(tS: number): Drive;
  /** ∫₀^tS heart rate dt, in beat-minutes·s (divide by 60 for beats). */
  heartRateIntegral(tS: number): number;
  truthAt(tMs: number): GroundTruth;
}

export const SCENARIOS = ['normal', 'fever', 'tachycardia', 'bradycardia', 'hypoxia', 'motion', 'finger-off', 'low-perfusion'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

interface Spec {
  description: string;
  period: number;
  heartRate: readonly Keyframe[];
  spo2: readonly Keyframe[];
  perfusion: readonly Keyframe[];
  core: readonly Keyframe[];
  gradient: readonly Keyframe[];
  contact?: readonly Keyframe[];
  motion?: readonly Keyframe[];
  ectopicRate?: number;
}

const flat = (period: number, v: number): Keyframe[] => [
  [0, v],
  [period, v],
];

/** Heart rate tied to core temperature: 72 bpm at 37 °C, +10 bpm/°C. */
const feverCore: readonly Keyframe[] = [
  [0, 37.0],
  [300, 37.1],
  [1800, 39.4],
  [2400, 39.4],
  [3300, 37.4],
  [3600, 37.0],
];

const SPECS: Readonly<Record<ScenarioName, Spec>> = Object.freeze({
  normal: {
    description: 'resting adult: HR 68–78 bpm, SpO2 97–98 %, 36.9 °C, good perfusion',
    period: 600,
    heartRate: [
      [0, 72],
      [150, 77],
      [300, 69],
      [450, 74],
      [600, 72],
    ],
    spo2: [
      [0, 97.5],
      [200, 98],
      [400, 97],
      [600, 97.5],
    ],
    perfusion: [
      [0, 2.0],
      [300, 1.5],
      [600, 2.0],
    ],
    core: [
      [0, 36.9],
      [300, 37.0],
      [600, 36.9],
    ],
    gradient: flat(600, 1.2),
    ectopicRate: 0.003,
  },
  fever: {
    description: 'fever episode: 37.0 → 39.4 °C over 25 min, plateau, defervescence; HR follows (+10 bpm/°C)',
    period: 3600,
    heartRate: feverCore.map(([t, c]) => [t, 72 + 10 * (c - 37)] as const),
    spo2: flat(3600, 96.5),
    perfusion: [
      [0, 1.8],
      [300, 1.8],
      [1200, 0.9],
      [1800, 1.2],
      [2400, 1.6],
      [2900, 3.0],
      [3300, 2.5],
      [3600, 1.8],
    ],
    core: feverCore,
    gradient: [
      [0, 1.2],
      [300, 1.2],
      [1200, 2.4],
      [1800, 1.8],
      [2400, 1.2],
      [2900, 0.6],
      [3300, 0.9],
      [3600, 1.2],
    ],
  },
  tachycardia: {
    description: 'sinus tachycardia: 95 → 145 bpm within a minute, 4 min plateau up to 150 bpm, recovery',
    period: 600,
    heartRate: [
      [0, 95],
      [60, 140],
      [180, 150],
      [300, 145],
      [360, 140],
      [480, 100],
      [600, 95],
    ],
    spo2: flat(600, 96),
    perfusion: flat(600, 1.2),
    core: flat(600, 37.2),
    gradient: flat(600, 1.3),
  },
  bradycardia: {
    description: 'sinus bradycardia: 52 bpm drifting down to 38 bpm and back',
    period: 600,
    heartRate: [
      [0, 52],
      [120, 45],
      [240, 38],
      [360, 40],
      [480, 48],
      [600, 52],
    ],
    spo2: flat(600, 97),
    perfusion: flat(600, 2.2),
    core: flat(600, 36.6),
    gradient: flat(600, 1.2),
    ectopicRate: 0.005,
  },
  hypoxia: {
    description: 'desaturation: SpO2 97 → 85 % over 3 min, 2 min at 85 %, recovery over 3 min; HR rises',
    period: 900,
    heartRate: [
      [0, 75],
      [120, 75],
      [300, 84],
      [420, 86],
      [600, 76],
      [900, 75],
    ],
    spo2: [
      [0, 97],
      [120, 97],
      [300, 85],
      [420, 85],
      [600, 97],
      [900, 97],
    ],
    perfusion: flat(900, 1.6),
    core: flat(900, 36.9),
    gradient: flat(900, 1.2),
  },
  motion: {
    description: 'normal vitals with hand-movement bursts (25 s and 20 s per 2 min)',
    period: 120,
    heartRate: [
      [0, 76],
      [60, 80],
      [120, 76],
    ],
    spo2: flat(120, 97),
    perfusion: flat(120, 1.8),
    core: flat(120, 36.9),
    gradient: flat(120, 1.2),
    motion: [
      [0, 0],
      [30, 0],
      [32, 1],
      [53, 1],
      [55, 0],
      [80, 0],
      [82, 1],
      [98, 1],
      [100, 0],
      [120, 0],
    ],
  },
  'finger-off': {
    description: 'finger on the sensor for 45 s, then off for 30 s, every 2 min',
    period: 120,
    heartRate: flat(120, 74),
    spo2: flat(120, 97.5),
    perfusion: flat(120, 1.8),
    core: flat(120, 36.9),
    gradient: flat(120, 1.2),
    contact: [
      [0, 1],
      [45, 1],
      [46.5, 0],
      [75, 0],
      [76.5, 1],
      [120, 1],
    ],
    motion: [
      [0, 0],
      [44, 0],
      [44.5, 0.6],
      [47, 0.6],
      [47.5, 0],
      [74, 0],
      [74.5, 0.6],
      [77, 0.6],
      [77.5, 0],
      [120, 0],
    ],
  },
  'low-perfusion': {
    description: 'cold hands: perfusion index 0.4 % sinking to 0.05 % and back; HR 82 bpm, SpO2 95 %',
    period: 600,
    heartRate: [
      [0, 82],
      [300, 86],
      [600, 82],
    ],
    spo2: [
      [0, 95],
      [300, 94],
      [600, 95],
    ],
    perfusion: [
      [0, 0.4],
      [150, 0.15],
      [270, 0.05],
      [330, 0.05],
      [450, 0.15],
      [600, 0.4],
    ],
    core: flat(600, 36.7),
    gradient: flat(600, 2.0),
  },
});

class KeyframedScenario implements Scenario {
  readonly description: string;
  readonly periodMs: number;
  private readonly hr: Timeline;
  private readonly spo2: Timeline;
  private readonly pi: Timeline;
  private readonly core: Timeline;
  private readonly gradient: Timeline;
  private readonly contact: Timeline;
  private readonly motion: Timeline;
  private readonly ectopicRate: number;

  constructor(
    readonly name: ScenarioName,
    spec: Spec,
  ) {
    const p = spec.period;
    this.description = spec.description;
    this.periodMs = p * 1000;
    this.hr = new Timeline(spec.heartRate, p);
    this.spo2 = new Timeline(spec.spo2, p);
    this.pi = new Timeline(spec.perfusion, p);
    this.core = new Timeline(spec.core, p);
    this.gradient = new Timeline(spec.gradient, p);
    this.contact = new Timeline(spec.contact ?? flat(p, 1), p);
    this.motion = new Timeline(spec.motion ?? flat(p, 0), p);
    this.ectopicRate = spec.ectopicRate ?? 0.001;
  }

  drive(tS: number): Drive {
    return {
      heartRate: this.hr.at(tS),
      spo2: this.spo2.at(tS),
      perfusionIndex: this.pi.at(tS),
      contact: this.contact.at(tS),
      motion: this.motion.at(tS),
      coreTemperature: this.core.at(tS),
      skinGradient: this.gradient.at(tS),
      ectopicRate: this.ectopicRate,
    };
  }

  heartRateIntegral(tS: number): number {
    return this.hr.integral(tS);
  }

  truthAt(tMs: number): GroundTruth {
    const d = this.drive(tMs / 1000);
    return {
      heartRate: d.heartRate,
      spo2: d.spo2,
      coreTemperature: d.coreTemperature,
      skinTemperature: d.coreTemperature - d.skinGradient,
      fingerOn: d.contact >= 0.5,
      motion: d.motion > 0,
      perfusionIndex: d.perfusionIndex,
    };
  }
}

/** True when `name` is one of `SCENARIOS`. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

/** Throws a RangeError listing the valid names unless `name` is a scenario. */
export function assertScenarioName(name: string): asserts name is ScenarioName {
  if (!isScenarioName(name)) {
    throw new RangeError(`unknown scenario "${name}"; expected one of: ${SCENARIOS.join(', ')}`);
  }
}

/** The scenario called `name` (throws for unknown names). */
export function getScenario(name: string): Scenario {
  assertScenarioName(name);
  return new KeyframedScenario(name, SPECS[name]);
}

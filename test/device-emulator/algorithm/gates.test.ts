import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { MAX30102_FINGER } from '../../../device-emulator/algorithm/calibrations';
import { contactEvidence, lacksContact } from '../../../device-emulator/algorithm/contact';
import { createPpgSynthesizer, type PpgSynthesizerOptions } from '../../../device-emulator/signal/ppg-synth';

const FS = 25;
const ENDS = [30, 75, 120, 165, 210, 255, 300];

/** 8 s windows of a synthetic scenario with their truth at the window end. */
function windows(opts: Omit<PpgSynthesizerOptions, 'sampleRateHz'>, ends = ENDS) {
  const s = createPpgSynthesizer({ ...opts, sampleRateHz: FS });
  return ends.map((t) => {
    const w = s.window(t - 8, t);
    return { w, truth: s.scenario.truthAt(t * 1000) };
  });
}

describe('separate heart-rate and SpO2 gates', () => {
  it('reports the heart rate, and no SpO2, when the red channel carries no pulse', () => {
    for (const seed of [1, 2]) {
      for (const { w, truth } of windows({ scenario: 'normal', seed, redPulseScale: 0 })) {
        const a = analyzePpgWindow(w.red, w.ir, FS);
        expect(a).toMatchObject({ heartRateValid: true, spo2Valid: false, valid: false, spo2Reason: 'red-no-pulse', reason: 'red-no-pulse' });
        expect(Math.abs((a.heartRate ?? 0) - truth.heartRate)).toBeLessThan(3);
        expect(a.spo2).toBeUndefined();
      }
    }
  });

  it('never turns a weakened red pulse into a confident wrong SpO2', () => {
    for (const { w, truth } of windows({ scenario: 'hypoxia', seed: 3, redPulseScale: 0.2 })) {
      const a = analyzePpgWindow(w.red, w.ir, FS);
      expect(a.heartRateValid).toBe(true);
      if (a.spo2Valid) expect(Math.abs((a.spo2 ?? 0) - truth.spo2)).toBeLessThan(3);
      else expect(['out-of-calibration', 'red-no-pulse']).toContain(a.spo2Reason);
    }
  });

  it('flags, on request, the extrapolated value of a ratio outside the calibration domain', () => {
    const [{ w }] = windows({ scenario: 'normal', seed: 1, redPulseScale: 0.3 }, [60]);
    const refused = analyzePpgWindow(w.red, w.ir, FS);
    const flagged = analyzePpgWindow(w.red, w.ir, FS, { outOfCalibration: 'flag' });
    expect(refused.ratio).toBeLessThan(MAX30102_FINGER.ratioRange[0]);
    expect(refused).toMatchObject({ spo2Valid: false, spo2Reason: 'out-of-calibration' });
    expect(refused.uncalibratedSpo2).toBeUndefined();
    expect(flagged).toMatchObject({ spo2Valid: false, spo2Reason: 'out-of-calibration' });
    expect(flagged.spo2).toBeUndefined();
    expect(flagged.uncalibratedSpo2).toBeGreaterThan(99);
  });

  it('names a pulse too weak for the sensor noise floor low-perfusion, not low-quality', () => {
    const reasons = windows({ scenario: 'normal', seed: 2, perfusionScale: 0.01 }).map((c) => analyzePpgWindow(c.w.red, c.w.ir, FS));
    for (const a of reasons) {
      expect(a.heartRateValid).toBe(false);
      expect(a.reason).toBe('low-perfusion');
      expect(a.sqi.residualOverFloor).toBeLessThan(4);
    }
  });

  it('judges the pulse against its own noise, whatever the gain: a window scaled and offset reads the same', () => {
    const [{ w }] = windows({ scenario: 'normal', seed: 5 }, [100]);
    const a = analyzePpgWindow(w.red, w.ir, FS);
    const b = analyzePpgWindow(
      w.red.map((v) => 0.02 * v + 700),
      w.ir.map((v) => 0.02 * v + 900),
      FS,
      { adcFullScale: 0 },
    );
    expect(b.heartRateValid).toBe(a.heartRateValid);
    expect(b.heartRate).toBeCloseTo(a.heartRate ?? 0, 6);
    expect(b.sqi.pulseSnrIr).toBeCloseTo(a.sqi.pulseSnrIr, 6);
  });
});

describe('contact evidence', () => {
  const flat = new Float64Array(50).fill(100000);
  const e = (ir: number, red: number, amb?: number, slow = flat) => contactEvidence(ir, red, slow, 262143, amb === undefined ? undefined : [amb, amb]);

  it('accepts tissue-like levels and ratios', () => {
    expect(lacksContact(e(100000, 85000, 500), false)).toBe(false);
  });

  it.each([
    ['a level far below full scale', e(1500, 1200)],
    ['a red/IR level ratio no tissue gives (light off a housing)', e(136000, 16000, 850)],
    ['ambient light as strong as the LEDs', e(60000, 50000, 40000)],
  ])('calls %s no contact when no pulse shows', (_label, ev) => {
    expect(lacksContact(ev, false)).toBe(true);
    expect(lacksContact(ev, true)).toBe(false);
  });

  it('calls a level step (finger put on or taken off) no contact even with a pulse', () => {
    const slow = Float64Array.from({ length: 50 }, (_, i) => (i < 25 ? 100000 : 2000));
    expect(lacksContact(e(51000, 45000, undefined, slow), true)).toBe(true);
  });
});

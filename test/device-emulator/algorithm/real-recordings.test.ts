import fs from 'node:fs';
import path from 'node:path';
import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { maximReference } from '../../../device-emulator/algorithm/maxim-baseline';
import { MAXM86161_FINGER } from '../../../device-emulator/algorithm/calibrations';
import { resample } from '../../../device-emulator/algorithm/resample';
import { loadProto2Folder, parseProto2Csv, parseProto2FileName, PROTO2_DIR } from '../../../bench/algorithm/proto2';
import { loadOxiwearFolder, OXIWEAR_SETTLING_SAMPLES, parseOxiwearCsv, parseOxiwearFileName } from '../../../bench/algorithm/oxiwear';

const DIR = path.resolve(__dirname, '../../../../shared/data/ppg/oxiwear/proto1');
const haveData = fs.existsSync(DIR);

const SAMPLE_CSV = [
  'reg,dump',
  'reg,dump',
  '0x02,0x00',
  '0x3f,0x00',
  'start time,1596741337055',
  'expected tags,1,2,3,',
  'timestamp,sampleNum,tagLEDC1,tagLEDC2,tagLEDC3,LEDC1,LEDC2,LEDC3,ACCX,ACCY,ACCZ,temperature,RTC,sensor,regAddr,val,I2Caddr,',
  '1596741337270.56,1,0,0,0,57818.000000,57612.000000,1874.000000,10,-125,-1083,,,,,,,',
  '1596741337286.12,2,0,0,0,77387.000000,90901.000000,1864.000000,-45,-143,-965,,,,,,,',
  '1596741337301.68,4,0,0,0,77394.000000,102904.000000,1896.000000,10,-69,-991,0.000000,6018,,,,,',
  'stop time,1596741343154',
  'elapsed capture time: 0h00m06s',
].join('\n');

describe('OxiWear proto1 parser', () => {
  it('reads IR, red and ambient by column name and stops at the trailer', () => {
    const s = parseOxiwearCsv(SAMPLE_CSV);
    expect(s.ir).toEqual([57818, 77387, 77394]);
    expect(s.red).toEqual([57612, 90901, 102904]);
    expect(s.ambient).toEqual([1874, 1864, 1896]);
    expect(s.missingSamples).toBe(1);
  });

  it.each([
    ['1515-97-74.csv', { spo2: 97, heartRate: 74, flagged: false }],
    ['1529-90-73-.csv', { spo2: 90, heartRate: 73, flagged: false }],
    ['1605-75-77__.csv', { spo2: 75, heartRate: 77, flagged: true }],
  ])('takes the reference from the file name %s', (name, expected) => {
    expect(parseOxiwearFileName(name)).toEqual(expected);
  });

  it('rejects files that are not proto1 recordings', () => {
    expect(() => parseOxiwearFileName('notes.csv')).toThrow(/file name/);
    expect(() => parseOxiwearCsv('a,b\n1,2')).toThrow(/header/);
  });
});

(haveData ? describe : describe.skip)('OxiWear proto1 recordings (shared/data/ppg)', () => {
  const recordings = haveData ? loadOxiwearFolder(DIR) : [];

  it('loads every recording intact', () => {
    expect(recordings).toHaveLength(fs.readdirSync(DIR).filter((f) => f.endsWith('.csv')).length);
    for (const r of recordings) {
      const rows = fs
        .readFileSync(path.join(DIR, r.name), 'utf8')
        .split('\n')
        .slice(7)
        .filter((l) => /^\d/.test(l)).length;
      expect(r.ir).toHaveLength(rows);
      expect(r.missingSamples).toBe(0);
      expect(r.ir.length / r.sampleRateHz).toBeGreaterThan(2.5);
      expect(r.reference.spo2).toBeGreaterThanOrEqual(70);
      expect(r.reference.heartRate).toBeGreaterThanOrEqual(60);
    }
  });

  it('starts each file with LED-settling samples, which are dropped', () => {
    for (const r of recordings) {
      const settled = r.ir.slice(OXIWEAR_SETTLING_SAMPLES);
      expect(r.ir[0]).toBeLessThan(0.85 * Math.min(...settled));
      expect(Math.min(...settled)).toBeGreaterThan(50000);
      expect(Math.max(...r.ambient)).toBeLessThan(3000);
    }
  });

  it('lets our algorithm read the heart rate of most recordings, closer to the reference than the baseline', () => {
    let ours = 0;
    let base = 0;
    let valid = 0;
    for (const r of recordings) {
      const ir = resample(r.ir.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, 25);
      const red = resample(r.red.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, 25);
      const a = analyzePpgWindow(red, ir, 25, { calibration: MAXM86161_FINGER });
      const b = maximReference(red, ir, 25);
      if (a.heartRateValid) {
        valid++;
        ours += Math.abs((a.heartRate ?? 0) - r.reference.heartRate);
        base += b.heartRateValid ? Math.abs(b.heartRate - r.reference.heartRate) : 0;
      }
      if (a.spo2Valid) expect(a.heartRateValid).toBe(true);
    }
    expect(valid).toBeGreaterThanOrEqual(0.85 * recordings.length);
    expect(ours / valid).toBeLessThan(4);
    expect(ours).toBeLessThan(base / 2);
  });
});

it('reads OxiWear proto2 file names with ranges and the sensor columns', () => {
  expect(parseProto2FileName('20201012-165638-9596-7174.csv')).toEqual({ spo2: 95.5, heartRate: 72.5 });
  expect(parseProto2FileName('20201013-105329-96-6765-l.csv')).toEqual({ spo2: 96, heartRate: 66 });
  expect(parseProto2FileName('20201012-165156-unattached.csv')).toBeUndefined();
  expect(parseProto2Csv('1,2,3,4,5,6\n10,2,30,,,\n11,2,31\n')).toEqual({
    ir: Float64Array.of(10, 11),
    ambient: Float64Array.of(2, 2),
    red: Float64Array.of(30, 31),
  });
});

const proto2 = loadProto2Folder();
if (proto2.length === 0) console.warn(`OxiWear proto2 recordings not found at ${PROTO2_DIR}: the ear-recording tests are skipped`);
(proto2.length ? describe : describe.skip)(
  `OxiWear proto2 recordings (ear, 25 Hz; ${proto2.length ? 'shared/data/ppg' : 'SKIPPED: not in shared/data/ppg'})`,
  () => {
    const all = proto2;
    const analyse = (r: (typeof all)[number]) => analyzePpgWindow(r.red, r.ir, r.sampleRateHz, { ambient: r.ambient, calibration: MAXM86161_FINGER });

    it('says no-contact for the sensor lying unattached, although its IR level is 136 000 counts', () => {
      const off = all.find((r) => r.name.includes('unattached'));
      expect(off).toBeDefined();
      if (!off) return;
      expect(Math.min(...off.ir)).toBeGreaterThan(100000);
      expect(analyse(off)).toMatchObject({ heartRateValid: false, spo2Valid: false, reason: 'no-contact' });
    });

    it('measures the heart rate on the ear within 6 bpm of the finger reference on most recordings', () => {
      const attached = all.filter((r) => r.reference);
      const results = attached.map((r) => ({ r, a: analyse(r) }));
      const rated = results.filter(({ a }) => a.heartRateValid);
      expect(rated.length).toBeGreaterThanOrEqual(attached.length - 2);
      for (const { r, a } of rated) expect(Math.abs((a.heartRate ?? 0) - (r.reference?.heartRate ?? 0))).toBeLessThan(6);
    });

    it('withholds SpO2 but keeps the heart rate where the red channel carries no usable pulse', () => {
      for (const name of ['20201013-105611-9596-67-r.csv', '20201013-105639-95-6768-r.csv']) {
        const r = all.find((x) => x.name === name);
        expect(r).toBeDefined();
        if (!r) continue;
        const a = analyse(r);
        expect(a.heartRateValid).toBe(true);
        expect(a.spo2Valid).toBe(false);
        expect(a.spo2).toBeUndefined();
        expect(['red-no-pulse', 'low-quality']).toContain(a.spo2Reason);
      }
    });

    it('never applies the finger curve to ear ratios outside its domain', () => {
      for (const r of all.filter((x) => x.reference)) {
        const a = analyse(r);
        if (a.ratio !== undefined && (a.ratio < MAXM86161_FINGER.ratioRange[0] || a.ratio > MAXM86161_FINGER.ratioRange[1])) {
          expect(a.spo2).toBeUndefined();
          expect(a.spo2Reason).toBeDefined();
        }
      }
    });
  },
);

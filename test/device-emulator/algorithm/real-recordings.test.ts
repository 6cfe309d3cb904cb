import fs from 'node:fs';
import path from 'node:path';
import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { maximReference } from '../../../device-emulator/algorithm/maxim-baseline';
import { resample } from '../../../device-emulator/algorithm/resample';
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
      const rows = fs.readFileSync(path.join(DIR, r.name), 'utf8').split('\n').slice(7).filter((l) => /^\d/.test(l)).length;
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

  it('lets our algorithm read most recordings, closer to the reference than the baseline', () => {
    let ours = 0;
    let base = 0;
    let valid = 0;
    for (const r of recordings) {
      const ir = resample(r.ir.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, 25);
      const red = resample(r.red.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, 25);
      const a = analyzePpgWindow(red, ir, 25);
      const b = maximReference(red, ir, 25);
      if (a.valid) {
        valid++;
        ours += Math.abs((a.heartRate ?? 0) - r.reference.heartRate);
        base += b.heartRateValid ? Math.abs(b.heartRate - r.reference.heartRate) : 0;
      }
    }
    expect(valid).toBeGreaterThanOrEqual(0.9 * recordings.length);
    expect(ours / valid).toBeLessThan(4);
    expect(ours).toBeLessThan(base / 2);
  });
});

/**
 * Reader for the OxiWear `proto1` recordings (Maxim MAXM86161 evaluation kit, finger, 64 Hz).
 * Layout (oxiwear/README.txt and shared/data/ppg/README.md): register dump and tag lines, then a
 * `timestamp,sampleNum,tagLEDC1,…` header on line 7, one row per sample (LEDC1 = infrared,
 * LEDC2 = red, LEDC3 = ambient), and trailer lines from `stop time` on. The file name
 * `<time>-<SpO2>-<HR>[-_]*.csv` carries the reference finger-oximeter reading.
 *
 * Host timestamps arrive in USB packets (gaps of ~120 ms followed by 11 ms steps), so the time
 * base is the sensor's sample counter at its nominal rate, not the timestamp column.
 */
import fs from 'node:fs';
import path from 'node:path';

export const OXIWEAR_SAMPLE_RATE_HZ = 64;
/**
 * Samples dropped at the start of each file: the first two rows are taken while the LED
 * currents settle (IR starts ~25 % low, red ~45 % low), the margin covers the analog settling.
 */
export const OXIWEAR_SETTLING_SAMPLES = 8;

export interface OxiwearReference {
  spo2: number;
  heartRate: number;
  /** The authors appended `_` to some names; undocumented, kept for a separate breakdown. */
  flagged: boolean;
}

export interface OxiwearSamples {
  ir: number[];
  red: number[];
  ambient: number[];
  /** Sample counter values that were skipped (0 for an intact file). */
  missingSamples: number;
}

export interface OxiwearRecording extends OxiwearSamples {
  name: string;
  reference: OxiwearReference;
  sampleRateHz: number;
}

/** Reference reading encoded in a file name such as `1537-93-70_.csv`. */
export function parseOxiwearFileName(fileName: string): OxiwearReference {
  const m = /^(\d{3,4})-(\d{2,3})-(\d{2,3})([-_]*)\.csv$/i.exec(path.basename(fileName));
  if (!m) throw new Error(`not an OxiWear proto1 file name: ${fileName}`);
  return { spo2: Number(m[2]), heartRate: Number(m[3]), flagged: m[4].includes('_') };
}

/** Parses the text of one proto1 CSV file. */
export function parseOxiwearCsv(text: string): OxiwearSamples {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.startsWith('timestamp,sampleNum,'));
  if (headerAt < 0) throw new Error('OxiWear CSV: no "timestamp,sampleNum,…" header line');
  const cols = lines[headerAt].split(',');
  const col = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`OxiWear CSV: column ${name} missing`);
    return i;
  };
  const [cNum, cIr, cRed, cAmb] = [col('sampleNum'), col('LEDC1'), col('LEDC2'), col('LEDC3')];
  const out: OxiwearSamples = { ir: [], red: [], ambient: [], missingSamples: 0 };
  let last: number | undefined;
  for (const line of lines.slice(headerAt + 1)) {
    if (line.startsWith('stop time')) break;
    if (line.trim() === '') continue;
    const f = line.split(',');
    const num = Number(f[cNum]);
    const values = [Number(f[cIr]), Number(f[cRed]), Number(f[cAmb])];
    if (!Number.isFinite(num) || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`OxiWear CSV: bad sample row "${line.slice(0, 60)}"`);
    }
    if (last !== undefined && num > last + 1) out.missingSamples += num - last - 1;
    last = num;
    out.ir.push(values[0]);
    out.red.push(values[1]);
    out.ambient.push(values[2]);
  }
  return out;
}

/**
 * Every `.csv` recording of `dir`, sorted by name, read with the folder's own name and content
 * parsers (none when the folder is absent).
 */
export function loadCsvFolder<R, C>(dir: string, parseName: (name: string) => R, parseCsv: (text: string) => C, sampleRateHz: number) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort()
    .map((name) => ({ name, reference: parseName(name), sampleRateHz, ...parseCsv(fs.readFileSync(path.join(dir, name), 'utf8')) }));
}

/** Loads every recording of `dir` (sorted by name). */
export function loadOxiwearFolder(dir: string): OxiwearRecording[] {
  return loadCsvFolder(dir, parseOxiwearFileName, parseOxiwearCsv, OXIWEAR_SAMPLE_RATE_HZ);
}

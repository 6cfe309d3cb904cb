/**
 * Reader for the OxiWear proto2 recordings (the authors' prototype on the ear, 24.995 Hz;
 * shared/data/ppg/oxiwear/README.txt, section 2). They are the authors' data, not ours to
 * redistribute: they are read from `shared/data/ppg/oxiwear/proto2` beside the repository (or
 * `PPG_PROTO2_DIR`) and everything that uses them says so and skips when they are absent. One header row `1,2,3,4,5,6`, then
 * rows `IR,ambient,red[,,,]`. File names `<date>-<time>-<SpO2>-<HR>[-notes].csv` carry the
 * reference finger-oximeter reading, where a four-digit value is a range (`9596` = 95–96); the
 * middle of a range is the reference. `unattached` files have no reference.
 */
import path from 'node:path';
import { loadCsvFolder } from './oxiwear';

export const PROTO2_DIR = process.env.PPG_PROTO2_DIR ?? path.resolve(__dirname, '../../../shared/data/ppg/oxiwear/proto2');
export const PROTO2_SAMPLE_RATE_HZ = 24.995;

export interface Proto2Recording {
  name: string;
  /** Undefined for recordings made with the sensor off the body. */
  reference?: { spo2: number; heartRate: number };
  ir: Float64Array;
  red: Float64Array;
  ambient: Float64Array;
  sampleRateHz: number;
}

/** `96` → 96, `9596` → 95.5, `7174` → 72.5. */
function rangeMid(s: string): number {
  if (s.length === 4) return (Number(s.slice(0, 2)) + Number(s.slice(2))) / 2;
  return Number(s);
}

export function parseProto2FileName(fileName: string): Proto2Recording['reference'] {
  const m = /^\d{8}-\d{6}-(\d{2,4})-(\d{2,4})(-.*)?\.csv$/i.exec(path.basename(fileName));
  return m ? { spo2: rangeMid(m[1]), heartRate: rangeMid(m[2]) } : undefined;
}

export function parseProto2Csv(text: string): Pick<Proto2Recording, 'ir' | 'red' | 'ambient'> {
  const rows = text
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').slice(0, 3).map(Number));
  for (const r of rows) if (r.length < 3 || r.some((v) => !Number.isFinite(v))) throw new Error(`proto2 CSV: bad row "${r.join(',')}"`);
  return {
    ir: Float64Array.from(rows, (r) => r[0]),
    ambient: Float64Array.from(rows, (r) => r[1]),
    red: Float64Array.from(rows, (r) => r[2]),
  };
}

/** The recordings, or none when the folder is absent. */
export function loadProto2Folder(dir = PROTO2_DIR): Proto2Recording[] {
  return loadCsvFolder(dir, parseProto2FileName, parseProto2Csv, PROTO2_SAMPLE_RATE_HZ);
}

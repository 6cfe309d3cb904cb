/** The real recordings as benchmark streams. */
import fs from 'node:fs';
import path from 'node:path';
import { resample } from '../../device-emulator/algorithm/resample';
import { loadOxiwearFolder, OXIWEAR_SETTLING_SAMPLES } from './oxiwear';
import { loadProto2Folder } from './proto2';
import type { Stream } from './real';

/** Shared data folder: CI clones the repository with shared/ beside it, so never hard-code /work. */
export const PROTO1_DIR = path.resolve(__dirname, '../../../shared/data/ppg/oxiwear/proto1');
export const DEVICE_RATE_HZ = 25;

/**
 * OxiWear proto1 (MAXM86161 kit, finger, 64 Hz): LED-settling samples dropped, resampled to the
 * device's 25 Hz; time from the sample counter. `flagged` = names with the undocumented `_`.
 */
export function proto1Streams(): Array<Stream & { flagged: boolean }> {
  if (!fs.existsSync(PROTO1_DIR)) return [];
  return loadOxiwearFolder(PROTO1_DIR).map((r) => {
    const prep = (x: number[]) => resample(x.slice(OXIWEAR_SETTLING_SAMPLES), r.sampleRateHz, DEVICE_RATE_HZ);
    return {
      name: r.name,
      reference: { spo2: r.reference.spo2, heartRate: r.reference.heartRate },
      flagged: r.reference.flagged,
      red: prep(r.red),
      ir: prep(r.ir),
      ambient: prep(r.ambient),
      fs: DEVICE_RATE_HZ,
    };
  });
}

/** OxiWear proto2 (prototype, ear, 24.995 Hz), at its own rate. Unattached files come separately. */
export function proto2Streams(): { attached: Stream[]; unattached: Stream[] } {
  const all = loadProto2Folder().map((r) => ({
    name: r.name,
    reference: r.reference ?? { spo2: Number.NaN, heartRate: Number.NaN },
    red: r.red,
    ir: r.ir,
    ambient: r.ambient,
    fs: r.sampleRateHz,
    attached: r.reference !== undefined,
  }));
  return { attached: all.filter((s) => s.attached), unattached: all.filter((s) => !s.attached) };
}

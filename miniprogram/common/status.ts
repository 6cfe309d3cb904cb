/**
 * The status line and range words (core/status), with the mini program's local time: the rules
 * live in core so the web console shows the same answer.
 */
import { type PatientStatus, patientStatus as statusAt, type Snapshot } from '../lib/core';
import { readingTime, startOfDay } from './time';

export { durationText, latestOf, levelWord, normalRangeText, snapshotOf } from '../lib/core';
export type { Latest, PatientStatus, Snapshot, StatusLevel } from '../lib/core';

/** The status line of one patient at `now`, in the phone's time zone. */
export function patientStatus(s: Snapshot, now: number): PatientStatus {
  return statusAt(s, now, { readingTime, startOfDay });
}

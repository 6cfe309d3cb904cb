/**
 * `export`: a patient's readings in [from, to) as CSV or as a FHIR R4 Bundle (core/export), a page
 * at a time so a long range never makes one huge answer (CloudBase caps a function's response at
 * 6 MB; 2000 readings as FHIR are about 3 MB).
 *
 * Event: `{patientId | deviceId, from, to, format: 'csv' | 'fhir', timeZone?, pageSize?}`, with
 * the same access as `query`: a patient's history only for the people following the patient, a
 * device's only for operators (the CLI). `timeZone` (IANA name, default `UTC`) is the CSV's local time column. `pageSize`
 * readings per page: default 1000, at most 2000. Ask again with `from = next` until `next` is absent.
 */
import { randomUUID } from 'node:crypto';
import { checkRange, err, ErrorCode, ok } from '../../../core';
import type { ExportPage } from '../../../core/api';
import {
  EXPORT_FORMATS,
  EXPORT_PAGE_DEFAULT,
  EXPORT_PAGE_MAX,
  type ExportFormat,
  deviceSubject,
  isTimeZone,
  patientSubject,
  readingsToCsv,
  readingsToFhirBundle,
} from '../../../core/export';
import type { Handler } from '../../../backend/runtime/handler';
import { segmentsFor } from './query';

export const exportHistory: Handler = async (input) => {
  const { event, deps } = input;
  const format = event.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return err(ErrorCode.BadRequest, `"format" must be one of ${EXPORT_FORMATS.join(', ')}`);
  const timeZone = event.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) return err(ErrorCode.BadRequest, '"timeZone" must be an IANA time zone name such as Asia/Shanghai');
  const pageSize = event.pageSize ?? EXPORT_PAGE_DEFAULT;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > EXPORT_PAGE_MAX) {
    return err(ErrorCode.BadRequest, `"pageSize" must be an integer from 1 to ${EXPORT_PAGE_MAX}`);
  }
  const range = checkRange({ from: event.from, to: event.to });
  if (!range.ok) return err(ErrorCode.BadRequest, range.message);
  const { from, to } = range.value;
  const target = await segmentsFor(input, from, to);
  if (!target.ok) return target;

  const rows = await deps.store.queryRaw({ segments: target.data.segments, limit: pageSize + 1 });
  let page = rows.slice(0, pageSize);
  let next: number | undefined;
  const following = rows[pageSize];
  if (following) {
    const at = following.ts;
    // The next page starts at `at`: readings at that very time belong to it, not to this one
    // (two devices of one patient can measure in the same millisecond).
    const whole = page.filter((r) => r.ts < at);
    if (whole.length) page = whole;
    next = whole.length ? at : at + 1;
  }
  const { subject } = target.data;
  const base = { ...subject, from, to, timeZone, readings: page.length, ...(next === undefined ? {} : { next }) };
  if (format === 'csv') return ok<ExportPage>({ ...base, format, csv: readingsToCsv(page, timeZone) });
  const who =
    'patientId' in subject ? patientSubject(subject.patientId, (await deps.store.getPatient(subject.patientId))?.name) : deviceSubject(subject.deviceId);
  const bundle = readingsToFhirBundle(page, { subject: who, uuid: randomUUID, now: deps.now() });
  return ok<ExportPage>({ ...base, format, bundle });
};

/** core/export: CSV rows and FHIR R4 Bundles of readings, the FHIR validated with @medplum/core. */
import {
  CSV_HEADER,
  FHIR_VITALS,
  joinCsvPages,
  localTimeFormatter,
  mergeBundles,
  patientSubject,
  readingsToCsv,
  readingsToFhirBundle,
  isTimeZone,
  PATIENT_ID_SYSTEM,
} from '../../core/export';
import type { Reading } from '../../core';
import { fhirIssues } from '../helpers/fhir';

// 2026-11-30T12:00:00Z, and one a day later (across no DST change in Shanghai; New York is in EST).
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const readings: Reading[] = [
  { ts: T0, temperature: 36.62, heartRate: 72, spo2: 98 },
  { ts: T0 + 5_000, heartRate: 75.5 },
  { ts: T0 + 86_400_000 + 123, spo2: 91, temperature: 38.4 },
];

function counter() {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

describe('CSV', () => {
  it('writes one row per reading with UTC and local times and empty cells for unmeasured vitals', () => {
    const csv = readingsToCsv(readings, 'Asia/Shanghai');
    expect(csv.split('\r\n')).toEqual([
      CSV_HEADER,
      '2026-11-30T12:00:00.000Z,2026-11-30T20:00:00.000+08:00,36.62,72,98',
      '2026-11-30T12:00:05.000Z,2026-11-30T20:00:05.000+08:00,,75.5,',
      '2026-12-01T12:00:00.123Z,2026-12-01T20:00:00.123+08:00,38.4,,91',
      '',
    ]);
    expect(CSV_HEADER).toBe('time_utc,time_local,temperature_cel,heart_rate_per_min,spo2_percent');
  });

  it('gives each local time the offset in force at that instant', () => {
    const ny = localTimeFormatter('America/New_York');
    expect(ny(Date.UTC(2026, 6, 1, 12))).toBe('2026-07-01T08:00:00.000-04:00');
    expect(ny(Date.UTC(2026, 0, 1, 12))).toBe('2026-01-01T07:00:00.000-05:00');
    expect(localTimeFormatter('Asia/Kolkata')(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe('2026-01-02T05:29:59.999+05:30');
    expect(localTimeFormatter('UTC')(T0)).toBe('2026-11-30T12:00:00.000+00:00');
  });

  it('joins pages with the header once', () => {
    const pages = [readingsToCsv(readings.slice(0, 2), 'UTC'), readingsToCsv(readings.slice(2), 'UTC')];
    expect(joinCsvPages(pages)).toBe(readingsToCsv(readings, 'UTC'));
    expect(joinCsvPages([])).toBe(`${CSV_HEADER}\r\n`);
  });

  it('knows IANA time zone names', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone(42)).toBe(false);
  });
});

describe('FHIR R4', () => {
  const bundle = readingsToFhirBundle(readings, { subject: patientSubject('pat_1', '王秀英'), uuid: counter(), now: T0 + 100_000_000 });

  it('is a valid R4 Bundle of valid Observations (validated by @medplum/core)', () => {
    expect(fhirIssues(bundle).filter((i) => i.startsWith('error'))).toEqual([]);
    for (const e of bundle.entry) expect(fhirIssues(e.resource).filter((i) => i.startsWith('error'))).toEqual([]);
  });

  it('the validator does catch a broken Observation (so the check above can fail)', () => {
    const broken = { ...bundle.entry[0].resource, valueQuantity: { value: '36.6', system: 'http://unitsofmeasure.org', code: 'Cel' } };
    expect(fhirIssues(broken).length).toBeGreaterThan(0);
    const noStatus: Record<string, unknown> = { ...bundle.entry[0].resource };
    delete noStatus.status;
    expect(fhirIssues(noStatus).length).toBeGreaterThan(0);
    expect(fhirIssues({ ...bundle, entry: [{ fullUrl: bundle.entry[0].fullUrl, resource: broken }] }).length).toBeGreaterThan(0);
  });

  it('has one Observation per measured vital with LOINC codes and UCUM units', () => {
    const obs = bundle.entry.map((e) => e.resource);
    expect(obs).toHaveLength(6);
    const summary = obs.map((o) => [o.effectiveDateTime, o.code.coding.map((c) => c.code).join('+'), o.valueQuantity.value, o.valueQuantity.code]);
    expect(summary).toEqual([
      ['2026-11-30T12:00:00.000Z', '8310-5', 36.62, 'Cel'],
      ['2026-11-30T12:00:00.000Z', '8867-4', 72, '/min'],
      ['2026-11-30T12:00:00.000Z', '59408-5+2708-6', 98, '%'],
      ['2026-11-30T12:00:05.000Z', '8867-4', 75.5, '/min'],
      ['2026-12-01T12:00:00.123Z', '8310-5', 38.4, 'Cel'],
      ['2026-12-01T12:00:00.123Z', '59408-5+2708-6', 91, '%'],
    ]);
    for (const o of obs) {
      expect(o.code.coding.every((c) => c.system === 'http://loinc.org')).toBe(true);
      expect(o.valueQuantity.system).toBe('http://unitsofmeasure.org');
      expect(o.category[0].coding[0].code).toBe('vital-signs');
      expect(o.subject).toEqual({ identifier: { system: PATIENT_ID_SYSTEM, value: 'pat_1' }, display: '王秀英' });
    }
    expect(new Set(bundle.entry.map((e) => e.fullUrl)).size).toBe(6);
    expect(bundle.entry[0].fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(FHIR_VITALS.spo2.ucum).toBe('%');
  });

  it('merges pages into one valid Bundle in page order', () => {
    const uuid = counter();
    const pages = [readings.slice(0, 1), readings.slice(1)].map((r) => readingsToFhirBundle(r, { subject: patientSubject('pat_1'), uuid, now: T0 }));
    const merged = mergeBundles(pages, T0);
    expect(merged.entry.map((e) => e.resource.valueQuantity.value)).toEqual([36.62, 72, 98, 75.5, 38.4, 91]);
    expect(fhirIssues(merged).filter((i) => i.startsWith('error'))).toEqual([]);
  });

  it('an empty range is an empty, valid collection', () => {
    const empty = readingsToFhirBundle([], { subject: patientSubject('pat_1'), uuid: counter(), now: T0 });
    expect(empty.entry).toEqual([]);
    expect(fhirIssues(empty).filter((i) => i.startsWith('error'))).toEqual([]);
  });
});

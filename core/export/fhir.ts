/**
 * Readings as a FHIR R4 `Bundle` (type `collection`) of vital-sign `Observation`s: one
 * Observation per measured vital of each reading, coded as the FHIR vital signs profile asks
 * (https://hl7.org/fhir/R4/observation-vitalsigns.html): category `vital-signs`, a LOINC code, and
 * the value as a UCUM `Quantity` (https://ucum.org). Pure: ids come from the `uuid` passed in.
 *
 * The types below are the subset of FHIR R4 this module writes, kept structural so core needs no
 * FHIR package; the tests validate the output against the R4 definitions (@medplum/core).
 */
import { type Reading, type VitalKey, VITALS } from '../vitals';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}

/**
 * Who observations are about. The system's patient ids are not FHIR ids (they hold `_`), so a
 * patient is named by an identifier in `PATIENT_ID_SYSTEM` rather than a literal reference.
 */
export interface FhirSubject {
  reference?: string;
  /** The kind of resource the identifier names (`Device` for a device's own history). */
  type?: 'Patient' | 'Device';
  identifier?: { system: string; value: string };
  display?: string;
}

/** The identifier systems of this system's patient and device ids. */
export const PATIENT_ID_SYSTEM = 'urn:remote-patient-monitor:patient-id';
export const DEVICE_ID_SYSTEM = 'urn:remote-patient-monitor:device-id';

export interface FhirObservation {
  resourceType: 'Observation';
  meta: { profile: string[] };
  status: 'final';
  category: Array<{ coding: FhirCoding[]; text: string }>;
  code: { coding: FhirCoding[]; text: string };
  subject: FhirSubject;
  effectiveDateTime: string;
  valueQuantity: { value: number; unit: string; system: string; code: string };
}

export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp: string;
  entry: Array<{ fullUrl: string; resource: FhirObservation }>;
}

export interface VitalCoding {
  /** LOINC codes, the vital signs profile's required one first. */
  loinc: FhirCoding[];
  text: string;
  /** UCUM code and the unit as shown. */
  ucum: string;
  unit: string;
}

/**
 * LOINC 8310-5 Body temperature, 8867-4 Heart rate, 59408-5 Oxygen saturation in arterial blood by
 * pulse oximetry — with 2708-6 (oxygen saturation in arterial blood) as well, which the vital signs
 * profile requires for SpO2. UCUM: `Cel`, `/min`, `%`.
 */
export const FHIR_VITALS: Readonly<Record<VitalKey, VitalCoding>> = {
  temperature: { loinc: [{ system: LOINC, code: '8310-5', display: 'Body temperature' }], text: 'Body temperature', ucum: 'Cel', unit: '°C' },
  heartRate: { loinc: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }], text: 'Heart rate', ucum: '/min', unit: 'beats/minute' },
  spo2: {
    loinc: [
      { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
      { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
    ],
    text: 'Oxygen saturation (SpO2)',
    ucum: '%',
    unit: '%',
  },
};

export interface FhirExportOptions {
  /** Who the observations are about. */
  subject: FhirSubject;
  /** A new UUID per call (`crypto.randomUUID`), for the entries' `urn:uuid:` full URLs. */
  uuid: () => string;
  /** When the bundle was assembled, ms. */
  now: number;
}

function observation(key: VitalKey, value: number, ts: number, subject: FhirSubject): FhirObservation {
  const c = FHIR_VITALS[key];
  return {
    resourceType: 'Observation',
    meta: { profile: [VITAL_SIGNS_PROFILE] },
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }],
    code: { coding: c.loinc.map((x) => ({ ...x })), text: c.text },
    subject: { ...subject, ...(subject.identifier ? { identifier: { ...subject.identifier } } : {}) },
    effectiveDateTime: new Date(ts).toISOString(),
    valueQuantity: { value, unit: c.unit, system: UCUM, code: c.ucum },
  };
}

/** The observations of `readings`, oldest first, each vital in the order temperature, heart rate, SpO2. */
export function readingsToObservations(readings: readonly Reading[], subject: FhirSubject): FhirObservation[] {
  const out: FhirObservation[] = [];
  for (const r of readings) {
    for (const { key } of VITALS) {
      const v = r[key];
      if (v !== undefined) out.push(observation(key, v, r.ts, subject));
    }
  }
  return out;
}

/** A collection Bundle of the observations of `readings`. */
export function readingsToFhirBundle(readings: readonly Reading[], opts: FhirExportOptions): FhirBundle {
  return bundleOf(readingsToObservations(readings, opts.subject), opts);
}

function bundleOf(resources: FhirObservation[], opts: Pick<FhirExportOptions, 'uuid' | 'now'>): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date(opts.now).toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${opts.uuid()}`, resource })),
  };
}

/** Pages of an export merged into one Bundle (entries in page order, each keeping its full URL). */
export function mergeBundles(pages: readonly FhirBundle[], now: number): FhirBundle {
  return { resourceType: 'Bundle', type: 'collection', timestamp: new Date(now).toISOString(), entry: pages.flatMap((p) => p.entry) };
}

/** The subject of a patient of this system: its id as an identifier, its name as the display. */
export function patientSubject(patientId: string, name?: string): FhirSubject {
  return { identifier: { system: PATIENT_ID_SYSTEM, value: patientId }, ...(name ? { display: name } : {}) };
}

/** The subject of a device's own history (operators): the device, by its `{productKey}/{deviceName}` id. */
export function deviceSubject(deviceId: string): FhirSubject {
  return { type: 'Device', identifier: { system: DEVICE_ID_SYSTEM, value: deviceId }, display: `Device ${deviceId}` };
}

/**
 * Exports of a patient's history, shared by the `history.export` action, the web console and the
 * CLI: CSV for spreadsheets, FHIR R4 for health records. Pure conversions; paging is the caller's.
 */
export * from './csv';
export * from './fhir';

export const EXPORT_FORMATS = ['csv', 'fhir'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Readings per page of `history.export`: default and largest. */
export const EXPORT_PAGE_DEFAULT = 1000;
export const EXPORT_PAGE_MAX = 2000;

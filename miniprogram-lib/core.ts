/**
 * The shared library as the mini program loads it: `npm run build` bundles this entry into
 * `miniprogram/lib/core.js` (WeChat only loads files inside the mini program root). Only the
 * I/O-free modules are listed; the device login signature needs Node's crypto and stays out.
 */
export * from '../core/result';
export * from '../core/vitals';
export * from '../core/history';
export * from '../core/api';
export * from '../core/codes';
export * from '../core/charts';
export * from '../core/status';
export * from '../core/alink/topics';
export * from '../core/alink/property-post';
export * from '../core/alink/settings';
export * from '../core/retry';
export * from '../core/clock';
// Alerts: only what the pages use. The rules' validation and the condition state machine stay
// on the backend (the whole module adds 6.5 KiB to the size-limited main package).
export { ALERT_KINDS, alertTopic, SEVERITY_OF_SCORE, VITAL_ALERT_KEYS } from '../core/alerts';
export type { AlertKind, AlertRecord, AlertRules, Band, DeliveryReason, Severity, SnoozeRecord } from '../core/alerts';

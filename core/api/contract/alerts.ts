/**
 * `alerts`: a patient's alerts (active, history, acknowledge, snooze), their rules (owner sets),
 * WeChat subscription quota, and the timer's `check`. docs/alerts.md.
 */
import * as v from 'valibot';
import { ALERT_KINDS, type AlertRecord, type AlertRules, type SnoozeRecord } from '../../alerts';
import { action } from './define';
import { empty, id } from './fields';

/** A page of a patient's alerts. */
export interface AlertPage {
  /** Newest first. */
  alerts: AlertRecord[];
  /** Pass as `before` for the next page; absent on the last page. */
  next?: string;
}

/** One change of a patient's rules: who, when, what (`path: before → after` lines). */
export interface RuleChange {
  patientId: string;
  at: number;
  by: string;
  changes: string[];
}

/** `alerts.rules`: the rules in force, the defaults, and the latest changes (newest first). */
export interface RulesView {
  rules: AlertRules;
  defaults: AlertRules;
  updatedAt?: number;
  updatedBy?: string;
  changes: RuleChange[];
}

const MAX_PAGE = 100;
const MAX_SNOOZE_MIN = 24 * 60;
const MAX_NOTE = 200;

/** An integer in [min, max], worded `must be min–max`. */
const int = (min: number, max: number) => {
  const m = `must be ${min}–${max}`;
  return v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m));
};

export const alerts = {
  /** Oldest first. */
  active: action<AlertRecord[]>()(v.object({ patientId: id })),
  history: action<AlertPage>()(
    v.object({
      patientId: id,
      before: v.optional(v.pipe(v.string('must be the "next" of a previous page'), v.maxLength(300, 'must be the "next" of a previous page'))),
      limit: v.optional(int(1, MAX_PAGE), 20),
    }),
  ),
  acknowledge: action<AlertRecord>()(
    v.object({
      alertId: id,
      note: v.optional(
        v.pipe(v.string(`must be text of at most ${MAX_NOTE} characters`), v.maxLength(MAX_NOTE, `must be text of at most ${MAX_NOTE} characters`)),
      ),
    }),
  ),
  /** `minutes: 0` ends a snooze. */
  snooze: action<SnoozeRecord>()(
    v.object({ patientId: id, kind: v.picklist(ALERT_KINDS, `must be one of ${ALERT_KINDS.join(', ')}`), minutes: int(0, MAX_SNOOZE_MIN) }),
  ),
  /** Snoozes still running. */
  snoozes: action<SnoozeRecord[]>()(v.object({ patientId: id })),
  rules: action<RulesView>()(v.object({ patientId: id })),
  /** `rules` holds the fields to change; checked by core/alerts `applyRulesChange`. */
  setRules: action<AlertRules>()(v.object({ patientId: id, rules: v.unknown() })),
  subscribed: action<{ templateId: string; remaining: number }>()(
    v.object({
      templateId: v.pipe(v.string('must be a subscription template id'), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a subscription template id')),
      count: v.optional(int(1, 10), 1),
    }),
  ),
  /** The configured template (or null) and what is left per template. */
  quota: action<{ templateId: string | null; remaining: Record<string, number> }>()(empty),
  check: action<{ raised: number; resolved: number; escalated: number }>()(empty),
};

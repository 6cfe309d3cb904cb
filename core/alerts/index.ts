/**
 * Alerts: rules, the condition state machine, and the alert records the `alerts` function
 * answers with. Pure; see docs/alerts.md.
 */
import type { AlertKind, Severity } from './rules';

export * from './rules';
export * from './evaluate';

export type DeliveryChannel = 'realtime' | 'wechat';
export type DeliveryOutcome = 'sent' | 'would-send' | 'failed' | 'no-quota' | 'snoozed' | 'not-configured';
export type DeliveryReason = 'raise' | 'upgrade' | 'escalate' | 'resolve' | 'acknowledge';

/** One attempt to tell someone (or the realtime topic) about an alert. */
export interface DeliveryRecord {
  at: number;
  channel: DeliveryChannel;
  reason: DeliveryReason;
  /** The user told (WeChat); absent for the realtime topic. */
  userId?: string;
  outcome: DeliveryOutcome;
  detail?: string;
}

export interface AlertAck {
  by: string;
  at: number;
  note?: string;
}

export interface AlertRecord {
  /** Stable: `{patientId}:{condition}:{episode start ms}`, so evaluating the same readings twice creates one alert. */
  id: string;
  patientId: string;
  kind: AlertKind;
  /** `vital:spo2`, `device:no-data:{deviceId}` …: one episode at a time per condition. */
  condition: string;
  deviceId?: string;
  severity: Severity;
  /** Partial NEWS2 (combined score over 3 of 7 parameters). */
  partial?: boolean;
  /** When the condition started (first abnormal reading, or the moment silence began). */
  startedAt: number;
  /** When the alert was raised. */
  raisedAt: number;
  /** Human-readable: what and how bad ("SpO2 88 % (NEWS2 3)"). */
  message: string;
  value?: number;
  /** Last time people were notified (raise, upgrade or escalation). */
  notifiedAt: number;
  escalations: number;
  ack?: AlertAck;
  resolvedAt?: number;
  resolveNote?: string;
  deliveries: DeliveryRecord[];
}

export interface SnoozeRecord {
  patientId: string;
  kind: AlertKind;
  until: number;
  by: string;
  at: number;
}

/** The per-patient topic alerts are published on (readable by the patient's members only). */
export const alertTopic = (patientId: string): string => `/alerts/${patientId}`;

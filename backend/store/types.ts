/**
 * The store interface: everything the functions need from storage, in domain terms. Each adapter
 * (embedded SQLite, CloudBase database) implements it; test/store/contract.ts runs the same suite
 * against every adapter. All times are ms since the epoch (UTC).
 */
import type { Bucket, Reading } from '../../core';
import type { RejectKind } from '../../core/alink';

/** How strictly a device's login timestamp is checked; see docs/protocol.md "Freshness". */
export type LoginPolicy = 'compat' | 'strict';

export interface DeviceRecord {
  /** `{productKey}/{deviceName}` — stable external id. */
  id: string;
  productKey: string;
  deviceName: string;
  /** Per-device secret used to verify the login signature. */
  secret: string;
  label: string;
  loginPolicy: LoginPolicy;
  createdAt: number;
}

export interface DeviceStatus {
  id: string;
  productKey: string;
  deviceName: string;
  label: string;
  online: boolean;
  /** Last presence change (connect or disconnect), if any. */
  presenceAt?: number;
  lastReading?: Reading;
  /** Readings stored for this device. */
  readings: number;
  /** Bad messages counted per kind. */
  rejections: Partial<Record<RejectKind, number>>;
}

export interface NewDevice {
  productKey: string;
  deviceName: string;
  secret: string;
  label?: string;
  loginPolicy?: LoginPolicy;
}

/** One message's worth of readings for one device. */
export interface ReadingBatchItem {
  deviceId: string;
  /** Device message id, when the device sent one. */
  msgId?: string;
  /**
   * Fingerprint of the payload; with `msgId` it recognises a redelivery (same id, same bytes)
   * without mistaking a reused id after a device reboot for one.
   */
  fingerprint?: string;
  receivedAt: number;
  readings: Reading[];
}

export interface AppendResult {
  /** Per batch item: true when it was already stored (a redelivery), false when newly written. */
  duplicate: boolean[];
  /** Reading rows written or merged. */
  written: number;
}

export interface PresenceEvent {
  deviceId: string;
  online: boolean;
  at: number;
}

export interface RejectionEvent {
  /** Device id, or `unknown` when the sender could not be identified. */
  deviceId: string;
  kind: RejectKind;
  at: number;
  detail: string;
}

export interface RawQuery {
  deviceId: string;
  from: number;
  to: number;
  /** Maximum rows returned (oldest first). */
  limit: number;
}

export interface BucketQuery {
  deviceId: string;
  from: number;
  to: number;
  /** Bucket width in ms; buckets are aligned to multiples of it since the epoch. */
  widthMs: number;
}

export interface StoreStats {
  devices: number;
  readings: number;
}

export interface Store {
  createDevice(d: NewDevice, now: number): Promise<DeviceRecord>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceStatus[]>;
  deviceStatus(id: string): Promise<DeviceStatus | undefined>;
  /** Appends readings idempotently in one transaction: all items are stored, or none. */
  appendReadings(items: ReadingBatchItem[]): Promise<AppendResult>;
  /** Applies presence changes; an event older than the device's last change is ignored. */
  applyPresence(events: PresenceEvent[]): Promise<void>;
  /** Marks every device offline (the broker restarted, so no session survives). */
  resetPresence(at: number): Promise<void>;
  countRejections(events: RejectionEvent[]): Promise<void>;
  /** Number of readings in [from, to), counting at most `cap` (so the check stays cheap). */
  countReadings(deviceId: string, from: number, to: number, cap: number): Promise<number>;
  queryRaw(q: RawQuery): Promise<Reading[]>;
  queryBuckets(q: BucketQuery): Promise<Bucket[]>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

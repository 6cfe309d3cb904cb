/** Sending a command to a device and waiting for its reply, as the functions see it. */

export type DeviceRequest = { kind: 'set'; params: Record<string, unknown> } | { kind: 'service'; identifier: string; params: Record<string, unknown> };

export type CommandOutcome =
  | { status: 'acked'; data: Record<string, unknown> }
  | { status: 'rejected'; code: number; message: string }
  /** No reply in time; `offline` when the device had no session at all. */
  | { status: 'timeout'; offline: boolean };

export interface DeviceControl {
  request(deviceId: string, request: DeviceRequest, timeoutMs: number): Promise<CommandOutcome>;
}

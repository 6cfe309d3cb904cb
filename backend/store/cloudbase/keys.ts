/**
 * Document ids. A device id `{productKey}/{deviceName}` becomes `{productKey}:{deviceName}`: an
 * Alibaba product key is letters and digits only, so the first `:` still separates the two, and
 * ids stay free of `/`, which some CloudBase tools treat as a path separator.
 */
export function deviceKeyOf(deviceId: string): string {
  const slash = deviceId.indexOf('/');
  return slash < 0 ? deviceId : `${deviceId.slice(0, slash)}:${deviceId.slice(slash + 1)}`;
}

export const memberKey = (patientId: string, userId: string): string => `${patientId}:${userId}`;
export const bindingKey = (deviceId: string, from: number): string => `${deviceKeyOf(deviceId)}:${from}`;
export const rejectionKey = (deviceId: string, kind: string): string => `${deviceKeyOf(deviceId)}:${kind}`;

/** Building and reading the other Alink message bodies: replies, property set, service calls. */

export const ALINK_VERSION = '1.0';

export const Method = {
  PropertyPost: 'thing.event.property.post',
  PropertySet: 'thing.service.property.set',
  service: (identifier: string) => `thing.service.${identifier}`,
} as const;

export interface AlinkReply {
  id: string;
  code: number;
  data: Record<string, unknown>;
  message?: string;
  method?: string;
  version: string;
}

export function buildReply(r: { id?: string; code: number; message?: string; method?: string; data?: Record<string, unknown> }): string {
  const reply: AlinkReply = {
    id: r.id ?? '',
    code: r.code,
    data: r.data ?? {},
    message: r.message ?? (r.code === 200 ? 'success' : 'error'),
    method: r.method,
    version: ALINK_VERSION,
  };
  return JSON.stringify(reply);
}

/** Parses a reply; returns undefined for anything that is not an object with a numeric code. */
export function parseReply(payload: string): AlinkReply | undefined {
  try {
    const v = JSON.parse(payload) as Partial<AlinkReply> | null;
    if (!v || typeof v !== 'object' || typeof v.code !== 'number') return undefined;
    return {
      id: v.id === undefined ? '' : String(v.id),
      code: v.code,
      data: v.data && typeof v.data === 'object' ? v.data : {},
      message: typeof v.message === 'string' ? v.message : undefined,
      method: typeof v.method === 'string' ? v.method : undefined,
      version: typeof v.version === 'string' ? v.version : ALINK_VERSION,
    };
  } catch {
    return undefined;
  }
}

export interface AlinkRequest {
  id: string;
  version: string;
  method: string;
  params: Record<string, unknown>;
}

export function buildRequest(id: string, method: string, params: Record<string, unknown>): string {
  const req: AlinkRequest = { id, version: ALINK_VERSION, method, params };
  return JSON.stringify(req);
}

/** Parses a request sent to a device (property set or service call). */
export function parseRequest(payload: string): AlinkRequest | undefined {
  try {
    const v = JSON.parse(payload) as Partial<AlinkRequest> | null;
    if (!v || typeof v !== 'object' || typeof v.method !== 'string') return undefined;
    const params = v.params && typeof v.params === 'object' && !Array.isArray(v.params) ? v.params : {};
    return { id: v.id === undefined ? '' : String(v.id), version: v.version ?? ALINK_VERSION, method: v.method, params };
  } catch {
    return undefined;
  }
}

/** Desired properties a device accepts through `thing.service.property.set`. */
export const DesiredProperty = {
  /** 1 = measuring on schedule, 0 = paused. */
  MeasureEnabled: 'MeasureEnabled',
  /** Seconds between scheduled measurements, 1–3600. */
  MeasureInterval: 'MeasureInterval',
} as const;

export const MEASURE_INTERVAL_RANGE_S = { min: 1, max: 3600 } as const;

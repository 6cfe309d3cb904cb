/** The device-control block's choices and outcome shape. */
/** Interval choices offered, seconds (the device accepts 1–3600). */
export const INTERVALS_S: readonly number[] = [10, 30, 60, 300, 600, 1800, 3600];

export function intervalText(s: number): string {
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.round(s / 60)} 分钟`;
  return `${Math.round(s / 3600)} 小时`;
}

export type ControlOutcome = { kind: 'pending' | 'done' | 'failed' | 'queued'; text: string };

/** The background checkpointer's timing: how often it looks, from what the WAL says. */
import { DEFAULT_SCHEDULE, framesWritten, nextInterval, nextRate } from '../../backend/store/sqlite/background-checkpoints/schedule';

const s = { targetFrames: 1000, minIntervalMs: 5, maxIntervalMs: 10_000 };
const at = (log: number, checkpointed = log, busy = 0) => ({ busy, log, checkpointed });

test('frames written: growth of the WAL, or its length after a restart', () => {
  expect(framesWritten(undefined, at(300))).toBe(300);
  expect(framesWritten(at(300), at(750))).toBe(450);
  expect(framesWritten(at(300), at(300))).toBe(0);
  // Restarted from frame 1: at least what is in it now.
  expect(framesWritten(at(1200), at(80))).toBe(80);
  expect(framesWritten(undefined, at(-1, -1, 1))).toBe(0);
});

test('the rate: the first sample as it is, then the newest counts half', () => {
  expect(nextRate(0, 500, 250)).toBe(2);
  expect(nextRate(2, 1000, 250)).toBe(3);
  expect(nextRate(3, 0, 250)).toBe(1.5);
});

test('next look: when the WAL will hold about targetFrames', () => {
  // 5 frames/ms, 200 in the WAL: 800 more take 160 ms.
  expect(nextInterval(at(200), 5, s)).toBe(160);
  // Clamped both ways.
  expect(nextInterval(at(0), 1000, s)).toBe(5);
  expect(nextInterval(at(0), 0.001, s)).toBe(10_000);
  // Nothing written yet: the longest pause.
  expect(nextInterval(at(0), 0, s)).toBe(10_000);
});

test('a long WAL or a busy writer: look again at once', () => {
  expect(nextInterval(at(1000), 0, s)).toBe(5);
  expect(nextInterval(at(4000), 5, s)).toBe(5);
  expect(nextInterval(at(-1, -1, 1), 5, s)).toBe(5);
  expect(nextInterval(at(-1, -1, 1), 5, s, 7)).toBe(5);
});

test('a long WAL that nothing is written to: back off, up to the longest pause', () => {
  expect([0, 1, 2, 3].map((quiet) => nextInterval(at(1500), 5, s, quiet))).toEqual([5, 10, 20, 40]);
  expect(nextInterval(at(1500), 5, s, 11)).toBe(10_000);
  expect(nextInterval(at(1500), 5, s, 1e9)).toBe(10_000);
});

test('defaults', () => {
  expect(DEFAULT_SCHEDULE).toEqual({ targetFrames: 1000, minIntervalMs: 5, maxIntervalMs: 10_000 });
});

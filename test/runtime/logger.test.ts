/**
 * The backend's log lines: time, level and the fields of the call that logged them (function,
 * action, the host's request id) — unit behaviour, then a real call through the local stack.
 */
import { createLogger, createMemoryLogger, formatRecord, type LogRecord } from '../../backend/runtime/logger';
import { functionClient } from '../helpers/http';
import { startStack, tempDir } from '../helpers/stack';

describe('logger', () => {
  test('a line carries the time, the level and the fields of its child loggers', () => {
    const log = createMemoryLogger({ now: () => Date.UTC(2026, 10, 30, 8) });
    log.child({ fn: 'patients', action: 'update', req: 'r-1', empty: undefined }).warn('profile refused');
    log.error('broken');
    expect(log.lines).toEqual(['2026-11-30T08:00:00.000Z WARN  fn=patients action=update req=r-1 profile refused', '2026-11-30T08:00:00.000Z ERROR broken']);
  });

  test('once is once for a logger and all its children, and forgets the oldest keys past its capacity', () => {
    const log = createMemoryLogger({ onceCapacity: 2 });
    const child = log.child({ fn: 'ingest' });
    log.once('a', 'first');
    child.once('a', 'again');
    child.once('b', 'second');
    child.once('c', 'third'); // forgets "a"
    log.once('a', 'a once more');
    expect(log.lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(['WARN  first', 'WARN  fn=ingest second', 'WARN  fn=ingest third', 'WARN  a once more']);
  });

  test('records made by a worker thread are written by the host with their own time and fields', () => {
    const records: LogRecord[] = [];
    const worker = createLogger({ sink: (r) => records.push(r), now: () => 0 });
    worker.child({ fn: 'history', req: 'abc' }).info('slow query');
    const host = createMemoryLogger({ now: () => 1e12 });
    for (const r of records) host.record(r);
    expect(host.lines).toEqual([formatRecord({ level: 'info', message: 'slow query', ts: 0, fields: { fn: 'history', req: 'abc' } })]);
    expect(host.lines[0]).toBe('1970-01-01T00:00:00.000Z INFO  fn=history req=abc slow query');
  });
});

describe('logs of the local stack', () => {
  const dir = tempDir();
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack(dir.path);
  });
  afterAll(async () => {
    await stack.close();
    dir.remove();
  });

  test("a function's line names the function, the action and the request id the host minted, across the worker thread", async () => {
    const { data, login } = functionClient(() => stack.ports.http);
    const alice = await login('alice');
    const patient = await data('patients', { action: 'create', name: '王奶奶' }, alice);
    await data('alerts', { action: 'setRules', patientId: patient.id, rules: { spo2Scale: 2 } }, alice);
    const line = stack.log.lines.find((l) => l.includes('alert rules of'));
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}fn=alerts action=setRules req=[0-9a-f-]{36} alert rules of /);
  });
});

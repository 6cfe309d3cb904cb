/**
 * The typed contract (core/api/contract) and the handlers built from it (backend/runtime/handler):
 * an event is checked before the handler runs, a bad field comes back as one `BAD_REQUEST` naming
 * it, and the compiler holds a handler to its declared result (the `@ts-expect-error` lines below
 * fail `npm run typecheck` if that check ever stops working).
 */
import * as v from 'valibot';
import { ok, type Result } from '../../core';
import { action, parseInput } from '../../core/api/contract/define';
import { patients } from '../../core/api/contract/patients';
import { createMemoryLogger, type FunctionDeps } from '../../backend/runtime/deps';
import { adminOnly, createRouter, defineFunction, type Handler, typed } from '../../backend/runtime/handler';

const greet = action<{ greeting: string }>()(v.object({ name: v.pipe(v.string(), v.minLength(1, 'is required')), times: v.optional(v.number(), 1) }));

/** Only the logger is read by the router (when a handler throws); these handlers touch nothing else. */
const deps = { log: createMemoryLogger() } as unknown as FunctionDeps;

describe('parseInput', () => {
  test.each([
    [{}, '"patientId" is required'],
    [{ patientId: '' }, '"patientId" is required'],
    [{ patientId: 42 }, '"patientId" must be string (got 42)'],
  ])('names the field of %j', (event, message) => {
    expect(parseInput(patients.get.input, event)).toEqual({ ok: false, code: 'BAD_REQUEST', message });
  });

  test("normalizes what a person typed and keeps the schema's own wording", () => {
    expect(parseInput(patients.redeemInvite.input, { code: 'abcd-efgh' })).toEqual({ ok: true, value: { code: 'ABCDEFGH' } });
    expect(parseInput(patients.redeemInvite.input, { code: 'abc' })).toMatchObject({ message: '"code" must be the 8-character invite code' });
    expect(parseInput(patients.create.input, { name: 'A', sex: 'x' })).toMatchObject({ message: '"sex" must be one of female, male, other, unknown' });
  });

  test('drops fields an action does not declare', () => {
    expect(parseInput(patients.get.input, { action: 'get', patientId: 'p1', extra: 1 })).toEqual({ ok: true, value: { patientId: 'p1' } });
  });
});

describe('typed handlers', () => {
  const calls: unknown[] = [];
  const hello = typed(greet, async ({ input }) => {
    calls.push(input);
    return ok({ greeting: `hello ${input.name}`.repeat(input.times) });
  });
  const legacy: Handler = async ({ event }) => ok({ echoed: event.word });
  const fn = createRouter('demo', { actions: { hello, legacy, admin: adminOnly(hello) }, allow: ['admin', 'user'] }, deps);

  test('run with the parsed input, defaults applied', async () => {
    expect(await fn({ action: 'hello', name: 'Li' }, { caller: { kind: 'admin' } })).toEqual(ok({ greeting: 'hello Li' }));
    expect(calls).toContainEqual({ name: 'Li', times: 1 });
  });

  test('a bad event is a BAD_REQUEST naming the field, and the handler does not run', async () => {
    const before = calls.length;
    expect(await fn({ action: 'hello', name: '' }, { caller: { kind: 'admin' } })).toEqual({ ok: false, code: 'BAD_REQUEST', message: '"name" is required' });
    expect(await fn({ action: 'hello', name: 'Li', times: 'twice' }, { caller: { kind: 'admin' } })).toMatchObject({
      message: '"times" must be number (got "twice")',
    });
    expect(calls.length).toBe(before);
  });

  test('plain handlers still route beside typed ones, and guards keep the contract', async () => {
    expect(await fn({ action: 'legacy', word: 'hi' }, { caller: { kind: 'user', openid: 'o1' } })).toEqual(ok({ echoed: 'hi' }));
    expect(await fn({ action: 'admin', name: 'Li' }, { caller: { kind: 'user', openid: 'o1' } })).toMatchObject({ code: 'FORBIDDEN' });
    expect(adminOnly(hello).contract).toBe(greet);
  });

  test('a function with a contract needs a typed handler for each declared action, and may add plain ones', () => {
    const contract = { hello: greet };
    expect(defineFunction('demo', { contract, actions: { hello, legacy }, allow: ['user'] }).name).toBe('demo');
    // @ts-expect-error `hello` is declared, so a plain handler will not do
    defineFunction('demo', { contract, actions: { hello: legacy }, allow: ['user'] });
    // @ts-expect-error `hello` is declared but missing
    defineFunction('demo', { contract, actions: { legacy }, allow: ['user'] });
  });

  test('the compiler holds a handler to its declared result', () => {
    // @ts-expect-error `greeting` must be a string
    typed(greet, async () => ok({ greeting: 1 }));
    // @ts-expect-error the parsed input has no `nickname`
    typed(greet, async ({ input }): Promise<Result<{ greeting: string }>> => ok({ greeting: input.nickname }));
  });
});

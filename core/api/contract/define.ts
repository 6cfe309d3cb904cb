/**
 * How an action is declared once for both sides: a valibot schema for its event (checked at run
 * time by the function) and, as a type only, what it answers. The functions' handlers and every
 * client (mini program, web console, tests) derive their types from these declarations, so a field
 * renamed here breaks both sides at compile time.
 *
 * valibot was chosen for size: its functions are tree-shaken one by one (https://valibot.dev/guides/introduction/),
 * and the mini program imports these modules for their types only.
 */
import * as v from 'valibot';
import { err, ErrorCode, type Err } from '../../result';

/** One action: `input` checks the event (minus `action`); `result` exists only as a type. */
export interface ActionContract<S extends v.GenericSchema = v.GenericSchema, R = unknown> {
  readonly input: S;
  /** Never set: carries the result type for `ResultOf`. */
  readonly result?: R;
}

/** A function's actions by name. */
export type FunctionContract = Readonly<Record<string, ActionContract>>;

/**
 * Declares an action answering `R` whose event matches `input`. Curried so the result type is
 * written and the schema's type inferred: `action<PatientSummary>()(v.object({...}))`.
 */
export const action =
  <R>() =>
  <S extends v.GenericSchema>(input: S): ActionContract<S, R> => ({ input });

/** What a client sends (before defaults and trimming). */
export type InputOf<A> = A extends ActionContract<infer S, unknown> ? v.InferInput<S> : never;
/** What a handler receives: the event after validation. */
export type ParsedOf<A> = A extends ActionContract<infer S, unknown> ? v.InferOutput<S> : never;
/** What the action answers with when it succeeds. */
export type ResultOf<A> = A extends ActionContract<v.GenericSchema, infer R> ? R : never;

/**
 * The wording of an issue no schema words itself: `"<field>" is required` or
 * `"<field>" must be <expected>`. The field is named by the caller of `describe`.
 */
const wording = (issue: v.BaseIssue<unknown>): string =>
  issue.input === undefined ? 'is required' : `must be ${issue.expected ?? 'valid'} (got ${issue.received})`;

/**
 * The first problem of a failed parse as one line naming the field, e.g. `"patientId" is required`;
 * `within` is the path of the parsed value inside the event, when only part of it was parsed.
 */
function describe(issue: v.BaseIssue<unknown>, within: string): string {
  const path = [within, v.getDotPath(issue)].filter(Boolean).join('.');
  return path ? `"${path}" ${issue.message}` : issue.message;
}

/** Checks an event against an action's schema: the parsed input, or a `BAD_REQUEST` naming the field. */
export function parseInput<S extends v.GenericSchema>(schema: S, event: unknown): { ok: true; value: v.InferOutput<S> } | Err {
  return parseItem(schema, event, '');
}

/**
 * Checks one item of a list on its own, for a function that counts a bad item instead of refusing
 * the whole list: the parsed item, or a `BAD_REQUEST` naming the field as a check of the whole
 * event would (`at` = the item's path, e.g. `"events.2.timestamp" is required`).
 */
export function parseItem<S extends v.GenericSchema>(schema: S, item: unknown, at: string): { ok: true; value: v.InferOutput<S> } | Err {
  const parsed = v.safeParse(schema, item, { abortEarly: true, message: wording });
  if (parsed.success) return { ok: true, value: parsed.output };
  return err(ErrorCode.BadRequest, describe(parsed.issues[0], at));
}

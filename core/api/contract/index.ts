/**
 * Every client-facing function's actions, by function name: the one map the functions' handlers,
 * the mini program's api client, the web console and the tests take their types from.
 *
 * `broker` and `ingest` are called by the MQTT broker and the backend, not by clients: their
 * contracts (broker.ts, ingest.ts) are declared the same way but kept out of this map, so no client
 * type offers them.
 */
import { alerts } from './alerts';
import { auth } from './auth';
import { command } from './command';
import type { InputOf, ResultOf } from './define';
import { devices } from './devices';
import { history } from './history';
import { patients } from './patients';
import { realtime } from './realtime';

export const contract = { auth, patients, devices, history, command, realtime, alerts };

export type Contract = typeof contract;
export type FunctionName = keyof Contract;
export type ActionName<F extends FunctionName> = keyof Contract[F] & string;
/** What a client sends for `F.A`, without `action`. */
export type ActionInput<F extends FunctionName, A extends ActionName<F>> = InputOf<Contract[F][A]>;
/** What `F.A` answers with when it succeeds. */
export type ActionResult<F extends FunctionName, A extends ActionName<F>> = ResultOf<Contract[F][A]>;
/** The whole event for `F.A`. */
export type ActionEvent<F extends FunctionName, A extends ActionName<F>> = { action: A } & ActionInput<F, A>;

export type { ActionContract, FunctionContract, InputOf, ParsedOf, ResultOf } from './define';
export type { AlertPage, RuleChange, RulesView } from './alerts';
export type { CreatedDevice } from './devices';

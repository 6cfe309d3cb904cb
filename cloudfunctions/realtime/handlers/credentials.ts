/**
 * `credentials`: short-lived MQTT credentials (≤ 1 hour) for the caller and the topics they may
 * read: telemetry, waveform, presence and command replies of the devices bound to the patients
 * they follow, and those patients' alerts (`/alerts/{patientId}`). Clients ask again before `expiresAt` and after any reconnect the broker refused.
 */
import { err, ErrorCode, ok } from '../../../core';
import { parseDeviceId } from '../../../core/alink';
import { realtime as contract } from '../../../core/api/contract/realtime';
import { typed } from '../../../backend/runtime/handler';
import { patientTopics } from '../../../backend/mqtt-policy/user-credentials';
import { requireUser } from '../../../backend/runtime/users';

export const credentials = typed(contract.credentials, async ({ caller, deps }) => {
  const user = await requireUser(caller, deps);
  if (!deps.realtime) return err(ErrorCode.Unavailable, 'real-time credentials are not configured on this host');
  const devices = (await deps.store.devicesOfUser(user.id)).flatMap((id) => parseDeviceId(id) ?? []);
  // Tied to the local sign-in session, so they end at logout (CloudBase callers have none).
  const issued = deps.realtime.issue(user, devices, deps.now(), caller.kind === 'user' ? caller.sessionId : undefined);
  const patients = await deps.store.patientsOf(user.id);
  return ok({ ...issued, topics: [...issued.topics, ...patients.flatMap((p) => patientTopics(p.id))] });
});

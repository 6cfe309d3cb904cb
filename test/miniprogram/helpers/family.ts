/** A family as the pages see it: an owner's phone, a patient and a bound device on a real stack. */
import type { Stack } from '../../../local-cloud/stack';
import { createDevice } from '../../helpers/stack';
import { phoneServices } from './services';

export async function ownerWithDevice(stack: Stack, ownerCode = 'owner', label = '卧室床旁终端') {
  const phone = phoneServices(stack, ownerCode);
  const patient = await phone.services.api.createPatient({ name: '王秀英', sex: 'female', birthDate: '1948-03-12', notes: '高血压' });
  if (!patient.ok) throw new Error(patient.message);
  const creds = await createDevice(stack, { label });
  const bound = await phone.services.api.bindDevice(patient.data.id, creds.bindCode);
  if (!bound.ok) throw new Error(bound.message);
  return { phone, patientId: patient.data.id, creds };
}

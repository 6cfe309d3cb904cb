/**
 * `devices`: operators register devices and read every device's status; users bind devices to
 * their patients with the label code and see the devices of the patients they follow.
 */
import * as v from 'valibot';
import type { BindResult, DeviceStatus, MyDevice } from '..';
import { DEVICE_NAME_RE, PRODUCT_KEY_RE } from '../../alink/names';
import { BIND_CODE_LENGTH } from '../../codes';
import { action } from './define';
import { code, empty, id } from './fields';

/** `devices.create`: the new device's credentials; the secret is shown only here. */
export interface CreatedDevice {
  deviceId: string;
  productKey: string;
  deviceName: string;
  deviceSecret: string;
  loginPolicy: 'compat' | 'strict';
  /** Print this on the device's label: family members bind the device with it. */
  bindCode: string;
}

const LOGIN_POLICIES = ['compat', 'strict'] as const;

export const devices = {
  /** Defaults (applied by the function): the configured product key, a random name, `compat`. */
  create: action<CreatedDevice>()(
    v.object({
      productKey: v.optional(v.pipe(v.string(), v.regex(PRODUCT_KEY_RE, 'must be 4–32 letters or digits'))),
      deviceName: v.optional(v.pipe(v.string(), v.regex(DEVICE_NAME_RE, 'must be 4–32 of letters, digits and -_@.:'))),
      label: v.optional(v.pipe(v.string('must be a string of at most 64 characters'), v.maxLength(64, 'must be a string of at most 64 characters')), ''),
      loginPolicy: v.optional(v.picklist(LOGIN_POLICIES, 'must be compat or strict'), 'compat'),
    }),
  ),
  list: action<DeviceStatus[]>()(empty),
  get: action<DeviceStatus>()(v.object({ deviceId: id })),
  bind: action<BindResult>()(v.object({ patientId: id, code: code(BIND_CODE_LENGTH, 'code on the device label') })),
  unbind: action<{ deviceId: string; unbound: true }>()(v.object({ deviceId: id })),
  mine: action<MyDevice[]>()(empty),
};

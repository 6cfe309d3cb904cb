/** Where the CloudBase store connects: read from the environment, with errors naming what is missing. */
import { cloudbaseOptionsFromEnv, insideCloudbase } from '../../backend/store/cloudbase';

const keys = { TENCENTCLOUD_SECRETID: 'id', TENCENTCLOUD_SECRETKEY: 'key' };

describe('cloudbaseOptionsFromEnv', () => {
  test('outside CloudBase the environment id and an API key are required, by name', () => {
    expect(() => cloudbaseOptionsFromEnv({ ...keys })).toThrow(/CLOUDBASE_ENV/);
    expect(() => cloudbaseOptionsFromEnv({ CLOUDBASE_ENV: 'e1' })).toThrow(/TENCENTCLOUD_SECRETID/);
    expect(() => cloudbaseOptionsFromEnv({ CLOUDBASE_ENV: 'e1', TENCENTCLOUD_SECRETID: 'id' })).toThrow(/TENCENTCLOUD_SECRETKEY/);
    expect(cloudbaseOptionsFromEnv({ CLOUDBASE_ENV: ' e1 ', ...keys })).toEqual({ env: 'e1', secretId: 'id', secretKey: 'key' });
  });

  test('inside CloudBase the function environment is the default, but the runtime keys must be there', () => {
    const scf = { TENCENTCLOUD_RUNENV: 'SCF' };
    expect(insideCloudbase(scf)).toBe(true);
    expect(insideCloudbase({ SCF_NAMESPACE: 'ns' })).toBe(true);
    expect(insideCloudbase({})).toBe(false);
    expect(cloudbaseOptionsFromEnv({ ...scf, ...keys, TENCENTCLOUD_SESSIONTOKEN: 't' })).toEqual({ secretId: 'id', secretKey: 'key', sessionToken: 't' });
    expect(cloudbaseOptionsFromEnv({ ...scf, ...keys, TCB_ENV: 'env-2' }).env).toBe('env-2');
    expect(() => cloudbaseOptionsFromEnv(scf)).toThrow(/inside CloudBase.*TENCENTCLOUD_SECRETID/);
  });

  test('optional settings are checked', () => {
    const base = { CLOUDBASE_ENV: 'e1', ...keys };
    expect(
      cloudbaseOptionsFromEnv({ ...base, CLOUDBASE_SERVICE_URL: 'http://127.0.0.1:9/admin', CLOUDBASE_TIMEOUT_MS: '2000', CLOUDBASE_COLLECTION_PREFIX: 'x_' }),
    ).toMatchObject({
      serviceUrl: 'http://127.0.0.1:9/admin',
      timeoutMs: 2000,
      collectionPrefix: 'x_',
    });
    expect(() => cloudbaseOptionsFromEnv({ ...base, CLOUDBASE_SERVICE_URL: 'ftp://x' })).toThrow(/CLOUDBASE_SERVICE_URL/);
    expect(() => cloudbaseOptionsFromEnv({ ...base, CLOUDBASE_TIMEOUT_MS: 'soon' })).toThrow(/CLOUDBASE_TIMEOUT_MS/);
    expect(() => cloudbaseOptionsFromEnv({ ...base, CLOUDBASE_COLLECTION_PREFIX: 'a.b' })).toThrow(/CLOUDBASE_COLLECTION_PREFIX/);
  });
});

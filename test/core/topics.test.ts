/**
 * parseTopic over every Alink topic family and the malformed shapes around them: the broker
 * authorises each publish and forward by it, and `ingest` routes by it.
 */
import { type ParsedTopic, parseTopic } from '../../core/alink';

describe('parseTopic', () => {
  test.each<[string, ParsedTopic | undefined]>([
    ['/sys/pk/dn/thing/event/property/post', { productKey: 'pk', deviceName: 'dn', kind: 'property.post' }],
    ['/sys/pk/dn/thing/event/property/post_reply', { productKey: 'pk', deviceName: 'dn', kind: 'property.post.reply' }],
    ['/sys/pk/dn/thing/service/property/set', { productKey: 'pk', deviceName: 'dn', kind: 'property.set' }],
    ['/sys/pk/dn/thing/service/property/set_reply', { productKey: 'pk', deviceName: 'dn', kind: 'property.set.reply' }],
    ['/sys/pk/dn/thing/event/property/batch/post', { productKey: 'pk', deviceName: 'dn', kind: 'property.batch.post' }],
    ['/sys/pk/dn/thing/event/property/batch/post_reply', { productKey: 'pk', deviceName: 'dn', kind: 'property.batch.post.reply' }],
    ['/sys/pk/dn/thing/deviceinfo/update', { productKey: 'pk', deviceName: 'dn', kind: 'deviceinfo.update' }],
    ['/sys/pk/dn/thing/deviceinfo/update_reply', { productKey: 'pk', deviceName: 'dn', kind: 'deviceinfo.update.reply' }],
    ['/sys/pk/dn/thing/property/desired/get', { productKey: 'pk', deviceName: 'dn', kind: 'desired.get' }],
    ['/sys/pk/dn/thing/property/desired/get_reply', { productKey: 'pk', deviceName: 'dn', kind: 'desired.get.reply' }],
    ['/sys/pk/dn/presence', { productKey: 'pk', deviceName: 'dn', kind: 'presence' }],
    ['/sys/pk/dn/rrpc/request/123', { productKey: 'pk', deviceName: 'dn', kind: 'rrpc.request', identifier: '123' }],
    ['/sys/pk/dn/rrpc/response/abc_-1', { productKey: 'pk', deviceName: 'dn', kind: 'rrpc.response', identifier: 'abc_-1' }],
    ['/sys/pk/dn/rrpc/request/', { productKey: 'pk', deviceName: 'dn', kind: 'other' }],
    ['/sys/pk/dn/thing/service/MeasureNow', { productKey: 'pk', deviceName: 'dn', kind: 'service', identifier: 'MeasureNow' }],
    ['/sys/pk/dn/thing/service/MeasureNow_reply', { productKey: 'pk', deviceName: 'dn', kind: 'service.reply', identifier: 'MeasureNow' }],
    ['/sys/pk/dn/thing/event/Fall/post', { productKey: 'pk', deviceName: 'dn', kind: 'event.post', identifier: 'Fall' }],
    ['/sys/pk/dn/thing/event/Fall/post_reply', { productKey: 'pk', deviceName: 'dn', kind: 'event.post.reply', identifier: 'Fall' }],
    ['/sys/pk/dn/thing/event/property/post/x', { productKey: 'pk', deviceName: 'dn', kind: 'other' }],
    ['/sys/pk/dn/', { productKey: 'pk', deviceName: 'dn', kind: 'other' }],
    ['/sys/pk/dn', undefined],
    ['/sys/pk', undefined],
    ['/sys//dn/thing/event/property/post', undefined],
    ['/sys/pk//thing/event/property/post', undefined],
    ['sys/pk/dn/thing/event/property/post', undefined],
    ['/sys/pk/dn/thing/event/property/post_reply/', { productKey: 'pk', deviceName: 'dn', kind: 'other' }],
    ['/sys/pk/dn/other/thing', { productKey: 'pk', deviceName: 'dn', kind: 'other' }],
    ['/ext/ntp/pk/dn/request', { productKey: 'pk', deviceName: 'dn', kind: 'ntp.request' }],
    ['/ext/ntp/pk/dn/response', { productKey: 'pk', deviceName: 'dn', kind: 'ntp.response' }],
    ['/ext/ntp/pk/dn/other', undefined],
    ['/ext/ntp/pk//request', undefined],
    ['/ext/ntp/pk/dn/request/x', undefined],
    ['/ota/device/inform/pk/dn', { productKey: 'pk', deviceName: 'dn', kind: 'ota.inform' }],
    ['/ota/device/upgrade/pk/dn', { productKey: 'pk', deviceName: 'dn', kind: 'ota.upgrade' }],
    ['/ota/device/progress/pk/dn', { productKey: 'pk', deviceName: 'dn', kind: 'ota.progress' }],
    ['/ota/device/other/pk/dn', undefined],
    ['/ota/device/inform/pk/', undefined],
    ['/ext/rrpc/1/sys/pk/dn/thing/service/X', { productKey: 'pk', deviceName: 'dn', kind: 'ext.rrpc' }],
    ['/ext/rrpc/1//sys/pk/dn/thing/service/X', { productKey: 'pk', deviceName: 'dn', kind: 'ext.rrpc' }],
    ['/ext/rrpc/1/pk/dn/user/cmd', { productKey: 'pk', deviceName: 'dn', kind: 'ext.rrpc' }],
    ['/ext/rrpc/1/pk/dn/other/cmd', undefined],
    ['/ext/rrpc//sys/pk/dn/x', undefined],
    ['/ext/rrpc/1/sys/pk', undefined],
    ['/pk/dn/user/update', { productKey: 'pk', deviceName: 'dn', kind: 'user' }],
    ['/pk/dn/user/a/b', { productKey: 'pk', deviceName: 'dn', kind: 'user' }],
    ['/pk/dn/user/', undefined],
    ['/pk/dn/user', undefined],
    ['/pk//user/x', undefined],
    ['/sys/dn/user/x', { productKey: 'dn', deviceName: 'user', kind: 'other' }],
    ['', undefined],
    ['/', undefined],
    ['plain', undefined],
  ])('%s', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });

  test('the product key and device name are the levels themselves, whatever their characters', () => {
    expect(parseTopic('/sys/a1B2c3D4e5F/rpmTerminal_dev-7@x.y:z/thing/event/property/post')).toEqual({
      productKey: 'a1B2c3D4e5F',
      deviceName: 'rpmTerminal_dev-7@x.y:z',
      kind: 'property.post',
    });
  });
});

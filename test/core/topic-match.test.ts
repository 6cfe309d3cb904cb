import { topicMatches } from '../../core/alink';

describe('topicMatches (MQTT 3.1.1 §4.7)', () => {
  test.each([
    ['/sys/pk/dn/#', '/sys/pk/dn/thing/event/property/post_reply', true],
    ['/sys/pk/dn/#', '/sys/pk/dn', true],
    ['/sys/pk/+/thing/event/property/post_reply', '/sys/pk/dn/thing/event/property/post_reply', true],
    ['/sys/pk/dn/thing/service/+', '/sys/pk/dn/thing/service/MeasureNow', true],
    ['/sys/pk/dn/thing/service/+', '/sys/pk/dn/thing/service/property/set', false],
    ['/sys/pk/dn/thing/event/property/post_reply', '/sys/pk/dn/thing/event/property/post_reply', true],
    ['/sys/pk/dn/thing/event/property/post', '/sys/pk/dn/thing/event/property/post_reply', false],
    ['/sys/pk/other/#', '/sys/pk/dn/thing/event/property/post_reply', false],
    ['#', '$SYS/broker/load', false],
    ['$SYS/#', '$SYS/broker/load', true],
    ['a/b', 'a/b/c', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

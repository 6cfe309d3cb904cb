/**
 * The contracts of the functions only services call (core/api/contract/broker.ts, ingest.ts): what
 * EMQX's authenticator/authorizer requests come to (never a BAD_REQUEST: EMQX must get a deny),
 * and the BAD_REQUEST wording for the webhook's and ingest's envelopes and for one bad item, which
 * names the item as a check of the whole event would.
 */
import { aclRequest, authRequest, broker, webhookEvent } from '../../core/api/contract/broker';
import { parseInput, parseItem } from '../../core/api/contract/define';
import { ingest, ingestMessage } from '../../core/api/contract/ingest';

const bad = (message: string) => ({ ok: false, code: 'BAD_REQUEST', message });

describe('broker auth and acl', () => {
  test.each([undefined, null, 'text', [1], { clientid: 7 }])('an unreadable request (%j) is read as empty, not refused', (request) => {
    expect(parseInput(broker.auth.input, { request })).toEqual({ ok: true, value: { request: {} } });
    expect(parseInput(broker.acl.input, { request })).toEqual({ ok: true, value: { request: {} } });
  });

  test('readable fields are kept and unreadable ones dropped', () => {
    const auth = parseInput(authRequest, { clientid: 'c', username: 'u', password: 5, peerhost: '10.0.0.1', extra: true });
    expect(auth).toEqual({ ok: true, value: { clientid: 'c', username: 'u', password: undefined, peerhost: '10.0.0.1' } });
    expect(parseInput(aclRequest, { username: 'u', topic: 't', action: 'delete' })).toEqual({
      ok: true,
      value: { clientid: undefined, username: 'u', topic: 't', action: undefined },
    });
    expect(parseInput(aclRequest, { username: 'u', topic: 't', action: 'subscribe' })).toMatchObject({ value: { action: 'subscribe' } });
  });
});

describe('broker webhook', () => {
  const publish = { event: 'message.publish', timestamp: 1_700_000_000_000, username: 'dev1&pk01', topic: 'a/b', payload: '{}' };

  test.each([
    [{}, '"events" is required'],
    [{ events: [] }, '"events" must hold at least one event'],
    [{ events: 'x' }, '"events" must be an event object or an array of them'],
    [{ events: new Array(1001).fill(publish) }, '"events" must hold at most 1000 events'],
  ])('refuses the envelope %#', (event, message) => {
    expect(parseInput(broker.webhook.input, event)).toEqual(bad(message));
  });

  test('one event is a list of one; the events themselves are left to the function', () => {
    expect(parseInput(broker.webhook.input, { events: publish })).toEqual({ ok: true, value: { events: [publish] } });
    expect(parseInput(broker.webhook.input, { events: [publish, 42] })).toEqual({ ok: true, value: { events: [publish, 42] } });
  });

  test.each([
    [42, '"events.3" must be an object'],
    [{ ...publish, timestamp: undefined }, '"events.3.timestamp" is required'],
    [{ ...publish, timestamp: -1 }, '"events.3.timestamp" must be a time in ms'],
    [{ ...publish, payload: { a: 1 } }, '"events.3.payload" must be a string: use payload_encoding plain'],
    [
      { ...publish, event: 'message.dropped' },
      '"events.3.event" names an unsupported event; expected message.publish, client.connected, client.disconnected or session.subscribed',
    ],
    [{ event: 'session.subscribed', timestamp: 1 }, '"events.3.topic" is required'],
  ])('names the field of a bad event %#', (event, message) => {
    expect(parseItem(webhookEvent, event, 'events.3')).toEqual(bad(message));
  });

  test('reads EMQX times in ms or seconds, a publish without `event`, and drops unread fields', () => {
    const { event: _event, ...noEvent } = publish;
    expect(parseItem(webhookEvent, { ...noEvent, publish_received_at: 1_700_000_001, qos: 1 }, 'events.0')).toEqual({
      ok: true,
      value: { ...publish, clientid: undefined, publish_received_at: 1_700_000_001_000 },
    });
    // An unreadable optional time is missing (the event's `timestamp` stands in), not an error.
    expect(parseItem(webhookEvent, { event: 'client.connected', timestamp: 5, connected_at: 'now' }, 'events.0')).toEqual({
      ok: true,
      value: { event: 'client.connected', timestamp: 5000, username: undefined, clientid: undefined, connected_at: undefined },
    });
  });
});

describe('ingest batch', () => {
  test.each([
    [{}, '"messages" is required'],
    [{ messages: {} }, '"messages" must be an array'],
    [{ messages: new Array(5001).fill(null) }, '"messages" must hold at most 5000 messages'],
  ])('refuses the envelope %#', (event, message) => {
    expect(parseInput(ingest.batch.input, event)).toEqual(bad(message));
  });

  test.each([
    [null, '"messages.1" must be an object'],
    [{ type: 'reading', deviceId: 'p/d' }, '"messages.1.type" must be telemetry, rejected or presence'],
    [{ type: 'presence', online: true, at: 1 }, '"messages.1.deviceId" is required'],
    [{ type: 'telemetry', deviceId: 'p/d', topic: 't', payload: '{}', receivedAt: 1.5 }, '"messages.1.receivedAt" must be a time in ms'],
    [{ type: 'presence', deviceId: 'p/d', online: 'yes', at: 1 }, '"messages.1.online" must be boolean (got "yes")'],
  ])('names the field of a bad message %#', (message, wording) => {
    expect(parseItem(ingestMessage, message, 'messages.1')).toEqual(bad(wording));
  });
});

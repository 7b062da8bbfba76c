import { describe, expect, it } from 'vitest';
import {
  MAX_WINDOW,
  parseRequest,
  SEAT_REQUIRED,
  SOCKET_ACCESS,
  sanitizeFilter,
} from '../../../src/core/protocol/messages.js';

const bad = (id: number | null) => ({ error: 'PROTOCOL_BAD_REQUEST', id });
const TOKEN = 'a'.repeat(43);

describe('local socket protocol', () => {
  it('parses known requests and names what is wrong with the rest', () => {
    expect(parseRequest('{"id":1,"type":"status"}')).toEqual({ id: 1, type: 'status' });
    expect(parseRequest('{"id":2,"type":"events.query","filter":{}}')).toEqual({
      id: 2,
      type: 'events.query',
      filter: { limit: 1000 },
    });
    expect(parseRequest('not json')).toEqual({ error: 'PROTOCOL_BAD_JSON', id: null });
    expect(parseRequest('{"type":"status"}')).toEqual({ error: 'PROTOCOL_BAD_REQUEST', id: null });
    expect(parseRequest('{"id":3,"type":"rm -rf"}')).toEqual({
      error: 'PROTOCOL_UNKNOWN_TYPE',
      id: 3,
    });
    expect(parseRequest('{"id":4,"type":"events.query"}')).toEqual({
      error: 'PROTOCOL_BAD_REQUEST',
      id: 4,
    });
    expect(parseRequest('{"id":5,"type":"__proto__"}')).toEqual({
      error: 'PROTOCOL_UNKNOWN_TYPE',
      id: 5,
    });
  });

  it('keeps only well-typed filter fields and caps the limit', () => {
    const f = sanitizeFilter({
      types: ['file.*', 3],
      minSeverity: 'nope',
      level: 'AAA',
      since: 1.5,
      until: 9,
      limit: 1e9,
      order: 'sideways',
      extra: 1,
    });
    expect(f).toEqual({ types: ['file.*'], level: 'AAA', until: 9, limit: 10_000 });
    expect(sanitizeFilter(null)).toEqual({ limit: 1000 });
    expect(sanitizeFilter({ beforeSeq: 7, afterSeq: 2, order: 'desc' })).toEqual({
      beforeSeq: 7,
      afterSeq: 2,
      order: 'desc',
      limit: 1000,
    });
    expect(sanitizeFilter({ beforeSeq: 7.5 })).toEqual({ limit: 1000 });
  });

  it('parses a subscription and its acks, and nothing outside their bounds', () => {
    expect(parseRequest('{"id":1,"type":"subscribe","afterSeq":0,"window":8}')).toEqual({
      id: 1,
      type: 'subscribe',
      afterSeq: 0,
      window: 8,
    });
    for (const body of [
      '"afterSeq":-1,"window":8',
      '"afterSeq":1.5,"window":8',
      '"afterSeq":"3","window":8',
      '"window":8',
      '"afterSeq":0,"window":0',
      `"afterSeq":0,"window":${MAX_WINDOW + 1}`,
      '"afterSeq":0,"window":null',
    ])
      expect(parseRequest(`{"id":2,"type":"subscribe",${body}}`), body).toEqual(bad(2));
    expect(parseRequest('{"id":3,"type":"unsubscribe"}')).toEqual({ id: 3, type: 'unsubscribe' });
    // An ack is fire-and-forget: no id, no answer.
    expect(parseRequest('{"type":"ack","through":12}')).toEqual({ type: 'ack', through: 12 });
    expect(parseRequest('{"type":"ack","through":-1}')).toEqual(bad(null));
    expect(parseRequest('{"type":"ack"}')).toEqual(bad(null));
  });

  it('parses the seat token as an opaque string and rejects any other type', () => {
    expect(parseRequest(`{"id":1,"type":"status","seat":"${TOKEN}"}`)).toEqual({
      id: 1,
      type: 'status',
      seat: TOKEN,
    });
    // Well-formed or not, a string is the socket layer's to resolve (an unknown one is no token).
    expect(parseRequest('{"id":1,"type":"status","seat":"x"}')).toMatchObject({ seat: 'x' });
    expect(parseRequest('{"id":1,"type":"status","seat":7}')).toEqual(bad(1));
    expect(parseRequest(`{"id":1,"type":"status","seat":"${'x'.repeat(300)}"}`)).toEqual(bad(1));
  });

  it("types the tray's idle report, which needs the seat token on agent.sock", () => {
    expect(parseRequest('{"id":1,"type":"idle.report","idleMs":5000,"at":1700000000000}')).toEqual({
      id: 1,
      type: 'idle.report',
      idleMs: 5000,
      at: 1_700_000_000_000,
    });
    expect(
      parseRequest('{"id":1,"type":"idle.report","idleMs":0,"locked":true,"at":1,"x":1}'),
    ).toEqual({ id: 1, type: 'idle.report', idleMs: 0, locked: true, at: 1 });
    for (const body of ['"idleMs":-5,"at":1', '"idleMs":5', '"idleMs":5,"at":1,"locked":"yes"'])
      expect(parseRequest(`{"id":4,"type":"idle.report",${body}}`), body).toEqual(bad(4));
    expect(SOCKET_ACCESS['idle.report']).toBe('agent');
    expect(SEAT_REQUIRED.has('idle.report')).toBe(true);
  });

  it('copies only known fields into a fresh object', () => {
    const r = parseRequest('{"id":1,"type":"status","__proto__":{"admin":true},"extra":1}');
    expect(r).toEqual({ id: 1, type: 'status' });
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(parseRequest('[1]')).toEqual(bad(null));
    expect(parseRequest('{"id":1,"type":"events.query","filter":[]}')).toEqual(bad(1));
    expect(
      parseRequest('{"id":1,"type":"events.query","filter":{"types":["file.*",1],"limit":5}}'),
    ).toEqual({ id: 1, type: 'events.query', filter: { types: ['file.*'], limit: 5 } });
  });

  it('an exception request: both fields strings within bounds, for the seat user only', () => {
    expect(
      parseRequest(
        '{"id":7,"type":"usb.exception.request","device":"46f4:0001:S","reason":"审计","x":1}',
      ),
    ).toEqual({ id: 7, type: 'usb.exception.request', device: '46f4:0001:S', reason: '审计' });
    for (const body of [
      '{"id":8,"type":"usb.exception.request","reason":"r"}',
      '{"id":8,"type":"usb.exception.request","device":"d","reason":3}',
      `{"id":8,"type":"usb.exception.request","device":"${'a'.repeat(300)}","reason":"r"}`,
      `{"id":8,"type":"usb.exception.request","device":"d","reason":"${'r'.repeat(5000)}"}`,
    ])
      expect(parseRequest(body)).toEqual(bad(8));
    expect(SOCKET_ACCESS['usb.exception.request']).toBe('agent');
    expect(SEAT_REQUIRED.has('usb.exception.request')).toBe(true);
  });
});

describe('pledge requests', () => {
  it('take a lowercase SHA-256 and nothing else; pledge.get takes no argument', () => {
    const sha = 'ab'.repeat(32);
    expect(parseRequest(`{"id":3,"type":"pledge.acknowledge","sha256":"${sha}","x":1}`)).toEqual({
      id: 3,
      type: 'pledge.acknowledge',
      sha256: sha,
    });
    for (const bad of [sha.toUpperCase(), sha.slice(1), `${sha}0`, 42, null])
      expect(
        parseRequest(JSON.stringify({ id: 4, type: 'pledge.acknowledge', sha256: bad })),
        String(bad),
      ).toEqual({ error: 'PROTOCOL_BAD_REQUEST', id: 4 });
    expect(parseRequest('{"id":5,"type":"pledge.get","sha256":"x"}')).toEqual({
      id: 5,
      type: 'pledge.get',
    });
  });
});

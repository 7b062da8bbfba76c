import { describe, expect, it } from 'vitest';
import { parseRequest, sanitizeFilter } from '../../../src/core/protocol/messages.js';

describe('local socket protocol', () => {
  it('parses known requests and names what is wrong with the rest', () => {
    expect(parseRequest('{"id":1,"type":"status"}')).toEqual({ id: 1, type: 'status' });
    expect(parseRequest('{"id":2,"type":"events.query","filter":{}}')).toEqual({
      id: 2,
      type: 'events.query',
      filter: {},
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
  });
});

// The SIEM formats (core/console/siem): RFC 5424 with the event as JSON, CEF in RFC 5424,
// RFC 6587 octet counting; every string from a workstation hostile.
import { describe, expect, it } from 'vitest';
import { cefHeaderField, cefValue } from '../../../src/core/console/siem/cef.js';
import { backoffMs, failureOf } from '../../../src/core/console/siem/delivery.js';
import {
  formatEvent,
  MIN_MESSAGE_BYTES,
  type SiemEvent,
  type SiemFormatOptions,
  shrink,
} from '../../../src/core/console/siem/format.js';
import {
  hostname,
  octetFrame,
  paramValue,
  pri,
  timestamp,
} from '../../../src/core/console/siem/syslog.js';
import { clipUtf8, safeJson, scrub, utf8Length } from '../../../src/core/console/siem/text.js';
import { eventHash } from '../../../src/core/events/chain.js';
import type { BaomiEvent, Json } from '../../../src/core/events/types.js';

const HASH = 'ab'.repeat(32);

function event(o: Partial<SiemEvent> = {}): SiemEvent {
  return {
    agentId: '0190a000-0000-7000-8000-00000000a001',
    id: '0190a000-0000-7000-8000-000000000007',
    seq: 7,
    ts: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    type: 'usb.blocked',
    severity: 'high',
    host: 'ws-01',
    data: { vendor: '0781', note: 'x' },
    prevHash: HASH,
    hash: HASH,
    ...o,
  };
}

const syslog: SiemFormatOptions = {
  format: 'syslog',
  facility: 'authpriv',
  maxBytes: 8192,
  version: '0.2.0',
};
const cef: SiemFormatOptions = { ...syslog, format: 'cef' };

/** Splits an RFC 5424 message into its header fields, SD and MSG (SD without a `] [`). */
function parse(msg: string) {
  const m = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?(?<!\\)\]) (.*)$/s.exec(msg);
  if (!m) throw new Error(`not RFC 5424: ${msg.slice(0, 200)}`);
  const [, p, ts, host, app, procId, msgId, sd, body] = m;
  return { pri: Number(p), ts, host, app, procId, msgId, sd: sd!, body: body! };
}

/** The SD params, unescaped. */
function sdParams(sd: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of sd.matchAll(/ ([a-z]+)="((?:[^"\\]|\\.)*)"/g))
    out[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return out;
}

/** CEF extension values, unescaped (keys are ours: letters and digits). */
function cefExtensions(text: string): Record<string, string> {
  const ext = text.slice(nthPipe(text, 7) + 1);
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9]+)=((?:[^\\=]|\\.)*?)(?= [A-Za-z0-9]+=|$)/gs;
  for (const m of ext.matchAll(re))
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c) => ({ n: '\n', r: '\r' })[c as 'n'] ?? c);
  return out;
}

function nthPipe(s: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    do at++;
    while (s[at] !== '|' || s[at - 1] === '\\');
  }
  return at;
}

const HOSTILE = [
  'line one\nline two\r\n<13>1 2026-01-01T00:00:00Z forged baomi - x - injected',
  'nul\u0000byte',
  'bidi \u202etxt.exe\u202c and \u2066isolate\u2069 \u200f',
  'separators \u2028\u2029 and \u0085 and DEL\u007f',
  'lone \ud800 surrogate \udc00',
  'quotes " back\\slash ] bracket | pipe = equals',
  '机密 文件 👀',
];

describe('RFC 5424 with JSON', () => {
  it('writes PRI, RFC 3339 time, host, app, MSGID, the SD a SIEM dedupes on, and BOM + JSON', () => {
    const e = event();
    const msg = formatEvent(e, syslog);
    const p = parse(msg);
    expect(p.pri).toBe(10 * 8 + 3); // authpriv.err
    expect(p.ts).toBe('2026-01-02T03:04:05.678Z');
    expect(p).toMatchObject({ host: 'ws-01', app: 'baomi', procId: '-', msgId: 'usb.blocked' });
    expect(p.sd.startsWith('[baomi@32473 ')).toBe(true);
    expect(sdParams(p.sd)).toEqual({
      id: e.id,
      agent: e.agentId,
      seq: '7',
      type: 'usb.blocked',
      severity: 'high',
      hash: HASH,
    });
    expect(p.body.startsWith('\ufeff{')).toBe(true);
    expect(JSON.parse(p.body.slice(1))).toEqual(e);
  });

  it('keeps the event exactly: its hash verifies from the JSON', () => {
    const base: Omit<BaomiEvent, 'hash'> = {
      id: '0190a000-0000-7000-8000-000000000001',
      seq: 1,
      ts: 1_700_000_000_000,
      type: 'file.modified',
      severity: 'info',
      user: HOSTILE.join(' '),
      host: 'ws-01',
      data: { path: HOSTILE.join('/'), list: HOSTILE },
      prevHash: '0'.repeat(64),
    };
    const e = { ...base, hash: eventHash(base), agentId: 'a' };
    const json = JSON.parse(parse(formatEvent(e, syslog)).body.slice(1));
    const { agentId: _, ...back } = json;
    expect(eventHash({ ...back, hash: undefined })).toBe(e.hash);
    expect(back).toEqual({ ...base, hash: e.hash });
  });

  it('severity and facility make PRI; every Baomi severity has its syslog one', () => {
    expect(pri('authpriv', 'critical')).toBe(82);
    expect(pri('authpriv', 'info')).toBe(86);
    expect(pri('local0', 'medium')).toBe(132);
    expect(pri('user', 'low')).toBe(13);
    expect(
      parse(formatEvent(event({ severity: 'info' }), { ...syslog, facility: 'local7' })).pri,
    ).toBe(23 * 8 + 6);
  });

  it('writes the NILVALUE for a time RFC 3339 cannot hold; the JSON keeps it', () => {
    expect(timestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(timestamp(253_402_300_799_999)).toBe('9999-12-31T23:59:59.999Z');
    expect(timestamp(253_402_300_800_000)).toBe('-');
    expect(timestamp(Number.MAX_SAFE_INTEGER)).toBe('-');
    expect(timestamp(-1)).toBe('-');
    expect(timestamp(1.5)).toBe('-');
    const far = event({ ts: Number.MAX_SAFE_INTEGER });
    const p = parse(formatEvent(far, syslog));
    expect(p.ts).toBe('-');
    expect(JSON.parse(p.body.slice(1)).ts).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('HOSTNAME: ASCII kept, another script as IDNA, controls and spaces as _, cut at 255', () => {
    expect(hostname('WS-01.corp.example')).toBe('WS-01.corp.example');
    expect(hostname('财务-PC01')).toBe('xn---pc01-k86hs806a');
    expect(hostname('a\nb')).toBe('a_b');
    expect(hostname('my host')).toBe('my_host');
    expect(hostname('\u202eexe.txt')).toBe('_exe.txt');
    expect(hostname('')).toBe('-');
    expect(hostname('h'.repeat(300))).toHaveLength(255);
    expect(hostname('机'.repeat(300))).toMatch(/^[\x21-\x7e]{1,255}$/);
  });

  it('a hostile event stays one line of printable text: no forged line, NUL, bidi or lone surrogate', () => {
    for (const h of HOSTILE) {
      const e = event({ host: h, user: h, type: h, level: h.slice(0, 16), data: { [h]: h } });
      for (const o of [syslog, cef]) {
        const msg = formatEvent(e, o);
        expect(msg, JSON.stringify(h)).not.toMatch(
          /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200f]/,
        );
        expect(
          (msg as string & { isWellFormed(): boolean }).isWellFormed(),
          JSON.stringify(h),
        ).toBe(true);
        const p = parse(msg);
        expect(p.host).toMatch(/^[\x21-\x7e]+$/);
        expect(p.msgId).toMatch(/^[\x21-\x7e]{1,32}$/);
        expect(sdParams(p.sd).id).toBe(e.id);
        if (o.format === 'syslog') {
          // The JSON gives back exactly what was sent (lone surrogates as escapes).
          const back = JSON.parse(p.body.slice(1));
          expect(back.user).toBe(JSON.parse(JSON.stringify(h)));
          expect(back.data).toEqual(JSON.parse(JSON.stringify({ [h]: h })));
        }
      }
    }
  });

  it('SD values escape ", \\ and ] and replace what has no escape', () => {
    expect(paramValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    expect(paramValue('x\ny\u0000z\u202e')).toBe('x\ufffdy\ufffdz\ufffd');
    const p = parse(formatEvent(event({ type: 'a"]\\b' }), syslog));
    expect(sdParams(p.sd).type).toBe('a"]\\b');
  });

  it('octet counting frames by UTF-8 octets, so line breaks and multi-byte text are safe', () => {
    expect(octetFrame('abc')).toBe('3 abc');
    expect(octetFrame('机密')).toBe('6 机密');
    expect(octetFrame('a\nb')).toBe('3 a\nb');
    const msg = formatEvent(event({ user: '机密' }), syslog);
    const framed = octetFrame(msg);
    const [len, ...rest] = framed.split(' ');
    expect(Number(len)).toBe(Buffer.byteLength(rest.join(' ')));
  });
});

describe('CEF in RFC 5424', () => {
  it('writes the header with the type as signature and name, severity 0-10, and extensions', () => {
    const e = event({
      type: 'file.renamed',
      severity: 'critical',
      user: 'alice',
      level: 'AAA',
      data: { path: '/srv/finance/b.xlsx', oldPath: '/srv/finance/a.xlsx', size: 42, sha256: HASH },
    });
    const p = parse(formatEvent(e, cef));
    expect(p.body.startsWith('CEF:0|Baomi|Baomi|0.2.0|file.renamed|file.renamed|10|')).toBe(true);
    expect(cefExtensions(p.body)).toEqual({
      rt: String(e.ts),
      externalId: e.id,
      deviceExternalId: e.agentId,
      dvchost: 'ws-01',
      suser: 'alice',
      cat: 'file',
      cn1Label: 'seq',
      cn1: '7',
      cs1Label: 'level',
      cs1: 'AAA',
      cs3Label: 'hash',
      cs3: HASH,
      filePath: '/srv/finance/b.xlsx',
      oldFilePath: '/srv/finance/a.xlsx',
      fsize: '42',
      fileHash: HASH,
      cs2Label: 'data',
      cs2: JSON.stringify(e.data),
    });
    expect(sdParams(p.sd).id).toBe(e.id);
    for (const [s, n] of [
      ['info', 1],
      ['low', 3],
      ['medium', 5],
      ['high', 8],
    ] as const)
      expect(parse(formatEvent(event({ severity: s }), cef)).body.split('|')[6]).toBe(String(n));
  });

  it('escapes \\ and | in the header, and \\, =, CR and LF in extensions', () => {
    expect(cefHeaderField('a|b\\c\nd')).toBe('a\\|b\\\\c\ufffdd');
    expect(cefValue('a=b\\c\nd\re|f')).toBe('a\\=b\\\\c\\nd\\re|f');
    const e = event({ type: 'x|y\\z', user: 'u=1\nforged=2', host: 'h\\=' });
    const body = parse(formatEvent(e, cef)).body;
    expect(body.slice(0, nthPipe(body, 7) + 1)).toBe(
      'CEF:0|Baomi|Baomi|0.2.0|x\\|y\\\\z|x\\|y\\\\z|8|',
    );
    const ext = cefExtensions(body);
    expect(ext.suser).toBe('u=1\nforged=2');
    expect(ext.dvchost).toBe('h\\=');
    expect(ext).not.toHaveProperty('forged');
  });
});

describe('size', () => {
  const huge = 'x'.repeat(200_000);
  const wide = '\u202e'.repeat(256); // 6 octets each once escaped in JSON, 3 as U+FFFD in SD
  const nested = (depth: number): Json[] =>
    depth === 0 ? [] : ['z'.repeat(100), nested(depth - 1)];

  it.each([
    ['syslog', syslog],
    ['cef', cef],
  ] as const)('%s: a huge event is cut to maxBytes, says so, and keeps its identity', (_, o) => {
    for (const maxBytes of [MIN_MESSAGE_BYTES, 8192, 16_000]) {
      const cases = [
        event({ data: { blob: huge } }),
        event({ data: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }),
        event({ data: { deep: nested(300) } }),
        event({
          type: `file.${'\u202e'.repeat(59)}`,
          user: wide,
          host: wide,
          level: wide.slice(0, 16),
          data: { path: wide.repeat(4), oldPath: wide.repeat(4), blob: huge },
        }),
      ];
      for (const e of cases) {
        const msg = formatEvent(e, { ...o, maxBytes });
        expect(utf8Length(msg), `${o.format} ${maxBytes}`).toBeLessThanOrEqual(maxBytes);
        const p = parse(msg);
        expect(sdParams(p.sd)).toMatchObject({ id: e.id, seq: '7', hash: HASH });
        if (o.format === 'syslog') {
          const json = JSON.parse(p.body.slice(1));
          expect(json).toMatchObject({ id: e.id, seq: 7, hash: HASH, agentId: e.agentId });
          expect(json.truncated.dataBytes).toBe(utf8Length(JSON.stringify(e.data)));
        } else {
          const ext = cefExtensions(p.body);
          expect(ext).toMatchObject({
            externalId: e.id,
            cn1: '7',
            cs3: HASH,
            cs4Label: 'truncated',
          });
          // The cut leaves no dangling escape in what is on the wire.
          const raw = /cs2=(.*) cs4Label=truncated/s.exec(p.body)![1]!;
          expect(/\\*$/.exec(raw)![0].length % 2).toBe(0);
        }
      }
    }
  });

  it('cef: a cut never leaves half an escape, wherever it falls', () => {
    const e = event({ data: { blob: '\\='.repeat(10_000) } });
    for (let maxBytes = 4096; maxBytes < 4104; maxBytes++) {
      const body = parse(formatEvent(e, { ...cef, maxBytes })).body;
      const raw = /cs2=(.*) cs4Label=truncated/s.exec(body)![1]!;
      expect(/\\*$/.exec(raw)![0].length % 2, String(maxBytes)).toBe(0);
      expect(raw).toMatch(/^(\\[\\=nr]|[^\\=])*$/);
    }
  });

  it('an event that fits is not cut', () => {
    const e = event({ data: { blob: 'y'.repeat(3000) } });
    expect(JSON.parse(parse(formatEvent(e, syslog)).body.slice(1))).toEqual(e);
    expect(cefExtensions(parse(formatEvent(e, cef)).body)).not.toHaveProperty('cs4Label');
  });

  it('refuses a maxBytes below what it can keep', () => {
    expect(() => formatEvent(event(), { ...syslog, maxBytes: 1000 })).toThrow(RangeError);
  });

  it('shrink cuts strings, lists, objects and depth, marking each cut', () => {
    expect(shrink({ a: 'abcdef', b: [1, 2, 3, 4, 5, 6], c: { d: { e: 1 } } }, 4, 2)).toEqual({
      a: 'abcd…',
      b: [1, 2, 3, 4, '…'],
      c: { d: '…' },
    });
    expect(shrink({ a: 1, b: 2, c: 3, d: 4, e: 5 }, 2, 3)).toEqual({
      a: 1,
      b: 2,
      c: 3,
      d: 4,
      '…': 1,
    });
  });
});

describe('text helpers', () => {
  it('clipUtf8 never cuts a character; scrub and safeJson leave nothing unsafe', () => {
    expect(clipUtf8('机密文件', 7)).toBe('机密');
    expect(clipUtf8('a👀b', 4)).toBe('a');
    expect(clipUtf8('abc', 10)).toBe('abc');
    expect(scrub('a\u0000\u202e\ud800b')).toBe('a\ufffd\ufffd\ufffdb');
    expect(scrub('a\ud83d\udc40b')).toBe('a\ud83d\udc40b');
    const j = safeJson({ k: '\u007f\u0085\u2028\u202e\ufeff' });
    expect(j).toBe('{"k":"\\u007f\\u0085\\u2028\\u202e\\ufeff"}');
    expect(JSON.parse(j).k).toBe('\u007f\u0085\u2028\u202e\ufeff');
  });
});

describe('delivery decisions', () => {
  it('back-off doubles from 1 s to 60 s, ±20 %', () => {
    expect(backoffMs(0, 0.5)).toBe(0);
    expect(backoffMs(1, 0.5)).toBe(1000);
    expect(backoffMs(2, 0.5)).toBe(2000);
    expect(backoffMs(3, 0)).toBe(3200);
    expect(backoffMs(3, 0.999_999)).toBe(4800);
    expect(backoffMs(7, 0.5)).toBe(60_000);
    expect(backoffMs(1000, 0.5)).toBe(60_000);
  });

  it('names the failure from the socket error', () => {
    expect(failureOf('ECONNREFUSED')).toBe('SIEM_UNREACHABLE');
    expect(failureOf('ENOTFOUND')).toBe('SIEM_UNREACHABLE');
    expect(failureOf('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('SIEM_TLS_FAILED');
    expect(failureOf('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('SIEM_TLS_FAILED');
    expect(failureOf('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('SIEM_TLS_FAILED');
    expect(failureOf('ECONNRESET')).toBe('SIEM_RESET');
    expect(failureOf('EPIPE')).toBe('SIEM_RESET');
    expect(failureOf(undefined)).toBe('SIEM_RESET');
  });
});

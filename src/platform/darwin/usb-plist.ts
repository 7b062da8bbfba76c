// A small reader for the XML property lists `ioreg -a` and `diskutil … -plist` print (Apple's
// plist DTD: dict, array, string, integer, real, true, false, data, date). Strings written by
// a device (product names, serials) arrive XML-escaped, so a hostile name is data, never
// markup. Anything else, or a truncated document, throws: the caller fails closed.
export type PlistValue =
  | string
  | number
  | boolean
  | Uint8Array
  | Date
  | PlistValue[]
  | { [key: string]: PlistValue };

export type PlistDict = { [key: string]: PlistValue };

const TOKEN =
  /<(\/?)([A-Za-z]+)(?:\s+[^<>]*?)?\s*(\/?)>|<\?[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|([^<]+)|(<)/g;

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const n = e.startsWith('#x')
      ? Number.parseInt(e.slice(2), 16)
      : Number.parseInt(e.slice(1), 10);
    return n <= 0x10ffff ? String.fromCodePoint(n) : '\uFFFD';
  });
}

interface Tok {
  close: boolean;
  name?: string;
  empty: boolean;
  text?: string;
}

function tokens(xml: string): Tok[] {
  const out: Tok[] = [];
  for (const m of xml.matchAll(TOKEN)) {
    if (m[4] !== undefined) out.push({ close: false, empty: false, text: m[4] });
    else if (m[2] !== undefined) out.push({ close: m[1] === '/', name: m[2], empty: m[3] === '/' });
    else if (m[5] !== undefined) throw new Error('not a property list: a stray "<"');
  }
  return out;
}

export function parsePlist(xml: string): PlistValue {
  const toks = tokens(xml);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not a property list: ${why}`);
  };
  /** The next tag, skipping the whitespace between elements. */
  const next = (): Tok | undefined => {
    while (toks[i]?.text !== undefined && toks[i]!.text!.trim() === '') i++;
    return toks[i++];
  };
  const peek = (): Tok | undefined => {
    while (toks[i]?.text !== undefined && toks[i]!.text!.trim() === '') i++;
    return toks[i];
  };
  /** The text of the element just opened (whitespace kept), and its closing tag. */
  const textOf = (name: string): string => {
    let s = '';
    if (toks[i]?.text !== undefined) s = toks[i++]!.text!;
    const c = toks[i++];
    if (!c?.close || c.name !== name) fail(`<${name}> is not closed`);
    return s;
  };
  const value = (): PlistValue => {
    const t = next();
    if (!t || t.text !== undefined || t.close || !t.name) return fail('a value was expected');
    switch (t.name) {
      case 'plist': {
        if (t.empty) return fail('an empty plist');
        const v = value();
        const c = next();
        if (!c?.close || c.name !== 'plist') fail('</plist> missing');
        return v;
      }
      case 'dict': {
        const d: PlistDict = {};
        if (t.empty) return d;
        for (;;) {
          const k = next();
          if (!k) return fail('a dict is not closed');
          if (k.close && k.name === 'dict') return d;
          if (k.name !== 'key' || k.close) return fail('a dict entry without <key>');
          const key = k.empty ? '' : unescapeXml(textOf('key'));
          d[key] = value();
        }
      }
      case 'array': {
        const a: PlistValue[] = [];
        if (t.empty) return a;
        for (;;) {
          const n = peek();
          if (!n) return fail('an array is not closed');
          if (n.close && n.name === 'array') {
            i++;
            return a;
          }
          a.push(value());
        }
      }
      case 'string':
        return unescapeXml(textOf('string'));
      case 'integer': {
        const s = textOf('integer').trim();
        if (!/^-?\d+$/.test(s)) return fail(`integer ${JSON.stringify(s)}`);
        return Number(s);
      }
      case 'real': {
        const n = Number(textOf('real').trim());
        return Number.isFinite(n) ? n : fail('real');
      }
      case 'true':
      case 'false':
        if (!t.empty) textOf(t.name);
        return t.name === 'true';
      case 'data':
        return Uint8Array.from(Buffer.from(textOf('data').replace(/\s+/g, ''), 'base64'));
      case 'date':
        return new Date(textOf('date').trim());
      default:
        return fail(`<${t.name}>`);
    }
  };
  const v = value();
  if (peek()) fail('text after the end');
  return v;
}

export const isDict = (v: PlistValue | undefined): v is PlistDict =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Uint8Array) &&
  !(v instanceof Date);

// RFC 8785 (JCS) canonical JSON for the values events carry: JSON data only (objects,
// arrays, strings, finite numbers, booleans, null), as it comes out of JSON.parse.
//
// Why our own and not the `canonicalize` package: the hash chain canonicalizes every event
// on the write path, and that package's generality (toJSON, cycle tracking with a Set, array
// joins) was a fifth of the store's CPU. The rules are few: keys sorted by UTF-16 code units
// (Array.prototype.sort's default order), strings and numbers serialized exactly as
// ECMAScript's JSON.stringify does (which is what RFC 8785 specifies), no whitespace.
// tests/unit/core/jcs.test.ts checks it against `canonicalize` on random JSON.
// SECURITY: any change here changes every hash; the property test must keep passing.

export function jcs(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS: non-finite number');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ',';
          const v = value[i];
          s += v === undefined ? 'null' : jcs(v);
        }
        return `${s}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        if (!first) s += ',';
        first = false;
        s += `${JSON.stringify(k)}:${jcs(v)}`;
      }
      return `${s}}`;
    }
    default:
      throw new TypeError(`JCS: cannot canonicalize a ${typeof value}`);
  }
}

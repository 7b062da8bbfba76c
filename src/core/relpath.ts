// Relative paths inside a root are strings of '/'-separated segments. A segment whose bytes
// are valid UTF-8 is the name itself; any other segment is NUL + base64url of its raw
// bytes. NUL and '/' never occur in a file name (and base64url has no '/'), so the form is
// reversible, splits on '/', and stays plain readable text for the common case. The same
// string is the snapshot key (FileChange.rel). Only paths with such a segment need Buffers
// for fs calls; everything else uses plain strings, which keeps scans allocation-light.
// Pure (bytes in, strings out): it lives in core because the tree-source port speaks it.
import { Buffer, isUtf8 } from 'node:buffer';

const RAW = '\0';

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Segment string of one raw name. */
export function segOf(raw: Uint8Array): string {
  const name = asBuffer(raw);
  return isUtf8(name) ? name.toString('utf8') : RAW + name.toString('base64url');
}

/** Segment strings of a raw relative name that may contain '/'. */
export function relOfBytes(raw: Uint8Array): string {
  const name = asBuffer(raw);
  if (isUtf8(name)) return name.toString('utf8');
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i === name.length || name[i] === 0x2f) {
      parts.push(segOf(name.subarray(start, i)));
      start = i + 1;
    }
  }
  return parts.join('/');
}

export const joinRel = (dir: string, seg: string): string => (dir === '' ? seg : `${dir}/${seg}`);

export const parentRel = (rel: string): string => {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
};

/** True when `rel` is `dir` itself or lies below it. */
export const isUnder = (rel: string, dir: string): boolean =>
  dir === '' || rel === dir || (rel.startsWith(dir) && rel.charCodeAt(dir.length) === 47);

const hasRaw = (rel: string): boolean => rel.includes(RAW);

function bytesOfRel(rel: string): Buffer {
  return Buffer.concat(
    rel.split('/').flatMap((s, i) => {
      const b = s.startsWith(RAW) ? Buffer.from(s.slice(1), 'base64url') : Buffer.from(s, 'utf8');
      return i === 0 ? [b] : [SLASH, b];
    }),
  );
}
const SLASH = Buffer.from('/');

/** Path for fs calls: a string, or a Buffer when a segment is not valid UTF-8. */
export function absOf(root: string, rel: string): string | Buffer {
  if (rel === '') return root;
  if (!hasRaw(rel)) return `${root}/${rel}`;
  return Buffer.concat([Buffer.from(root), SLASH, bytesOfRel(rel)]);
}

/** Display string and, when the bytes are not valid UTF-8, base64 of the raw path. */
export function describePath(root: string, rel: string): { path: string; pathBytes?: string } {
  const abs = absOf(root, rel);
  if (typeof abs === 'string') return { path: abs };
  return { path: abs.toString('utf8'), pathBytes: abs.toString('base64') };
}

/** Display form of a relative path (invalid bytes become U+FFFD), for globs and messages. */
export const displayRel = (rel: string): string =>
  hasRaw(rel) ? bytesOfRel(rel).toString('utf8') : rel;

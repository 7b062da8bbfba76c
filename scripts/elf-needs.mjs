// What a Linux ELF binary needs from the system's shared libraries: every library it links
// (DT_NEEDED in .dynamic) and, from its version needs (.gnu.version_r), the symbol versions it
// asks of each (libc.so.6 → GLIBC_2.34). A library with no versioned symbols is listed too,
// with no versions: leaving it out would leave it out of the packages' dependencies silently. A native module built against a newer glibc than a target has does
// not load there, so the agent's packages depend on what their binaries ask, not on a guess
// (scripts/pack-agent.mjs records it; the .deb and .rpm depend on it).
import { closeSync, openSync, readSync } from 'node:fs';

const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_DYNAMIC = 6;
const DT_NULL = 0;
const DT_NEEDED = 1;

/** `length` bytes of `fd` at `offset`. */
function bytes(fd, offset, length) {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  if (n !== length) throw new Error(`short read at ${offset}`);
  return b;
}

/**
 * The library → symbol versions an ELF file needs (a library it links with no versioned
 * symbols: no versions), or an Error thrown for a file that is not a little-endian ELF.
 * @returns {{ bits: 32 | 64, needs: Map<string, string[]> }}
 */
export function elfNeeds(file) {
  const fd = openSync(file, 'r');
  try {
    const head = bytes(fd, 0, 64);
    if (head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
    if (head[5] !== 1) throw new Error(`${file} is not little-endian`);
    const is64 = head[4] === 2;
    const word = (b, o) => (is64 ? Number(b.readBigUInt64LE(o)) : b.readUInt32LE(o));
    const shoff = word(head, is64 ? 0x28 : 0x20);
    const shentsize = head.readUInt16LE(is64 ? 0x3a : 0x2e);
    const shnum = head.readUInt16LE(is64 ? 0x3c : 0x30);
    const sections = [];
    const table = bytes(fd, shoff, shentsize * shnum);
    for (let i = 0; i < shnum; i++) {
      const s = table.subarray(i * shentsize);
      sections.push({
        type: s.readUInt32LE(4),
        offset: word(s, is64 ? 0x18 : 0x10),
        size: word(s, is64 ? 0x20 : 0x14),
        link: s.readUInt32LE(is64 ? 0x28 : 0x18),
        info: s.readUInt32LE(is64 ? 0x2c : 0x1c),
      });
    }
    const needs = new Map();
    const stringsOf = (section) => {
      const strtab = sections[section.link];
      const strings = bytes(fd, strtab.offset, strtab.size);
      return (o) => strings.toString('latin1', o, strings.indexOf(0, o));
    };
    // Dyn: d_tag, d_val, each a word (8 bytes in ELF64, 4 in ELF32).
    const dynamic = sections.find((s) => s.type === SHT_DYNAMIC);
    if (dynamic) {
      const str = stringsOf(dynamic);
      const w = is64 ? 8 : 4;
      const d = bytes(fd, dynamic.offset, dynamic.size);
      for (let at = 0; at + 2 * w <= d.length; at += 2 * w) {
        const tag = word(d, at);
        if (tag === DT_NULL) break;
        if (tag === DT_NEEDED) needs.set(str(word(d, at + w)), []);
      }
    }
    const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
    if (!verneed) return { bits: is64 ? 64 : 32, needs };
    const str = stringsOf(verneed);
    const v = bytes(fd, verneed.offset, verneed.size);
    // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32; each
    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
    for (let at = 0, n = 0; n < verneed.info; n++) {
      const versions = [];
      let aux = at + v.readUInt32LE(at + 8);
      for (let k = 0; k < v.readUInt16LE(at + 2); k++) {
        versions.push(str(v.readUInt32LE(aux + 8)));
        aux += v.readUInt32LE(aux + 12);
      }
      needs.set(str(v.readUInt32LE(at + 4)), versions);
      const next = v.readUInt32LE(at + 12);
      if (next === 0) break;
      at += next;
    }
    return { bits: is64 ? 64 : 32, needs };
  } finally {
    closeSync(fd);
  }
}

/** Compares dotted versions numerically (2.9 < 2.28). */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Over several ELF files: each library any of them needs, with the newest version of each
 * symbol-version family it asks for (GLIBC_2.34, GLIBCXX_3.4.21, GCC_3.0), sorted.
 * @returns {Record<string, string[]>} e.g. { 'libc.so.6': ['GLIBC_2.34'] }
 */
export function systemNeeds(files) {
  const newest = new Map(); // library → family → version
  for (const f of files)
    for (const [lib, versions] of elfNeeds(f).needs) {
      const families = newest.get(lib) ?? new Map();
      newest.set(lib, families);
      for (const name of versions) {
        const m = /^([A-Za-z_]+?)_?(\d+(?:\.\d+)*)$/.exec(name);
        const family = m ? m[1] : name;
        const seen = families.get(family);
        if (!seen || (m && compareVersions(m[2], /(\d+(?:\.\d+)*)$/.exec(seen)[1]) > 0))
          families.set(family, name);
      }
    }
  return Object.fromEntries(
    [...newest.keys()].sort().map((lib) => [lib, [...newest.get(lib).values()].sort()]),
  );
}

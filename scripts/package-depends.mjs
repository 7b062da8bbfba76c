// What the agent's .deb and .rpm depend on, from what its binaries ask of the system's shared
// libraries (MANIFEST.json's `needs`, read from their ELF version needs by elf-needs.mjs).
import { compareVersions } from './elf-needs.mjs';

/** The GCC release whose libstdc++ first defined each GLIBCXX_3.4.N (GCC's ABI policy). */
const GCC_FOR_GLIBCXX = {
  21: '5',
  22: '6',
  23: '7',
  24: '7.2',
  25: '8',
  26: '9',
  27: '9.2',
  28: '9.3',
  29: '11',
  30: '12',
  31: '13',
  32: '13.2',
  33: '14',
};
/** glibc's libraries: all in Debian's libc6. */
const GLIBC =
  /^(libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so|ld-linux[\w.-]*\.so|ld64\.so)/;

const newest = (versions, family) =>
  versions
    .filter((v) => v.startsWith(`${family}_`) && /^\d/.test(v.slice(family.length + 1)))
    .map((v) => v.slice(family.length + 1))
    .sort(compareVersions)
    .at(-1);

/** Debian's Depends for `needs` (library → versions), or `fail` says what is not known. */
export function debianDepends(needs, fail) {
  let glibc = '2.17';
  const depends = [];
  for (const [lib, versions] of Object.entries(needs)) {
    if (GLIBC.test(lib)) {
      const v = newest(versions, 'GLIBC');
      if (v && compareVersions(v, glibc) > 0) glibc = v;
    } else if (lib === 'libstdc++.so.6') {
      const v = newest(versions, 'GLIBCXX');
      const minor = v ? Number(v.split('.')[2] ?? 0) : 0;
      const gcc = minor > 20 ? GCC_FOR_GLIBCXX[minor] : undefined;
      if (minor > 20 && !gcc)
        fail(`no GCC release known for GLIBCXX_${v}; add it to scripts/package-depends.mjs`);
      depends.push(gcc ? `libstdc++6 (>= ${gcc})` : 'libstdc++6');
    } else if (lib === 'libgcc_s.so.1') {
      depends.push('libgcc-s1 | libgcc1');
    } else if (lib === 'libudev.so.1') {
      depends.push('libudev1'); // usb's prebuilt binding
    } else {
      fail(`the agent needs ${lib} from the system; no Debian package is known for it`);
    }
  }
  return [`libc6 (>= ${glibc})`, ...depends];
}

/**
 * RPM's Requires for `needs`: the capabilities rpm's own ELF dependency generator would write
 * (libc.so.6(GLIBC_2.34)(64bit)), which every RPM distribution's glibc, libstdc++ and libgcc
 * provide under their own package names (RHEL's libstdc++, SUSE's libstdc++6).
 */
export function rpmRequires(needs, bits) {
  const mark = bits === 64 ? '(64bit)' : '';
  const requires = [];
  for (const [lib, versions] of Object.entries(needs)) {
    requires.push(`${lib}()${mark}`);
    for (const v of versions) requires.push(`${lib}(${v})${mark}`);
  }
  return requires;
}

// What the agent's .deb and .rpm depend on, from their binaries' needs
// (scripts/package-depends.mjs): glibc's libraries as one libc6 of the newest version asked,
// libstdc++ by the GCC release that defined the GLIBCXX version, the rest by name; a library
// with no known Debian package stops the build rather than being left out.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without types
import { debianDepends, rpmRequires } from '../../../scripts/package-depends.mjs';

const fail = (msg: string): never => {
  throw new Error(msg);
};

describe('package dependencies', () => {
  it('takes the newest glibc over all its libraries, and libstdc++ by GCC release', () => {
    expect(
      debianDepends(
        {
          'ld-linux-x86-64.so.2': ['GLIBC_2.3'],
          'libc.so.6': ['GLIBC_2.34'],
          'libm.so.6': ['GLIBC_2.35'],
          'libgcc_s.so.1': ['GCC_3.4'],
          'libstdc++.so.6': ['CXXABI_1.3.9', 'GLIBCXX_3.4.29'],
          'libudev.so.1': ['LIBUDEV_183'],
        },
        fail,
      ),
    ).toEqual(['libc6 (>= 2.35)', 'libgcc-s1 | libgcc1', 'libstdc++6 (>= 11)', 'libudev1']);
    // 2.9 is older than 2.28; ld64.so (ppc64el, s390x) is glibc's too.
    expect(
      debianDepends({ 'ld64.so.2': ['GLIBC_2.28'], 'libc.so.6': ['GLIBC_2.9'] }, fail),
    ).toEqual(['libc6 (>= 2.28)']);
    expect(debianDepends({ 'libstdc++.so.6': ['GLIBCXX_3.4'] }, fail)).toEqual([
      'libc6 (>= 2.17)',
      'libstdc++6',
    ]);
  });

  it('stops at a library it cannot name, or a libstdc++ newer than it knows', () => {
    expect(() => debianDepends({ 'libssl.so.3': ['OPENSSL_3.0.0'] }, fail)).toThrow(
      /libssl\.so\.3 .*no Debian package/,
    );
    expect(() => debianDepends({ 'libstdc++.so.6': ['GLIBCXX_3.4.99'] }, fail)).toThrow(
      /GLIBCXX_3\.4\.99/,
    );
  });

  it('writes RPM requirements as rpm’s generator does, marked 64-bit where they are', () => {
    const needs = { 'libc.so.6': ['GLIBC_2.34'], 'libstdc++.so.6': ['GLIBCXX_3.4.29'] };
    expect(rpmRequires(needs, 64)).toEqual([
      'libc.so.6()(64bit)',
      'libc.so.6(GLIBC_2.34)(64bit)',
      'libstdc++.so.6()(64bit)',
      'libstdc++.so.6(GLIBCXX_3.4.29)(64bit)',
    ]);
    expect(rpmRequires({ 'libc.so.6': ['GLIBC_2.34'] }, 32)).toEqual([
      'libc.so.6()',
      'libc.so.6(GLIBC_2.34)',
    ]);
  });
});

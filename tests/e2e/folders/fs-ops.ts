// File-system work for the scenarios: plain synchronous calls from the test process (the
// agent is another process, so it sees them as any other program's writes), Buffer paths
// where names are not valid UTF-8, and a separate copier process that can outlive the agent.

import { Buffer } from 'node:buffer';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `n` files spread over `dirs` sub-folders of `base` (d000/f00000…). */
export function writeTree(base: string, n: number, dirs: number, prefix = 'f'): void {
  const per = Math.ceil(n / dirs);
  for (let d = 0; d < dirs && d * per < n; d++) {
    const dir = join(base, `d${String(d).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let i = d * per; i < Math.min(n, (d + 1) * per); i++)
      writeFileSync(join(dir, `${prefix}${String(i).padStart(5, '0')}`), 'x'.repeat(i % 97));
  }
}

/** Number of entries two levels down (the copier's layout), cheap enough to poll. */
export function countTwoLevels(base: string): number {
  let n = 0;
  let tops: string[];
  try {
    tops = readdirSync(base);
  } catch {
    return 0;
  }
  for (const t of tops) {
    try {
      n += readdirSync(join(base, t)).length;
    } catch {
      // a file, or not there yet
    }
  }
  return n;
}

const COPIER = `
const fs = require('fs'), path = require('path');
const [src, dst] = process.argv.slice(1);
for (const d of fs.readdirSync(src).sort()) {
  fs.mkdirSync(path.join(dst, d), { recursive: true });
  for (const f of fs.readdirSync(path.join(src, d)).sort())
    fs.copyFileSync(path.join(src, d, f), path.join(dst, d, f));
}
`;

/** Copies a writeTree() layout file by file in a child process, in sorted order. */
export function startCopier(
  src: string,
  dst: string,
): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['-e', COPIER, src, dst], { stdio: 'ignore' });
  const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, done };
}

/** Absolute Buffer path of `name` (raw bytes) in `dir`. */
export const bpath = (dir: string | Buffer, name: string | Buffer): Buffer =>
  Buffer.concat([
    Buffer.isBuffer(dir) ? dir : Buffer.from(dir),
    Buffer.from('/'),
    Buffer.isBuffer(name) ? name : Buffer.from(name),
  ]);

/** Names a file system allows that tools often get wrong. */
export function oddNames(tag: string): Buffer[] {
  return [
    Buffer.from(`${tag} line1\nline2`),
    Buffer.from(`${tag}\n`),
    Buffer.from(` ${tag} leading and trailing spaces `),
    Buffer.from(`${tag} 机密文件 第3版.docx`),
    Buffer.from(`${tag} 財務報表\r\n2026.xlsx`),
    Buffer.from(`${tag} back\\slash "quoted" 'single' *?[].txt`),
    Buffer.from(`${tag} emoji 🔒📁.txt`),
    Buffer.from(`${tag} literal replacement char \uFFFD.txt`),
    Buffer.concat([
      Buffer.from(`${tag} latin1 `),
      Buffer.from([0xe9, 0x74, 0xe9]),
      Buffer.from('.txt'),
    ]),
    Buffer.concat([Buffer.from(`${tag} `), Buffer.from([0xff, 0xfe, 0x80, 0x0a, 0xc0, 0xaf])]),
    // GBK bytes of 机密 (what an old Windows share may hold): not UTF-8.
    Buffer.concat([Buffer.from(`${tag} gbk `), Buffer.from([0xbb, 0xfa, 0xc3, 0xdc])]),
    // Truncated UTF-8 sequence of 密 (e5 af 86) at the end.
    Buffer.concat([Buffer.from(`${tag} cut `), Buffer.from([0xe5, 0xaf])]),
  ];
}

/** A deterministic pseudo-random name: any byte but NUL and '/'. */
export function randomName(i: number, seed = 1): Buffer {
  let x = (i + 1) * 2654435761 + seed * 97;
  const len = 3 + (i % 20);
  const b = Buffer.alloc(len + 6);
  b.write(`r${String(i).padStart(5, '0')}`, 0);
  for (let k = 6; k < b.length; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    let c = (x >>> 16) & 0xff;
    if (c === 0 || c === 0x2f) c = 0x5f;
    b[k] = c;
  }
  return b;
}

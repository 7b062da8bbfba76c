// Draws the tray's four state icons (native/tray/*.png, 32x32 RGBA) so that they differ in
// shape as well as colour (a colour-blind person tells them apart): protected, a green disc
// with a white tick; policy problem, an amber disc with "!"; events waiting, a blue disc with
// three dots; agent not running, a grey ring with a slash. Run after changing a shape:
// `node scripts/gen-tray-icons.mjs`; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 32;
const C = (N - 1) / 2;

function png(pixel) {
  const raw = Buffer.alloc(N * (1 + N * 4));
  for (let y = 0; y < N; y++) {
    raw[y * (1 + N * 4)] = 0;
    for (let x = 0; x < N; x++) raw.set(pixel(x, y), y * (1 + N * 4) + 1 + x * 4);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(N, 0);
  ihdr.writeUInt32BE(N, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const WHITE = [255, 255, 255, 255];
const NONE = [0, 0, 0, 0];
const r = (x, y) => Math.hypot(x - C, y - C);
/** Distance from (x, y) to the segment a-b. */
const seg = (x, y, [ax, ay], [bx, by]) => {
  const t = Math.max(
    0,
    Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
};
const disc = (rgb, mark) => (x, y) => (r(x, y) > 15 ? NONE : mark(x, y) ? WHITE : [...rgb, 255]);

const icons = {
  protected: disc(
    [22, 150, 70],
    (x, y) => seg(x, y, [9, 16], [14, 21]) < 1.8 || seg(x, y, [14, 21], [23, 11]) < 1.8,
  ),
  'policy-problem': disc(
    [214, 140, 0],
    (x, y) => seg(x, y, [C, 7], [C, 18]) < 1.9 || Math.hypot(x - C, y - 23.5) < 2.2,
  ),
  'sync-waiting': disc([30, 100, 200], (x, y) =>
    [9.5, C, 21.5].some((cx) => Math.hypot(x - cx, y - C) < 2.4),
  ),
  'agent-down': (x, y) =>
    (r(x, y) <= 15 && r(x, y) >= 11.5) || (r(x, y) < 12 && seg(x, y, [7, 24], [24, 7]) < 1.8)
      ? [120, 120, 120, 255]
      : NONE,
};
for (const [name, pixel] of Object.entries(icons))
  writeFileSync(new URL(`../native/tray/${name}.png`, import.meta.url), png(pixel));

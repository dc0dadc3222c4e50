#!/usr/bin/env node
// Draws Tether's PNG icons (the "T" mark of web/public/icons/icon.svg) without any image
// library: the PWA icons in web/public/icons and the app icons and tray states in build/icons.
//   node web/icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** Encodes RGBA pixels as a PNG. */
function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x / size, y / size), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
const BLUE = [0x4f, 0x6b, 0xed, 255], WHITE = [255, 255, 255, 255], CLEAR = [0, 0, 0, 0];
const DOT = { idle: [0x34, 0xc7, 0x59, 255], busy: [0xff, 0xb0, 0x20, 255], waiting: [0xff, 0x3b, 0x30, 255] };
/** The mark at unit coordinates: rounded square (unless maskable: full bleed), a "T", a status dot. */
function mark({ maskable = false, dot = DOT.idle, inset = 0 } = {}) {
  return (u, v) => {
    const x = maskable ? (u - 0.5) * 1.25 + 0.5 : u, y = maskable ? (v - 0.5) * 1.25 + 0.5 : v;
    const r = 0.22, cx = Math.min(Math.max(u, r + inset), 1 - r - inset), cy = Math.min(Math.max(v, r + inset), 1 - r - inset);
    const inside = maskable || Math.hypot(u - cx, v - cy) <= r;
    if (!inside) return CLEAR;
    if (Math.hypot(x - 0.734, y - 0.734) < 0.086) return dot;
    if ((y >= 0.293 && y < 0.402 && x >= 0.266 && x < 0.734) || (x >= 0.445 && x < 0.555 && y >= 0.402 && y < 0.805)) return WHITE;
    return BLUE;
  };
}
const here = new URL('.', import.meta.url);
const out = (path, bytes) => writeFileSync(new URL(path, here), bytes);
mkdirSync(new URL('public/icons/', here), { recursive: true });
mkdirSync(new URL('../build/icons/', here), { recursive: true });
out('public/icons/icon-192.png', png(192, mark()));
out('public/icons/icon-512.png', png(512, mark()));
out('public/icons/icon-maskable-512.png', png(512, mark({ maskable: true })));
out('public/icons/badge-96.png', png(96, mark()));
for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) out(`../build/icons/${size}x${size}.png`, png(size, mark()));
out('../build/icon.png', png(1024, mark()));
for (const [state, dot] of Object.entries(DOT)) {
  out(`../build/icons/tray-${state}.png`, png(32, mark({ dot })));
  out(`../build/icons/tray-${state}@2x.png`, png(64, mark({ dot })));
}
console.log('icons written');

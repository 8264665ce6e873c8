#!/usr/bin/env node
// Makes the bench's 12 MP JPEG from one of the fixed photos, deterministically (pinned sharp/libvips):
//   node bench/peer/make-large.mjs SRC DEST [WIDTH HEIGHT]
// Scales SRC to cover WIDTHxHEIGHT (default 4000x3000) with lanczos3, crops the centre, and writes a
// baseline JPEG, quality 90, 4:2:0, no metadata.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const sharp = require('sharp');

const [src, dest, w = '4000', h = '3000'] = process.argv.slice(2);
if (!src || !dest) {
  process.stderr.write('usage: make-large.mjs SRC DEST [WIDTH HEIGHT]\n');
  process.exit(2);
}
sharp.concurrency(1); // same bytes whatever the machine
await sharp(src)
  .resize(Number(w), Number(h), { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
  .jpeg({ quality: 90, chromaSubsampling: '4:2:0', mozjpeg: false })
  .toFile(dest);

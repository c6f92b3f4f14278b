// Photos for the cases tests, made here: a JPEG and a PNG that browsers decode (an 8x8 grey
// square; a w x h PNG of one colour), each able to carry what a phone writes into its photos
// (EXIF with a GPS position, XMP, a comment; PNG text, eXIf and tIME chunks) so a test can see
// the server took it out.
import { deflateSync } from 'node:zlib';

const seg = (marker, payload) => {
  const p = Buffer.from(payload);
  const h = Buffer.from([0xff, marker, (p.length + 2) >> 8, (p.length + 2) & 0xff]);
  return Buffer.concat([h, p]);
};

export const GPS_TEXT = 'GPSLatitude=39.9042N;GPSLongitude=116.4074E;Owner=Zhang San';

// A baseline JPEG, 8x8 grey: every coefficient zero, coded with one-code Huffman tables.
export function jpeg({ exif = true, pad = 0, scan = 0 } = {}) {
  const parts = [Buffer.from([0xff, 0xd8])];
  parts.push(seg(0xe0, Buffer.concat([Buffer.from('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])));
  if (exif) {
    parts.push(seg(0xe1, Buffer.from('Exif\0\0MM\0*' + GPS_TEXT)));
    parts.push(seg(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>' + GPS_TEXT + '</x:xmpmeta>')));
    parts.push(seg(0xfe, Buffer.from('comment: ' + GPS_TEXT)));
  }
  // padding inside a comment makes a big file whose picture is small; `scan` bytes of picture
  // data make a big picture
  for (let left = pad; left > 0; left -= 65000) parts.push(seg(0xfe, Buffer.alloc(Math.min(left, 65000), 0x20)));
  parts.push(seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  parts.push(seg(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])));
  const counts = Buffer.alloc(16); counts[0] = 1;
  parts.push(seg(0xc4, Buffer.concat([Buffer.from([0x00]), counts, Buffer.from([0x00])])));
  parts.push(seg(0xc4, Buffer.concat([Buffer.from([0x10]), counts, Buffer.from([0x00])])));
  parts.push(seg(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])));
  if (scan) parts.push(Buffer.alloc(scan, 0x00)); // picture data: a bigger picture, still a JPEG
  parts.push(Buffer.from([0x3f, 0xff, 0xd9]));
  if (exif) parts.push(Buffer.from('TRAILER ' + GPS_TEXT));
  return Buffer.concat(parts);
}

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const d = Buffer.from(data);
  const len = Buffer.alloc(4); len.writeUInt32BE(d.length);
  const td = Buffer.concat([Buffer.from(type), d]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

// A w x h RGB PNG of one colour.
export function png({ w = 4, h = 4, rgb = [200, 40, 40], meta = true } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (meta) {
    parts.push(chunk('tEXt', 'Comment\0' + GPS_TEXT));
    parts.push(chunk('eXIf', 'MM\0*' + GPS_TEXT));
    parts.push(chunk('tIME', Buffer.from([7, 234, 3, 2, 10, 0, 0])));
  }
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', ''));
  return Buffer.concat(parts);
}

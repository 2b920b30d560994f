import { crc32, deflateSync } from 'node:zlib';

/**
 * A real black-and-white PNG of the given size (1 bit per dot, a diagonal stripe), for the receipt logo's
 * tests: small enough to build here, whole enough for the printer driver's decoder.
 */
export function monochromePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const stride = Math.ceil(width / 8);
  const rows = Buffer.alloc((stride + 1) * height, 0xff);
  for (let y = 0; y < height; y++) {
    rows[y * (stride + 1)] = 0; // filter: none
    const x = y % width;
    rows[y * (stride + 1) + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7)); // one black dot per row
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

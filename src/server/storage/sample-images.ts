/**
 * Tiny structurally valid images for tests and benchmarks, and the demo seed's sample scan: a JPEG with optional EXIF/GPS segment and a PNG with
 * an eXIf and a tEXt chunk. Built from bytes so no fixture files or image libraries are needed.
 */
const seg = (marker: number, body: Buffer) => {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), len, body]);
};

export function tinyJpeg(opts: { gps: boolean }): Buffer {
  const parts = [Buffer.from([0xff, 0xd8]), seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'))];
  if (opts.gps) parts.push(seg(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from('MM\0*GPSLatitude=30.123;GPSLongitude=120.456', 'latin1')])));
  parts.push(seg(0xdb, Buffer.alloc(65, 1)));
  parts.push(seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])));
  parts.push(Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  // CRC is not checked by the stripper; a fixed value keeps this tiny
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
};

export function pngWithExif(): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', Buffer.alloc(13, 1)),
    chunk('eXIf', Buffer.from('MM\0*GPS', 'latin1')),
    chunk('tEXt', Buffer.from('Comment\0taken at home', 'latin1')),
    chunk('IDAT', Buffer.alloc(10, 2)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Public copies of photos must not carry where and with what phone they were taken. These parsers drop the
 * metadata containers without decoding (or re-encoding) the image, so the picture itself is byte-identical.
 */

export class ImageFormatError extends Error {
  override name = 'ImageFormatError';
}

// JPEG markers whose segments carry metadata: APP1 (EXIF incl. GPS, XMP), APP13 (Photoshop/IPTC), COM.
const DROP_JPEG = new Set([0xe1, 0xed, 0xfe]);

/** Removes EXIF/XMP/IPTC/comment segments from a JPEG. Throws ImageFormatError on a malformed file. */
export function stripJpegMetadata(input: Buffer): Buffer {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) throw new ImageFormatError('not a JPEG (no SOI marker)');
  const out: Buffer[] = [input.subarray(0, 2)];
  let i = 2;
  while (i < input.length) {
    if (input[i] !== 0xff) throw new ImageFormatError(`JPEG marker expected at byte ${i}`);
    // fill bytes (0xFF 0xFF …) may precede a marker
    let m = i + 1;
    while (m < input.length && input[m] === 0xff) m++;
    if (m >= input.length) throw new ImageFormatError('JPEG ends inside a marker');
    const marker = input[m]!;
    // standalone markers without a length: TEM and RST0-7
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.push(input.subarray(i, m + 1));
      i = m + 1;
      continue;
    }
    if (marker === 0xd9) {
      out.push(input.subarray(i, m + 1));
      break;
    }
    if (m + 2 >= input.length) throw new ImageFormatError('JPEG segment length missing');
    const len = input.readUInt16BE(m + 1);
    if (len < 2 || m + 1 + len > input.length) throw new ImageFormatError(`JPEG segment 0x${marker.toString(16)} runs past the end`);
    const end = m + 1 + len;
    if (marker === 0xda) {
      // start of scan: the entropy-coded data up to EOI is copied as is
      out.push(input.subarray(i));
      break;
    }
    if (!DROP_JPEG.has(marker)) out.push(input.subarray(i, end));
    i = end;
  }
  return Buffer.concat(out);
}

// PNG chunks that carry metadata: eXIf (EXIF incl. GPS), text chunks, time.
const DROP_PNG = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

/** Removes EXIF and text chunks from a PNG (chunk CRCs stay valid because whole chunks are copied). */
export function stripPngMetadata(input: Buffer): Buffer {
  if (input.length < 8 || input.readUInt32BE(0) !== 0x89504e47) throw new ImageFormatError('not a PNG');
  const out: Buffer[] = [input.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= input.length) {
    const len = input.readUInt32BE(i);
    const type = input.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (end > input.length) throw new ImageFormatError(`PNG chunk ${type} runs past the end`);
    if (!DROP_PNG.has(type)) out.push(input.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(out);
}

/** True if a JPEG still holds an APP1 segment (EXIF/XMP); used by tests and by the upload check. */
export function jpegHasApp1(input: Buffer): boolean {
  let i = 2;
  while (i + 4 <= input.length && input[i] === 0xff) {
    const marker = input[i + 1]!;
    if (marker === 0xe1) return true;
    if (marker === 0xda || marker === 0xd9) return false;
    i += 2 + input.readUInt16BE(i + 2);
  }
  return false;
}

import { describe, expect, it } from 'vitest';
import { sniffContentType } from './sniff.ts';
import { ImageFormatError, jpegHasApp1, stripJpegMetadata, stripPngMetadata } from './strip-metadata.ts';
import { pngWithExif, tinyJpeg } from './sample-images.ts';

describe('stripping photo metadata for public copies', () => {
  it('removes the EXIF (GPS) segment of a JPEG and keeps the image data byte for byte', () => {
    const jpeg = tinyJpeg({ gps: true });
    expect(jpegHasApp1(jpeg)).toBe(true);
    expect(jpeg.includes(Buffer.from('GPS'))).toBe(true);
    const clean = stripJpegMetadata(jpeg);
    expect(jpegHasApp1(clean)).toBe(false);
    expect(clean.includes(Buffer.from('GPS'))).toBe(false);
    expect(clean.includes(Buffer.from('JFIF'))).toBe(true);
    // the scan (entropy-coded data) and EOI are untouched
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    expect(clean.subarray(clean.indexOf(Buffer.from([0xff, 0xda])))).toEqual(jpeg.subarray(sos));
  });

  it('refuses a file that only pretends to be a JPEG', () => {
    expect(() => stripJpegMetadata(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]))).toThrow(ImageFormatError);
    expect(() => stripJpegMetadata(Buffer.from('<html>'))).toThrow(ImageFormatError);
  });

  it('drops eXIf and text chunks of a PNG', () => {
    const png = pngWithExif();
    const clean = stripPngMetadata(png);
    expect(png.includes(Buffer.from('eXIf'))).toBe(true);
    expect(clean.includes(Buffer.from('eXIf'))).toBe(false);
    expect(clean.includes(Buffer.from('tEXt'))).toBe(false);
    expect(clean.includes(Buffer.from('IHDR'))).toBe(true);
    expect(clean.includes(Buffer.from('IEND'))).toBe(true);
  });

  it('tells types by magic bytes, not names', () => {
    expect(sniffContentType(tinyJpeg({ gps: false }))).toBe('image/jpeg');
    expect(sniffContentType(pngWithExif())).toBe('image/png');
    expect(sniffContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('<svg onload=alert(1)>'))).toBeNull();
  });
});

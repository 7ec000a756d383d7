/** The pictures sharp makes: the same bytes every time, no metadata, the size asked for, never enlarged. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { emailFormat, encodeImage, inspectImage, NotAnImage } from './encode.js';

/** A 1200 × 800 photograph-like JPEG carrying EXIF (a camera and a GPS position) and an orientation. */
async function photo(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .composite([
      {
        input: Buffer.from('<svg width="400" height="300"><circle cx="200" cy="150" r="120" fill="#1e2dbe"/></svg>'),
        left: 100,
        top: 100,
      },
    ])
    .withExif({
      IFD0: { Make: 'SecretCam', Model: 'X100' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '46/1 12/1 0/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('inspectImage', () => {
  it('reads the format and size from the bytes, and refuses what is not a picture', async () => {
    const info = await inspectImage(await photo());
    expect(info).toEqual({ format: 'jpeg', width: 1200, height: 800, hasAlpha: false, pages: 1 });
    expect(emailFormat(info)).toBe('jpeg');
    await expect(inspectImage(Buffer.from('just text'))).rejects.toBeInstanceOf(NotAnImage);
  });
});

describe('encodeImage', () => {
  it('gives the same bytes twice, at the width asked, with no metadata left', async () => {
    const bytes = await photo();
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const info = await inspectImage(bytes);
    const a = await encodeImage(bytes, info, 552, 'jpeg');
    const b = await encodeImage(bytes, info, 552, 'jpeg');
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect([a.width, a.height, a.format]).toEqual([552, 368, 'jpeg']);
    const out = await sharp(a.bytes).metadata();
    expect([out.format, out.width, out.height]).toEqual(['jpeg', 552, 368]);
    expect(out.exif).toBeUndefined();
    expect(out.icc).toBeUndefined();
    expect(a.bytes.includes('SecretCam')).toBe(false);
  });

  it('never enlarges a photograph: asked for 2000 px of a 1200 px picture, it gives 1200', async () => {
    const bytes = await photo();
    const e = await encodeImage(bytes, await inspectImage(bytes), 2000, 'webp');
    expect([e.width, e.height, e.format]).toEqual([1200, 800, 'webp']);
    expect((await sharp(e.bytes).metadata()).format).toBe('webp');
  });
});

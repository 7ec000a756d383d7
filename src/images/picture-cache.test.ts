/**
 * Pictures kept between builds: the bytes of a fresh encoding, made again when anything they depend
 * on changed or the entry is not sound.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ENCODERS, type Encoded, encodeImage, type ImageInfo, inspectImage, type OutputFormat } from './encode.js';
import { PICTURE_CACHE, pictureCache } from './picture-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'enews-pictures-'));
  dirs.push(d);
  return d;
}

function picture(r: number): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: { r, g: 90, b: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The cache's answer for `source`, and how many times it had to encode. */
async function through(root: string, source: Buffer, width: number, format: OutputFormat) {
  const info = await inspectImage(source);
  let made = 0;
  const e = await pictureCache(root).encoded(source, width, format, () => {
    made++;
    return encodeImage(source, info, width, format);
  });
  return { e, made };
}

function entries(root: string): string[] {
  return readdirSync(path.join(root, PICTURE_CACHE)).sort();
}

function same(a: Encoded, b: Encoded): void {
  expect(a.bytes.equals(b.bytes)).toBe(true);
  expect([a.width, a.height, a.format]).toEqual([b.width, b.height, b.format]);
}

describe('pictureCache', () => {
  it('encodes once: the second answer is read from the cache, the bytes of a fresh encoding', async () => {
    const root = project();
    const source = await picture(200);
    const fresh = await encodeImage(source, await inspectImage(source), 120, 'jpeg');
    const first = await through(root, source, 120, 'jpeg');
    const second = await through(root, source, 120, 'jpeg');
    expect([first.made, second.made]).toEqual([1, 0]);
    same(first.e, fresh);
    same(second.e, fresh);
    expect(entries(root)).toHaveLength(1);
    // Nothing in it is ever committed.
    expect(readFileSync(path.join(root, '.enews/cache/.gitignore'), 'utf8')).toBe('*\n');
  });

  it('makes the picture again for another source, width, format or encoder setting', async () => {
    const root = project();
    const a = await picture(200);
    expect((await through(root, a, 120, 'jpeg')).made).toBe(1);
    expect((await through(root, await picture(201), 120, 'jpeg')).made).toBe(1);
    expect((await through(root, a, 121, 'jpeg')).made).toBe(1);
    expect((await through(root, a, 120, 'webp')).made).toBe(1);
    const jpeg = ENCODERS.jpeg as { quality: number };
    jpeg.quality = 81;
    try {
      expect((await through(root, a, 120, 'jpeg')).made).toBe(1);
    } finally {
      jpeg.quality = 80;
    }
    expect((await through(root, a, 120, 'jpeg')).made).toBe(0);
    expect(entries(root)).toHaveLength(5);
  });

  it('a damaged, cut or foreign entry is not used: the picture is made again and the entry replaced', async () => {
    const root = project();
    const source = await picture(200);
    const fresh = (await through(root, source, 120, 'png')).e;
    await through(root, source, 120, 'webp');
    const [x, y] = entries(root).map((f) => path.join(root, PICTURE_CACHE, f)) as [string, string];
    const damage = [
      (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([b.at(-1)! ^ 1])]),
      (b: Buffer) => b.subarray(0, b.length - 10),
      (b: Buffer) => b.subarray(0, 20),
      () => readFileSync(y),
      () => Buffer.from('not an entry'),
    ];
    for (const [i, spoil] of damage.entries()) {
      writeFileSync(x, spoil(readFileSync(x)));
      const again = await through(root, source, 120, 'png');
      expect(again.made, `damage ${i}`).toBe(1);
      same(again.e, fresh);
      expect((await through(root, source, 120, 'png')).made, `damage ${i}, then`).toBe(0);
    }
  });

  it('keeps what a source is, so a cached build need not read it again', async () => {
    const root = project();
    const source = await picture(200);
    let read = 0;
    const inspect = (): Promise<ImageInfo> => {
      read++;
      return inspectImage(source);
    };
    const a = await pictureCache(root).info(source, inspect);
    const b = await pictureCache(root).info(source, inspect);
    expect(read).toBe(1);
    expect(b).toEqual(a);
    expect(a).toEqual({ format: 'jpeg', width: 300, height: 200, hasAlpha: false, pages: 1 });
    const [file] = entries(root);
    writeFileSync(path.join(root, PICTURE_CACHE, file!), JSON.stringify({ key: 'another', info: a }));
    expect(await pictureCache(root).info(source, inspect)).toEqual(a);
    expect(read).toBe(2);
  });

  it('a project where the cache cannot be written still gets its pictures', async () => {
    const root = project();
    writeFileSync(path.join(root, '.enews'), 'a file where the folder would be');
    const source = await picture(200);
    expect((await through(root, source, 120, 'jpeg')).made).toBe(1);
    expect((await through(root, source, 120, 'jpeg')).made).toBe(1);
  });
});

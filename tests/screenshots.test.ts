/** `enews build --screenshots`: real Chromium, real PNG files, and a clear message without a browser. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from './helpers/cli.js';
import { copyProject, emptyDir } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';
import sharp from 'sharp';

/** Width and height from the IHDR chunk, which a PNG must start with. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    `${file} is a PNG`,
  ).toBe(true);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Pixels of a clear red (the picture's red circle; nothing else in the example is red). */
async function redPixels(file: string): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i]! > 200 && data[i + 1]! < 120 && data[i + 2]! < 100) n++;
  }
  return n;
}

describe('enews build --screenshots', () => {
  test('writes desktop.png (800 px) and mobile.png (375 px) next to the build, with its own pictures', async () => {
    const dir = copyProject();
    const out = emptyDir();
    const r = await runCli(['build', '3', '--screenshots', '--out', out], {
      cwd: dir,
      env: { CHROMIUM_PATH: requireTool('chromium') },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const desktop = pngSize(path.join(out, '003', 'desktop.png'));
    const mobile = pngSize(path.join(out, '003', 'mobile.png'));
    expect(desktop.width).toBe(800);
    expect(mobile.width).toBe(375);
    expect(desktop.height).toBeGreaterThan(500);
    // One column on a phone: the same email is taller there.
    expect(mobile.height).toBeGreaterThan(desktop.height);
    // Each listed with the size of its picture.
    expect(r.stdout).toMatch(new RegExp(`desktop\\.png\\s+800×${desktop.height} px`));
    expect(r.stdout).toMatch(new RegExp(`mobile\\.png\\s+375×${mobile.height} px`));
    // The pictures are the build's own (no network): Consorzio Copernico's red circle is in the shot.
    expect(await redPixels(path.join(out, '003', 'desktop.png'))).toBeGreaterThan(1000);
    // The same two in the dark colour scheme, as a mail app in dark mode shows them.
    const desktopDark = pngSize(path.join(out, '003', 'desktop-dark.png'));
    const mobileDark = pngSize(path.join(out, '003', 'mobile-dark.png'));
    expect(desktopDark).toEqual(desktop);
    expect(mobileDark.width).toBe(375);
    expect(readFileSync(path.join(out, '003', 'desktop-dark.png'))).not.toEqual(
      readFileSync(path.join(out, '003', 'desktop.png')),
    );
    expect(r.stdout).toMatch(/desktop-dark\.png\s+800×\d+ px/);
    expect(r.stdout).toMatch(/mobile-dark\.png\s+375×\d+ px/);
    // Every language of the example has its own four, in its folder: French and Spanish read differently.
    for (const l of ['fr', 'es']) {
      for (const shot of ['desktop.png', 'mobile.png', 'desktop-dark.png', 'mobile-dark.png']) {
        expect(pngSize(path.join(out, '003', l, shot)).width, `${l}/${shot}`).toBe(
          shot.startsWith('desktop') ? 800 : 375,
        );
        expect(r.stdout).toContain(`${l}/${shot}`);
      }
      expect(readFileSync(path.join(out, '003', l, 'desktop.png'))).not.toEqual(
        readFileSync(path.join(out, '003', 'desktop.png')),
      );
    }
  });

  test('--browser with a wrong path exits 1 and names the path', async () => {
    const r = await runCli(['build', '3', '--screenshots', '--browser', '/nonexistent/chromium', '--out', emptyDir()], {
      cwd: copyProject(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/chromium');
    expect(r.stderr).toMatch(/--browser|CHROMIUM_PATH/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('CHROMIUM_PATH is used when --browser is not given', async () => {
    const r = await runCli(['build', '3', '--screenshots', '--out', emptyDir()], {
      cwd: copyProject(),
      env: { CHROMIUM_PATH: '/nonexistent/chrome-from-env' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No browser at /nonexistent/chrome-from-env');
  });
});

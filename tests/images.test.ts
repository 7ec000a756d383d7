/**
 * Local pictures (issue 26) from a fresh copy of the example: made for email at build, published by
 * `enews site` where the email names them, loading in real Chromium from a stand-in web host; a
 * missing or broken file an error at its line, an oversized one a warning; a changed picture a new
 * name and a new manifest.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, lineOf, read } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

const BASE = 'https://www.example.org/coop/enews/';
const PAGES = ['email.html', 'web.html', 'fr/email.html', 'fr/web.html', 'es/email.html', 'es/web.html'];

/** A web host standing in for site.base_url: DIR served as it is, 404 for anything else. */
function serve(root: string): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = path.join(root, rel);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

/** Random pixels: a picture no encoder can shrink, `width` × `height`, as JPEG. */
function noise(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < pixels.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = x >> 16;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

describe('npx enews build 3 on a fresh copy, then enews site --out DIR', () => {
  let dir: string;
  let browser: Browser;
  let host: http.Server;
  let origin: string;

  beforeAll(async () => {
    dir = copyProject();
    const b = await enews(['build', '3'], dir);
    expect(b.code, b.stderr).toBe(0);
    const s = await enews(['site', '--out', 'host'], dir);
    expect(s.code, s.stderr).toBe(0);
    host = await serve(path.join(dir, 'host'));
    origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await launchBrowser(requireTool('chromium'));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (host ? host.close(resolve) : resolve(null)));
  });

  it('every <img> has width and height and names a file enews site wrote, the bytes of dist/003/assets/', () => {
    const built = readdirSync(path.join(dir, 'dist/003/assets')).sort();
    expect(built).toHaveLength(6);
    const named = new Set<string>();
    for (const page of PAGES) {
      const html = read(dir, `dist/003/${page}`);
      const imgs = html.match(/<img\b[^>]*>/g) ?? [];
      // The logo and Consorzio Copernico's picture.
      expect(imgs, page).toHaveLength(2);
      for (const img of imgs) {
        expect(img, page).toMatch(/ width="[1-9]\d*"/);
        expect(img, page).toMatch(/ height="[1-9]\d*"/);
      }
      // Every address a picture is loaded from: src, and the web version's srcset and <source>.
      const urls = [
        ...[...html.matchAll(/<img\b[^>]* src="([^"]+)"/g)].map((m) => m[1]!),
        ...[...html.matchAll(/ srcset="([^"]+)"/g)].flatMap((m) => m[1]!.split(', ').map((c) => c.split(' ')[0]!)),
      ];
      for (const url of urls) {
        expect(url.startsWith(`${BASE}assets/`), `${page}: ${url}`).toBe(true);
        const rel = url.slice(BASE.length);
        named.add(rel);
        const published = readFileSync(path.join(dir, 'host', rel));
        expect(published.equals(readFileSync(path.join(dir, 'dist/003', rel))), rel).toBe(true);
      }
    }
    expect([...named].sort()).toEqual(built.map((f) => `assets/${f}`));
  });

  it('opened in Chromium with site.base_url served from DIR, no picture fails to load (1× and 2× screens)', async () => {
    for (const deviceScaleFactor of [1, 2]) {
      for (const page of PAGES) {
        const tab = await browser.newPage({ viewport: { width: 700, height: 900 }, deviceScaleFactor });
        const failed: string[] = [];
        const loaded: string[] = [];
        // The web host: site.base_url answered from DIR over HTTP; nothing else is on the network.
        await tab.route(/^https?:/, async (route) => {
          const url = route.request().url();
          if (!url.startsWith(BASE)) {
            failed.push(url);
            return route.abort();
          }
          const res = await fetch(`${origin}/${url.slice(BASE.length)}`);
          if (res.ok) loaded.push(url.slice(BASE.length));
          return route.fulfill({ status: res.status, body: Buffer.from(await res.arrayBuffer()) });
        });
        tab.on('requestfailed', (r) => failed.push(r.url()));
        await tab.setContent(read(dir, `dist/003/${page}`), { waitUntil: 'load' });
        const images = await tab.evaluate(() =>
          [...document.images].map((i) => ({ src: i.currentSrc, ok: i.complete && i.naturalWidth > 0 })),
        );
        expect(images, page).toHaveLength(2);
        for (const image of images) expect(image.ok, `${page} ×${deviceScaleFactor}: ${image.src}`).toBe(true);
        expect(failed, page).toEqual([]);
        // The email's files are made at 2× for every screen; the web version picks the one for the screen.
        const wanted = page.endsWith('email.html') || deviceScaleFactor === 2 ? /-(320|1104)w-/ : /-(160|552)w-/;
        for (const rel of loaded) expect(rel, `${page} ×${deviceScaleFactor}`).toMatch(wanted);
        expect(loaded, page).toHaveLength(2);
        await tab.close();
      }
    }
  });
});

describe('a local picture that cannot be used', () => {
  it('missing, not a picture, or damaged: an error at the line that names it, and nothing built', async () => {
    const dir = copyProject();
    const line = lineOf(read(dir, 'issues/items.yaml'), 'src: images/copernico.jpg');
    const at = `issues/items.yaml:${line}:10`;

    edit(dir, 'issues/items.yaml', 'src: images/copernico.jpg', 'src: images/copernicus.jpg');
    let r = await enews(['build', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`  - ${at}: there is no file images/copernicus.jpg in the project folder (`);
    expect(r.stderr).toContain('Put the picture in the project (e.g. images/), and write its path relative');

    writeFileSync(path.join(dir, 'images/copernicus.jpg'), 'Not a picture: a note saved under the wrong name.\n');
    r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `  - ${at}: images/copernicus.jpg: it is not an image (no picture format enews knows starts that way)\n`,
    );

    // A download cut short: the header is there, the pixels are not.
    writeFileSync(
      path.join(dir, 'images/copernicus.jpg'),
      readFileSync(path.join(dir, 'images/copernico.jpg')).subarray(0, 20_000),
    );
    r = await enews(['build', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`  - ${at}: images/copernicus\\.jpg: it is a damaged JPEG file \\(.+\\)\\n`));
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('outside the project, by .. or through a link: an error at its line', async () => {
    const dir = copyProject();
    const line = lineOf(read(dir, 'issues/items.yaml'), 'src: images/copernico.jpg');
    edit(dir, 'issues/items.yaml', 'src: images/copernico.jpg', 'src: ../copernico.jpg');
    let r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `  - issues/items.yaml:${line}:10: item "consorzio-copernico": image.src: must stay inside the project folder (no ..)\n`,
    );
    const outside = path.join(emptyDir(), 'copernico.jpg');
    writeFileSync(outside, readFileSync(path.join(dir, 'images/copernico.jpg')));
    symlinkSync(outside, path.join(dir, 'images/linked.jpg'));
    edit(dir, 'issues/items.yaml', 'src: ../copernico.jpg', 'src: images/linked.jpg');
    r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `  - issues/items.yaml:${line}:10: images/linked.jpg is a link to ${realpathSync(outside)}, outside the project folder\n`,
    );
  });

  it('with no site.base_url to publish it at: an error at its line, saying what to add', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', /site:\n {2}base_url: [^\n]*\n/, '');
    const line = lineOf(read(dir, 'issues/newsletter.yaml'), 'src: images/logo.png');
    const r = await enews(['build', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `  - issues/newsletter.yaml:${line}:8: images/logo.png is a file of the project, and an email can only show ` +
        'a picture from the web: newsletter.yaml does not say where enews publishes it (site.base_url)\n',
    );
    expect(r.stderr).toContain('      site:\n        base_url: https://www.example.org/enews/\n');
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('oversized: a warning with its size and the budget, per picture and per issue', async () => {
    const dir = copyProject();
    const line = lineOf(read(dir, 'issues/items.yaml'), 'src: images/copernico.jpg');
    // Shown 600 px wide (the widest there is), so the email's copy is 1200 × 2600 px of noise: over
    // 200 KB, and with the logo over 1 MB.
    writeFileSync(path.join(dir, 'images/copernico.jpg'), await noise(1200, 2600));
    edit(dir, 'issues/items.yaml', 'src: images/copernico.jpg', 'src: images/copernico.jpg\n    width: 600');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    const size = /this picture is (\d+) KB/.exec(r.stderr)?.[1];
    expect(Number(size)).toBeGreaterThan(200);
    expect(warnings).toContain(
      `warning: issues/items.yaml:${line}:10: images/copernico.jpg: the email's copy of this picture is ${size} KB, ` +
        'over the budget of 200 KB per picture (every subscriber downloads it); crop it, simplify it, ' +
        'or show it smaller with width:',
    );
    const total = /the issue's 2 pictures weigh (\d+) KB together/.exec(r.stderr)?.[1];
    expect(Number(total)).toBeGreaterThan(1024);
    expect(warnings).toContain(
      `warning: issues/items.yaml:${line}:10: the issue's 2 pictures weigh ${total} KB together, over the budget ` +
        'of 1024 KB per issue: subscribers on a phone download all of them; drop or shrink some',
    );
    expect(warnings).toHaveLength(2);
  });
});

describe('rebuilding', () => {
  it('a changed picture gets a new file name and a new manifest; the unchanged logo keeps its name', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3', '--out', 'before'], dir)).code).toBe(0);
    const before = JSON.parse(read(dir, 'before/003/manifest.json'));
    // The same photograph, a little darker: what an editor's "save" after a touch-up gives.
    const touched = await sharp(readFileSync(path.join(dir, 'images/copernico.jpg')))
      .modulate({ brightness: 0.9 })
      .jpeg({ quality: 90 })
      .toBuffer();
    writeFileSync(path.join(dir, 'images/copernico.jpg'), touched);
    expect((await enews(['build', '3', '--out', 'after'], dir)).code).toBe(0);
    const after = JSON.parse(read(dir, 'after/003/manifest.json'));

    const assets = (m: { outputs: Record<string, string> }) =>
      Object.keys(m.outputs).filter((f) => f.startsWith('assets/'));
    const logos = (m: { outputs: Record<string, string> }) => assets(m).filter((f) => f.startsWith('assets/logo-'));
    const photos = (m: { outputs: Record<string, string> }) =>
      assets(m).filter((f) => f.startsWith('assets/copernico-'));
    expect(logos(after)).toEqual(logos(before));
    expect(photos(before)).toHaveLength(4);
    expect(photos(after)).toHaveLength(4);
    for (const p of photos(after)) expect(photos(before)).not.toContain(p);
    expect(readdirSync(path.join(dir, 'after/003/assets')).sort()).toEqual(
      assets(after)
        .map((f) => f.slice('assets/'.length))
        .sort(),
    );
    expect(after.inputs['images/copernico.jpg']).not.toBe(before.inputs['images/copernico.jpg']);
    expect(after.inputs['images/logo.png']).toBe(before.inputs['images/logo.png']);
    expect(after.inputsHash).not.toBe(before.inputsHash);
    expect(read(dir, 'after/003/email.html')).not.toBe(read(dir, 'before/003/email.html'));
  });
});

describe('dark logo and alt text', () => {
  it('logo.dark_src may be a local file too; alt: "" marks a picture as decoration, with no warning', async () => {
    const dir = copyProject();
    // A version of the logo for dark backgrounds: the same drawing, its colours turned round.
    await sharp(readFileSync(path.join(dir, 'images/logo.png')))
      .negate({ alpha: false })
      .png()
      .toFile(path.join(dir, 'images/logo-dark.png'));
    edit(dir, 'issues/newsletter.yaml', '  alt: COOP\n', '  alt: COOP\n  dark_src: images/logo-dark.png\n');
    edit(dir, 'issues/items.yaml', /(src: images\/copernico\.jpg)\n {4}alt:\n( {6}.*\n){3}/, '$1\n    alt: ""\n');
    const r = await enews(['build', '3'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning');
    const email = read(dir, 'dist/003/email.html');
    const imgs = email.match(/<img\b[^>]*>/g) ?? [];
    expect(imgs.map((i) => /src="([^"]+)"/.exec(i)![1]!.replace(/-[0-9a-f]{12}\./, '-HASH.'))).toEqual([
      `${BASE}assets/logo-320w-HASH.png`,
      `${BASE}assets/logo-dark-320w-HASH.png`,
      `${BASE}assets/copernico-1104w-HASH.jpg`,
    ]);
    for (const img of imgs) {
      expect(img).toMatch(/ width="[1-9]\d*"/);
      expect(img).toMatch(/ height="[1-9]\d*"/);
    }
    // An empty alt (written bare, as HTML allows): screen readers pass the picture by.
    expect(imgs[2]).toMatch(/^<img alt src="/);
    const manifest = JSON.parse(read(dir, 'dist/003/manifest.json'));
    expect(Object.keys(manifest.inputs)).toContain('images/logo-dark.png');
    expect(readdirSync(path.join(dir, 'dist/003/assets')).filter((f) => f.startsWith('logo-dark-'))).toHaveLength(2);
  });
});

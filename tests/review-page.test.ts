/**
 * review.html as a reviewer far from the machine that runs enews gets it: the file every build
 * writes, opened from file:// in real headless Chromium (every request the page makes counted),
 * and the same file attached to a test message, read back by an independent MIME parser.
 */
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read } from './helpers/project.js';
import { startSmtp } from './helpers/smtp.js';
import { requireTool } from './helpers/tools.js';

const SECRET = 'sxJfm3c8h07XmIRzz6x5PLVzXhYiwhdjqFIsC4+nvfQ=';
const FRAMES = ['#frame-desktop', '#frame-phone'] as const;
/** Each language's subject, first item title and greeting of the sample subscriber. */
const LANGUAGES = [
  {
    code: 'en',
    subject: 'ILO COOP eNewsUpdate No. 3',
    title: 'Cooperatives provide an alternative model for the future of work',
    greeting: 'Dear Zoë Martin,',
  },
  {
    code: 'fr',
    subject: 'ILO COOP eNewsUpdate n° 3',
    title: 'Les coopératives, un modèle alternatif pour l’avenir du travail',
    greeting: 'Bonjour Zoë Martin,',
  },
  {
    code: 'es',
    subject: 'ILO COOP eNewsUpdate n.º 3',
    title: 'Las cooperativas ofrecen un modelo alternativo para el futuro del trabajo',
    greeting: 'Estimado/a Zoë Martin:',
  },
] as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(requireTool('chromium'));
});
afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  /** Every request the page made, by URL, the page's own file included. */
  requests: string[];
  dialogs: string[];
  errors: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const opened: Opened = { page, requests: [], dialogs: [], errors: [] };
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => opened.errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 10_000 });
  return opened;
}

/** The visible text of a frame's document; empty while it is (re)loading. */
async function frameText(page: Page, frame: string): Promise<string> {
  try {
    return await page.frameLocator(frame).locator('body').innerText({ timeout: 1000 });
  } catch {
    return '';
  }
}

const articleBackground = (page: Page, frame: string) =>
  page
    .frameLocator(frame)
    .locator('div[role="article"]')
    .evaluate((e) => getComputedStyle(e).backgroundColor, undefined, { timeout: 2000 });

describe('review.html of No. 3, opened from file://', () => {
  let dir: string;
  let file: string;
  let o: Opened;

  beforeAll(async () => {
    dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    file = path.join(dir, 'dist/003/review.html');
    o = await open(file);
  });
  afterAll(async () => {
    await o?.page.close();
  });

  test('is one file under 1 MB that shows the build hash a reviewer quotes', async () => {
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
    const { inputsHash } = JSON.parse(read(dir, 'dist/003/manifest.json'));
    expect(await o.page.locator('#build').innerText()).toBe(inputsHash);
    expect(await o.page.locator('#build-short').innerText()).toBe(inputsHash.slice(0, 12));
    // Each language's email HTML is in it once, not once per view: desktop, phone and dark are made from that copy.
    const page = readFileSync(file, 'utf8');
    for (const l of LANGUAGES) {
      const html = read(dir, `dist/003/${l.code === 'en' ? '' : `${l.code}/`}email.html`);
      expect(page.split(JSON.stringify(html).replace(/</g, '\\u003c')).length - 1, l.code).toBe(1);
    }
  });

  test('shows all three languages at desktop and phone width, light and dark, and their text parts', async () => {
    const { page } = o;
    expect(
      await page.locator('#language option').evaluateAll((x) => x.map((e) => (e as HTMLOptionElement).value)),
    ).toEqual(['en', 'fr', 'es']);
    for (const l of LANGUAGES) {
      await page.selectOption('#language', l.code);
      expect(await page.locator('#subject').innerText()).toBe(l.subject);
      for (const frame of FRAMES) {
        await expect.poll(() => frameText(page, frame), { timeout: 5000 }).toContain(l.title);
        expect(await frameText(page, frame)).toContain(l.greeting);
        expect(await page.frameLocator(frame).locator('html').getAttribute('lang')).toBe(l.code);
        expect(await page.locator(frame).getAttribute('sandbox')).not.toContain('allow-scripts');
      }
      expect(await page.locator('#frame-desktop').evaluate((f) => (f as HTMLIFrameElement).clientWidth)).toBe(700);
      expect(await page.locator('#frame-phone').evaluate((f) => (f as HTMLIFrameElement).clientWidth)).toBe(375);
      expect(await page.locator('#headers').innerText()).toContain(`Subject\t${l.subject}`);

      const dark = page.getByRole('button', { name: 'Dark mode' });
      for (const frame of FRAMES) expect(await articleBackground(page, frame)).toBe('rgb(243, 244, 246)');
      await dark.click();
      for (const frame of FRAMES) {
        await expect.poll(() => articleBackground(page, frame), { timeout: 5000 }).toBe('rgb(17, 24, 39)');
      }
      await dark.click();
      for (const frame of FRAMES) {
        await expect.poll(() => articleBackground(page, frame), { timeout: 5000 }).toBe('rgb(243, 244, 246)');
      }

      await page.getByRole('button', { name: 'Plain text' }).click();
      const folder = l.code === 'en' ? '' : `${l.code}/`;
      // The text part exactly as built.
      expect(await page.locator('#text').textContent()).toBe(read(dir, `dist/003/${folder}email.txt`));
      for (const frame of FRAMES) expect(await page.locator(frame).isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Web version' }).click();
      await expect.poll(() => frameText(page, '#frame-web'), { timeout: 5000 }).toContain(l.title);
      expect(await frameText(page, '#frame-web')).not.toContain('Zoë');
      await page.getByRole('button', { name: 'Both' }).click();
      for (const frame of FRAMES) expect(await page.locator(frame).isVisible()).toBe(true);
    }
    expect(await page.locator('#warnings').innerText()).toBe('No warnings.');
    expect(await page.locator('#sample').innerText()).toBe('Zoë Martin <zoe.martin@example.org>');
    expect(o.errors).toEqual([]);
  });

  test('requested nothing but its own file, whatever was shown', () => {
    expect(o.requests).toEqual([pathToFileURL(file).href]);
  });
});

describe('review.html keeps the email inert', () => {
  test('a script planted in an item summary does not run, and shows as the text it is', async () => {
    const dir = copyProject();
    const planted =
      '</script><script>window.top.planted = 1; alert("planted")</script>' +
      '<img src=x onerror="window.top.planted = 2"><!--';
    edit(dir, 'issues/items.yaml', 'On 5 April, the eve', `On 5 April ${planted} the eve`);
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const file = path.join(dir, 'dist/003/review.html');
    const o = await open(file);
    try {
      for (const frame of FRAMES) {
        await expect.poll(() => frameText(o.page, frame), { timeout: 5000 }).toContain(planted);
      }
      await o.page.getByRole('button', { name: 'Plain text' }).click();
      // The text part wraps long lines: compared with its line breaks as spaces.
      expect((await o.page.locator('#text').innerText()).replace(/\s+/g, ' ')).toContain(planted);
      await o.page.getByRole('button', { name: 'Web version' }).click();
      await expect.poll(() => frameText(o.page, '#frame-web'), { timeout: 5000 }).toContain(planted);
      expect(await o.page.evaluate(() => (window as unknown as { planted?: number }).planted)).toBeUndefined();
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([pathToFileURL(file).href]);
    } finally {
      await o.page.close();
    }
  });

  test('remote images load only when the reviewer asks for them; the pictures enews made show at once', async () => {
    const hits: string[] = [];
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(png);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const logo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/logo.png`;
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'src: images/logo.png', `src: ${logo}`);
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const o = await open(path.join(dir, 'dist/003/review.html'));
    try {
      const logoIn = (frame: string) => o.page.frameLocator(frame).getByRole('img', { name: 'COOP', exact: true });
      await logoIn('#frame-desktop').waitFor({ timeout: 5000 });
      // The item's picture, made by the build from images/copernico.jpg (2× for 552 px), is in the page: shown already.
      const picture = o.page.frameLocator('#frame-desktop').getByRole('img', { name: /^Six coloured circles/ });
      expect(await picture.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
      await expect
        .poll(() => picture.evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 5000 })
        .toBe(1104);
      // Off: the image is not even asked for; its alt text stands in for it.
      expect(await logoIn('#frame-desktop').getAttribute('src')).toBeNull();
      expect(await o.page.locator('#images-note').isVisible()).toBe(true);
      expect(hits).toEqual([]);
      expect(o.requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

      const toggle = o.page.getByRole('button', { name: 'Show images' });
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await expect
        .poll(() => logoIn('#frame-desktop').evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 5000 })
        .toBe(1);
      expect(hits.length).toBeGreaterThan(0);
      expect(new Set(hits)).toEqual(new Set(['/logo.png']));
      expect(o.requests).toContain(logo);
    } finally {
      await o.page.close();
      server.close();
    }
  });
});

describe('send --test --review', () => {
  test('attaches review.html to the test message, byte for byte, beside the issue itself', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const server = await startSmtp();
    try {
      const r = await enews(['send', '3', '--test', 'reviewer@example.net', '--review'], dir, {
        SMTP_URL: server.url(),
        UNSUBSCRIBE_SECRET: SECRET,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(server.received).toHaveLength(1);
      const mail = await simpleParser(server.received[0]!.raw);
      expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/mixed');
      expect(mail.subject).toBe('[TEST] ILO COOP eNewsUpdate No. 3');
      expect(mail.attachments).toHaveLength(1);
      const [a] = mail.attachments;
      expect(a!.filename).toBe('review.html');
      expect(a!.contentType).toBe('text/html');
      expect(a!.contentDisposition).toBe('attachment');
      expect(a!.content.equals(readFileSync(path.join(dir, 'dist/003/review.html')))).toBe(true);
      // The issue is still the message's text and HTML, as without --review.
      expect(mail.html).toContain(LANGUAGES[0].title);
      expect(mail.text).toContain('Dear reader,');
    } finally {
      await server.close();
    }
  });

  test('--review without --test is a usage error, and a test without it carries no attachment', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const misuse = await enews(['send', '3', '--subscribers', 'subscribers.example.csv', '--review', '--yes'], dir);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--review only works with --test');
    const out = await enews(['send', '3', '--test', 'reviewer@example.net', '--dry-run', 'out'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(out.code, out.stderr).toBe(0);
    const mail = await simpleParser(readFileSync(path.join(dir, 'out/1.eml')));
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(mail.attachments).toEqual([]);
  });
});

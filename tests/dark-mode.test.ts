/**
 * Dark mode in real Chromium with the dark colour scheme emulated: dark backgrounds, light text,
 * every text still at WCAG AA; the light scheme unchanged; logo.dark_src shown only in the dark.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser(requireTool('chromium'));
});

afterAll(async () => {
  await browser?.close();
});

async function built(edits: (dir: string) => void = () => {}): Promise<string> {
  const dir = copyProject();
  edits(dir);
  const r = await enews(['build', '3'], dir);
  expect(r.code, r.stderr).toBe(0);
  return read(dir, path.join('dist', '003', 'email.html'));
}

async function open(html: string, colorScheme: 'light' | 'dark', width = 700) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
  await page.route(/^https?:/, (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/** In the page: each visible text element's colour, the background it sits on, and their contrast. */
const MEASURE = `(() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
  const bgOf = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const text = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').replace(/[\\s\\u200c\\u00a0]/g, '');
    if (!text || !e.getClientRects().length) continue;
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    const fg = rgb(s.color).slice(0, 3), bg = bgOf(e);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    out.push({ text: text.slice(0, 30), fg: lum(fg), bg: lum(bg), ratio: (a + 0.05) / (b + 0.05), large: size >= 24 || (bold && size >= 18.66) });
  }
  return { body: lum(bgOf(document.querySelector('body > div[role=article]') || document.body)), texts: out };
})()`;

interface Measured {
  body: number;
  texts: Array<{ text: string; fg: number; bg: number; ratio: number; large: boolean }>;
}

describe('the example email in dark mode (Chromium, prefers-color-scheme: dark)', () => {
  it('has a dark page, light text on dark cards, and every text at AA', async () => {
    const html = await built();
    for (const width of [375, 700]) {
      const page = await open(html, 'dark', width);
      const m = (await page.evaluate(MEASURE)) as Measured;
      expect(m.body, 'page background is dark').toBeLessThan(0.05);
      const body = m.texts.filter((t) => /^Dear|^Onthe|Cooperatives/.test(t.text));
      expect(body.length).toBeGreaterThan(0);
      for (const t of body) expect(t.fg, `${t.text} is light`).toBeGreaterThan(0.4);
      for (const t of m.texts) expect(t.ratio, `${t.text} at ${width} px`).toBeGreaterThanOrEqual(t.large ? 3 : 4.5);
      await page.close();
    }
  });

  it('keeps the light colours in the light scheme', async () => {
    const page = await open(await built(), 'light');
    const m = (await page.evaluate(MEASURE)) as Measured;
    expect(m.body).toBeGreaterThan(0.85);
    for (const t of m.texts) expect(t.ratio, t.text).toBeGreaterThanOrEqual(t.large ? 3 : 4.5);
    await page.close();
  });

  it('shows logo.dark_src instead of the logo in dark mode only', async () => {
    const html = await built((dir) =>
      edit(
        dir,
        'issues/newsletter.yaml',
        '  alt: COOP\n',
        '  alt: COOP\n  dark_src: https://www.example.org/coop/enews/ilo-coop-logo-dark.png\n',
      ),
    );
    const visible = async (scheme: 'light' | 'dark') => {
      const page = await open(html, scheme);
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll('img')].filter((i) => i.getClientRects().length > 0).map((i) => i.src),
      );
      await page.close();
      return shown;
    };
    // The logo as enews made it from images/logo.png, at the site's address; the dark one as written.
    // Consorzio Copernico's picture shows in both.
    const picture = expect.stringMatching(/\/assets\/copernico-1104w-[0-9a-f]{12}\.jpg$/);
    expect(await visible('light')).toEqual([
      expect.stringMatching(/^https:\/\/www\.example\.org\/coop\/enews\/assets\/logo-320w-[0-9a-f]{12}\.png$/),
      picture,
    ]);
    expect(await visible('dark')).toEqual(['https://www.example.org/coop/enews/ilo-coop-logo-dark.png', picture]);
  });
});

/** The built email in real headless Chromium: usable on a phone, centred on a desktop. */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, read } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

let browser: Browser;
let html: string;

beforeAll(async () => {
  const dir = copyProject();
  await enews(['build', '3'], dir);
  html = read(dir, path.join('dist', '003', 'email.html'));
  browser = await launchBrowser(requireTool('chromium'));
});

afterAll(async () => {
  await browser?.close();
});

async function open(width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.route(/^https?:/, (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

describe('email.html layout', () => {
  it('has no horizontal scrolling at 375 px wide', async () => {
    const page = await open(375);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(clientWidth).toBe(375);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // The item titles wrap inside the screen rather than overflowing it.
    const widest = await page.evaluate(() =>
      Math.max(...[...document.querySelectorAll('h2, p')].map((e) => e.getBoundingClientRect().right)),
    );
    expect(widest).toBeLessThanOrEqual(375);
    await page.close();
  });

  it('is a 600 px column centred in a 1024 px window', async () => {
    const page = await open(1024);
    const box = await page.evaluate(() => {
      const column = [...document.querySelectorAll('div')].find((d) => d.style.maxWidth === '600px')!;
      const r = column.getBoundingClientRect();
      return { left: r.left, right: r.right, width: r.width };
    });
    expect(box.width).toBe(600);
    expect(Math.abs(box.left - (1024 - box.right))).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('shows the three items of No. 3 to a reader, in order', async () => {
    const page = await open(600);
    const titles = await page.locator('h2').allInnerTexts();
    expect(titles).toEqual([
      'Cooperatives provide an alternative model for the future of work',
      'COOP Champions: Karim Toumi, ILO Country Office for Algeria, Libya, Morocco, Tunisia and Mauritania',
      'Italian social cooperatives working together for the benefit of the communities',
    ]);
    await page.close();
  });
});

/**
 * Pictures of the built email for approval threads: the sample HTML at
 * desktop and phone widths, rendered by headless Chromium.
 */
import path from 'node:path';
import { launchBrowser } from './find-browser.js';

export const SCREENSHOT_WIDTHS = { desktop: 800, mobile: 375 } as const;

export interface Screenshot {
  file: string;
  width: number;
  height: number;
}

export async function takeScreenshots(
  html: string,
  dir: string,
  opts: { executablePath?: string },
): Promise<Screenshot[]> {
  const browser = await launchBrowser(opts.executablePath);
  try {
    const shots: Screenshot[] = [];
    for (const [name, width] of Object.entries(SCREENSHOT_WIDTHS)) {
      const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
      // Remote images (logo) may not load offline; do not wait for them forever.
      await page.route(/^https?:/, (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
      shots.push({ file, width, height });
      await page.close();
    }
    return shots;
  } finally {
    await browser.close();
  }
}

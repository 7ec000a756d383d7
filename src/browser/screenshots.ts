/**
 * Pictures of the built email for approval threads: the sample HTML at
 * desktop and phone widths, rendered by headless Chromium, in the light and
 * in the dark colour scheme (as a mail app in dark mode that honours the
 * email's own dark styles shows it).
 */
import path from 'node:path';
import { launchBrowser } from './find-browser.js';

export const SCREENSHOT_WIDTHS = { desktop: 800, mobile: 375 } as const;

/** desktop.png, mobile.png; desktop-dark.png, mobile-dark.png. */
export function screenshotName(name: string, scheme: 'light' | 'dark'): string {
  return scheme === 'dark' ? `${name}-dark` : name;
}

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
    const runs = (['light', 'dark'] as const).flatMap((scheme) =>
      Object.entries(SCREENSHOT_WIDTHS).map(([name, width]) => ({ scheme, width, name: screenshotName(name, scheme) })),
    );
    for (const { scheme, width, name } of runs) {
      const page = await browser.newPage({
        viewport: { width, height: 800 },
        deviceScaleFactor: 1,
        colorScheme: scheme,
      });
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

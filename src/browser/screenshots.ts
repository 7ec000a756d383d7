/**
 * Pictures of the built email for approval threads: the sample HTML at
 * desktop and phone widths, rendered by headless Chromium, in the light and
 * in the dark colour scheme (as a mail app in dark mode that honours the
 * email's own dark styles shows it).
 */
import path from 'node:path';
import { type BrowserSession, browserSession, sharedPage, withSession } from './session.js';

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
  opts: { executablePath?: string; session?: BrowserSession },
): Promise<Screenshot[]> {
  const runs = (['light', 'dark'] as const).flatMap((scheme) =>
    Object.entries(SCREENSHOT_WIDTHS).map(([name, width]) => ({ scheme, width, name: screenshotName(name, scheme) })),
  );
  return withSession(
    opts.session,
    () => browserSession(opts.executablePath),
    async (session) => {
      // One page for every language, each email loaded once; each picture is the page resized and in its colour
      // scheme. A page per language cost a new renderer each time.
      const shared = sharedPage(session, 'screenshots', (s) =>
        s.page({ width: runs[0]!.width, height: 800, colorScheme: runs[0]!.scheme }),
      );
      return shared.use(async (page) => {
        // Every language starts from the first picture's view, as it did on a page of its own.
        await page.emulateMedia({ colorScheme: runs[0]!.scheme });
        await page.setViewportSize({ width: runs[0]!.width, height: 800 });
        await page.setContent(html);
        const shots: Screenshot[] = [];
        for (const { scheme, width, name } of runs) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.setViewportSize({ width, height: 800 });
          const file = path.join(dir, `${name}.png`);
          // The picture's own size: what was laid out, measured once for the picture and the listing.
          shots.push({ file, ...(await page.screenshot(file)) });
        }
        return shots;
      });
    },
  );
}

/** Finds and starts headless Chromium for screenshots and browser checks. */
import { existsSync } from 'node:fs';
import { EnewsError } from '../errors.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findBrowser(explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new EnewsError('no-browser', `No browser at ${explicit}.`, {
        problems: [{ message: 'Give the path of a Chromium or Chrome executable with --browser or CHROMIUM_PATH.' }],
      });
    }
    return explicit;
  }
  const found = CANDIDATES.find((c) => existsSync(c));
  if (!found) {
    throw new EnewsError('no-browser', 'Screenshots need Chromium, and none was found.', {
      problems: [
        {
          message: `Looked in: ${CANDIDATES.join(', ')}.`,
          hint: 'Install it (Debian/Ubuntu: sudo apt-get install chromium) or pass its path with --browser PATH or CHROMIUM_PATH.',
        },
      ],
    });
  }
  return found;
}

export async function launchBrowser(explicit?: string) {
  const executablePath = findBrowser(explicit);
  const { chromium } = await import('playwright-core');
  // Flags keep Chromium from reaching out to Google services, which a closed network refuses noisily.
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

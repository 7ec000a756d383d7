/** Finds and starts headless Chromium for screenshots and browser checks. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import { CdpConnection } from './cdp.js';
import { type ColorScheme, Page } from './page.js';

/**
 * The headless shells first: Chromium's build for automation without a window (Debian's
 * chromium-headless-shell, Chrome for Testing's chrome-headless-shell) starts in a third of the full browser's
 * time and runs the same pages faster (BENCHMARKS.md); the full browsers run headless as well.
 */
const CANDIDATES = [
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chrome-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

const POINT = 'with --browser PATH or the CHROMIUM_PATH environment variable';

/** `purpose` names what needs the browser: "Screenshots", "--axe". */
export function findBrowser(explicit?: string, purpose = 'Screenshots'): string {
  if (explicit) {
    const problem = !existsSync(explicit)
      ? 'nothing is there'
      : !isExecutableFile(explicit)
        ? 'it is not an executable program'
        : null;
    if (problem) {
      throw new EnewsError('no-browser', `No browser at ${explicit}: ${problem}.`, {
        problems: [{ message: `Give the path of a Chromium or Chrome executable ${POINT}.` }],
      });
    }
    return explicit;
  }
  const found = CANDIDATES.find((c) => existsSync(c));
  if (!found) {
    throw new EnewsError(
      'no-browser',
      `${purpose} ${purpose.startsWith('-') ? 'needs' : 'need'} Chromium, and none was found.`,
      {
        problems: [
          {
            message: `Looked in: ${CANDIDATES.join(', ')}.`,
            hint:
              `Install Chrome or Chromium (Debian/Ubuntu: sudo apt-get install chromium), ` +
              `or give the path of one ${POINT}.`,
          },
        ],
      },
    );
  }
  return found;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Flags for a browser nobody looks at: no reaching out to Google services (a closed network refuses them
 * noisily), no throttling of a page without a window, colours as sRGB and no scroll bars in pictures.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-breakpad',
  '--disable-field-trial-config',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--force-color-profile=srgb',
  // Containers often give /dev/shm 64 MB, which a long email's renderer can run out of.
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
  '--password-store=basic',
  '--use-mock-keychain',
  // The network service (which only refuses here) in the browser's process rather than a process of its own.
  '--enable-features=NetworkServiceInProcess2',
];

/** A started Chromium: pages, then close (which removes its profile). */
export interface Browser {
  newPage(o: { width: number; height: number; colorScheme: ColorScheme }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(explicit?: string, purpose?: string): Promise<Browser> {
  const executablePath = findBrowser(explicit, purpose);
  let conn: CdpConnection;
  try {
    conn = await CdpConnection.start(executablePath, FLAGS);
  } catch (err) {
    throw new EnewsError('browser-failed', `Chromium at ${executablePath} did not start: ${(err as Error).message}`, {
      problems: [{ message: `Check that it runs (${executablePath} --version), or give another browser ${POINT}.` }],
    });
  }
  // The tab Chromium opens at its start is the first page: a new tab would cost a renderer's start (≈ 0.1 s).
  let initial: Promise<string | undefined> | null = conn
    .send('Target.getTargets')
    .then((r) => (r as { targetInfos: Array<{ type: string; targetId: string }> }).targetInfos)
    .then((targets) => targets.find((t) => t.type === 'page')?.targetId);
  return {
    newPage: async (o) => {
      const first = initial;
      initial = null;
      return Page.open(conn, o, await first?.catch(() => undefined));
    },
    close: () => conn.close(),
  };
}

/** Finds and starts headless Chromium for screenshots and browser checks. */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { EnewsError } from '../errors.js';

const CANDIDATES = [
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

export async function launchBrowser(explicit?: string, purpose?: string) {
  const executablePath = findBrowser(explicit, purpose);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new EnewsError('no-playwright', 'Screenshots need the playwright-core package, which is not installed.', {
      problems: [{ message: 'Run npm install playwright-core in the enews folder, then try again.' }],
    });
  }
  try {
    // Flags keep Chromium from reaching out to Google services, which a closed network refuses noisily.
    return await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    // Playwright's launch errors run to dozens of lines of browser log; the first says what happened.
    const first = String((err as Error)?.message ?? err)
      .split('\n')[0]!
      .replace(/^browserType\.launch:\s*/, '');
    throw new EnewsError('browser-failed', `Chromium at ${executablePath} did not start: ${first}`, {
      problems: [{ message: `Check that it runs (${executablePath} --version), or give another browser ${POINT}.` }],
    });
  }
}

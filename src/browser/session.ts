/**
 * One Chromium for a whole command: `check --axe` in three languages and
 * `build --axe --screenshots` launched it once per language and per feature
 * (six launches), and a launch costs more than the work it is for. The
 * browser starts on first use, so a command that turns out not to need it
 * never starts it; whoever made the session closes it.
 */
import { type Browser, launchBrowser } from './find-browser.js';
import type { Page } from './page.js';

export interface BrowserSession {
  /**
   * A fresh page with remote requests refused: offline and fast, the logo included (the first is the tab
   * Chromium starts with, each later one a tab in a context of its own; see page.ts).
   */
  page(o: { width: number; height: number; colorScheme: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

/** `executablePath`: CHROMIUM_PATH or --browser; `purpose`: the option named in a "not found" error. */
export function browserSession(executablePath?: string, purpose?: string): BrowserSession {
  let browser: Promise<Browser> | null = null;
  return {
    async page({ width, height, colorScheme }) {
      browser ??= launchBrowser(executablePath, purpose);
      return (await browser).newPage({ width, height, colorScheme });
    },
    async close() {
      const b = await browser?.catch(() => null);
      browser = null;
      await b?.close();
    },
  };
}

/** Runs `f` with a session of its own unless one is given, and closes only the one it made. */
export async function withSession<T>(
  given: BrowserSession | undefined,
  make: () => BrowserSession,
  f: (s: BrowserSession) => Promise<T>,
): Promise<T> {
  const session = given ?? make();
  try {
    return await f(session);
  } finally {
    if (!given) await session.close();
  }
}

/** A page kept for one purpose (axe, screenshots) and used by every language in turn. */
export interface SharedPage {
  /** Runs `f` on the page once the uses before it are done: a page shows one email at a time. */
  use<T>(f: (page: Page) => Promise<T>): Promise<T>;
}

const shared = new WeakMap<BrowserSession, Map<string, SharedPage>>();

/**
 * The session's page for `purpose`, made by `make` on first call; it closes with the session's browser. A
 * caller may call this early without using the page, so that Chromium starts while it does other work; a
 * failure to start is then reported by the first use.
 */
export function sharedPage(
  session: BrowserSession,
  purpose: string,
  make: (s: BrowserSession) => Promise<Page>,
): SharedPage {
  let pages = shared.get(session);
  if (!pages) shared.set(session, (pages = new Map()));
  const found = pages.get(purpose);
  if (found) return found;
  const ready = make(session);
  // Not unhandled while nobody waits for it yet: use() passes the failure on.
  let queue: Promise<unknown> = ready.catch(() => {});
  const made: SharedPage = {
    use(f) {
      const next = queue.then(() => ready).then(f);
      queue = next.catch(() => {});
      return next;
    },
  };
  pages.set(purpose, made);
  return made;
}

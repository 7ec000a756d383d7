/**
 * A page of a Chromium driven over the DevTools protocol (cdp.ts): the few things enews does with one (axe,
 * screenshots). The browser's profile is a new one of its own (cdp.ts); the first page is the tab it starts
 * with, each later one a tab in a context of its own. Every request a page would make to the network is
 * refused: the checks and pictures are offline and fast, the logo included.
 */
import { writeFileSync } from 'node:fs';
import type { CdpConnection } from './cdp.js';

export type ColorScheme = 'light' | 'dark';

/** How long an email's content may take to load (its remote requests are refused, so it is quick). */
const LOAD_TIMEOUT_MS = 30_000;

const WAIT_FOR_LOAD = `document.readyState === 'complete' ||
  new Promise((resolve) => addEventListener('load', () => resolve(true), { once: true }))`;

/** The whole document's size, as playwright-core measures it for a full-page picture. */
const FULL_SIZE = `document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => resolve({
  width: Math.max(document.body.scrollWidth, document.documentElement.scrollWidth, document.body.offsetWidth,
    document.documentElement.offsetWidth, document.body.clientWidth, document.documentElement.clientWidth),
  height: Math.max(document.body.scrollHeight, document.documentElement.scrollHeight, document.body.offsetHeight,
    document.documentElement.offsetHeight, document.body.clientHeight, document.documentElement.clientHeight),
}))))`;

export class Page {
  private constructor(
    private readonly conn: CdpConnection,
    /** The page's DevTools session (for a call this class does not make, as a test's Page.crash). */
    readonly session: string,
    private readonly frameId: string,
    /** As last set: a picture that fits in it needs nothing beyond the window. */
    private viewport: { width: number; height: number },
  ) {}

  /** A page on `target` (the tab Chromium starts with), else on a new tab in a context of its own. */
  static async open(
    conn: CdpConnection,
    o: { width: number; height: number; colorScheme: ColorScheme },
    target?: string,
  ): Promise<Page> {
    let targetId = target;
    if (!targetId) {
      const { browserContextId } = await conn.send('Target.createBrowserContext', { disposeOnDetach: true });
      ({ targetId } = (await conn.send('Target.createTarget', { url: 'about:blank', browserContextId })) as {
        targetId: string;
      });
    }
    const { sessionId } = (await conn.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    conn.on((e) => {
      if (e.method === 'Fetch.requestPaused' && e.sessionId === sessionId) {
        const { requestId } = e.params as { requestId: string };
        conn.send('Fetch.failRequest', { requestId, errorReason: 'Failed' }, sessionId).catch(() => {});
      } else if (e.method === 'Inspector.targetCrashed' && e.sessionId === sessionId) {
        conn.failSession(sessionId, 'The page crashed in Chromium');
      } else if (e.method === 'Target.detachedFromTarget' && e.params.sessionId === sessionId) {
        conn.failSession(sessionId, 'The page was closed in Chromium');
      }
    });
    const [, { frameTree }] = (await Promise.all([
      conn.send('Fetch.enable', { patterns: [{ urlPattern: 'http://*' }, { urlPattern: 'https://*' }] }, sessionId),
      conn.send('Page.getFrameTree', {}, sessionId),
      // For Inspector.targetCrashed: a renderer that dies answers nothing more.
      conn.send('Inspector.enable', {}, sessionId),
    ])) as [unknown, { frameTree: { frame: { id: string } } }, unknown];
    const page = new Page(conn, sessionId, frameTree.frame.id, { width: o.width, height: o.height });
    await Promise.all([page.setViewportSize(o), page.emulateMedia({ colorScheme: o.colorScheme })]);
    return page;
  }

  async setViewportSize({ width, height }: { width: number; height: number }): Promise<void> {
    this.viewport = { width, height };
    await this.conn.send(
      'Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile: false, screenWidth: width, screenHeight: height },
      this.session,
    );
  }

  async emulateMedia({ colorScheme }: { colorScheme: ColorScheme }): Promise<void> {
    await this.conn.send(
      'Emulation.setEmulatedMedia',
      { features: [{ name: 'prefers-color-scheme', value: colorScheme }] },
      this.session,
    );
  }

  /**
   * Writes `html` into the page's document and waits for its load event. The window stays (as with
   * document.open and write): what was added to it before, such as axe, is still there.
   */
  async setContent(html: string): Promise<void> {
    await this.conn.send('Page.setDocumentContent', { frameId: this.frameId, html }, this.session);
    await this.evaluate(WAIT_FOR_LOAD, { ms: LOAD_TIMEOUT_MS, fails: 'The page did not load' });
  }

  /**
   * The value of a JavaScript expression in the page (a promise is awaited), as JSON would carry it; `limit`
   * as for CdpConnection.send.
   */
  async evaluate(expression: string, limit?: { ms: number; fails: string }): Promise<unknown> {
    const r = (await this.conn.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.session,
      limit,
    )) as { result: { value?: unknown }; exceptionDetails?: Thrown };
    if (r.exceptionDetails) throw thrown(r.exceptionDetails);
    return r.result.value;
  }

  /** Runs a script (a library's source) in the page's window, where later expressions find what it defines. */
  async addScript(source: string): Promise<void> {
    const r = (await this.conn.send('Runtime.evaluate', { expression: source }, this.session)) as {
      exceptionDetails?: Thrown;
    };
    if (r.exceptionDetails) throw thrown(r.exceptionDetails);
  }

  /** The whole document as a PNG file at `file` (wider or longer than the window, as it is laid out); its size. */
  async screenshot(file: string): Promise<{ width: number; height: number }> {
    const size = (await this.evaluate(FULL_SIZE)) as { width: number; height: number };
    const fits = size.width <= this.viewport.width && size.height <= this.viewport.height;
    const { data } = (await this.conn.send(
      'Page.captureScreenshot',
      { format: 'png', clip: { x: 0, y: 0, ...size, scale: 1 }, captureBeyondViewport: !fits },
      this.session,
    )) as { data: string };
    writeFileSync(file, Buffer.from(data, 'base64'));
    return size;
  }
}

/** What Runtime.evaluate says of an exception thrown in the page. */
interface Thrown {
  text: string;
  exception?: { description?: string };
}

/** The exception's first line ("TypeError: …"), as the error of the call that ran it. */
function thrown(d: Thrown): Error {
  return new Error(`In the page: ${(d.exception?.description ?? d.text).split('\n')[0]}`);
}

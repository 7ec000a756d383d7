import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyDir } from '../../tests/helpers/project.js';
import { requireTool } from '../../tests/helpers/tools.js';
import { EnewsError } from '../errors.js';
import { CdpConnection } from './cdp.js';
import { type Browser, launchBrowser } from './find-browser.js';
import { Page } from './page.js';

/**
 * enews's own DevTools-protocol driver, on the browser the tests find (the headless shell where it is
 * installed) and on the full Chromium too when that is installed beside it: both are started by users.
 */
const found = requireTool('chromium');
const full = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
const browsers = [found, ...(full && /headless-shell$/.test(found) ? [full] : [])];

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The profiles Chromium runs with, in a TMPDIR of this test's own (other test files start Chromium too). */
function ownTmp<T>(f: (profiles: () => string[]) => Promise<T>): Promise<T> {
  const dir = emptyDir();
  const was = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return f(() => readdirSync(dir).filter((e) => e.startsWith('enews-chromium-'))).finally(() => {
    if (was === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = was;
  });
}

describe.each(browsers)('Chromium over the DevTools protocol (%s)', (executable) => {
  let browser: Browser;
  let server: Server;
  let requests = 0;
  let origin = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser(executable);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  test('a page refuses every request to the network: the server hears none, and the page still loads', async () => {
    const page = await browser.newPage({ width: 400, height: 300, colorScheme: 'light' });
    await page.setContent(
      `<link rel="stylesheet" href="${origin}/a.css"><img id="i" src="${origin}/logo.png">` +
        `<img src="https://127.0.0.1:1/x.png"><p>hello</p>`,
    );
    expect(await page.evaluate(`document.readyState + ' ' + document.querySelector('p').textContent`)).toBe(
      'complete hello',
    );
    expect(await page.evaluate(`document.getElementById('i').naturalWidth`)).toBe(0);
    expect(requests).toBe(0);
  });

  test('what a script defines stays in the window when the content is replaced (axe is loaded once for every language)', async () => {
    const page = await browser.newPage({ width: 400, height: 300, colorScheme: 'light' });
    await page.addScript('var library = { answer: 41 + 1 };');
    await page.setContent('<p lang="fr">un</p>');
    await page.setContent('<p lang="de">zwei</p>');
    expect(
      await page.evaluate(`[library.answer, document.querySelectorAll('p').length, document.body.textContent]`),
    ).toEqual([42, 1, 'zwei']);
  });

  test('an expression is awaited, and one that throws rejects with its message', async () => {
    const page = await browser.newPage({ width: 400, height: 300, colorScheme: 'light' });
    expect(await page.evaluate('new Promise((r) => setTimeout(() => r({ a: [1, "b"] }), 20))')).toEqual({
      a: [1, 'b'],
    });
    await expect(page.evaluate('null.x')).rejects.toThrow(/In the page: TypeError/);
    await expect(page.addScript('throw new Error("broken library")')).rejects.toThrow(/broken library/);
  });

  test('the window size and colour scheme are what the page sees; a picture is the whole document', async () => {
    const page = await browser.newPage({ width: 375, height: 200, colorScheme: 'dark' });
    await page.setContent(
      '<style>body{margin:0} div{height:900px;background:#fff} @media (prefers-color-scheme: dark){div{background:#000}}</style><div></div>',
    );
    expect(
      await page.evaluate(`[innerWidth, innerHeight, matchMedia('(prefers-color-scheme: dark)').matches]`),
    ).toEqual([375, 200, true]);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 700, height: 300 });
    expect(await page.evaluate(`[innerWidth, matchMedia('(prefers-color-scheme: dark)').matches]`)).toEqual([
      700,
      false,
    ]);
    const dir = emptyDir();
    await page.screenshot(path.join(dir, 'whole.png'));
    expect(pngSize(path.join(dir, 'whole.png'))).toEqual({ width: 700, height: 900 });
  });

  test('closing stops Chromium and removes the profile it had', () =>
    ownTmp(async (profiles) => {
      const b = await launchBrowser(executable);
      expect(profiles()).toHaveLength(1);
      await b.newPage({ width: 400, height: 300, colorScheme: 'light' });
      await b.close();
      expect(profiles()).toEqual([]);
      await b.close();
    }));
});

test('a page that crashes fails what waits on it, at once, and Chromium goes on serving its other pages', async () => {
  const conn = await CdpConnection.start(found, ['--headless', '--no-sandbox', '--disable-gpu']);
  try {
    const page = await Page.open(conn, { width: 400, height: 300, colorScheme: 'light' });
    const other = await Page.open(conn, { width: 400, height: 300, colorScheme: 'light' });
    const never = page.evaluate('new Promise(() => {})');
    const started = Date.now();
    conn.send('Page.crash', {}, page.session).catch(() => {});
    await expect(never).rejects.toThrow('The page crashed in Chromium');
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(page.evaluate('1')).rejects.toThrow();
    expect(await other.evaluate('6 * 7')).toBe(42);
  } finally {
    await conn.close();
  }
});

test("a profile a killed run left (its process gone) is removed by the next start; a running one's is kept", () =>
  ownTmp(async (profiles) => {
    const dir = process.env.TMPDIR!;
    // 99999999 is above Linux's largest process id: no process has it.
    mkdirSync(path.join(dir, 'enews-chromium-99999999-aB3dE9', 'Default'), { recursive: true });
    mkdirSync(path.join(dir, `enews-chromium-${process.ppid}-xY7kQ2`));
    const b = await launchBrowser(found);
    expect(profiles().filter((p) => !p.startsWith(`enews-chromium-${process.pid}-`))).toEqual([
      `enews-chromium-${process.ppid}-xY7kQ2`,
    ]);
    await b.close();
  }));

test('a program that is not a browser is a clear error, and leaves no profile behind', () =>
  ownTmp(async (profiles) => {
    const err = await launchBrowser('/bin/false').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnewsError);
    expect((err as EnewsError).code).toBe('browser-failed');
    expect((err as EnewsError).message).toBe('Chromium at /bin/false did not start: Chromium exited (code 1)');
    expect(profiles()).toEqual([]);
  }));

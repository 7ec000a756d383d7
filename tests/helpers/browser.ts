/**
 * Chromium driven by playwright-core, for the tests that use pages as a reader does (click, type, look at
 * what is laid out). enews itself drives Chromium over the DevTools protocol (src/browser/cdp.ts); the tests
 * keep playwright's richer page for what they do with one.
 */
import { type Browser, chromium } from 'playwright-core';

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}

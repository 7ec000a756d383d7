/**
 * The French and an Arabic version of No. 3 in real headless Chromium: usable on a phone, and the
 * Arabic one laid out right to left (html and text part). Arabic is a test fixture
 * (tests/fixtures/languages/ar.yaml plus Arabic texts for the intro and one item), not an example.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read, REPO, write } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

const AR_INTRO =
  'يسلط هذا العدد الجديد من نشرة التعاونيات الصادرة عن منظمة العمل الدولية الضوء على عدد من الأحداث ' +
  'والتطورات الأخيرة المتعلقة بالتعاونيات.';
const AR_TITLE = 'التعاونيات تقدم نموذجاً بديلاً لمستقبل العمل';

let browser: Browser;
let dir: string;
let build: { code: number; stderr: string };

/** Sets a path of a YAML file of the copied project (comments kept). */
function setIn(rel: string, at: Array<string | number>, value: unknown): void {
  const doc = parseDocument(read(dir, rel));
  doc.setIn(at, value);
  write(dir, rel, doc.toString());
}

beforeAll(async () => {
  dir = copyProject();
  edit(dir, 'issues/newsletter.yaml', 'languages: [en, fr, es]', 'languages: [en, fr, es, ar]');
  copyFileSync(path.join(REPO, 'tests/fixtures/languages/ar.yaml'), path.join(dir, 'templates/strings/ar.yaml'));
  setIn('issues/003.yaml', ['intro', 'ar'], AR_INTRO);
  const catalog = parseDocument(read(dir, 'issues/items.yaml'));
  const i = (catalog.toJS() as Array<{ id: string }>).findIndex((x) => x.id === 'coop-future-of-work');
  setIn('issues/items.yaml', [i, 'title', 'ar'], AR_TITLE);
  build = await enews(['build', '3'], dir);
  browser = await launchBrowser(requireTool('chromium'));
});

afterAll(async () => {
  await browser?.close();
});

async function open(rel: string, width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.route(/^https?:/, (route) => route.abort());
  await page.setContent(read(dir, rel), { waitUntil: 'load' });
  return page;
}

describe('French and Arabic versions in Chromium', () => {
  it('builds Arabic beside the others, its missing translations warnings that fall back to English', () => {
    expect(build.code, build.stderr).toBe(0);
    const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
    expect(m.languages.ar).toMatchObject({ folder: 'ar/', dir: 'rtl' });
    // The preheader, two item titles, three summaries… have no Arabic: one warning each, naming the field.
    expect(build.stderr).toMatch(
      /preheader has no Arabic \(ar\) translation, so the Arabic email shows the English text/,
    );
    expect(build.stderr).not.toMatch(/intro has no Arabic/);
  });

  for (const language of ['fr', 'ar']) {
    it(`${language}: no horizontal scrolling at 375 px`, async () => {
      const page = await open(`dist/003/${language}/email.html`, 375);
      const { scrollWidth, clientWidth, widest, leftmost } = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('h2, p')].map((e) => e.getBoundingClientRect());
        return {
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          widest: Math.max(...boxes.map((b) => b.right)),
          leftmost: Math.min(...boxes.map((b) => b.left)),
        };
      });
      expect(clientWidth).toBe(375);
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      expect(widest).toBeLessThanOrEqual(375);
      expect(leftmost).toBeGreaterThanOrEqual(0);
      await page.close();
    });
  }

  it('ar: the document is right to left, and its text starts at the right edge of the column', async () => {
    const html = read(dir, 'dist/003/ar/email.html');
    expect(html).toMatch(/<html[^>]*\bdir="rtl"/);
    expect(html).toMatch(/<html[^>]*\blang="ar"/);
    const page = await open('dist/003/ar/email.html', 700);
    const r = await page.evaluate((title) => {
      const h2 = [...document.querySelectorAll('h2')].find((e) => e.textContent?.trim() === title)!;
      const range = document.createRange();
      range.selectNodeContents(h2);
      const text = range.getBoundingClientRect();
      const box = h2.getBoundingClientRect();
      return {
        direction: getComputedStyle(h2).direction,
        textRight: text.right,
        boxRight: box.right,
        textLeft: text.left,
        boxLeft: box.left,
      };
    }, AR_TITLE);
    expect(r.direction).toBe('rtl');
    // A short right-to-left title hugs the right edge of its box, leaving the space on the left.
    expect(Math.abs(r.boxRight - r.textRight)).toBeLessThanOrEqual(2);
    expect(r.textLeft - r.boxLeft).toBeGreaterThan(50);
    await page.close();
  });

  it('ar: every line of the text part starts with a right-to-left mark; French has none', () => {
    const text = read(dir, 'dist/003/ar/email.txt');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((l) => !l.startsWith('\u200F'))).toEqual([]);
    expect(text).toContain(AR_INTRO.slice(0, 40));
    expect(read(dir, 'dist/003/fr/email.txt')).not.toContain('\u200F');
  });
});

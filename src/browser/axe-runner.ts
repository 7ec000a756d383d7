/**
 * axe-core in headless Chromium on the email, at phone and desktop widths,
 * in the light and the dark colour scheme. Each violating element is traced
 * to the nearest template marker (see checks/source-map.ts) so a finding
 * names its template line. Remote images are not fetched (offline, fast).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from './page.js';
import { type BrowserSession, browserSession, type SharedPage, sharedPage, withSession } from './session.js';

export const AXE_WIDTHS = [375, 700] as const;
export type Scheme = 'light' | 'dark';

export interface AxeNode {
  html: string;
  /** The marker of the element or its nearest marked ancestor, and whether it is the element's own. */
  marker: { n: number; own: boolean } | null;
  summary: string;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

export interface AxeRun {
  width: number;
  scheme: Scheme;
  violations: AxeViolation[];
}

interface RawResult {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    helpUrl: string;
    nodes: Array<{ html: string; target: unknown[]; failureSummary?: string }>;
  }>;
}

const AXE_RUN = `axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
})`;

/**
 * One page per session for every language, axe loaded into it once: each view is the page resized and switched
 * to its colour scheme, and the next language's email replaces the document in the same page. axe's first run in
 * a page costs several times a later one (V8 compiles and optimises it as it goes), and a page per language would
 * pay that, and a renderer's start, for each. Replacing the content keeps the window and its `axe` (setContent writes the new
 * document into the same one, as document.open and document.write do).
 */
export async function runAxe(
  html: string,
  opts: { executablePath?: string; session?: BrowserSession },
): Promise<AxeRun[]> {
  return withSession(
    opts.session,
    () => browserSession(opts.executablePath, '--axe'),
    (session) => axePage(session).use((page) => runViews(page, html)),
  );
}

async function runViews(page: Page, html: string): Promise<AxeRun[]> {
  // Every language starts from the first view, as it did on a page of its own.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: AXE_WIDTHS[0], height: 900 });
  await page.setContent(html);
  const runs: AxeRun[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of AXE_WIDTHS) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      const raw = (await page.evaluate(AXE_RUN)) as RawResult;
      const violations: AxeViolation[] = [];
      for (const v of raw.violations) {
        const targets = v.nodes.map((n) => String(n.target[0] ?? ''));
        const markers = (await page.evaluate(`(${MARKERS_OF})(${JSON.stringify(targets)})`)) as Array<
          AxeNode['marker']
        >;
        violations.push({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n, i) => ({
            html: n.html,
            marker: markers[i] ?? null,
            summary: n.failureSummary ?? '',
          })),
        });
      }
      runs.push({ width, scheme, violations });
    }
  }
  return runs;
}

/**
 * The session's axe page, starting Chromium and loading axe if that has not begun. A caller may call it early
 * and not wait, so that the start overlaps its own work; a failure to start is then reported by the first run.
 */
export function axePage(session: BrowserSession): SharedPage {
  return sharedPage(session, 'axe', async (s) => {
    const page = await s.page({ width: AXE_WIDTHS[0], height: 900, colorScheme: 'light' });
    await page.addScript(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    return page;
  });
}

/**
 * Runs in the page: the marker (data-enews-src, or an enews-src-N class) on or above each target.
 * A string, not a function's source: a compiler's helpers in that source would not exist there.
 */
const MARKERS_OF = `(targets) => targets.map((t) => {
  let e = null;
  try { e = document.querySelector(t); } catch (err) { return null; }
  for (let own = true; e; e = e.parentElement, own = false) {
    const attr = e.getAttribute('data-enews-src');
    if (attr !== null) return { n: Number(attr), own };
    const m = /(?:^|\\s)enews-src-(\\d+)(?:\\s|$)/.exec(e.getAttribute('class') || '');
    if (m) return { n: Number(m[1]), own };
  }
  return null;
})`;

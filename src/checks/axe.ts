/**
 * `enews check --axe`: axe-core's serious and critical violations, at both
 * widths and in both colour schemes, as errors at the template line of the
 * element (the run uses the marked render, filled for the sample subscriber,
 * see source-map.ts). Minor and moderate ones are listed as warnings.
 */
import type { Location, Warning } from '../errors.js';
import type { AxeRun } from '../browser/axe-runner.js';
import type { BrowserSession } from '../browser/session.js';

export async function checkAxe(
  marked: { html: string; sites: Location[] },
  opts: { executablePath?: string; session?: BrowserSession },
): Promise<{ runs: AxeRun[]; findings: Warning[] }> {
  const { runAxe } = await import('../browser/axe-runner.js');
  const runs = await runAxe(marked.html, opts);
  return { runs, findings: axeFindings(runs, marked.sites) };
}

/**
 * Starts the session's Chromium and loads axe into its page without waiting, so that it happens while the
 * caller prepares the issue (Chromium on the other core); a failure to start is reported by checkAxe.
 */
export async function startAxe(session: BrowserSession): Promise<void> {
  const { axePage } = await import('../browser/axe-runner.js');
  axePage(session);
}

export function axeFindings(runs: AxeRun[], sites: Location[]): Warning[] {
  const out = new Map<string, Warning>();
  for (const run of runs) {
    for (const v of run.violations) {
      const serious = v.impact === 'serious' || v.impact === 'critical';
      for (const node of v.nodes) {
        const location = node.marker ? sites[node.marker.n] : undefined;
        const key = `${v.id}|${location?.file}:${location?.line}`;
        const found = out.get(key);
        const where = `${run.width} px ${run.scheme}`;
        if (found) {
          if (!found.message.includes(where))
            found.message = found.message.replace(/ \(at ([^)]*)\)/, ` (at $1, ${where})`);
          continue;
        }
        out.set(key, {
          code: `axe-${v.id}`,
          ...(serious ? { severity: 'error' as const } : {}),
          message:
            `axe ${v.impact ?? ''} ${v.id}: ${v.help} (at ${where}): ${node.html.slice(0, 120)}` +
            `${node.summary ? ` — ${node.summary.replace(/\s+/g, ' ').trim()}` : ''} (${v.helpUrl})`,
          location,
        });
      }
    }
  }
  return [...out.values()];
}

/**
 * Client-support findings a team has looked at and accepts: `checks.acknowledged` in
 * newsletter.yaml, each by the feature's name as check prints it and with its reason. They are
 * counted, not listed, so a check can come out clean without hiding anything; an acknowledgement
 * that no finding needs any more (the template changed) is a warning at its line, so the list
 * stays true.
 */
import type { Location, Problem, Warning } from '../errors.js';
import { closest } from '../util/closest.js';
import { knownFeatures, type SupportFinding } from './client-support.js';
import type { CheckContext } from './context.js';

export interface Acknowledgement {
  feature: string;
  reason: string;
  location: Location;
}

export interface AcknowledgedFinding extends SupportFinding {
  reason: string;
}

const key = (feature: string) => feature.trim().toLowerCase();

/** newsletter.yaml's acknowledgements, each feature checked against the caniemail data. */
export function resolveAcknowledged(ctx: CheckContext): { acknowledged: Acknowledgement[]; problems: Problem[] } {
  const wanted = ctx.newsletter.checks?.acknowledged ?? [];
  if (wanted.length === 0) return { acknowledged: [], problems: [] };
  const known = new Map(knownFeatures().map((f) => [key(f), f]));
  const seen = new Set<string>();
  const acknowledged: Acknowledgement[] = [];
  const problems: Problem[] = [];
  wanted.forEach(({ feature, reason }, i) => {
    const location = ctx.newsletterAt(['checks', 'acknowledged', i, 'feature']);
    const name = known.get(key(feature));
    if (!name) {
      const near = closest(key(feature), known.keys(), 1)[0];
      problems.push({
        message: `checks.acknowledged: "${feature}" is not a feature in the caniemail data`,
        location,
        hint:
          (near ? `Did you mean "${known.get(near)}"? ` : '') +
          'Write the feature as enews check prints it, before the colon: "aria-label attribute", "@media".',
      });
    } else if (seen.has(key(name))) {
      problems.push({ message: `checks.acknowledged: "${feature}" is acknowledged twice`, location });
    } else {
      seen.add(key(name));
      acknowledged.push({ feature: name, reason, location });
    }
  });
  return { acknowledged, problems };
}

/** The findings still to list, those acknowledged (with why), and a warning for each acknowledgement nothing needs. */
export function applyAcknowledged(
  findings: SupportFinding[],
  acknowledgements: Acknowledgement[],
): { findings: SupportFinding[]; acknowledged: AcknowledgedFinding[]; unused: Warning[] } {
  const byFeature = new Map(acknowledgements.map((a) => [key(a.feature), a]));
  const open: SupportFinding[] = [];
  const acknowledged: AcknowledgedFinding[] = [];
  for (const f of findings) {
    const a = byFeature.get(key(f.feature));
    if (a) acknowledged.push({ ...f, reason: a.reason });
    else open.push(f);
  }
  const found = new Set(findings.map((f) => key(f.feature)));
  const unused = acknowledgements
    .filter((a) => !found.has(key(a.feature)))
    .map(
      (a): Warning => ({
        code: 'acknowledged-unused',
        message:
          `checks.acknowledged: "${a.feature}" is not a finding of this email (its templates do not use it, ` +
          'or the checked clients support it); remove it, so the list says what is true',
        location: a.location,
      }),
    );
  return { findings: open, acknowledged, unused };
}

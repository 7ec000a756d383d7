/**
 * The languages of `approval: { approvers: … }` in newsletter.yaml, checked once the newsletter's
 * languages are known, as the keys of `translations:` are (newsletter-languages.ts).
 */
import type { Problem } from '../errors.js';
import type { ApprovalConfig } from './approval-config.js';
import { canonicalLanguage } from './languages.js';
import { locate, type YamlSource } from './yaml-file.js';

/**
 * The approvers' languages in their canonical spelling; a key that is not one of the newsletter's
 * languages is a problem at its line, as in translations:.
 */
export function normaliseApprovers(
  src: YamlSource,
  config: ApprovalConfig | undefined,
  languages: readonly string[],
): { config: ApprovalConfig | undefined; problems: Problem[] } {
  if (!config?.approvers) return { config, problems: [] };
  const problems: Problem[] = [];
  const approvers: Record<string, string[]> = {};
  for (const [key, people] of Object.entries(config.approvers)) {
    const tag = canonicalLanguage(key);
    if (tag === null || !languages.includes(tag)) {
      problems.push({
        message: `approvers: ${key} is not one of the newsletter's languages (${languages.join(', ')})`,
        location: locate(src, ['approval', 'approvers', key], true),
        hint: 'Name the people under the language they approve, e.g. fr: ["Marie Dupont <marie@example.org>"].',
      });
      continue;
    }
    approvers[tag] = [...(approvers[tag] ?? []), ...people];
  }
  return { config: { ...config, approvers }, problems };
}

/**
 * Approvals in words, one way for every place that shows them: the refusal of a send, `enews
 * status` and `enews approve`, and the preview page.
 */
import { languageName } from '../content/languages.js';
import { formatNamedAddress } from '../util/named-address.js';
import { neutralize } from '../util/safe-text.js';
import type { Approval } from './approvals-file.js';
import type { ApprovalState } from './evaluate.js';

/** The part of a build hash people quote: 12 hex digits, as git shortens commits. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** 2026-12-07T15:40:12.345Z → 2026-12-07 15:40 UTC. */
export function approvalTime(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function languagesText(languages: readonly string[], of: readonly string[]): string {
  if (of.length > 1 && of.every((l) => languages.includes(l))) return 'every language';
  return languages.map((l) => `${languageName(l)} (${l})`).join(', ');
}

/** Whom a file names, made safe for a terminal and a page (a name is typed by people, in a file anyone can edit). */
export function person(p: { name: string; address: string }): string {
  return neutralize(formatNamedAddress(p));
}

/** One approval: who, what, when, and, for another build's, that it does not count. */
export function approvalLine(a: Approval, state: ApprovalState): string {
  const note = a.note ? ` ("${neutralize(a.note)}")` : '';
  const when = `on ${approvalTime(a.at)}${note}`;
  return a.build === state.build
    ? `${person(a.by)} approved ${languagesText(a.languages, state.languages)} of this build ${when}`
    : `${person(a.by)} approved build ${shortHash(a.build)} ${when}: another build, so stale and not counted`;
}

/** What is lacking: a line per language short of people (one for all when alike), per named person not heard from. */
export function missingLines(state: ApprovalState): string[] {
  const lines: string[] = [];
  const counts = state.missing.filter((m) => m.kind === 'count');
  // The usual case, no one yet for any language, reads as one line rather than one per language.
  const alike =
    state.languages.length > 1 &&
    counts.length === state.languages.length &&
    counts.every((m) => m.have === counts[0]!.have);
  for (const m of alike ? counts.slice(0, 1) : counts) {
    const more = m.need - m.have;
    const where = alike ? 'Every language' : `${languageName(m.language)} (${m.language})`;
    lines.push(`${where}: ${more} more approval${more === 1 ? '' : 's'} (${m.have} of ${m.need})`);
  }
  const people = new Map<string, { who: string; languages: string[] }>();
  for (const m of state.missing) {
    if (m.kind === 'count') continue;
    const entry = people.get(m.person.key) ?? { who: person(m.person), languages: [] };
    entry.languages.push(m.language);
    people.set(m.person.key, entry);
  }
  for (const { who, languages } of people.values()) {
    lines.push(`${who} has not approved ${languagesText(languages, state.languages)}`);
  }
  return lines;
}

/** What newsletter.yaml asks for, in a few words. */
export function policyText(state: ApprovalState): string {
  const p = state.policy;
  if (!p) return 'newsletter.yaml asks for no approval';
  const parts: string[] = [];
  if (p.required > 0) parts.push(`${p.required} ${p.required === 1 ? 'person' : 'people'} per language`);
  const named = new Set(Object.values(p.approvers).flatMap((people) => people.map((x) => x.key)));
  if (named.size > 0) parts.push(`${named.size} named approver${named.size === 1 ? '' : 's'}`);
  return `newsletter.yaml asks for ${parts.join(' and ')}`;
}

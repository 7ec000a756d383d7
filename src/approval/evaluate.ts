/**
 * Whether a build has the approvals newsletter.yaml asks for: a pure decision over the policy, the
 * approvals on file and the build's hash. An approval counts for the build whose hash it names and
 * for the languages it lists; one of any other build is stale and never counts. A person counts
 * once per language, however often they approved.
 */
import type { ApprovalConfig } from '../content/approval-config.js';
import { parseNamedAddress, type NamedAddress } from '../util/named-address.js';
import type { Approval } from './approvals-file.js';

export interface ApprovalPolicy {
  /** How many different people must approve each language (0: only the named approvers). */
  required: number;
  /** Per language, the people who must each approve it. */
  approvers: Record<string, NamedAddress[]>;
}

/** What is still lacking. */
export type MissingApproval =
  | { kind: 'count'; language: string; have: number; need: number }
  | { kind: 'person'; language: string; person: NamedAddress };

export interface ApprovalState {
  /** The hash of the build the approvals are weighed against. */
  build: string;
  languages: string[];
  policy: ApprovalPolicy | null;
  /** The approvals of this build, in the file's order. */
  current: Approval[];
  /** The approvals of other builds: shown, never counted. */
  stale: Approval[];
  missing: MissingApproval[];
  /** The policy is met (always, without one). */
  complete: boolean;
}

export function approvalPolicy(config: ApprovalConfig | undefined): ApprovalPolicy | null {
  if (!config) return null;
  const approvers = Object.fromEntries(
    Object.entries(config.approvers ?? {}).map(([language, people]) => [
      language,
      people.map((p) => parseNamedAddress(p) as NamedAddress),
    ]),
  );
  return { required: config.required ?? 0, approvers };
}

export function evaluateApprovals(
  policy: ApprovalPolicy | null,
  approvals: readonly Approval[],
  build: { hash: string; languages: readonly string[] },
): ApprovalState {
  const current = approvals.filter((a) => a.build === build.hash);
  const stale = approvals.filter((a) => a.build !== build.hash);
  const missing: MissingApproval[] = [];
  for (const language of build.languages) {
    const people = new Set(current.filter((a) => a.languages.includes(language)).map((a) => a.by.key));
    const need = policy?.required ?? 0;
    if (people.size < need) missing.push({ kind: 'count', language, have: people.size, need });
    for (const person of policy?.approvers[language] ?? []) {
      if (!people.has(person.key)) missing.push({ kind: 'person', language, person });
    }
  }
  return {
    build: build.hash,
    languages: [...build.languages],
    policy,
    current,
    stale,
    missing,
    complete: missing.length === 0,
  };
}

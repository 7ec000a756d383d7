/** What `enews approve` and `enews status` say about the approvals of a build. */
import type { Approval } from '../approval/approvals-file.js';
import type { ApprovalState } from '../approval/evaluate.js';
import type { ApprovalReport } from '../approval/gate.js';
import { approvalLine, missingLines, policyText, shortHash } from '../approval/words.js';
import { formatNamedAddress } from '../util/named-address.js';
import type { CliContext } from './context.js';

/**
 * The approvals of the build, and whether it can be sent, a line each. `changed`: why the build no
 * longer matches its sources, when it does not (no approval of it can be sent then).
 */
export function printApprovals(ctx: CliContext, number: number, state: ApprovalState, changed: string[] = []): void {
  ctx.output.out(`Approvals of build ${shortHash(state.build)} (${policyText(state)}):`);
  if (state.current.length + state.stale.length === 0) ctx.output.out('  none yet');
  for (const a of [...state.current, ...state.stale]) ctx.output.out(`  ${approvalLine(a, state)}`);
  if (changed.length > 0) {
    ctx.output.out(
      `  The build no longer matches its sources (${changed.join('; ')}): build it again; ` +
        'the new build needs approvals of its own.',
    );
    return;
  }
  if (!state.policy) return;
  if (state.complete) {
    ctx.output.out(`  Complete: issue ${number} can be sent to subscribers.`);
    return;
  }
  ctx.output.out('  Still missing before it can be sent to subscribers:');
  for (const line of missingLines(state)) ctx.output.out(`    ${line}`);
}

/** `enews status`'s lines about the approvals of the build in `dir`. */
export function printApprovalReport(ctx: CliContext, number: number, r: ApprovalReport, dir: string): void {
  if (!r.state) {
    ctx.output.out(
      `Approvals: issue ${number} has not been built in ${ctx.display(dir)}, so there is no build to approve.`,
    );
    return;
  }
  printApprovals(ctx, number, r.state, r.changed);
}

/** The same for --json. */
export function approvalJson(r: ApprovalReport): object {
  const s = r.state;
  const approval = (a: Approval) => ({
    by: formatNamedAddress(a.by),
    build: a.build,
    at: a.at,
    languages: a.languages,
    ...(a.note ? { note: a.note } : {}),
  });
  return {
    file: r.file,
    build: s?.build ?? null,
    complete: s ? s.complete && r.changed.length === 0 : false,
    required: s?.policy ? s.policy.required : 0,
    current: s?.current.map(approval) ?? [],
    stale: s?.stale.map(approval) ?? [],
    missing: s ? missingLines(s) : [],
    changed: r.changed,
  };
}

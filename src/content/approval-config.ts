/**
 * `approval:` in newsletter.yaml: what a build needs before `enews send` mails it to subscribers.
 * `required: N` asks for N different people's approval of each language; `approvers:` names, per
 * language, the people who must each approve it. Both may be given. Who approved what is in
 * issues/NNN.approvals.yaml (approval/approvals-file.ts), never here.
 */
import { z } from 'zod';
import { parseNamedAddress } from '../util/named-address.js';

/** `Jane Doe <jane@example.org>` or an address. */
export const namedAddress = z.string().superRefine((value, ctx) => {
  const check = parseNamedAddress(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
});

export const approvalConfigSchema = z
  .strictObject({
    required: z
      .number({ error: 'must be a whole number of people, e.g. 1' })
      .int('must be a whole number of people, e.g. 1')
      .min(1, 'must be at least 1 (leave approval: out for none)')
      .max(20, 'must be at most 20')
      .optional(),
    approvers: z
      .record(
        z.string(),
        z.array(namedAddress, { error: 'must be a list of people, each written as "Name <address>"' }).min(1),
        { error: 'must name people per language, e.g. fr: ["Marie Dupont <marie@example.org>"]' },
      )
      .optional(),
  })
  .refine((a) => a.required !== undefined || a.approvers !== undefined, {
    message: 'needs required: N (how many people approve each language), approvers: (who), or both',
  });

export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

/** The check every web address in the content starts with (links, the sign-up pages). */
import type { z } from 'zod';

/** Whether `value` is a complete http(s) address; says why not to `ctx`. False only when it cannot be parsed. */
export function checkWebAddress(value: string, ctx: z.RefinementCtx): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `is not a complete web address (https://…): "${value}"` });
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: `must start with https:// (got "${url.protocol}")` });
  }
  return true;
}

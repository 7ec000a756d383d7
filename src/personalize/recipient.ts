/**
 * The values that fill a recipient's slots, and everything else that is
 * personal in their message. Cheap by design: it runs once per recipient.
 */
import type { Newsletter } from '../content/schema.js';
import { composeMessage, messageIdFor, type MessageSkeleton } from '../mime/compose.js';
import { unsubscribeLinks, unsubscribeToken } from './unsubscribe.js';

export interface Recipient {
  email: string;
  /** Lower-cased address: identity for dedupe, journal and Message-ID. */
  key: string;
  name: string;
  /** Other CSV columns (merge fields), by column name. */
  fields: Readonly<Record<string, string>>;
}

export interface PersonalizeContext {
  newsletter: Newsletter;
  skeleton: MessageSkeleton;
  contentHash: string;
  /** UNSUBSCRIBE_SECRET; null leaves tokens out (samples, dry runs without a secret). */
  secret: string | null;
  /** Separates the Message-IDs of test sends from the real ones. */
  variant?: string;
  now?: () => Date;
}

export function slotValues(ctx: PersonalizeContext, r: Recipient, unsubscribeUrl: string): Record<string, string> {
  return {
    ...r.fields,
    name: r.name || ctx.newsletter.fallback_name,
    email: r.email,
    unsubscribe_url: unsubscribeUrl,
  };
}

/** The same values as slotValues, looked up on demand: no object built per recipient. */
function slotLookup(ctx: PersonalizeContext, r: Recipient, unsubscribeUrl: string): (name: string) => string {
  return (name) => {
    switch (name) {
      case 'name':
        return r.name || ctx.newsletter.fallback_name;
      case 'email':
        return r.email;
      case 'unsubscribe_url':
        return unsubscribeUrl;
      default:
        return r.fields[name] ?? '';
    }
  };
}

export interface PersonalMessage {
  messageId: string;
  raw: string;
}

export function personalize(ctx: PersonalizeContext, r: Recipient): PersonalMessage {
  const token = ctx.secret ? unsubscribeToken(ctx.secret, ctx.newsletter.list_id, r.key) : null;
  const links = unsubscribeLinks(ctx.newsletter, r.email, token);
  const messageId = messageIdFor(ctx.skeleton, ctx.contentHash, r.key, ctx.variant ?? '');
  const raw = composeMessage(ctx.skeleton, {
    name: r.name,
    email: r.email,
    messageId,
    date: ctx.now ? ctx.now() : new Date(),
    listUnsubscribe: links.header,
    oneClick: links.oneClick,
    slot: slotLookup(ctx, r, links.footer),
  });
  return { messageId, raw };
}

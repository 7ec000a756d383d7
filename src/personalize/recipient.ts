/**
 * The values that fill a recipient's slots, and everything else that is
 * personal in their message. Cheap by design: it runs once per recipient.
 */
import type { Newsletter } from '../content/schema.js';
import {
  composeMessage,
  composeWire,
  messageIdFor,
  type MessagePieces,
  type MessageSkeleton,
  type RecipientFields,
  type WireTemplate,
} from '../mime/compose.js';
import { escapeHtml, escapeText, fillSlots, type SlotTemplate } from '../render/slots.js';
import type { Recipient } from '../subscribers/subscriber.js';
import { sealToken } from './token.js';
import { preferencesLink, unsubscribeLinks } from './unsubscribe.js';

export type { Recipient } from '../subscribers/subscriber.js';

export interface PersonalizeContext {
  newsletter: Newsletter;
  skeleton: MessageSkeleton;
  contentHash: string;
  /** The issue number, carried by the unsubscribe link so an unsubscribe is attributed to its issue. */
  issue: number;
  /** UNSUBSCRIBE_SECRET; null leaves tokens out (samples, dry runs without a secret). */
  secret: string | null;
  /** Separates the Message-IDs of test sends from the real ones. */
  variant?: string;
  now?: () => Date;
}

/** A recipient's slot values, looked up on demand: no object built per recipient. */
function slotLookup(
  ctx: PersonalizeContext,
  r: Recipient,
  unsubscribeUrl: string,
  token: string | null,
): (name: string) => string {
  return (name) => {
    switch (name) {
      case 'name':
        return r.name || ctx.newsletter.fallback_name;
      case 'email':
        return r.email;
      case 'unsubscribe_url':
        return unsubscribeUrl;
      case 'preferences_url':
        return preferencesLink(ctx.newsletter, token);
      default:
        return r.fields[name] ?? '';
    }
  };
}

export interface PersonalMessage {
  messageId: string;
  raw: string;
}

/** What is personal in one message: its unsubscribe links and slot values. */
function personal(ctx: PersonalizeContext, r: Recipient) {
  const token = ctx.secret ? sealToken(ctx.secret, ctx.newsletter.list_id, r.key, ctx.issue) : null;
  const links = unsubscribeLinks(ctx.newsletter, token);
  return { links, slot: slotLookup(ctx, r, links.footer, token) };
}

/** Everything composing needs to know about one recipient. */
function recipientFields(ctx: PersonalizeContext, r: Recipient): RecipientFields {
  const { links, slot } = personal(ctx, r);
  return {
    name: r.name,
    email: r.email,
    messageId: messageIdFor(ctx.skeleton, ctx.contentHash, r.key, ctx.variant ?? ''),
    date: ctx.now ? ctx.now() : new Date(),
    listUnsubscribe: links.header,
    oneClick: links.oneClick,
    slot,
  };
}

/** The complete message for one recipient, as text (preview, build sample, tests). */
export function personalize(ctx: PersonalizeContext, r: Recipient): PersonalMessage {
  const fields = recipientFields(ctx, r);
  return { messageId: fields.messageId, raw: composeMessage(ctx.skeleton, fields) };
}

export interface WireMessage {
  messageId: string;
  /** The same message as `personalize` makes, as SMTP's DATA carries it (compose.ts, composeWire). */
  wire: Buffer;
  /** The same message as the pieces it was joined from. */
  pieces: MessagePieces;
}

/** The send path, once per recipient: the message as bytes ready for SMTP (`wire` is `wireTemplate(ctx.skeleton)`). */
export function personalizeWire(ctx: PersonalizeContext, wire: WireTemplate, r: Recipient): WireMessage {
  const fields = recipientFields(ctx, r);
  return { messageId: fields.messageId, ...composeWire(wire, fields) };
}

/** The message plus its HTML and text filled for that recipient, for reviewers (build sample, preview). */
export function personalizeForReview(
  ctx: PersonalizeContext,
  rendered: { html: SlotTemplate; text: SlotTemplate },
  r: Recipient,
) {
  const { slot } = personal(ctx, r);
  return {
    html: fillSlots(rendered.html, slot, escapeHtml),
    text: fillSlots(rendered.text, slot, escapeText),
    eml: personalize(ctx, r).raw,
  };
}

/**
 * The envelope sender (Return-Path) of a message: where returns go. With
 * VERP (variable envelope return path) each message gets its own address,
 * bounces+<id>@domain, whose id names the message (and through the send
 * journal the recipient and issue) even when a return quotes nothing of it.
 * The id is 24 hex digits of a hash of the Message-ID: short enough for any
 * local part (64), and unchanged by servers that lower-case addresses.
 */
import { createHash } from 'node:crypto';
import type { Newsletter } from '../content/schema.js';

export function verpId(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 24);
}

export function returnPath(newsletter: Newsletter, messageId: string): string {
  const base = newsletter.bounce_address ?? newsletter.from.address;
  if (!newsletter.verp) return base;
  const at = base.lastIndexOf('@');
  const local = base.slice(0, at);
  // An existing +tag keeps its place; the id goes after it.
  return `${local}+${verpId(messageId)}${base.slice(at)}`;
}

/** The VERP id in a return path (bounces+<id>@…), or null. */
export function verpIdOf(address: string): string | null {
  return /\+([0-9a-f]{24})@/i.exec(address)?.[1]?.toLowerCase() ?? null;
}

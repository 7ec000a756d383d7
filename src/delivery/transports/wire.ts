/**
 * A message that also carries its bytes as SMTP's DATA takes them (CRLF,
 * dot-stuffed: src/mime/dot-stuff.ts), so the SMTP transport does not
 * transform 23 KB per message. An optional extension of `OutgoingMessage`:
 * a transport that does not know it reads `raw`, which such a message
 * derives from the same bytes.
 */
import { unstuff } from '../../mime/dot-stuff.js';
import type { OutgoingMessage } from '../transport.js';

export interface StuffedMessage extends OutgoingMessage {
  /** The message after DATA, dot-stuffed, CRLF line ends, without the final "." line. */
  readonly wire: Buffer;
}

/** The message's bytes ready for DATA, when it carries them. */
export function wireOf(msg: OutgoingMessage): Buffer | null {
  const wire = (msg as Partial<StuffedMessage>).wire;
  return Buffer.isBuffer(wire) ? wire : null;
}

/** The message's bytes as they are to arrive (not stuffed): what DKIM signs. */
export function bytesOf(msg: OutgoingMessage): Buffer {
  const wire = wireOf(msg);
  return wire ? unstuff(wire) : Buffer.from(msg.raw, 'utf8');
}

/**
 * What a message may carry besides `raw`, each an optional extension of
 * `OutgoingMessage` that a transport which does not know it ignores:
 * - its bytes as SMTP's DATA takes them (CRLF, dot-stuffed:
 *   src/mime/dot-stuff.ts), so the SMTP transport does not transform 23 KB
 *   per message;
 * - the pieces it was joined from (src/mime/compose.ts, MessagePieces), so
 *   the DKIM signer canonicalises what every message of the issue shares
 *   once.
 * Such a message derives `raw` from the same bytes.
 */
import type { MessagePieces } from '../../mime/compose.js';
import { unstuff } from '../../mime/dot-stuff.js';
import type { OutgoingMessage } from '../transport.js';

export interface StuffedMessage extends OutgoingMessage {
  /** The message after DATA, dot-stuffed, CRLF line ends, without the final "." line. */
  readonly wire: Buffer;
}

export interface PiecedMessage extends StuffedMessage {
  /** The same message, not stuffed, as its pieces. */
  readonly pieces: MessagePieces;
}

/** The message's bytes ready for DATA, when it carries them. */
export function wireOf(msg: OutgoingMessage): Buffer | null {
  const wire = (msg as Partial<StuffedMessage>).wire;
  return Buffer.isBuffer(wire) ? wire : null;
}

/** The message's pieces, when it carries them. */
export function piecesOf(msg: OutgoingMessage): MessagePieces | null {
  return (msg as Partial<PiecedMessage>).pieces ?? null;
}

/** The message's bytes as they are to arrive (not stuffed): what DKIM signs. */
export function bytesOf(msg: OutgoingMessage): Buffer {
  const wire = wireOf(msg);
  return wire ? unstuff(wire) : Buffer.from(msg.raw, 'utf8');
}

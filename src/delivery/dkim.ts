/**
 * DKIM: the signer every transport uses on the final bytes of a message, so
 * a dry run's .eml carries the same signature the SMTP server would get
 * (its settings come from dkim-settings.ts). relaxed/relaxed, SHA-256, an
 * RSA key, and optionally an Ed25519 key besides it (RFC 8463).
 *
 * Why not nodemailer's signer, which this one reproduces byte for byte
 * (dkim.test.ts): it canonicalises and hashes the whole ~25 KB body of every
 * message in JavaScript, one byte at a time, through three streams: 1.5 ms
 * of CPU per message, 60 % of a signed send (BENCHMARKS.md). Here a message
 * that carries its pieces (compose.ts, MessagePieces) has the pieces every
 * message of the issue shares canonicalised once (dkim-body.ts); per message
 * only the slot values go through the byte loop, the rest is native hashing.
 * A message without pieces is signed from its bytes, the same way.
 *
 * The signature itself (RSA-2048: ~0.5 ms) is made in libuv's thread pool
 * (crypto.sign with a callback), off the event loop: on two cores the send
 * keeps composing and talking SMTP while the other core signs (measured:
 * BENCHMARKS.md).
 */
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { OutgoingMessage } from './transport.js';
import { preparePiece, RelaxedBody, type PreparedPiece } from './dkim-body.js';
import {
  addSignedValues,
  SignatureField,
  signedHeaders,
  type DkimAlgorithm,
  type SignedValues,
} from './dkim-header.js';
import type { DkimSettings } from './dkim-settings.js';
import { bytesOf, piecesOf } from './transports/wire.js';

export interface Signer {
  /** The DKIM-Signature field(s) for `msg` (RSA first), each ending in CRLF: they go before its first line. */
  fields(msg: OutgoingMessage): Promise<Buffer>;
}

/** How many messages were signed from their pieces, and from their bytes (for tests and benchmarks). */
export const counts = { fromPieces: 0, fromBytes: 0 };

interface Key {
  algorithm: DkimAlgorithm;
  field: SignatureField;
  /** Parsed once: a PEM string handed to sign() is parsed anew each time (1.7 ms of a 2.2 ms RSA signature). */
  key: KeyObject;
}

/** The first shared piece: the end of the header block and the start of the body. */
interface FirstPiece {
  values: SignedValues;
  body: PreparedPiece;
}

/** What the signer needs of the settings. */
export type SignerKeys = Omit<DkimSettings, 'rsaBits'>;

export function dkimSigner(settings: SignerKeys): Signer {
  const keys: Key[] = [
    {
      algorithm: 'rsa-sha256',
      field: new SignatureField('rsa-sha256', settings.domainName, settings.keySelector),
      key: createPrivateKey(settings.privateKey),
    },
  ];
  if (settings.ed25519)
    keys.push({
      algorithm: 'ed25519-sha256',
      field: new SignatureField('ed25519-sha256', settings.domainName, settings.ed25519.keySelector),
      key: createPrivateKey(settings.ed25519.privateKey),
    });
  const prepared = new WeakMap<Buffer, PreparedPiece>();
  const firsts = new WeakMap<Buffer, FirstPiece | null>();
  const piece = (b: Buffer) => {
    let p = prepared.get(b);
    if (!p) prepared.set(b, (p = preparePiece(b)));
    return p;
  };
  const first = (b: Buffer) => {
    let f = firsts.get(b);
    if (f === undefined) firsts.set(b, (f = firstPiece(b)));
    return f;
  };

  /** The signed header values (in message order) and the body hash. */
  const hashed = (msg: OutgoingMessage): { headers: SignedValues[]; bh: string } => {
    const pieces = piecesOf(msg);
    const f = pieces && ownHeadOnly(pieces.head) ? first(pieces.shared[0]!) : null;
    const hash = createHash('sha256');
    const body = new RelaxedBody(hash);
    if (pieces && f) {
      counts.fromPieces++;
      body.writePiece(f.body);
      for (let i = 0; i < pieces.values.length; i++) {
        body.writeString(pieces.values[i]!);
        body.writePiece(piece(pieces.shared[i + 1]!));
      }
      body.end();
      return { headers: [addSignedValues(latin1(pieces.head)), f.values], bh: hash.digest('base64') };
    }
    counts.fromBytes++;
    const bytes = bytesOf(msg);
    const at = headerEnd(bytes);
    const end = at < 0 ? bytes.length : at;
    body.write(bytes, end);
    body.end();
    return { headers: [addSignedValues(bytes.toString('latin1', 0, end))], bh: hash.digest('base64') };
  };

  return {
    async fields(msg) {
      const { headers, bh } = hashed(msg);
      const { canon, names } = signedHeaders(...headers);
      const fields = await Promise.all(keys.map((k) => signed(k, canon, names, bh)));
      return Buffer.from(fields.join(''), 'latin1');
    },
  };
}

async function signed(k: Key, canon: string, names: string, bh: string): Promise<string> {
  const head = k.field.head(names, bh);
  const data = Buffer.from(SignatureField.data(canon, head), 'latin1');
  // RFC 8463 §3: Ed25519 signs the SHA-256 hash of what RSA-SHA256 signs.
  const signature =
    k.algorithm === 'rsa-sha256'
      ? await signAsync('sha256', data, k.key)
      : await signAsync(null, createHash('sha256').update(data).digest(), k.key);
  return SignatureField.complete(head, signature);
}

function signAsync(algorithm: string | null, data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign(algorithm, data, key, (err, s) => (err ? reject(err) : resolve(s))));
}

/** The message with its DKIM-Signature field(s) in front (the dry run writes it to a file). */
export async function signedBytes(signer: Signer, msg: OutgoingMessage): Promise<Buffer> {
  return Buffer.concat([await signer.fields(msg), bytesOf(msg)]);
}

/**
 * Where the header block ends (after its empty line), as nodemailer's signer finds it: after the first LF that
 * follows an LF, or a CR after an LF; -1 when there is none (the message is all header).
 */
function headerEnd(bytes: Buffer): number {
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    const p1 = bytes[i - 1];
    if (i >= 1 && (p1 === 0x0a || (p1 === 0x0d && i >= 2 && bytes[i - 2] === 0x0a))) return i + 1;
  }
  return -1;
}

/**
 * Whether `head` is a run of complete header lines with no end of the header block in it, so the block ends in
 * the first shared piece (else the message is signed from its bytes).
 */
function ownHeadOnly(head: string): boolean {
  return head.length > 2 && head.endsWith('\r\n') && !/^[\r\n]|\n\r?\n/.test(head);
}

/** The first shared piece after a head that ended in CRLF; null when the header block does not end in it. */
function firstPiece(b: Buffer): FirstPiece | null {
  // A piece starting with whitespace would continue the head's last field.
  if (b.length === 0 || b[0] === 0x20 || b[0] === 0x09) return null;
  const end = headerEnd(Buffer.concat([CRLF, b])) - CRLF.length;
  if (end < 0) return null;
  return { values: addSignedValues(b.toString('latin1', 0, end)), body: preparePiece(b.subarray(end)) };
}

const CRLF = Buffer.from('\r\n');

/** Header text as one character per byte, as the signer reads it. */
function latin1(head: string): string {
  return /^[\x00-\x7f]*$/.test(head) ? head : Buffer.from(head, 'utf8').toString('latin1');
}

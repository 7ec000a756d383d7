/**
 * A feed's bytes, from a file or over HTTP(S) (http-get.ts), within limits: at most MAX_FEED_BYTES
 * (a larger feed is refused without reading it all) and at most `timeoutMs` for the whole answer.
 * Over HTTP the validators of the last pull go along (If-None-Match, If-Modified-Since), and a 304 means
 * "unchanged": nothing to download. A server that does not answer, or answers with an error, is
 * exit 4 (try again later); a feed that is too big or in an unknown encoding is exit 1.
 */
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { EnewsError, ExitCode } from '../errors.js';
import { httpGet } from './http-get.js';

export const MAX_FEED_BYTES = 10 * 1024 * 1024;

export interface Validators {
  etag?: string;
  last_modified?: string;
}

export type SourceRead =
  | { kind: 'unchanged' }
  | { kind: 'read'; text: string; validators: Validators; contentType: string | null };

export interface ReadOptions {
  timeoutMs: number;
  maxBytes?: number;
  /** Sent as If-None-Match / If-Modified-Since; absent: the whole feed is asked for. */
  validators?: Validators;
}

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

function tooBig(where: string, max: number, size?: number): EnewsError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  return new EnewsError(
    'feed-too-big',
    `${where} is ${size ? mb(size) : `over ${mb(max)}`}: enews reads feeds of at most ${mb(max)}.`,
    {
      problems: [
        {
          message: 'A feed lists recent entries; ask the website for a feed of the latest ones (most offer 10 to 50).',
        },
      ],
    },
  );
}

/** The file at `file` (absolute), refused unread when it is over the limit. */
export function readFileSource(file: string, display: string, maxBytes = MAX_FEED_BYTES): SourceRead {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnewsError(
      'feed-missing',
      `${display} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}.`,
      {
        problems: [
          {
            message:
              'A feed given as a file is read from the project folder (or, typed after pull, from where you are).',
          },
        ],
      },
    );
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw tooBig(display, maxBytes, size);
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { kind: 'read', text: decode(bytes.subarray(0, read), null, display), validators: {}, contentType: null };
  } finally {
    closeSync(fd);
  }
}

export async function readUrlSource(url: string, opts: ReadOptions): Promise<SourceRead> {
  const maxBytes = opts.maxBytes ?? MAX_FEED_BYTES;
  const headers: Record<string, string> = {};
  if (opts.validators?.etag) headers['if-none-match'] = opts.validators.etag;
  if (opts.validators?.last_modified) headers['if-modified-since'] = opts.validators.last_modified;
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  let answer = await httpGet(url, { timeoutMs: opts.timeoutMs, maxBytes, accept: ACCEPT, headers });
  if (answer.kind === 'not-modified') {
    if (opts.validators) return { kind: 'unchanged' };
    answer = { kind: 'status', status: 304, statusText: 'Not Modified' };
  }
  if (answer.kind === 'unreachable') {
    throw new EnewsError(
      'feed-unreachable',
      answer.timedOut
        ? `${url} did not answer within ${seconds} s; nothing was changed.`
        : `${url} could not be reached (${answer.cause}); nothing was changed.`,
      {
        exitCode: ExitCode.stopped,
        problems: [{ message: 'Check the address and the network, then run the same command again.' }],
      },
    );
  }
  if (answer.kind === 'status') {
    const { status } = answer;
    throw new EnewsError('feed-http-error', `${url} answered ${status} ${answer.statusText}; nothing was changed.`, {
      exitCode: ExitCode.stopped,
      problems: [
        {
          message:
            status === 404 || status === 410
              ? 'The feed is not (or no longer) there: check its address in newsletter.yaml (feeds:).'
              : status >= 500
                ? 'The website has a problem of its own: run the same command again later.'
                : 'The website refused the request: check the address, then run the same command again.',
        },
      ],
    });
  }
  if (answer.kind === 'too-big') throw tooBig(url, maxBytes, answer.size ?? undefined);
  const contentType = answer.headers.get('content-type');
  const validators: Validators = {};
  const etag = answer.headers.get('etag');
  const lastModified = answer.headers.get('last-modified');
  if (etag && etag.length <= 1000) validators.etag = etag;
  if (lastModified && lastModified.length <= 200) validators.last_modified = lastModified;
  return { kind: 'read', text: decode(answer.bytes, contentType, url), validators, contentType };
}

/**
 * Bytes as text: a byte-order mark decides, else the XML declaration's encoding, else the
 * Content-Type's charset, else UTF-8 (JSON Feed's, and XML's default).
 */
export function decode(bytes: Buffer, contentType: string | null, where: string): string {
  let label = 'utf-8';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) label = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else {
    const head = bytes.subarray(0, 200).toString('latin1');
    const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
    const charset = /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType ?? '')?.[1];
    label = declared ?? charset ?? 'utf-8';
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new EnewsError('feed-encoding', `${where} is written in the encoding "${label}", which enews cannot read.`, {
      problems: [{ message: 'Ask for the feed in UTF-8, the encoding of nearly every feed.' }],
    });
  }
  return decoder.decode(bytes);
}

/**
 * One GET of something a website serves (a feed, an entry's picture), within limits: at most
 * `maxBytes` (refused unread when the Content-Length says more, else as soon as the count of what
 * arrived passes it) and at most `timeoutMs` for the whole answer, body included. Only http and
 * https. The answer is a value, not an error: a feed that cannot be read stops a pull, a picture
 * that cannot be read is a warning, and each caller words it its own way.
 */
import { VERSION } from '../version.js';

export interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
  /** What the caller wants (`image/*`, a feed's types). */
  accept: string;
  /** Sent as they are (If-None-Match, If-Modified-Since). */
  headers?: Record<string, string>;
}

export type GetAnswer =
  | { kind: 'ok'; bytes: Buffer; headers: Headers }
  /** 304 to a conditional request. */
  | { kind: 'not-modified' }
  | { kind: 'status'; status: number; statusText: string }
  /** `size` when the server declared it. */
  | { kind: 'too-big'; size: number | null }
  | { kind: 'unreachable'; timedOut: boolean; cause: string };

export async function httpGet(url: string, opts: GetOptions): Promise<GetAnswer> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return { kind: 'unreachable', timedOut: false, cause: 'not a web address' };
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    return { kind: 'unreachable', timedOut: false, cause: `${protocol} is not http or https` };
  }
  const headers = { accept: opts.accept, 'user-agent': `enews/${VERSION} (feed reader)`, ...opts.headers };
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const stopped = (err: unknown): GetAnswer => {
    const timedOut = signal.aborted || (err as Error)?.name === 'TimeoutError';
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    return { kind: 'unreachable', timedOut, cause: cause?.code ?? cause?.message ?? String((err as Error)?.message) };
  };
  let response: Response;
  try {
    // fetch follows redirects to http(s) only: a redirect cannot turn the request into a file read.
    response = await fetch(url, { headers, redirect: 'follow', signal });
  } catch (err) {
    return stopped(err);
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { kind: 'not-modified' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: 'status', status: response.status, statusText: response.statusText };
  }
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && Number.isFinite(declared) && declared > opts.maxBytes) {
    await response.body?.cancel();
    return { kind: 'too-big', size: declared };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > opts.maxBytes) {
        await reader.cancel();
        return { kind: 'too-big', size: null };
      }
      chunks.push(value);
    }
  } catch (err) {
    return stopped(err);
  }
  return { kind: 'ok', bytes: Buffer.concat(chunks), headers: response.headers };
}

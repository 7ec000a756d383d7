/**
 * `enews check --links`: every distinct link and image of the sample email
 * requested once, a few at a time, each with a time limit. HEAD first (no
 * body to fetch); a server that refuses HEAD (or errs on it) is asked again
 * with GET, whose body is dropped unread. Redirects are followed one hop at
 * a time so each is reported. Off by default: it needs the network.
 *
 * A picture enews made and publishes (images/publish.ts) must answer with the very bytes the build
 * made: it is fetched whole (GET) and its hash compared, so a site that was not published again after
 * a changed picture is caught before the send, not by subscribers.
 */
import { createHash } from 'node:crypto';
import type { Location, Warning } from '../errors.js';
import type { CheckContext } from './context.js';
import type { EmailDoc } from './email-doc.js';

export interface LinkTarget {
  url: string;
  kind: 'link' | 'image';
  location?: Location;
  /** For a picture enews published: the sha256 of the bytes it must answer with. */
  sha256?: string;
}

export interface LinkResult extends LinkTarget {
  /** Final status, after redirects; undefined when no answer came. */
  status?: number;
  /** Each hop: "301 https://…". */
  redirects: string[];
  error?: string;
  /** A published picture that answered with other bytes: how many it sent. */
  otherBytes?: number;
}

/** The most a published picture may send before it is taken as the wrong file (enews makes far smaller ones). */
const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

export interface LinkOptions {
  concurrency?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /**
   * Answers already asked for, by address: an issue in several languages links to mostly the same
   * addresses, and each is requested once for all of them (the result then carries each language's
   * own location).
   */
  cache?: Map<string, Promise<LinkResult>>;
}

export function linkTargets(doc: EmailDoc, ctx: CheckContext): LinkTarget[] {
  const seen = new Map<string, LinkTarget>();
  for (const el of doc.elements) {
    const url = el.name === 'a' ? el.attribs.href : el.name === 'img' ? el.attribs.src : undefined;
    if (!url || !/^https?:\/\//i.test(url) || seen.has(url)) continue;
    seen.set(url, {
      url,
      kind: el.name === 'a' ? 'link' : 'image',
      location: ctx.itemAt(url) ?? doc.site(el)?.location,
    });
  }
  return [...seen.values()];
}

/**
 * `targets` with each published picture's expected hash, and the published pictures the email does not
 * show itself (the web version's 1× and WebP files) added, each at the line that names its picture.
 */
export function withImageTargets(
  targets: LinkTarget[],
  images: ReadonlyArray<{ url: string; sha256: string; location?: Location }>,
): LinkTarget[] {
  const byUrl = new Map(images.map((i) => [i.url, i]));
  const out = targets.map((t) => {
    const image = byUrl.get(t.url);
    return image ? { ...t, sha256: image.sha256, ...(image.location ? { location: image.location } : {}) } : t;
  });
  const seen = new Set(out.map((t) => t.url));
  for (const i of images) {
    if (seen.has(i.url)) continue;
    seen.add(i.url);
    out.push({ url: i.url, kind: 'image', sha256: i.sha256, ...(i.location ? { location: i.location } : {}) });
  }
  return out;
}

export async function checkLinks(targets: LinkTarget[], opts: LinkOptions = {}): Promise<LinkResult[]> {
  const results: LinkResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      let answer = opts.cache?.get(target.url);
      if (!answer) {
        answer = checkOne(target, opts);
        opts.cache?.set(target.url, answer);
      }
      results[i] = { ...(await answer), ...target };
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 6, targets.length) }, worker));
  return results;
}

async function checkOne(target: LinkTarget, opts: LinkOptions): Promise<LinkResult> {
  const redirects: string[] = [];
  let url = target.url;
  for (let hop = 0; hop <= (opts.maxRedirects ?? 10); hop++) {
    let res: Response;
    let body: { bytes: number; sha256: string } | null = null;
    try {
      if (target.sha256) {
        ({ res, body } = await download(url, opts.timeoutMs ?? 10_000));
      } else {
        res = await request(url, 'HEAD', opts.timeoutMs ?? 10_000);
        // Some servers refuse HEAD (405, 501) or answer it wrongly: ask as a browser would.
        if (res.status >= 400 && res.status !== 404 && res.status !== 410) {
          res = await request(url, 'GET', opts.timeoutMs ?? 10_000);
        }
      }
    } catch (err) {
      const e = err as Error;
      const why = e.name === 'TimeoutError' ? `no answer within ${(opts.timeoutMs ?? 10_000) / 1000} s` : cause(e);
      return { ...target, redirects, error: why };
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      redirects.push(`${res.status} ${url}`);
      continue;
    }
    const otherBytes = body && res.status < 300 && body.sha256 !== target.sha256 ? { otherBytes: body.bytes } : {};
    return { ...target, status: res.status, redirects, ...otherBytes };
  }
  return { ...target, redirects, error: `more than ${opts.maxRedirects ?? 10} redirects` };
}

async function request(url: string, method: 'HEAD' | 'GET', timeoutMs: number): Promise<Response> {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { 'User-Agent': 'enews-link-check', Accept: '*/*' },
  });
  await res.body?.cancel();
  return res;
}

/** GET with the body read and hashed, up to MAX_IMAGE_BYTES (more is the wrong file anyway). */
async function download(
  url: string,
  timeoutMs: number,
): Promise<{ res: Response; body: { bytes: number; sha256: string } | null }> {
  const res = await fetch(url, {
    method: 'GET',
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { 'User-Agent': 'enews-link-check', Accept: 'image/*' },
  });
  if (res.status >= 300 || !res.body) {
    await res.body?.cancel();
    return { res, body: null };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (bytes > MAX_IMAGE_BYTES) break;
    hash.update(chunk);
  }
  return { res, body: { bytes, sha256: hash.digest('hex') } };
}

function cause(e: Error): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? e.message;
}

/** Broken links and images are errors, at the content or template line that gives them. */
export function linkFindings(results: LinkResult[]): Warning[] {
  return results.flatMap((r): Warning[] => {
    const what = r.kind === 'image' ? 'image' : 'link';
    const via = r.redirects.length ? ` (after ${r.redirects.length} redirect(s), last ${r.redirects.at(-1)})` : '';
    if (r.error) {
      return [
        {
          code: 'broken-link',
          severity: 'error',
          message: `${what} ${r.url}: ${r.error}${via}; check the address, or that the site is up`,
          location: r.location,
        },
      ];
    }
    if (r.sha256 && r.status !== undefined && (r.status === 404 || r.status === 410)) {
      return [
        {
          code: 'broken-link',
          severity: 'error',
          message:
            `picture ${r.url} answers ${r.status}: it is not published yet; run enews site and publish the ` +
            'site/ folder at site.base_url, then check again',
          location: r.location,
        },
      ];
    }
    if (r.otherBytes !== undefined) {
      return [
        {
          code: 'broken-link',
          severity: 'error',
          message:
            `picture ${r.url} answers with other bytes than the build made (${r.otherBytes} bytes${via}); ` +
            'publish the site/ folder again (enews site) so subscribers see the picture that was reviewed',
          location: r.location,
        },
      ];
    }
    if (r.status !== undefined && r.status >= 400) {
      return [
        {
          code: 'broken-link',
          severity: 'error',
          message: `${what} ${r.url} answers ${r.status}${via}; fix or replace the address`,
          location: r.location,
        },
      ];
    }
    return [];
  });
}

/**
 * The subscriber endpoint as a Hono app: the unsubscribe page and the RFC
 * 8058 one-click POST on the path of `unsubscribe.url`, and /healthz.
 *
 * A GET never unsubscribes (mail scanners such as Safe Links fetch every
 * link in a message); a POST records the unsubscribe durably before it
 * answers 200. Everything the handler needs from its platform (opening a
 * token, recording an event) is passed in, so the same app can run behind
 * Node (serve/node.ts) or on a serverless platform.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { confirmPage, errorPage, unsubscribePage, type PageIdentity } from './pages.js';

export interface ServeDeps {
  identity: PageIdentity;
  listId: string;
  /** The path of unsubscribe.url, e.g. /coop/enews/unsubscribe. */
  path: string;
  /** The address a token was sealed for, or null (foreign, altered, truncated). */
  open(token: string): { listId: string; address: string } | null;
  /** Whether this address already unsubscribed (a second POST records nothing). */
  alreadyUnsubscribed(address: string): boolean;
  /** Records the unsubscribe; resolves once it is on disk; rejects when it cannot be recorded. */
  record(u: { address: string; source: 'one-click' | 'page'; issue: number | null }): Promise<void>;
  /** Largest request body accepted, in bytes. */
  maxBody: number;
  /** Why unsubscribes cannot be recorded right now (e.g. a damaged events file), or null when all is well. */
  problem(): string | null;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function createServeApp(d: ServeDeps): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  // For the proxy and monitoring: 503 while unsubscribes cannot be recorded.
  app.get('/healthz', (c) => (d.problem() ? c.text('cannot record unsubscribes\n', 503) : c.text('ok\n')));

  const tokenOf = (c: Context) => {
    const t = c.req.query('t') ?? '';
    const opened = t ? d.open(t) : null;
    return opened && opened.listId === d.listId ? { token: t, address: opened.address } : null;
  };
  const issueOf = (c: Context): number | null => {
    const i = Number(c.req.query('i'));
    return Number.isInteger(i) && i > 0 && i < 1e6 ? i : null;
  };
  const html = (c: Context, status: 200 | 400 | 404 | 405 | 413 | 503, body: string) => c.html(body, status);
  const invalid = (c: Context) =>
    html(
      c,
      400,
      errorPage(
        d.identity,
        'This unsubscribe link is not valid',
        'It may have been cut short or changed. Use the link in the newsletter itself, ' +
          'or reply to it and ask to be removed.',
      ),
    );

  app.get(d.path, (c) => {
    const who = tokenOf(c);
    if (!who) return invalid(c);
    const action = `?${new URLSearchParams({ t: who.token, ...(issueOf(c) ? { i: String(issueOf(c)) } : {}) })}`;
    return html(
      c,
      200,
      unsubscribePage(d.identity, maskAddress(who.address), action, d.alreadyUnsubscribed(who.address)),
    );
  });

  app.post(
    d.path,
    bodyLimit({
      maxSize: d.maxBody,
      onError: (c) =>
        html(c, 413, errorPage(d.identity, 'Request too large', 'An unsubscribe request is a few bytes.')),
    }),
    async (c) => {
      const who = tokenOf(c);
      if (!who) return invalid(c);
      // RFC 8058: the body is List-Unsubscribe=One-Click, urlencoded or multipart; any body is accepted.
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const source = body['List-Unsubscribe'] === 'One-Click' ? 'one-click' : 'page';
      if (!d.alreadyUnsubscribed(who.address)) {
        try {
          await d.record({ address: who.address, source, issue: issueOf(c) });
        } catch {
          // Never say "done" for something that is not recorded.
          return html(
            c,
            503,
            errorPage(
              d.identity,
              'Please try again later',
              'Your request could not be recorded just now. Nothing was changed.',
            ),
          );
        }
      }
      return html(c, 200, confirmPage(d.identity, maskAddress(who.address)));
    },
  );

  app.all(d.path, (c) => {
    c.header('Allow', 'GET, POST');
    return html(c, 405, errorPage(d.identity, 'Method not allowed', 'Open the link from the newsletter.'));
  });
  app.notFound((c) => html(c, 404, errorPage(d.identity, 'Not found', 'There is nothing at this address.')));
  return app;
}

/** z***n@example.org: enough for a person to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const chars = [...local];
  const shown = chars.length <= 2 ? `${chars[0] ?? ''}***` : `${chars[0]}***${chars[chars.length - 1]}`;
  return `${shown}${address.slice(at)}`;
}

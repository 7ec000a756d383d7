/**
 * The subscriber endpoint as a Hono app: the unsubscribe page and the RFC
 * 8058 one-click POST on the path of `unsubscribe.url`, and /healthz.
 *
 * A GET never unsubscribes (mail scanners such as Safe Links fetch every
 * link in a message); a POST records the unsubscribe durably before it
 * answers 200. Everything the handler needs from its platform (opening a
 * token, recording an event) is passed in, so the same app can run behind
 * Node (serve/node.ts) or on a serverless platform. With newsletter.yaml's
 * `subscribe:`, the sign-up and preferences pages answer beside it
 * (subscription-routes.ts).
 */
import { Hono, type Context } from 'hono';
import { languageDetector } from 'hono/language';
import { matchLanguage, textDirection } from '../content/languages.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import type { Newsletter } from '../content/schema.js';
import type { Strings } from '../render/strings.js';
import {
  confirmPage,
  DEFAULT_PAGE_WORDS,
  errorPage,
  type PageIdentity,
  type PageKey,
  type PageWords,
  pageWords,
  unsubscribePage,
} from './pages.js';
import { readFormBody } from './form-body.js';
import { maskAddress } from './mask.js';
import { type SubscriptionDeps, subscriptionRoutes } from './subscription-routes.js';

/** One language the pages speak: the newsletter's title in it and its words (the strings' unsubscribe_page). */
export interface ServeLanguage {
  language: string;
  title: string;
  words: PageWords;
}

export interface ServeDeps {
  identity: PageIdentity;
  /**
   * The languages of the pages, the default first (render/strings.ts, serveLanguages). Left out:
   * the identity's language, in the English words of DEFAULT_PAGE_WORDS.
   */
  languages?: ServeLanguage[];
  listId: string;
  /** The path of unsubscribe.url, e.g. /coop/enews/unsubscribe. */
  path: string;
  /**
   * What a token was sealed for, or null (foreign, altered, truncated, not in its one spelling). `issue`: the
   * issue whose message carried it, when the token says (it is sealed in, so nobody can attribute an
   * unsubscribe to another issue).
   */
  open(token: string): { listId: string; address: string; issue: number | null } | null;
  /** Whether this address already unsubscribed, as the list state says now (for the page's wording). */
  alreadyUnsubscribed(address: string): Promise<boolean>;
  /**
   * Records the unsubscribe, once however often it is asked for (the store decides, against its current state);
   * resolves once it is durable; rejects when it cannot be recorded.
   */
  record(u: { address: string; source: 'one-click' | 'page'; issue: number | null }): Promise<void>;
  /** Largest request body accepted, in bytes. */
  maxBody: number;
  /**
   * Why unsubscribes cannot be recorded right now (damaged, not writable, disk full…), or null when all is
   * well; meanwhile every POST gets 503.
   */
  problem(): Promise<string | null>;
  /** Says why the endpoint answers 503, once per reason (for the service's log). */
  log?(line: string): void;
  /** The sign-up, confirmation and preferences pages, when the newsletter has them. */
  subscription?: SubscriptionDeps;
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

/**
 * The pages' languages from the newsletter and its loaded strings (render/strings.ts, loadStrings
 * of the newsletter's languages): for `languages` in ServeDeps. The title is the one the language's
 * emails show (translations: in newsletter.yaml).
 */
export function serveLanguages(newsletter: Newsletter, strings: Strings): ServeLanguage[] {
  return [...strings.values()].map((file) => {
    const messages: Record<string, string> = {};
    for (const [key, v] of file.values) {
      if (key.startsWith('unsubscribe_page.')) messages[key.slice('unsubscribe_page.'.length)] = v.text;
    }
    return {
      language: file.language,
      title: localizeNewsletter(newsletter, file.language).title,
      words: pageWords(messages, file.language),
    };
  });
}

type Env = { Variables: { language: string } };
type PageStatus = 200 | 400 | 404 | 405 | 413 | 503;

/** A page's headers besides its language, as the middleware path writes them: lower case, in Headers' order. */
const PAGE_HEADERS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k.toLowerCase(), v])),
  'content-type': 'text/html; charset=UTF-8',
  vary: 'Accept-Language',
};

/**
 * A page with all its headers in place as plain values, which @hono/node-server writes as they are: adding them
 * to a finished response (c.res.headers) makes it build a web Headers and Response for every answer, a large
 * part of a one-click POST's CPU. Same names, order and Content-Length as that path, so the same bytes.
 */
function completePage(status: PageStatus, body: string, language: string, allow: string | null): Response {
  const all: Record<string, string> = { ...PAGE_HEADERS, 'content-language': language };
  if (allow) all.allow = allow;
  const headers: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) headers[k] = all[k]!;
  headers['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
  return new Response(body, { status, headers });
}

export function createServeApp(d: ServeDeps): Hono<Env> {
  const app = new Hono<Env>();
  const languages = d.languages?.length
    ? d.languages
    : [
        {
          language: d.identity.language,
          title: d.identity.title,
          words: pageWords(DEFAULT_PAGE_WORDS, d.identity.language),
        },
      ];
  const codes = languages.map((l) => l.language);
  // The pages made by completePage have these headers already.
  const complete = new WeakSet<Response>();
  app.use('*', async (c, next) => {
    await next();
    if (complete.has(c.res)) return;
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  // The page's language: ?l=fr when the link names one (not personal), else the browser's
  // Accept-Language, else the default. fr-CH and FR find fr, as a subscriber's language column does.
  app.use(
    '*',
    languageDetector({
      supportedLanguages: codes,
      fallbackLanguage: codes[0]!,
      order: ['querystring', 'header'],
      lookupQueryString: 'l',
      caches: false,
      convertDetectedLanguage: (tag) => matchLanguage(tag, codes) ?? tag,
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    if (complete.has(c.res)) return;
    c.res.headers.set('Content-Language', c.get('language'));
    c.res.headers.append('Vary', 'Accept-Language');
  });
  // Each language's identity and words, made once (not per request: this is on every POST's path).
  const spoken = languages.map((l) => {
    const identity: PageIdentity = {
      ...d.identity,
      title: l.title,
      language: l.language,
      dir: textDirection(l.language),
    };
    return { identity, words: l.words, language: l.language };
  });
  /** The identity and words of the request's language. */
  const speak = (c: Context<Env>) => spoken.find((x) => x.language === c.get('language')) ?? spoken[0]!;

  // Every 503 says why in the log, once per reason, and once when it is over (a flood logs one line).
  let logged: string | null = null;
  const note = (why: string | null) => {
    if (why === logged) return;
    if (why) d.log?.(`unsubscribes cannot be recorded: ${why}`);
    else if (logged) d.log?.('unsubscribes are recorded again');
    logged = why;
  };
  const problemNow = async () => {
    const why = await d.problem().catch((err: Error) => err.message);
    note(why);
    return why;
  };

  // For the proxy and monitoring: 200 only when an unsubscribe can be recorded now.
  app.get('/healthz', async (c) =>
    (await problemNow()) ? c.text('cannot record unsubscribes\n', 503) : c.text('ok\n'),
  );

  const tokenOf = (c: Context) => {
    const t = c.req.query('t') ?? '';
    const opened = t ? d.open(t) : null;
    return opened && opened.listId === d.listId ? { token: t, address: opened.address, issue: opened.issue } : null;
  };
  /**
   * A page of this endpoint. `allow`: the Allow header of a 405. HEAD goes through hono (it answers without the
   * body, and without a length).
   */
  const html = (c: Context<Env>, status: PageStatus, body: string, allow: string | null = null) => {
    if (c.req.method === 'HEAD') return c.html(body, status, allow ? { Allow: allow } : {});
    const res = completePage(status, body, c.get('language'), allow);
    complete.add(res);
    return res;
  };
  /** A page that only says what went wrong: its heading and text are two keys of the words. */
  const problem = (
    c: Context<Env>,
    status: 400 | 404 | 405 | 413 | 503,
    title: PageKey,
    text: PageKey,
    allow: string | null = null,
  ) => {
    const { identity, words } = speak(c);
    return html(c, status, errorPage(identity, words(title), words(text)), allow);
  };
  const invalid = (c: Context<Env>) => problem(c, 400, 'invalid_link_title', 'invalid_link');

  app.get(d.path, async (c) => {
    const who = tokenOf(c);
    if (!who) return invalid(c);
    const { identity, words, language } = speak(c);
    // The button's POST keeps the language the page was shown in (the same browser would choose it
    // again; a language given by ?l= would otherwise be lost).
    const keep: Record<string, string> = c.req.query('l') || language !== codes[0] ? { l: language } : {};
    const action = `?${new URLSearchParams({ t: who.token, ...keep })}`;
    // A page that cannot look it up still offers the button: the POST says whether it can record.
    const already = await d.alreadyUnsubscribed(who.address).catch(() => false);
    const manage = d.subscription ? `${d.subscription.paths.preferences}${action}` : null;
    return html(c, 200, unsubscribePage(identity, words, maskAddress(who.address), action, already, manage));
  });

  app.post(d.path, async (c) => {
    const body = await readFormBody(c, d.maxBody);
    if (body.kind === 'too-large') return problem(c, 413, 'too_large_title', 'too_large');
    const who = tokenOf(c);
    if (!who) return invalid(c);
    // While /healthz answers 503 so does every POST: a "done" never rests on a store known to be unusable.
    if (await problemNow()) return problem(c, 503, 'try_later_title', 'try_later');
    // RFC 8058: the body is List-Unsubscribe=One-Click, urlencoded or multipart; any complete body is accepted.
    // A body that never arrived whole (the client went away, or trickled past the server's limit) is no request.
    if (body.kind === 'invalid') return problem(c, 400, 'invalid_link_title', 'invalid_link');
    const source = body.fields.get('List-Unsubscribe') === 'One-Click' ? 'one-click' : 'page';
    try {
      await d.record({ address: who.address, source, issue: who.issue });
    } catch (err) {
      // Never say "done" for something that is not recorded.
      note((err as Error).message);
      return problem(c, 503, 'try_later_title', 'try_later');
    }
    const { identity, words } = speak(c);
    return html(c, 200, confirmPage(identity, words, maskAddress(who.address)));
  });

  app.all(d.path, (c) => problem(c, 405, 'method_title', 'method', 'GET, POST'));
  if (d.subscription) {
    subscriptionRoutes(app, d.subscription, {
      speak: (c) => speak(c as Context<Env>),
      problemNow,
      tokenOf,
      // Through hono: these routes may have set headers of their own (c.header) before.
      problem: (c, status, kind) => {
        const { identity, words } = speak(c as Context<Env>);
        return c.html(errorPage(identity, words(`${kind}_title`), words(kind)), status);
      },
      maxBody: d.maxBody,
      languages: codes,
    });
  }
  app.notFound((c) => problem(c as Context<Env>, 404, 'not_found_title', 'not_found'));
  return app;
}

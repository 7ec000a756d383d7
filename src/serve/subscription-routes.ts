/**
 * enews serve's pages for people who join and manage themselves, on the
 * paths of newsletter.yaml's `subscribe:` addresses: the sign-up page
 * (GET shows the form, POST takes it), its confirmation links (GET asks,
 * POST confirms) and the preferences page (GET shows, POST changes). As for
 * unsubscribes, no GET ever changes anything (mail scanners open links), a
 * POST records durably before it answers, and while the list state cannot
 * record (app.ts, problem) every POST gets 503 and changes nothing.
 */
import type { Context, Hono } from 'hono';
import { readFormBody } from './form-body.js';
import type { PageIdentity } from './pages.js';
import { maskAddress } from './mask.js';
import type { Translator } from '../render/strings.js';
import { confirmSignup, openSignup, requestSignup, type SignupSettings } from '../signup/signup.js';
import {
  changePreferences,
  type PreferencesAction,
  type PreferencesSettings,
  preferencesOf,
} from '../signup/preferences.js';
import {
  checkInboxPage,
  confirmedPage,
  confirmQuestionPage,
  invalidLinkPage,
  preferencesPage,
  signupPage,
  tooManyPage,
} from './signup-pages.js';
import { addressKey } from '../util/email-address.js';
import { matchLanguage } from '../content/languages.js';

export interface SubscriptionDeps {
  /** The paths of the sign-up page, its confirmation links and the preferences page. */
  paths: { subscribe: string; confirm: string; preferences: string };
  signup: SignupSettings;
  preferences: PreferencesSettings;
  /** How long a confirmation link works, for the words. */
  days: number;
  /** Why sign-ups cannot be taken now (no way to send confirmations), or null: every sign-up POST then gets 503. */
  unavailable: string | null;
  /** The per-client limit of sign-up requests (signup/rate-limit.ts). */
  allow(client: string): boolean;
  /** Who is asking (an IP address), for the limit and, when configured, the consent record's hash. */
  client(c: Context): string;
  /** The pages' words in a language: the strings' signup_page and preferences_page. */
  words(language: string): { signup: Translator; preferences: Translator };
}

/** What app.ts shares with these routes. */
export interface Shared {
  speak(c: Context): { identity: PageIdentity; language: string };
  /** Why nothing can be recorded now, or null (logged once per reason). */
  problemNow(): Promise<string | null>;
  /** The subscriber a `?t=` unsubscribe token names on this list, or null. */
  tokenOf(c: Context): { token: string; address: string; issue: number | null } | null;
  /** The unsubscribe page's own pages for 405, 413, 503. */
  problem(
    c: Context,
    status: 405 | 413 | 503,
    kind: 'method' | 'too_large' | 'try_later',
  ): Response | Promise<Response>;
  maxBody: number;
  /** The languages of the pages, the default first. */
  languages: readonly string[];
}

export function subscriptionRoutes(
  app: Hono<{ Variables: { language: string } }>,
  d: SubscriptionDeps,
  s: Shared,
): void {
  const html = (c: Context, status: 200 | 400 | 429, body: string) => c.html(body, status);
  const words = (c: Context) => {
    const { identity, language } = s.speak(c);
    return { identity, language, ...d.words(language) };
  };
  /** ?l= for the language the page was shown in, so the next page speaks it too. */
  const keep = (c: Context, language: string) =>
    c.req.query('l') || language !== s.languages[0] ? `&l=${encodeURIComponent(language)}` : '';

  app.get(d.paths.subscribe, (c) => {
    const { identity, signup, language } = words(c);
    const values = { email: '', name: '', language };
    return html(
      c,
      200,
      signupPage(identity, signup, { action: action(c), languages: s.languages, values, error: null }),
    );
  });

  app.post(d.paths.subscribe, async (c) => {
    const form = await formOf(c, s.maxBody);
    if (form.kind === 'too-large') return s.problem(c, 413, 'too_large');
    const { identity, signup } = words(c);
    const client = d.client(c);
    if (!d.allow(client)) return html(c, 429, tooManyPage(identity, signup));
    if (d.unavailable || (await s.problemNow())) return s.problem(c, 503, 'try_later');
    if (form.kind === 'invalid') return html(c, 400, invalidLinkPage(identity, signup));
    let answer: Awaited<ReturnType<typeof requestSignup>>;
    try {
      answer = await requestSignup(d.signup, form.values, client);
    } catch {
      return s.problem(c, 503, 'try_later');
    }
    if (answer.kind === 'invalid') {
      const values = { ...answer.values, language: matchLanguage(answer.values.language, s.languages) ?? '' };
      const page = signupPage(identity, signup, {
        action: action(c),
        languages: s.languages,
        values,
        error: answer.field,
      });
      return html(c, 400, page);
    }
    return html(c, 200, checkInboxPage(identity, signup, d.days));
  });

  app.get(d.paths.confirm, (c) => {
    const { identity, signup } = words(c);
    const request = openSignup(d.signup, c.req.query('t') ?? '');
    if (!request) return html(c, 400, invalidLinkPage(identity, signup));
    return html(c, 200, confirmQuestionPage(identity, signup, maskAddress(request.email), action(c)));
  });

  app.post(d.paths.confirm, async (c) => {
    const form = await formOf(c, s.maxBody);
    if (form.kind === 'too-large') return s.problem(c, 413, 'too_large');
    const { identity, signup, preferences } = words(c);
    if (!openSignup(d.signup, c.req.query('t') ?? '')) return html(c, 400, invalidLinkPage(identity, signup));
    if (await s.problemNow()) return s.problem(c, 503, 'try_later');
    if (form.kind === 'invalid') return html(c, 400, invalidLinkPage(identity, signup));
    let answer: Awaited<ReturnType<typeof confirmSignup>>;
    try {
      answer = await confirmSignup(d.signup, c.req.query('t') ?? '');
    } catch {
      return s.problem(c, 503, 'try_later');
    }
    if (answer.kind === 'invalid') return html(c, 400, invalidLinkPage(identity, signup));
    const masked = maskAddress(answer.email);
    if (answer.kind === 'stopped') {
      const stopped = preferencesPage(identity, preferences, stoppedView(masked, s.languages));
      return html(c, 200, stopped);
    }
    return html(c, 200, confirmedPage(identity, signup, masked));
  });

  const preferencesView = async (c: Context, notice: string | null, error: string | null) => {
    const who = s.tokenOf(c)!;
    const { identity, language, preferences } = words(c);
    const key = addressKey(who.address);
    const { state, stopped } = await preferencesOf(d.preferences, key);
    const view = {
      masked: maskAddress(who.address),
      state,
      stopped,
      language: state.language ?? language,
      languages: s.languages,
      action: `?t=${encodeURIComponent(who.token)}${keep(c, language)}`,
      notice,
      error,
    };
    return preferencesPage(identity, preferences, view);
  };

  app.get(d.paths.preferences, async (c) => {
    const { identity, preferences } = words(c);
    if (!s.tokenOf(c)) return html(c, 400, invalidLinkPage(identity, preferences));
    try {
      return html(c, 200, await preferencesView(c, null, null));
    } catch {
      return s.problem(c, 503, 'try_later');
    }
  });

  app.post(d.paths.preferences, async (c) => {
    const form = await formOf(c, s.maxBody);
    if (form.kind === 'too-large') return s.problem(c, 413, 'too_large');
    const { identity, language, preferences } = words(c);
    const who = s.tokenOf(c);
    if (!who) return html(c, 400, invalidLinkPage(identity, preferences));
    if (await s.problemNow()) return s.problem(c, 503, 'try_later');
    if (form.kind === 'invalid') return html(c, 400, invalidLinkPage(identity, preferences));
    const body = form.values;
    const asked = body.action;
    const act: PreferencesAction = asked === 'unsubscribe' || asked === 'resubscribe' ? asked : 'save';
    try {
      const answer = await changePreferences(d.preferences, { key: addressKey(who.address), issue: who.issue }, act, {
        name: body.name,
        language: body.language,
        page: language,
      });
      const masked = maskAddress(who.address);
      const title = identity.title;
      const notice =
        answer.kind === 'saved'
          ? preferences.t('saved')
          : answer.kind === 'unchanged'
            ? preferences.t('unchanged')
            : answer.kind === 'unsubscribed'
              ? preferences.t('unsubscribed', { address: masked, title })
              : answer.kind === 'resubscribed'
                ? preferences.t('resubscribed', { address: masked, title })
                : null;
      const error = answer.kind === 'invalid-name' ? preferences.t('invalid_name') : null;
      return html(c, error ? 400 : 200, await preferencesView(c, notice, error));
    } catch {
      return s.problem(c, 503, 'try_later');
    }
  });

  for (const p of [d.paths.subscribe, d.paths.confirm, d.paths.preferences]) {
    app.all(p, (c) => {
      c.header('Allow', 'GET, POST');
      return s.problem(c, 405, 'method');
    });
  }
}

/** The page's own address with its query (the form posts back where it was shown). */
function action(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}

function stoppedView(masked: string, languages: readonly string[]) {
  return {
    masked,
    state: { round: 0, optedOut: null, signedUp: false, name: null, language: null },
    stopped: true,
    language: languages[0]!,
    languages,
    action: '',
    notice: null,
    error: null,
  };
}

type Form = { kind: 'too-large' } | { kind: 'invalid' } | { kind: 'fields'; values: Record<string, string> };

/** A POST's form as serve reads every form (form-body.ts): its text fields, the last of a repeated name. */
async function formOf(c: Context, maxBytes: number): Promise<Form> {
  const body = await readFormBody(c, maxBytes);
  if (body.kind !== 'fields') return body;
  const values: Record<string, string> = {};
  for (const [name, value] of body.fields.entries()) if (typeof value === 'string') values[name] = value;
  return { kind: 'fields', values };
}

/**
 * The pages of joining and managing a subscription, in the newsletter's
 * identity like the unsubscribe page (pages.ts): the sign-up form, "check
 * your inbox", the confirmation question and its answer, the preferences
 * page. Real forms that work without JavaScript; their words are the
 * `signup_page:` and `preferences_page:` sections of the strings files.
 */
import { nativeLanguageName } from '../content/languages.js';
import type { AddressState } from '../events/roster.js';
import { escapeHtml as e } from '../render/slots.js';
import type { Translator } from '../render/strings.js';
import { BUTTON, emphasize, type PageIdentity, page } from './pages.js';

const FIELD = 'display:block;width:100%;box-sizing:border-box;font-size:17px;padding:8px;margin:4px 0 16px';
const LABEL = 'display:block;font-weight:bold';
const NOTE = 'font-size:14px;color:#555555';
/** Off the screen, out of the tab order and hidden from screen readers: only a bot fills it in. */
const HONEYPOT = 'position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden';

export interface FormValues {
  email: string;
  name: string;
  language: string;
}

/** The sign-up form; `error`: what is wrong with what was sent (the page then answers 400). */
export function signupPage(
  id: PageIdentity,
  tr: Translator,
  o: { action: string; languages: readonly string[]; values: FormValues; error: 'email' | 'name' | null },
): string {
  const t = (k: string) => e(tr.t(k, { title: id.title }));
  const error = o.error
    ? `<p role="alert" style="color:#a00000;font-weight:bold">${t(o.error === 'email' ? 'invalid_email' : 'invalid_name')}</p>\n`
    : '';
  return page(
    id,
    tr.t('title', { title: id.title }),
    `<p>${t('intro')}</p>
${error}<form method="post" action="${e(o.action)}">
${signupFields(tr, { title: id.title, color: id.brandColor }, o.languages, o.values, 'page')}
</form>`,
  );
}

/**
 * The fields and button of the sign-up form, shared with the archive's form (site/): the same words, hence the
 * same wording hash in the consent record.
 */
export function signupFields(
  tr: Translator,
  { title, color }: { title: string; color: string },
  languages: readonly string[],
  values: FormValues,
  form: 'page' | 'site',
): string {
  const t = (k: string) => e(tr.t(k, { title }));
  const options = languages
    .map(
      (l) => `<option value="${e(l)}"${l === values.language ? ' selected' : ''}>${e(nativeLanguageName(l))}</option>`,
    )
    .join('');
  const chooser =
    languages.length > 1
      ? `<label style="${LABEL}" for="enews-language">${t('language_label')}</label>
<select id="enews-language" name="language" style="${FIELD}">${options}</select>`
      : `<input type="hidden" name="language" value="${e(languages[0] ?? '')}">`;
  return `<label style="${LABEL}" for="enews-email">${t('email_label')}</label>
<input id="enews-email" name="email" type="text" inputmode="email" autocomplete="email" required maxlength="254" value="${e(values.email)}" style="${FIELD}">
<label style="${LABEL}" for="enews-name">${t('name_label')}</label>
<input id="enews-name" name="name" type="text" autocomplete="name" maxlength="200" value="${e(values.name)}" style="${FIELD}">
${chooser}
<div aria-hidden="true" style="${HONEYPOT}"><label>${t('honeypot_label')} <input name="website" type="text" tabindex="-1" autocomplete="off" value=""></label></div>
<input type="hidden" name="form" value="${form}">
<p style="${NOTE}">${t('consent')}</p>
<button type="submit" style="${BUTTON};background:${e(color)}">${t('button')}</button>`;
}

/** The one answer to every sign-up that was well formed, whoever the address belongs to. */
export function checkInboxPage(id: PageIdentity, tr: Translator, days: number): string {
  return page(
    id,
    tr.t('check_inbox_title'),
    `<p role="status">${e(tr.t('check_inbox', { title: id.title, days }))}</p>
<p style="${NOTE}">${e(tr.t('check_inbox_note'))}</p>`,
  );
}

export function tooManyPage(id: PageIdentity, tr: Translator): string {
  return page(id, tr.t('too_many_title'), `<p role="alert">${e(tr.t('too_many'))}</p>`);
}

/** The confirmation link's page: a question and one button (a GET changes nothing). */
export function confirmQuestionPage(id: PageIdentity, tr: Translator, masked: string, action: string): string {
  const question = emphasize((v) => tr.t('confirm_question', v), {}, { title: id.title, address: masked });
  return page(
    id,
    tr.t('confirm_title', { title: id.title }),
    `<p>${question}</p>
<form method="post" action="${e(action)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit" style="${BUTTON};background:${e(id.brandColor)}">${e(tr.t('confirm_button'))}</button>
</form>
<p style="${NOTE}">${e(tr.t('confirm_note'))}</p>`,
  );
}

export function confirmedPage(id: PageIdentity, tr: Translator, masked: string): string {
  const done = emphasize((v) => tr.t('confirmed', { ...v, title: id.title }), {}, { address: masked });
  return page(id, tr.t('confirmed_title'), `<p role="status">${done}</p>`);
}

/** A confirmation or preferences link that is not one (both sections have these words). */
export function invalidLinkPage(id: PageIdentity, tr: Translator): string {
  return page(id, tr.t('invalid_link_title'), `<p role="alert">${e(tr.t('invalid_link'))}</p>`);
}

export interface PreferencesView {
  masked: string;
  state: AddressState;
  /** Bounced, complained or erased: only the team can change that. */
  stopped: boolean;
  /** The language preselected: the subscriber's choice, else the page's. */
  language: string;
  languages: readonly string[];
  action: string;
  /** What the last POST did, in words of the page (saved, unchanged…), or null. */
  notice: string | null;
  error: string | null;
}

export function preferencesPage(id: PageIdentity, tr: Translator, v: PreferencesView): string {
  const t = (k: string) => e(tr.t(k, { title: id.title }));
  const status = (k: string) => emphasize((x) => tr.t(k, { ...x, title: id.title }), {}, { address: v.masked });
  const notice = v.notice ? `<p role="status" style="font-weight:bold">${e(v.notice)}</p>\n` : '';
  const error = v.error ? `<p role="alert" style="color:#a00000;font-weight:bold">${e(v.error)}</p>\n` : '';
  if (v.stopped) return page(id, tr.t('title', { title: id.title }), `${notice}<p>${status('stopped_status')}</p>`);
  const out = v.state.optedOut === 'unsubscribed';
  const options = v.languages
    .map((l) => `<option value="${e(l)}"${l === v.language ? ' selected' : ''}>${e(nativeLanguageName(l))}</option>`)
    .join('');
  const details = `<form method="post" action="${e(v.action)}">
<label style="${LABEL}" for="enews-name">${t('name_label')}</label>
<input id="enews-name" name="name" type="text" autocomplete="name" maxlength="200" value="${e(v.state.name ?? '')}" style="${FIELD}">
<label style="${LABEL}" for="enews-language">${t('language_label')}</label>
<select id="enews-language" name="language" style="${FIELD}">${options}</select>
<button type="submit" name="action" value="save" style="${BUTTON};background:${e(id.brandColor)}">${t('save_button')}</button>
</form>`;
  const leave = out
    ? `<form method="post" action="${e(v.action)}">
<p style="${NOTE}">${t('resubscribe_consent')}</p>
<button type="submit" name="action" value="resubscribe" style="${BUTTON};background:${e(id.brandColor)}">${t('resubscribe_button')}</button>
</form>`
    : `<form method="post" action="${e(v.action)}">
<button type="submit" name="action" value="unsubscribe" style="${BUTTON};background:#555555">${t('unsubscribe_button')}</button>
</form>`;
  return page(
    id,
    tr.t('title', { title: id.title }),
    `${notice}${error}<p>${status(out ? 'unsubscribed_status' : 'subscribed_status')}</p>
${details}
<hr style="border:0;border-top:1px solid #e5e7eb;margin:24px 0">
${leave}`,
  );
}

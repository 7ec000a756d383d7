/**
 * The confirmation message of a sign-up: templates/signup/confirm.mjml and
 * confirm.txt (the project's own when it ejected them, else enews's), in the
 * words of the `confirm_email:` section of each language's strings file.
 * Rendered once per language when `enews serve` starts (MJML is slow and a
 * broken template should stop serve at once, with its file and line); each
 * message then only fills its two slots, the greeting and the link.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { languageView } from '../render/view-model.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import type { Newsletter } from '../content/schema.js';
import { readText } from '../content/yaml-file.js';
import type { OutgoingMessage } from '../delivery/transport.js';
import { buildSkeleton, composeMessage, type MessageSkeleton } from '../mime/compose.js';
import { CONFIRM_LAYOUTS, templateFile } from '../project/templates.js';
import { renderLayout } from '../render/render-issue.js';
import { type Strings, TRANSLATOR, Translator } from '../render/strings.js';
import { handlebarsSyntaxProblems, type TemplateSet } from '../render/templates.js';
import { throwIfProblems } from '../errors.js';

export interface ConfirmMail {
  /** The message asking `to` to confirm with `url`, in `language` (one of the newsletter's). */
  compose(m: { to: string; name: string; language: string; url: string }): OutgoingMessage;
}

/** Renders the confirmation message in every language of `strings` (the newsletter's, the default first). */
export async function loadConfirmMail(
  newsletter: Newsletter,
  templatesDir: string,
  strings: Strings,
  days: number,
): Promise<ConfirmMail> {
  const templates = confirmTemplates(templatesDir);
  const versions = new Map<string, { skeleton: MessageSkeleton; tr: Translator; newsletter: Newsletter }>();
  for (const file of strings.values()) {
    const local = localizeNewsletter(newsletter, file.language);
    const tr = new Translator(file, 'confirm_email');
    const view = {
      newsletter: {
        title: local.title,
        language: file.language,
        postal_address_lines: local.postal_address.trim().split(/\r?\n/),
        brand: local.brand,
        logo: local.logo ? { src: local.logo.src, alt: local.logo.alt ?? local.title } : null,
      },
      language: languageView(file.language),
      days,
      [TRANSLATOR]: tr,
    };
    const rendered = await renderLayout(view, templates);
    const subject = tr.t('subject', { title: local.title });
    const skeleton = buildSkeleton(
      local,
      { subject, preheader: tr.t('preheader', { title: local.title }), ...rendered },
      // The boundary: any fixed value will do, the parts are quoted-printable and never hold it.
      { contentHash: 'c0f1a2a1c0f1a2a1c0f1a2a1c0f1a2a1' },
    );
    versions.set(file.language, { skeleton, tr, newsletter: local });
  }
  const fallback = versions.values().next().value!;
  const sender = newsletter.bounce_address ?? newsletter.from.address;
  return {
    compose({ to, name, language, url }) {
      const v = versions.get(language) ?? fallback;
      const messageId = `<${randomUUID()}@${v.skeleton.idDomain}>`;
      const greeting = name ? v.tr.t('greeting_name', { name }) : v.tr.t('greeting');
      const raw = composeMessage(v.skeleton, {
        name,
        email: to,
        messageId,
        date: new Date(),
        // A message the person asked for, not the newsletter: nothing to unsubscribe from yet.
        listUnsubscribe: '',
        oneClick: false,
        slot: (s) => (s === 'greeting' ? greeting : s === 'confirm_url' ? url : ''),
      });
      return { from: sender, to, raw, messageId, seq: 1 };
    },
  };
}

function confirmTemplates(templatesDir: string): TemplateSet {
  const [html, text] = CONFIRM_LAYOUTS.map((rel) => templateFile(templatesDir, rel)) as [string, string];
  const set: TemplateSet = {
    dir: path.dirname(html),
    html: { file: html, source: readText(html, 'the MJML layout of the sign-up confirmation') },
    text: { file: text, source: readText(text, 'the plain-text version of the sign-up confirmation') },
    partials: new Map(),
  };
  const problems = [set.html, set.text].flatMap((t) => handlebarsSyntaxProblems(t).problems);
  throwIfProblems('template-syntax', 'A template of the sign-up confirmation has a Handlebars syntax error', problems);
  return set;
}

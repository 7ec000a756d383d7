/**
 * The content model, declared once. Every YAML file staff edit is checked
 * against these schemas; the rest of the code uses the inferred types and
 * trusts them. Objects are strict so a typo'd field name is an error, not a
 * silently ignored line.
 */
import { z } from 'zod';
import { checkEmailAddress } from '../util/email-address.js';
import { isRealDate } from '../util/dates.js';
import { isWebAddress, localPathProblem } from './image-src.js';
import { padded } from './issue-number.js';
import { feedSchema } from './feed-schema.js';
import { languageTagProblem } from './languages.js';
import { approvalConfigSchema } from './approval-config.js';
import { subscribeSchema } from './subscribe-schema.js';
import { checkWebAddress } from './web-address.js';

const text = z.string().trim().min(1, 'must not be empty');
/** Text that may end up in a mail header: one line, or it could forge headers. */
const line = text.refine((s) => !/[\r\n\u2028\u2029]/.test(s), 'must be a single line (no line breaks)');
/** At most `n` characters: headers fold, but an absurd length is a mistake worth stopping for. */
const atMost = (n: number) => z.string().max(n, `must be at most ${n} characters`);

/** A calendar date written as YYYY-MM-DD that exists (no 30 February). */
export const isoDate = z
  .string({ error: 'must be a date written as YYYY-MM-DD, e.g. 2017-04-26' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written as YYYY-MM-DD, e.g. 2017-04-26', abort: true })
  .refine(isRealDate, { message: 'is not a real calendar date', abort: true });

export const emailAddress = z.string().superRefine((value, ctx) => {
  const check = checkEmailAddress(value);
  if (!check.ok) ctx.addIssue({ code: 'custom', message: `is not a valid email address: it ${check.reason}` });
});

/** Links subscribers click: http(s) only, so `javascript:` and friends never reach a mail. */
export const webUrl = z.string().superRefine((value, ctx) => {
  if (!checkWebAddress(value, ctx)) return;
  if (/[\s<>"]/.test(value)) ctx.addIssue({ code: 'custom', message: 'must not contain spaces, quotes or < >' });
});

/**
 * A text written once, or once per language: `title: { en: …, fr: …, es: … }`. A plain text is the
 * default language's, so a newsletter in one language writes its texts as plain text. The keys
 * are checked against newsletter.yaml's languages once both are loaded (translations.ts), where the
 * line of each key is known; a language left out is a warning there, not a schema error here.
 */
export function translatable<T extends z.ZodType<string>>(base: T) {
  return z.union([base, z.record(z.string(), base)]);
}

/** A language tag as BCP 47 defines it (en, fr, es, pt-BR, zh-Hant), checked with Intl. */
export const languageTag = z.string().superRefine((value, ctx) => {
  const problem = languageTagProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Where a picture is: a web address, or a file of the project relative to its folder (images/logo.png),
 * which enews makes for email and publishes with the archive (content/image-src.ts).
 */
export const imageSrc = z.string().superRefine((value, ctx) => {
  if (isWebAddress(value)) {
    const url = webUrl.safeParse(value);
    if (!url.success) for (const issue of url.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return;
  }
  const problem = localPathProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const imageFields = {
  src: imageSrc,
  width: z.number().int().positive().max(600).optional(),
};

/** An item's image; alt optional on purpose: a missing alt is a warning (accessibility), not a reason to stop. */
const image = z.strictObject({
  src: imageFields.src,
  alt: translatable(z.string()).optional(),
  width: imageFields.width,
});

/** The logo may come in a second version for dark backgrounds, shown in place of the first in dark mode. */
const logo = z.strictObject({
  src: imageFields.src,
  alt: z.string().optional(),
  width: imageFields.width,
  dark_src: imageSrc.optional(),
});

/** The item types of a newsletter whose newsletter.yaml lists none (`item_types:`): the eNewsUpdate's. */
export const ITEM_TYPES = ['News', 'Article', 'Spotlight on Cooperatives'] as const;

/**
 * A catalog item whose type is one of `types` (the newsletter's, content/item-types.ts), or any
 * one-line text when they are not known (newsletter.yaml itself is broken, or a send re-reads
 * items a build already checked).
 */
const NL = 'newsletter.yaml';

export function itemSchemaFor(types: readonly string[] | null) {
  const own = types !== null && types.join('\0') !== ITEM_TYPES.join('\0');
  return z.strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes, e.g. coop-future-of-work'),
    type:
      types === null
        ? line
        : z.enum(types as [string, ...string[]], {
            error: `must be one of: ${types.join(', ')} (${own ? 'the item_types of' : 'or add item_types to'} ${NL})`,
          }),
    title: translatable(line),
    date: isoDate,
    summary: translatable(text),
    url: webUrl,
    image: image.optional(),
    /** Set on the catalog entry that announces issue N itself; `enews new` never preselects it. */
    announces: z.number().int().positive().optional(),
  });
}

export function catalogSchemaFor(types: readonly string[] | null) {
  return z.array(itemSchemaFor(types), {
    error: 'must be a list of news items (each line starting with "- id: …")',
  });
}

/** The catalog of a newsletter with the default item types: what the package's items.schema.json describes. */
export const itemSchema = itemSchemaFor(ITEM_TYPES);
export const catalogSchema = catalogSchemaFor(ITEM_TYPES);

/**
 * An item type of the newsletter: a name (`Event`), or a name with its label in each language
 * and the partial that renders it (default: templates/partials/item-<name in lowercase, dashed>.mjml
 * when there is one, else item-default.mjml). Listed in the order `enews new` puts items in.
 */
const itemType = z.union([
  line.pipe(atMost(60)),
  z.strictObject({
    name: line.pipe(atMost(60)),
    label: translatable(line.pipe(atMost(60))).optional(),
    partial: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be the name of a partial in templates/partials/, e.g. item-event')
      .optional(),
  }),
]);

/** Per-issue wording of an item; the catalog entry stays as it is. */
const itemOverride = z.strictObject({
  id: itemSchema.shape.id,
  title: translatable(line).optional(),
  summary: translatable(text).optional(),
  image: image.optional(),
});

export const issueSchema = z.strictObject({
  number: z.number({ error: 'must be a whole number, e.g. 3' }).int('must be a whole number, e.g. 3').positive(),
  date: isoDate,
  subject: translatable(line.pipe(z.string().max(200, 'must be at most 200 characters'))).optional(),
  preheader: translatable(line.pipe(z.string().max(200, 'must be at most 200 characters'))).optional(),
  /** Markdown; the only field rendered as anything but plain text. */
  intro: translatable(text),
  items: z.array(z.union([itemSchema.shape.id, itemOverride]), {
    error: 'must be a list of item ids from the catalog',
  }),
});

/**
 * The address the archive is published at: a folder, so it always ends with "/" (added when left
 * out), and without ?query or #fragment, which no page address could be joined to.
 */
const siteBaseUrl = webUrl
  .pipe(atMost(800))
  .superRefine((value, ctx) => {
    if (/[?#]/.test(value)) {
      ctx.addIssue({ code: 'custom', message: `must be the address of a folder, without ? or #: "${value}"` });
    }
  })
  .transform((value) => (value.endsWith('/') ? value : `${value}/`));

/**
 * archive_url and site.base_url agree when issue 1's link reaches the page `enews site` writes for
 * it, site/001/index.html: `<base_url>001/`, `<base_url>001/index.html`, or `<base_url>001` (every
 * static host redirects a folder's address without its final slash to the folder).
 */
function archiveUrlDisagreement(archiveUrl: string, baseUrl: string): string | null {
  // A base URL that is wrong itself has its own problem; comparing with it would only add noise.
  if (!/^https?:\/\/[^?#\s<>"]+$/.test(baseUrl)) return null;
  const sample = archiveUrl.replace(/\{number\}|%7Bnumber%7D/g, padded(1));
  const page = `${baseUrl}${padded(1)}`;
  if ([`${page}/`, page, `${page}/index.html`].includes(sample)) return null;
  return (
    `disagrees with site.base_url: it links issue 1 to ${sample}, but the archive has that issue at ${page}/. ` +
    `Remove archive_url (it is derived from site.base_url), or write it as ${baseUrl}{number}/`
  );
}

/** The texts of newsletter.yaml that readers see, in one other language. */
const translationFields = z.strictObject({
  title: line.pipe(atMost(150)).optional(),
  description: text.optional(),
  why_you_get_this: text.optional(),
  fallback_name: text.optional(),
  logo: z.strictObject({ alt: z.string() }).optional(),
});

const newsletterFields = z.strictObject({
  title: line.pipe(atMost(150)),
  description: text.optional(),
  /** The one language of a newsletter in one language; `languages:` replaces it for several. */
  language: languageTag.default('en'),
  /** The newsletter's languages, the default first: every issue is built in each (dist/NNN/<lang>/). */
  languages: z
    .array(languageTag)
    .min(1, 'must list at least one language, the default first')
    // The send's plan keeps one byte per address, which says which of at most 64 languages it gets.
    .max(64, 'must list at most 64 languages')
    .optional(),
  /** A text without its translation is then an error instead of a warning that uses the default's. */
  require_translations: z.boolean().default(false),
  /**
   * This file's texts in the other languages (the fields above are the default language's):
   * `translations: { fr: { why_you_get_this: …, fallback_name: … } }`. A block rather than a text
   * per language in each field, because the send reads title and fallback_name as plain text.
   */
  translations: z.record(z.string(), translationFields).optional(),
  from: z.strictObject({ name: line.pipe(atMost(100)), address: emailAddress }),
  reply_to: emailAddress.optional(),
  // RFC 2919 §2: a list-id is at most 255 octets.
  list_id: z
    .string()
    .max(255, 'must be at most 255 characters')
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'must look like a domain name, e.g. enews.coop.example.org'),
  postal_address: text,
  why_you_get_this: text,
  unsubscribe: z
    // The link gets ?t=<token> per subscriber (about 110 characters for a usual address) and a
    // List-Unsubscribe line cannot be folded inside a link: 500 leaves room within the 998
    // characters a header line may have (RFC 5322).
    .strictObject({ url: webUrl.pipe(atMost(500)).optional(), mailto: emailAddress.optional() })
    .refine((u) => u.url !== undefined || u.mailto !== undefined, {
      message: 'needs a url, a mailto address, or both',
    }),
  /**
   * Where returned mail goes (the envelope sender, Return-Path), so that `enews inbox` can read
   * it; default: from.address. With `verp: true` each message gets its own return path
   * (bounces+<id>@…), which names the recipient even when a return quotes nothing of the message.
   */
  bounce_address: emailAddress.optional(),
  verp: z.boolean().default(false),
  /**
   * What `enews inbox` trusts. authserv_id: the name the mailbox's own server writes at the start of the
   * Authentication-Results field it adds (RFC 8601); with it, an unsubscribe request without a token is
   * heard when that server authenticated its sender (DMARC, or aligned DKIM or SPF).
   */
  inbox: z.strictObject({ authserv_id: line }).optional(),
  /**
   * "View this issue online" in every message; `{number}` becomes 003. Derived from site.base_url
   * when left out; when both are given they must name the same page (see archiveUrlDisagreement).
   */
  archive_url: webUrl.pipe(atMost(900)).optional(),
  /** The web archive that `enews site` writes: where it is published, and where readers subscribe. */
  site: z
    .strictObject({
      base_url: siteBaseUrl,
      subscribe_url: webUrl.pipe(atMost(900)).optional(),
    })
    .optional(),
  /** Sign-up, confirmation and preferences pages on enews serve (subscribe-schema.ts). */
  subscribe: subscribeSchema.optional(),
  logo: logo.optional(),
  brand: z
    .strictObject({
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1e2dbe'),
      text_color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #222222')
        .default('#222222'),
    })
    .default({ color: '#1e2dbe', text_color: '#222222' }),
  /** Greeting word when a subscriber has no name ("Dear reader,"). */
  fallback_name: text.default('reader'),
  /** Who the built sample (email.html, message.eml) is addressed to. */
  sample_recipient: z
    .strictObject({ name: line, email: emailAddress })
    .default({ name: 'Sample Reader', email: 'reader@example.org' }),
  /** CSV files (relative to issues/) of addresses that must never receive mail. */
  suppress: z.array(text).default([]),
  /** The newsletter's own item types (see itemType); left out: ITEM_TYPES. */
  item_types: z.array(itemType).min(1, 'must list at least one item type').optional(),
  /** The website's feeds that `enews items pull` reads into the catalog (content/feed-schema.ts, feed-config.ts). */
  feeds: z.array(feedSchema).optional(),
  /**
   * What `enews check` checks the email against. clients: the mail clients whose support of the
   * email's HTML and CSS to report (caniemail names such as gmail.android or outlook.*); the names
   * are checked against the caniemail data by the check itself, which only check and build load.
   * acknowledged: client-support findings the team knows and accepts, each with why, by the
   * feature's name as check prints it; check counts them instead of listing them.
   */
  checks: z
    .strictObject({
      clients: z.array(text).min(1, 'must name at least one mail client').optional(),
      acknowledged: z.array(z.strictObject({ feature: text, reason: text })).optional(),
    })
    .optional(),
  /** What a build needs before `enews send` mails it to subscribers (approval-config.ts). */
  approval: approvalConfigSchema.optional(),
});

/**
 * The longest local part of bounce_address that VERP can extend: a local part holds 64 characters, and
 * each message adds `+<issue up to 6 digits>-<20-letter id>` (personalize/return-path.ts).
 */
export const MAX_VERP_BASE_LOCAL = 64 - '+999999-'.length - 20;

export const newsletterSchema = newsletterFields.superRefine((n, ctx) => {
  if (n.verp) {
    // Room for +<issue>-<id> within the 64 characters of a local part (personalize/return-path.ts).
    const base = n.bounce_address ?? n.from.address;
    const local = base.slice(0, base.lastIndexOf('@'));
    if (local.length > MAX_VERP_BASE_LOCAL)
      ctx.addIssue({
        code: 'custom',
        path: [n.bounce_address ? 'bounce_address' : 'from'],
        message:
          `with verp: true the part before the @ may have at most ${MAX_VERP_BASE_LOCAL} characters ` +
          `(it has ${local.length}): each message adds +<issue>-<id> to it, and a local part holds 64`,
      });
  }
  if (!n.archive_url || !n.site) return;
  const problem = archiveUrlDisagreement(n.archive_url, n.site.base_url);
  if (problem) ctx.addIssue({ code: 'custom', path: ['archive_url'], message: problem });
});

/** One text or one per language, as the content files hold it. */
export type Translatable = string | Record<string, string>;
/** A catalog item as written: its texts may be given per language; its type is one of the newsletter's. */
export type Item = Omit<z.infer<typeof itemSchema>, 'type'> & { type: string };
/** A catalog item in one language (translations.ts): every text is one text. */
export type LocalItem = Omit<Item, 'title' | 'summary' | 'image'> & {
  title: string;
  summary: string;
  image?: { src: string; alt?: string; width?: number };
};
export type ItemTypeEntry = z.infer<typeof itemType>;
/** An issue file as written. */
export type Issue = z.infer<typeof issueSchema>;
/** An issue in one language. */
export type LocalIssue = Omit<Issue, 'subject' | 'preheader' | 'intro'> & {
  subject?: string;
  preheader?: string;
  intro: string;
};
export type Newsletter = z.infer<typeof newsletterSchema>;
export type NewsletterTranslation = z.infer<typeof translationFields>;
export type ItemRef = Issue['items'][number];

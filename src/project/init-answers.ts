/**
 * What `enews init` asks: each field of newsletter.yaml a team must decide,
 * with its flag, its question, a default derived from the answers before it,
 * and the check that newsletter.yaml's own schema makes, so a project never
 * starts with a file `enews check` would refuse.
 */
import type { z } from 'zod';
import { PLACEHOLDER_DOMAIN } from '../content/placeholders.js';
import { newsletterSchema } from '../content/schema.js';
import { starterTexts } from './starter-texts.js';

export interface Answers {
  title: string;
  fromName: string;
  from: string;
  replyTo: string;
  listId: string;
  postalAddress: string;
  siteUrl: string;
  unsubscribeUrl: string;
  unsubscribeMailto: string;
  language: string;
}

export type AnswerKey = keyof Answers;

export interface Question {
  key: AnswerKey;
  /** The option that gives it on the command line. */
  flag: string;
  /** What the terminal asks. */
  label: string;
  /** An example of a good answer, for the message when one is refused. */
  example: string;
  default: (a: Partial<Answers>, folder: string) => string;
  schema: z.ZodType;
  /** The answer may take several lines (asked until an empty line). */
  lines?: true;
}

const shape = newsletterSchema.shape;

/** The sender a project starts with when none is given: a placeholder, as everything made from its domain. */
const PLACEHOLDER_FROM = `newsletter@${PLACEHOLDER_DOMAIN}`;
const domainOf = (address: string | undefined) => /@([^@\s]+)$/.exec(address ?? '')?.[1] ?? PLACEHOLDER_DOMAIN;
const localOf = (address: string | undefined) => /^([^@\s]+)@/.exec(address ?? '')?.[1] ?? 'newsletter';

/** `my-newsletter` → `My Newsletter`. */
export function titleFromFolder(folder: string): string {
  const words = folder.split(/[-_.\s]+/).filter(Boolean);
  const title = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  return title || 'Our Newsletter';
}

/** `My Newsletter!` → `my-newsletter`: a list id label and a URL path segment. */
export function slugOf(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'newsletter';
}

export const QUESTIONS: readonly Question[] = [
  {
    key: 'title',
    flag: '--title',
    label: 'Title of the newsletter',
    example: 'Cooperatives eNewsUpdate',
    default: (_a, folder) => titleFromFolder(folder),
    schema: shape.title,
  },
  // Second: the starter texts (the postal address placeholder…) are in the newsletter's language.
  {
    key: 'language',
    flag: '--language',
    label: 'Language of the newsletter (a tag such as en, fr, es)',
    example: 'en',
    default: () => 'en',
    schema: shape.language.unwrap(),
  },
  {
    key: 'fromName',
    flag: '--from-name',
    label: 'Sender name (From)',
    example: 'Cooperatives Unit',
    default: (a) => a.title ?? 'Newsletter',
    schema: shape.from.shape.name,
  },
  {
    key: 'from',
    flag: '--from',
    label: 'Sender address (From)',
    example: 'news@your-organisation.org',
    default: () => PLACEHOLDER_FROM,
    schema: shape.from.shape.address,
  },
  {
    key: 'replyTo',
    flag: '--reply-to',
    label: 'Reply-To address (where replies go)',
    example: 'team@your-organisation.org',
    default: (a) => a.from ?? PLACEHOLDER_FROM,
    schema: shape.from.shape.address,
  },
  {
    key: 'listId',
    flag: '--list-id',
    label: 'List id (a domain-like name mail programs show, e.g. news.example.org)',
    example: 'enews.your-organisation.org',
    default: (a, folder) => `${slugOf(a.title ?? folder)}.${domainOf(a.from)}`,
    schema: shape.list_id,
  },
  {
    key: 'postalAddress',
    flag: '--postal-address',
    label:
      'Postal address (shown in every footer; the law asks for it in many countries); ' +
      'one or more lines, then an empty line',
    example: 'Cooperatives Unit, 4 route des Morillons, 1211 Geneva, Switzerland',
    default: (a) => starterTexts(a.language ?? 'en').postalAddress,
    schema: shape.postal_address,
    lines: true,
  },
  {
    key: 'siteUrl',
    flag: '--site-url',
    label: 'Web address the archive of issues is published at',
    example: 'https://www.your-organisation.org/news/',
    default: (a, folder) => `https://www.${domainOf(a.from)}/${slugOf(a.title ?? folder)}/`,
    schema: shape.site.unwrap().shape.base_url,
  },
  {
    key: 'unsubscribeUrl',
    flag: '--unsubscribe-url',
    label: 'Unsubscribe link (answered by enews serve)',
    example: 'https://www.your-organisation.org/news/unsubscribe',
    default: (a) => `${(a.siteUrl ?? `https://www.${PLACEHOLDER_DOMAIN}/`).replace(/\/?$/, '/')}unsubscribe`,
    schema: shape.unsubscribe.shape.url.unwrap(),
  },
  {
    key: 'unsubscribeMailto',
    flag: '--unsubscribe-mailto',
    label: 'Unsubscribe address (mail to it is read by enews inbox)',
    example: 'news-unsubscribe@your-organisation.org',
    default: (a) => `${localOf(a.from)}-unsubscribe@${domainOf(a.from)}`,
    schema: shape.unsubscribe.shape.mailto.unwrap(),
  },
];

/** Why `value` cannot be the answer, in the words of newsletter.yaml's checks; null when it can. */
export function answerProblem(q: Question, value: string): string | null {
  const r = q.schema.safeParse(value);
  if (r.success) return null;
  return r.error.issues.map((i) => i.message).join('; ');
}

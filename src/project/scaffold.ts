/**
 * The files of a new project, as text: content that `enews build 1` builds
 * as it is, the team's README and the setup files. Pure, so tests can read
 * what `enews init` would write without writing it.
 */
import { stringify } from 'yaml';
import { ITEM_TYPES } from '../content/schema.js';
import type { Answers } from './init-answers.js';
import { githubWorkflow } from './scaffold-ci.js';
import { teamReadme } from './scaffold-readme.js';
import { starterTexts } from './starter-texts.js';

export interface ScaffoldOptions {
  /** The project's folder name (package name, README title). */
  name: string;
  /** YYYY-MM-DD of issue 1. */
  date: string;
  /** The package.json spec of enews (file:…, a git URL). */
  enews: string;
  /** The first line of each content file: its JSON Schema for editors. */
  schemaLine: (file: string, schema: 'newsletter' | 'items' | 'issue') => string;
  ci: 'github' | null;
}

/** One YAML scalar, quoted only when it has to be. */
const y = (v: string): string => stringify(v, { lineWidth: 0 }).trimEnd();

/** A text of several lines as a literal block under a top-level key, else as `y`. */
const block = (v: string): string =>
  v.includes('\n')
    ? `|-\n${v
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}`
    : y(v);

/** A long text as a folded block, wrapped before 100 columns, each line indented by `indent`. */
const folded = (v: string, indent: string): string => {
  const lines: string[] = [];
  for (const word of v.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && indent.length + lines[last]!.length + 1 + word.length <= 100) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return `>-\n${lines.map((l) => indent + l).join('\n')}`;
};

export function scaffoldFiles(a: Answers, o: ScaffoldOptions): Array<[string, string]> {
  const files: Array<[string, string]> = [
    ['issues/newsletter.yaml', newsletterYaml(a, o)],
    ['issues/items.yaml', itemsYaml(a, o)],
    ['issues/001.yaml', firstIssueYaml(a, o)],
    ['subscribers.example.csv', subscribersCsv(a)],
    ['.env.example', ENV_EXAMPLE],
    ['.gitignore', GITIGNORE],
    ['README.md', teamReadme(a)],
    ['package.json', packageJson(o)],
  ];
  if (o.ci === 'github') files.push(['.github/workflows/enews.yml', githubWorkflow()]);
  return files;
}

function newsletterYaml(a: Answers, o: ScaffoldOptions): string {
  return `${o.schemaLine('issues/newsletter.yaml', 'newsletter')}
# Identity of the newsletter: the same for every issue.
# Secrets (SMTP password, DKIM key, unsubscribe secret) never go here: they go in .env (see .env.example).
title: ${y(a.title)}
language: ${y(a.language)}
from:
  name: ${y(a.fromName)}
  address: ${y(a.from)}
reply_to: ${y(a.replyTo)}
# Shown by mail clients as the list's identity (List-Id header).
list_id: ${y(a.listId)}
# In every message's footer; the law asks for it in many countries. Several lines are fine.
postal_address: ${block(a.postalAddress)}
why_you_get_this: ${y(starterTexts(a.language).whyYouGetThis(a.title))}
unsubscribe:
  # Each subscriber's link gets ?t=TOKEN (their address and this list, encrypted with
  # UNSUBSCRIBE_SECRET). \`enews serve\` answers this path, behind your HTTPS server.
  url: ${y(a.unsubscribeUrl)}
  # Mail to this address is read by \`enews inbox\`.
  mailto: ${y(a.unsubscribeMailto)}
# The web archive that \`enews site\` writes, published at this address: issue 1 at <base_url>001/.
# It is also each message's "View this issue online" link.
site:
  base_url: ${y(a.siteUrl)}
# Optional fields (logo, brand colour, bounce_address, verp, fallback_name, sample_recipient,
# suppress): see the enews README, "Content files". Your editor completes them (see README.md).
# Item types of your own (item_types:) and your website's feeds (feeds:, for enews items pull):
# see the enews README, "Item types and items from your website".
`;
}

function itemsYaml(a: Answers, o: ScaffoldOptions): string {
  const t = starterTexts(a.language);
  return `${o.schemaLine('issues/items.yaml', 'items')}
# The catalog of news items. Each issue picks items from here by id.
# type is one of: ${ITEM_TYPES.join(', ')}; or of your own, listed as item_types: in newsletter.yaml.

- id: welcome
  type: News
  title: ${y(t.itemTitle(a.title))}
  date: ${o.date}
  summary: ${folded(t.itemSummary, '    ')}
  url: ${y(a.siteUrl)}
`;
}

function firstIssueYaml(a: Answers, o: ScaffoldOptions): string {
  const t = starterTexts(a.language);
  return `${o.schemaLine('issues/001.yaml', 'issue')}
# Issue 1. List catalog items by id under items:, write the intro, then: npx enews check 1
# Without a subject: line, the subject is the title and the number in the newsletter's language.
number: 1
date: ${o.date}
preheader: ${y(t.preheader)}
intro: |
${t
  .intro(a.title, a.siteUrl)
  .trimEnd()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
items:
  - welcome
`;
}

function subscribersCsv(a: Answers): string {
  const domain = /@(.+)$/.exec(a.from)?.[1] ?? 'example.org';
  return [
    'email,name,language,status',
    `reader@${domain},Sample Reader,${a.language},subscribed`,
    `another.reader@${domain},,${a.language},subscribed`,
    '',
  ].join('\n');
}

function packageJson(o: ScaffoldOptions): string {
  const pkg = {
    name: o.name,
    private: true,
    description: 'Our newsletter, made with enews.',
    dependencies: { enews: o.enews },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

const ENV_EXAMPLE = `# Copy this file to .env (never commit .env) and fill in what you use.
# The environment wins over .env. enews never prints, logs or journals these values.

# The SMTP server enews send uses: smtp://user:password@host:587, or smtps://…:465 for TLS
# from the start. Special characters in the password are written as %XX.
# SMTP_URL=smtp://user:password@smtp.example.org:587

# Encrypts each subscriber's unsubscribe token. enews serve needs the same value; keep it:
# the links in every message ever sent need it. At least 128 bits of strength, or send,
# serve and inbox refuse it: make it with  openssl rand -base64 32
# UNSUBSCRIBE_SECRET=
# When you replace it, keep the old one here (several: comma-separated): enews serve and
# enews inbox still accept the links of the messages sent with it.
# UNSUBSCRIBE_SECRET_OLD=

# DKIM signing (optional): all three or none. The domain is your From address's (or a subdomain
# of it), so receivers' DMARC checks pass. The key: an RSA private key without a passphrase,
# 2048 bits (under 1024, send refuses it), made with
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim-private.pem
# and its public half published in DNS at <selector>._domainkey.<domain>.
# DKIM_DOMAIN=example.org
# DKIM_SELECTOR=enews
# DKIM_PRIVATE_KEY_FILE=/path/to/dkim-private.pem
# An Ed25519 key (RFC 8463) signs too, with a selector of its own: besides the RSA key, never instead.
# DKIM_ED25519_SELECTOR=enews-ed
# DKIM_ED25519_PRIVATE_KEY_FILE=/path/to/dkim-ed25519.pem

# The mailbox enews inbox reads for bounces, complaints and unsubscribe requests.
# IMAP_URL=imaps://bounces:password@mail.example.org:993/INBOX

# Chrome or Chromium for enews build --screenshots and enews check --axe, when it is not in the usual places.
# CHROMIUM_PATH=/usr/bin/chromium

# SpamAssassin for enews check --spam, when spamassassin is not on the PATH.
# SPAMASSASSIN_PATH=/usr/bin/spamassassin
`;

const GITIGNORE = `node_modules/
# Made by enews: builds, send journals (they hold addresses), the web archive, dry runs.
dist/
journal/
site/
out/
# Secrets.
.env
`;

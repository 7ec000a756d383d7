/**
 * The world the inbox tests share: the example project sends issues 1–3 to
 * a small list over a real SMTP server, and the fixtures of tests/fixtures/inbox/ are
 * filled with what those sends really carried (Message-IDs from the send
 * journal, VERP return paths and unsubscribe tokens from the messages
 * received), giving the mailbox the tests read as mbox, Maildir and IMAP.
 * What each fixture imitates, and what it should become, is in README.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import libmime from 'libmime';
import { expect } from 'vitest';
import { enews } from './inproc.js';
import { verpMac } from '../../src/personalize/return-path.js';
import { copyProject, edit, read, write } from './project.js';
import { startSmtp } from './smtp.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/inbox');
export const SECRET = 'bkgtWDWvSuOanLYJj/PG9kAHMZC0OkzkP2ufeuxYPwo=';

export const PEOPLE: Record<string, string> = {
  ana: 'ana@postfix.example.net',
  ben: 'ben@exim.example.net',
  chloe: 'chloe@outlook.example.com',
  dan: 'dan@gmail.example.com',
  eve: 'eve@ses.example.com',
  fay: 'fay@gmail.example.com',
  gus: 'gus@postfix.example.net',
  hal: 'hal@yahoo.example.com',
  ivy: 'ivy@outlook.example.com',
  jon: 'jon@hotmail.example.com',
  kim: 'kim@example.org',
  lea: 'lea@example.org',
  mia: 'mia@example.org',
};
export const p = (who: string) => PEOPLE[who]!;

const HUGE = '(generated: a 20 MB return)';
export const LIST = 'enews.coop.example.org';
/** Whose mail the mailbox's server finds authenticated (by DKIM, SPF and DMARC). */
const AUTHENTICATED = new Set([PEOPLE.lea!]);
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/** The mailbox, in order: fixture, whom it is about, which issue's message it answers. */
export const MAILBOX: Array<[file: string, who?: string, issue?: number]> = [
  ['dsn-postfix-failed.eml', 'ana', 3],
  ['dsn-exim-failed.eml', 'ben', 3],
  ['dsn-exchange-failed.eml', 'chloe', 3],
  ['dsn-gmail-failed.eml', 'dan', 3],
  ['dsn-amazonses-failed.eml', 'eve', 3],
  ['dsn-gmail-delayed.eml', 'fay', 1],
  ['dsn-gmail-delayed.eml', 'fay', 2],
  ['dsn-gmail-delayed.eml', 'fay', 3],
  ['dsn-postfix-expired.eml', 'fay', 1],
  ['dsn-postfix-expired.eml', 'fay', 2],
  ['dsn-postfix-expired.eml', 'fay', 3],
  ['dsn-postfix-delayed.eml', 'gus', 3],
  ['arf-yahoo.eml', 'hal', 3],
  ['arf-microsoft.eml', 'ivy', 3],
  ['arf-hotmail-legacy.eml', 'jon', 3],
  ['unsubscribe-gmail-token.eml', 'kim', 3],
  ['unsubscribe-by-hand.eml', 'lea', 3],
  ['dsn-sendmail-no-copy.eml', 'mia'],
  ['ooo-vacation.eml', 'ana', 3],
  ['ooo-exchange.eml', 'ivy', 3],
  ['challenge-tmda.eml', 'gus', 3],
  ['reply-ordinary.eml', 'ben', 3],
  ['dsn-sendmail-no-copy.eml', 'former-staff@example.com'],
  ['unsubscribe-by-hand.eml', 'stranger@example.net'],
  ['broken-truncated.eml', 'ana', 2],
  ['broken-no-delivery-status.eml', 'chloe', 2],
  ['broken-wrong-charset.eml'],
  [HUGE],
];

export type Ev = { type: string; email: string; issue?: number; source: string; list?: string };
const ev = (type: string, who: string, issue: number | undefined, source: string): Ev => ({
  type,
  email: p(who),
  ...(issue ? { issue } : {}),
  source,
});

/** Exactly these events, once each (sorted, as readers list Maildir folders in their own order). */
export const EXPECTED_EVENTS: Ev[] = [
  ev('bounced', 'ana', 3, 'dsn'),
  // Exim's 5.0.0 says nothing about the address (no words in a Diagnostic-Code): this issue failed, no more.
  ev('soft-bounced', 'ben', 3, 'dsn'),
  ev('bounced', 'chloe', 3, 'dsn'),
  ev('bounced', 'dan', 3, 'dsn'),
  ev('bounced', 'eve', 3, 'dsn'),
  // Delay notices say nothing yet; the queue giving up (Action: failed, 4.4.1) is a soft bounce of the issue…
  ev('soft-bounced', 'fay', 1, 'dsn'),
  ev('soft-bounced', 'fay', 2, 'dsn'),
  ev('soft-bounced', 'fay', 3, 'dsn'),
  // …and soft bounces in three different issues add up to a bounce.
  ev('bounced', 'fay', undefined, 'dsn'),
  ev('complained', 'hal', 3, 'arf'),
  ev('complained', 'ivy', 3, 'arf'),
  ev('complained', 'jon', 3, 'arf'),
  ev('unsubscribed', 'kim', 3, 'mailto'),
  // No token, but the mailbox's own server authenticated her mail: heard, for no issue in particular.
  ev('unsubscribed', 'lea', undefined, 'mailto'),
];

/**
 * What proved each: the VERP id of the address it came back to, matching the address the report names; else
 * the token in the returned headers (Exim's relay rewrote the return path; Microsoft redacts the recipient; the
 * old Hotmail form names no return path) or in the request's subject; else the authenticated sender.
 */
export const EXPECTED_VIA: Array<[who: string, issue: number | undefined, via: string]> = [
  ['ana', 3, 'verp'],
  ['ben', 3, 'token'],
  ['chloe', 3, 'verp'],
  ['dan', 3, 'verp'],
  ['eve', 3, 'verp'],
  ['fay', 1, 'verp'],
  ['fay', 2, 'verp'],
  ['fay', 3, 'verp'],
  ['hal', 3, 'verp'],
  ['ivy', 3, 'token'],
  ['jon', 3, 'token'],
  ['kim', 3, 'token'],
  ['lea', undefined, 'authenticated-sender'],
];

/** Returns that prove nothing about whom they are about: listed once, never applied. */
export const EXPECTED_UNPROVED = [
  // A report that names an address and nothing of the message: anyone could have written it.
  ['Returned mail: see transcript for details', 'bounced', [p('mia')]],
  ['Returned mail: see transcript for details', 'bounced', ['former-staff@example.com']],
  // A request from someone whose mail nothing authenticated.
  ['Please remove me', 'unsubscribed', []],
];

/** Messages that cannot be read as a return at all. */
export const EXPECTED_UNMATCHED = [
  ['Undelivered Mail Returned to Sender', 'no-recipient-fields'],
  ['Delivery failure: ILO COOP eNewsUpdate No. 2', 'no-delivery-status'],
  [expect.stringContaining('Non remis'), 'nonstandard-bounce'],
  ['Undelivered Mail Returned to Sender', 'too-large'],
];

export interface Sent {
  messageId: string;
  verp: string;
  subject: string;
  token: string;
  headers: string;
  raw: string;
}

/** The project that sent issues 1–3 (its journal/ holds the sends), and the filled mailbox. */
export const world = { dir: '', mailbox: [] as Buffer[] };
const sent = new Map<string, Sent>();

export const sorted = (events: Ev[]) => [...events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
export const essentials = (events: Array<Ev & { at?: string; detail?: string }>) =>
  events.map(({ type, email, issue, source }) => ({ type, email, ...(issue ? { issue } : {}), source }));

/** What the send of `issue` to `who` really carried (its VERP return path, Message-ID, token…). */
export function sentTo(who: string, issue: number): Sent {
  const s = sent.get(`${issue} ${PEOPLE[who] ?? who}`);
  if (!s) throw new Error(`nothing was sent to ${who} in issue ${issue}`);
  return s;
}

/** Builds and sends issues 1–3 of the example project to PEOPLE, then fills the mailbox from those sends. */
export async function prepareScenario(): Promise<void> {
  const dir = copyProject();
  world.dir = dir;
  // The mailbox's own server, whose Authentication-Results enews inbox believes.
  edit(dir, 'issues/newsletter.yaml', 'verp: true\n', 'verp: true\ninbox:\n  authserv_id: mail.example.org\n');
  write(dir, 'subscribers.csv', `email,name\r\n${Object.values(PEOPLE).join(',\r\n')},\r\n`);
  const smtp = await startSmtp();
  try {
    for (const n of [1, 2, 3]) {
      const b = await enews(['build', String(n)], dir);
      expect(b.code, b.stderr).toBe(0);
      const s = await enews(['send', String(n), '--subscribers', 'subscribers.csv', '--yes'], dir, {
        SMTP_URL: smtp.url(),
        UNSUBSCRIBE_SECRET: SECRET,
      });
      expect(s.code, s.stderr).toBe(0);
      const journal = read(dir, `journal/00${n}.jsonl`)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      for (const r of journal.filter((x) => x.type === 'sent')) {
        const m = smtp.received.find((x) => x.raw.includes(`Message-ID: ${r.messageId}\r\n`))!;
        const raw = m.raw.toString('utf8').replace(/\r\n/g, '\n');
        const headers = raw.slice(0, raw.indexOf('\n\n'));
        const h = libmime.decodeHeaders(headers) as Record<string, string[]>;
        sent.set(`${n} ${r.email}`, {
          messageId: r.messageId,
          verp: m.from,
          subject: h.subject![0]!,
          token: /subject=unsubscribe%20([A-Za-z0-9_-]+)/.exec(headers)![1]!,
          headers,
          raw: raw.endsWith('\n') ? raw : `${raw}\n`,
        });
      }
    }
  } finally {
    await smtp.close();
  }
  expect(sent.size).toBe(3 * 13);
  // Every return path is a VERP address of the bounce mailbox, as newsletter.yaml asks, proving its recipient.
  for (const [key, s] of sent) {
    const [issue, email] = key.split(' ');
    expect(s.verp).toBe(`coop-enews-bounces+${issue}-${verpMac(SECRET, LIST, Number(issue), email!)}@example.org`);
  }
  world.mailbox = MAILBOX.map(([file, who, issue]) => (file === HUGE ? hugeReturn() : fill(file, who, issue)));
}

function fill(file: string, who?: string, issue?: number): Buffer {
  const bytes = readFileSync(path.join(FIXTURES, file));
  if (!who) return bytes;
  const email = PEOPLE[who] ?? who;
  const s = issue ? sent.get(`${issue} ${email}`) : undefined;
  const values: Record<string, string | undefined> = {
    EMAIL: email,
    VERP_ADDRESS: s?.verp,
    MESSAGE_ID: s?.messageId,
    SUBJECT: s?.subject,
    TOKEN: s?.token,
    ORIGINAL_HEADERS: s?.headers,
    // Microsoft's reports since 2025 blank out the recipient (RFC 6590 redaction).
    ORIGINAL_HEADERS_REDACTED: s?.headers.replace(/^To:.*(\n[ \t].*)*/m, 'To: xxxxxxxxxx@outlook.example.com'),
    ORIGINAL_MESSAGE: s?.raw,
    // Each return has its own id (a queue id in its Message-ID), even when a fixture serves twice.
    ID: createHash('sha256').update(`${file} ${email} ${issue}`).digest('hex').slice(0, 8),
    // What mail.example.org adds on delivery: the sender authenticated (DKIM, SPF, DMARC) for those who are.
    AUTH_RESULTS: AUTHENTICATED.has(email)
      ? `Authentication-Results: mail.example.org; dkim=pass header.d=${domainOf(email)} header.s=s1; ` +
        `spf=pass smtp.mailfrom=${email}; dmarc=pass (p=none dis=none) header.from=${domainOf(email)}`
      : '',
  };
  const text = bytes.toString('utf8').replace(/\{\{([A-Z_]+)\}\}\n?/g, (all, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`${file}: nothing to fill {{${key}}} with for ${email}`);
    // A whole message already ends with its newline; an empty field is no line at all.
    return key === 'ORIGINAL_MESSAGE' || v === '' ? v : all.endsWith('\n') ? `${v}\n` : v;
  });
  return Buffer.from(text, 'utf8');
}

/** A Postfix bounce returning a 20 MB message: generated, never committed. */
function hugeReturn(): Buffer {
  const line = `${'QUJD'.repeat(19)}\n`;
  const lines = Math.ceil((20 * 1024 * 1024) / line.length);
  const head = fill('dsn-postfix-failed.eml', 'ana', 1).toString('utf8');
  const cut = head.indexOf('Return-Path: <coop-enews-bounces+');
  return Buffer.concat([
    Buffer.from(
      `${head.slice(0, cut)}From: coop-enews@example.org\nSubject: big\nContent-Type: multipart/mixed; boundary=b\n\n` +
        '--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n',
    ),
    Buffer.from(line.repeat(lines)),
    Buffer.from('--b--\n\n--4VxQ2T0kLgz9sWB.1493190761/mail.example.org--\n'),
  ]);
}

/** mboxrd: a From line before each message, body lines starting with (>*)From escaped with one more >. */
export function writeMbox(file: string, messages: Buffer[]): void {
  const parts = messages.map((m) => {
    const text = m.toString('latin1').replace(/^(>*From )/gm, '>$1');
    return Buffer.from(
      `From MAILER-DAEMON Wed Apr 26 09:12:41 2017\n${text}${text.endsWith('\n') ? '' : '\n'}\n`,
      'latin1',
    );
  });
  writeFileSync(file, Buffer.concat(parts));
}

export function writeMaildir(folder: string, messages: Buffer[]): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(folder, sub), { recursive: true });
  messages.forEach((m, i) => {
    // Some already seen by a mail client (cur/, with flags), the rest new.
    const name = `14931907${String(i).padStart(2, '0')}.M${i}P4242.mail.example.org`;
    writeFileSync(path.join(folder, i % 3 === 0 ? 'cur' : 'new', i % 3 === 0 ? `${name}:2,S` : name), m);
  });
}

export function runDir(name: string): string {
  const d = path.join(world.dir, 'runs', name);
  mkdirSync(d, { recursive: true });
  return d;
}

export async function inbox(args: string[], env: Record<string, string> = { UNSUBSCRIBE_SECRET: SECRET }) {
  const r = await enews(['inbox', ...args], world.dir, env);
  return { ...r, json: r.stdout.trimStart().startsWith('{') ? JSON.parse(r.stdout) : null };
}

export function expectFullResult(json: Record<string, unknown> & { events: Ev[] }, messages = MAILBOX.length) {
  expect(json).toMatchObject({
    messages,
    alreadyProcessed: 0,
    outcomes: { bounced: 4, 'soft-bounced': 4, complained: 3, unsubscribed: 2 },
    ignored: 8,
    ignoredBy: { delayed: 4, 'auto-reply': 2, 'challenge-response': 1, reply: 1 },
    alreadyRecorded: 0,
    fromSoftBounces: 1,
  });
  expect(sorted(essentials(json.events))).toEqual(sorted(EXPECTED_EVENTS));
  const via = (json.matched as Array<{ email: string; issue?: number; via: string }>).map((m) => [
    m.email,
    m.issue,
    m.via,
  ]);
  expect(sorted(via as never)).toEqual(sorted(EXPECTED_VIA.map(([who, issue, v]) => [p(who), issue, v]) as never));
  const unmatched = (json.unmatched as Array<{ subject: string; why: string }>).map((u) => [u.subject, u.why]);
  expect(unmatched).toHaveLength(EXPECTED_UNMATCHED.length);
  for (const u of EXPECTED_UNMATCHED) expect(unmatched).toContainEqual(u);
  const unproved = (json.unproved as Array<{ subject: string; type: string; names: string[] }>).map((u) => [
    u.subject,
    u.type,
    u.names,
  ]);
  expect(sorted(unproved as never)).toEqual(sorted(EXPECTED_UNPROVED as never));
}

export function eventsIn(file: string): Array<Ev & { at: string; detail?: string }> {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verpMac } from '../personalize/return-path.js';
import { sealToken } from '../personalize/token.js';
import { classify, type ClassifyContext } from './classify.js';
import { parseReturn, parseWhole, readPlainReport, type ReturnFacts } from './parse.js';

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'inbox');
const SECRET = 'unit-test-secret';
const LIST = 'enews.coop.example.org';
const EMAIL = 'kim@example.net';
const ctx: ClassifyContext = {
  listId: LIST,
  unsubscribeKey: 'coop-enews-unsubscribe@example.org',
  secrets: [SECRET],
  authservId: 'mail.example.org',
};

/** A sent issue as the fixtures quote it: its headers as enews writes them and a ~16 KB body. */
const ORIGINAL_HEADERS =
  `To: "Kim" <${EMAIL}>\nDate: Wed, 26 Apr 2017 07:12:39 +0000\nMessage-ID: <issue3.kim@example.org>\n` +
  'From: "ILO COOP" <coop-enews@example.org>\nSubject: ILO COOP eNewsUpdate No. 3\n' +
  `List-Unsubscribe: <mailto:coop-enews-unsubscribe@example.org?subject=unsubscribe%20${sealToken(SECRET, LIST, EMAIL, 3)}>\n` +
  'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8';
const ORIGINAL = `${ORIGINAL_HEADERS}\n\n${'News on cooperatives from the ILO. --\n'.repeat(430)}`;
const VALUES: Record<string, string> = {
  EMAIL,
  VERP_ADDRESS: `coop-enews-bounces+3-${verpMac(SECRET, LIST, 3, EMAIL)}@example.org`,
  MESSAGE_ID: '<issue3.kim@example.org>',
  SUBJECT: 'ILO COOP eNewsUpdate No. 3',
  TOKEN: sealToken(SECRET, LIST, EMAIL, 3),
  ORIGINAL_HEADERS,
  ORIGINAL_HEADERS_REDACTED: ORIGINAL_HEADERS.replace(/^To:.*$/m, 'To: xxxxxxxxxx@outlook.example.com'),
  ORIGINAL_MESSAGE: `${ORIGINAL}\n`,
  ID: '0a1b2c3d',
  AUTH_RESULTS: 'Authentication-Results: mail.example.org; dmarc=pass header.from=example.net',
};

function fixture(file: string): string {
  return readFileSync(path.join(FIXTURES, file), 'utf8').replace(/\{\{([A-Z_]+)\}\}\n?/g, (all, key: string) => {
    const v = VALUES[key]!;
    return key === 'ORIGINAL_MESSAGE' || v === '' ? v : all.endsWith('\n') ? `${v}\n` : v;
  });
}

const FILES = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));

/** What each fixture is, as mailparser's reading of it is classified (the values before report-parts.ts). */
const EXPECTED: Record<string, string> = {
  'arf-hotmail-legacy.eml': 'return arf complained',
  'arf-microsoft.eml': 'return arf complained',
  'arf-yahoo.eml': 'return arf complained',
  'broken-no-delivery-status.eml': 'unmatched no-delivery-status',
  'broken-truncated.eml': 'unmatched no-recipient-fields',
  'broken-wrong-charset.eml': 'unmatched nonstandard-bounce',
  'challenge-tmda.eml': 'ignored challenge-response',
  'dsn-amazonses-failed.eml': 'return dsn bounced',
  'dsn-exchange-failed.eml': 'return dsn bounced',
  'dsn-exim-failed.eml': 'return dsn soft-bounced',
  'dsn-gmail-delayed.eml': 'ignored delayed',
  'dsn-gmail-failed.eml': 'return dsn bounced',
  'dsn-postfix-delayed.eml': 'ignored delayed',
  'dsn-postfix-expired.eml': 'return dsn soft-bounced',
  'dsn-postfix-failed.eml': 'return dsn bounced',
  'dsn-sendmail-no-copy.eml': 'return dsn bounced',
  'ooo-exchange.eml': 'ignored auto-reply',
  'ooo-vacation.eml': 'ignored auto-reply',
  'reply-ordinary.eml': 'ignored reply',
  'unsubscribe-by-hand.eml': 'return mailto unsubscribed',
  'unsubscribe-gmail-token.eml': 'return mailto unsubscribed',
};

/** The plainly written reports among the fixtures: the ones report-parts.ts reads without mailparser. */
const PLAIN = FILES.filter((f) => /^(dsn|arf)-/.test(f) && f !== 'arf-hotmail-legacy.eml').concat(
  'broken-no-delivery-status.eml',
);

function summary(f: ReturnFacts): string {
  const c = classify(f, ctx);
  if (c.kind === 'return') return `return ${c.ret.source} ${c.ret.outcome.type}`;
  return `${c.kind} ${c.why}`;
}

const withoutBody = (f: ReturnFacts | null) => (f ? { ...f, body: '' } : f);

describe('report-parts: a plainly written report read without mailparser', () => {
  it('has an expected classification for every fixture', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...FILES].sort());
    expect(PLAIN).toHaveLength(12);
  });

  for (const file of FILES) {
    for (const ends of ['LF', 'CRLF'] as const) {
      it(`${file} (${ends}): the same facts and classification as mailparser's`, async () => {
        const text = fixture(file);
        const raw = Buffer.from(ends === 'LF' ? text : text.replace(/\r?\n/g, '\r\n'));
        const whole = await parseWhole(raw);
        const plain = readPlainReport(raw);
        if (PLAIN.includes(file)) expect(withoutBody(plain)).toEqual(withoutBody(whole));
        else expect(plain).toBeNull();
        expect(summary(await parseReturn(raw))).toBe(EXPECTED[file]);
        expect(classify(await parseReturn(raw), ctx)).toEqual(classify(whole, ctx));
      });
    }
  }
});

describe('report-parts: what it takes, exactly as mailparser does', () => {
  const base = fixture('dsn-postfix-failed.eml');
  const variants: Array<[string, (s: string) => string]> = [
    ['an encoded-word subject', (s) => s.replace(/^Subject: .*$/m, 'Subject: =?utf-8?q?Non_remis_=C3=A9?= (r)')],
    ['a folded subject', (s) => s.replace(/^Subject: (.*)$/m, 'Subject: Undelivered\n   Mail  Returned\tto Sender')],
    [
      'two To fields, a group and a Cc',
      (s) =>
        `To: a@x.example, "B" <b@x.example>\nTo: g: c@x.example, d@x.example;\nCc: =?utf-8?q?=C3=A9?= <e@x.example>\n${s}`,
    ],
    [
      'a preamble and an epilogue',
      (s) => s.replace(/\n\n/, '\n\nThis is a MIME message.\n').concat('\nepilogue\n--x\n'),
    ],
    [
      'a quoted delimiter inside a line',
      (s) => s.replace('Reporting-MTA:', 'X-Note: see --BOUNDARY in text\nReporting-MTA:'),
    ],
    [
      'a report part in 8bit',
      (s) =>
        s
          .replace(
            'Content-Type: message/delivery-status',
            'Content-Type: message/delivery-status\nContent-Transfer-Encoding: 8bit',
          )
          .replace('Reporting-MTA:', 'X-Text: caf\u00e9\nReporting-MTA:'),
    ],
    [
      'a part with no header lines',
      (s) => s.replace(/--([^\n]+)\n(Content-Description: Notification\n)?Content-Type: text\/plain[^\n]*\n/, '--$1\n'),
    ],
  ];
  for (const [name, change] of variants) {
    it(`takes ${name}`, async () => {
      const raw = Buffer.from(change(base).replaceAll('BOUNDARY', boundaryOf(base)));
      const plain = readPlainReport(raw);
      expect(plain).not.toBeNull();
      expect(withoutBody(plain)).toEqual(withoutBody(await parseWhole(raw)));
    });
  }

  const declined: Array<[string, (s: string) => string]> = [
    [
      'a delimiter line with more after the boundary',
      (s) => s.replace(/^(--[^\n]+)\nContent-Description: Delivery/m, '$1 \nContent-Description: Delivery'),
    ],
    ['no close delimiter', (s) => s.slice(0, s.lastIndexOf('\n--'))],
    ['an 8-bit header block', (s) => s.replace(/^Subject: .*$/m, 'Subject: Non remis \u00e9')],
    ['a comment in the Content-Type', (s) => s.replace('multipart/report;', 'multipart/report (dsn);')],
    ['two Content-Type fields', (s) => `Content-Type: text/plain\n${s}`],
    [
      'a base64 report part',
      (s) =>
        s.replace(
          'Content-Type: message/delivery-status',
          'Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64',
        ),
    ],
    [
      'a line that starts with the delimiter and goes on',
      (s) => s.replace('Reporting-MTA:', '--BOUNDARYx\nReporting-MTA:'),
    ],
  ];
  for (const [name, change] of declined) {
    it(`leaves ${name} to mailparser, with the same classification`, async () => {
      const raw = Buffer.from(change(base).replaceAll('BOUNDARY', boundaryOf(base)));
      expect(readPlainReport(raw)).toBeNull();
      expect(classify(await parseReturn(raw), ctx)).toEqual(classify(await parseWhole(raw), ctx));
    });
  }
});

function boundaryOf(s: string): string {
  return /boundary="?([^";\n]+)"?/.exec(s)![1]!;
}

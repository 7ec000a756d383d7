/**
 * Subscriber data is untrusted: names and merge fields with HTML, template
 * syntax, header-like text, bidi overrides or absurd length must come out
 * escaped or be rejected — never a new header, a new recipient, markup or a
 * template expansion.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, write } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

let server: TestSmtp | undefined;
afterAll(async () => server?.close());

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('hostile subscriber data', () => {
  it('is escaped in HTML, literal in text, safely encoded in headers, and never adds a recipient', async () => {
    const dir = copyProject();
    // Templates may use merge fields; add one so a hostile "organisation" column reaches the HTML.
    const footer = path.join(dir, 'templates/partials/footer.mjml');
    write(
      dir,
      'templates/partials/footer.mjml',
      readFileSync(footer, 'utf8').replace(
        '<p>{{newsletter.why_you_get_this}}</p>',
        '<p>{{newsletter.why_you_get_this}} ({{slot "organisation"}})</p>',
      ),
    );
    const rows = [
      ['html@example.org', '<b>Bold</b><script>alert(1)</script>', '<img src=x onerror=alert(1)>'],
      ['tpl@example.org', '{{slot "email"}} {{newsletter.title}}', '{{#each items}}x{{/each}}'],
      ['hdr@example.org', 'Eve Bcc: victim@example.com', 'To: other@example.com'],
      ['quote@example.org', '"Quoted" O\'Hara, Jr. <fake@example.com>', '=?utf-8?q?=0D=0ABcc:_x@evil?='],
    ];
    write(
      dir,
      'subscribers.csv',
      ['email,name,organisation', ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n',
    );
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    server = await startSmtp();
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: 'sM4TGwkR9vF0eLpZ2xqA7bYc1NuD8hJ3oK6iW5tE+Q0=',
    });
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(4);
    for (const [email, name, org] of rows) {
      const msgs = server.received.filter((m) => m.to.includes(email!));
      expect(msgs, email).toHaveLength(1);
      expect(msgs[0]!.to).toEqual([email]);
      const mail = await simpleParser(msgs[0]!.raw);
      expect((mail.to as { value: Array<{ address: string; name: string }> }).value).toEqual([
        { address: email, name },
      ]);
      expect(mail.bcc).toBeUndefined();
      expect(mail.cc).toBeUndefined();
      expect(mail.text).toContain(`Dear ${name},`);
      const escaped = (s: string) =>
        s
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&#39;');
      expect(mail.html).toContain(`Dear ${escaped(name!)},`);
      expect(mail.html).toContain(`(${escaped(org!)})`);
    }
    for (const m of server.received) {
      const mail = await simpleParser(m.raw);
      expect(mail.html).not.toContain('<script>alert(1)</script>');
      expect(mail.html).not.toContain('<img src=x');
      expect(mail.headerLines.filter((h) => ['bcc', 'cc', 'to'].includes(h.key)).map((h) => h.key)).toEqual(['to']);
    }
  });

  it(
    'rows with line breaks, bidi overrides, control characters ' +
      'or 10 000-character names are rejected with their line',
    async () => {
      const dir = copyProject();
      write(
        dir,
        'subscribers.csv',
        [
          'email,name',
          'ok@example.org,Fine',
          `crlf@example.org,${q('Eve\r\nBcc: victim@example.com')}`,
          'rtl@example.org,Invoice\u202Egpj.exe',
          'ctl@example.org,Null\u0000Byte',
          `long@example.org,${'A'.repeat(10_000)}`,
          `${q('two@example.org, three@example.org')},Two`,
        ].join('\n') + '\n',
      );
      expect((await enews(['build', '3'], dir)).code).toBe(0);
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('5 of 6 rows in subscribers.csv are invalid; nothing was sent');
      expect(r.stderr).toContain('subscribers.csv:3: name "Eve\\r\\nBcc: victim@example.com" contains a line break');
      expect(r.stderr).toContain(
        'subscribers.csv:5: name "Invoice\\u202egpj.exe" contains a control or text-direction override character',
      );
      expect(r.stderr).toContain(
        'subscribers.csv:6: name "Null\\u0000Byte" contains a control or text-direction override character',
      );
      expect(r.stderr).toContain(`subscribers.csv:7: name "${'A'.repeat(60)}…" is longer than 200 characters`);
      expect(r.stderr).toMatch(
        /subscribers\.csv:8: email "two@example\.org, three@example\.org" is not a valid address: it contains a space/,
      );
      expect(() => readdirSync(path.join(dir, 'out'))).toThrow();
    },
  );
});

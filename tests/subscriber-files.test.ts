/**
 * Subscriber files as they come out of editors and spreadsheets: mixed line
 * endings, a quote left open, typos in status and language, odd addresses.
 * Each error must name the line a text editor shows and the value at fault.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvRows, sniffHeader } from '../src/subscribers/csv-rows.js';
import { addressKey, checkEmailAddress } from '../src/util/email-address.js';
import { enews } from './helpers/inproc.js';
import { copyProject, emptyDir } from './helpers/project.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/subscribers');

async function rows(text: string | Buffer): Promise<Array<[number, string[]]>> {
  const file = path.join(emptyDir(), 'list.csv');
  writeFileSync(file, text);
  const out: Array<[number, string[]]> = [];
  for await (const row of readCsvRows(file, sniffHeader(file))) out.push([row.line, row.fields]);
  return out;
}

/** Issue 3 built once; each test sends from a copy of it. */
let built: string;
beforeAll(async () => {
  built = copyProject();
  const r = await enews(['build', '3'], built);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

/**
 * A dry run of issue 3 to the list `text`: exit code, stderr, located problems and the addresses that got a message.
 */
async function dryRun(
  text: string | Buffer,
  ...options: string[]
): Promise<{ code: number; stderr: string; problems: string[]; to: string[] }> {
  const dir = emptyDir();
  cpSync(built, dir, { recursive: true });
  writeFileSync(path.join(dir, 's.csv'), text);
  const r = await enews(
    ['send', '3', '--subscribers', 's.csv', '--dry-run', 'out', '--yes', '--json', ...options],
    dir,
  );
  const out = path.join(dir, 'out');
  // The address as written in the To header (mail parsers would turn an A-label domain back into Unicode).
  const to = (existsSync(out) ? readdirSync(out) : []).map(
    (f) => /^To: .*<(.+)>\r?$/m.exec(readFileSync(path.join(out, f), 'utf8'))![1]!,
  );
  const problems = r.stderr.split('\n').filter((l) => /^ {2}- s\.csv:\d+: /.test(l));
  return { code: r.code, stderr: r.stderr, problems, to: to.sort() };
}

describe('mixed line endings are read record by record, with the line numbers an editor shows', () => {
  it('a CRLF file with rows appended with LF, a lone CR and a quoted field over two lines', async () => {
    const text =
      'email,name,organisation\r\n' + //             1
      'a@example.org,A,ILO\r\n' + //                 2
      'b@example.org,B,"Two\r\nlines"\r\n' + //      3-4
      'c@example.org,C,X\n' + //                     5
      '\n' + //                                      6
      'd@example.org,D,"Three\nmore\r\nlines"\r' + // 7-9
      'e@example.org,E,Y\r\n' + //                   10
      'f@example.org,F,Z'; //                        11
    expect((await rows(text)).map(([line, f]) => [line, f[0], f[2]])).toEqual([
      [2, 'a@example.org', 'ILO'],
      [3, 'b@example.org', 'Two\r\nlines'],
      [5, 'c@example.org', 'X'],
      [7, 'd@example.org', 'Three\nmore\r\nlines'],
      [10, 'e@example.org', 'Y'],
      [11, 'f@example.org', 'Z'],
    ]);
  });

  it('an LF file with one CRLF row, and an old Mac file with CR only', async () => {
    expect(
      (await rows('email,name\na@example.org,A\r\nb@example.org,B\nc@example.org,C\n')).map(([l, f]) => [l, f[1]]),
    ).toEqual([
      [2, 'A'],
      [3, 'B'],
      [4, 'C'],
    ]);
    expect((await rows('\r\remail,name\ra@example.org,A\rb@example.org,B\r')).map(([l, f]) => [l, f[1]])).toEqual([
      [4, 'A'],
      [5, 'B'],
    ]);
  });

  it('enews send mails every row of a CRLF list whose last row an editor appended with LF', async () => {
    const r = await dryRun(readFileSync(path.join(FIXTURES, 'crlf-with-lf-row-appended.csv')));
    expect(r.code, r.stderr).toBe(0);
    expect(r.to).toEqual([
      'amina.diallo@example.com',
      'karim.benali@example.net',
      'ngozi.okafor@example.org',
      'zoe.martin@example.org',
    ]);
  });

  it('an invalid row after mixed line endings names its own line', async () => {
    const r = await dryRun(
      'email,name,language\r\na@example.org,A,en\n' +
        'b@example.org,"B\r\nB",en\rc@example.org,C,english\r\nd@example.org,D,fr\n',
    );
    expect(r.code).toBe(1);
    expect(r.problems).toEqual([
      '  - s.csv:3: name "B\\r\\nB" contains a line break',
      '  - s.csv:5: language "english" must be a language code such as en or fr',
    ]);
    expect(r.to).toEqual([]);
  });

  it('bytes that are not UTF-8 are reported on the right line after CR-only line ends', async () => {
    const r = await dryRun(
      Buffer.concat([
        Buffer.from('email,name\r\na@example.org,A\rb@example.org,B\nc@example.org,Caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n'),
      ]),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('s.csv is not UTF-8: line 4 has bytes in another encoding');
  });
});

describe('row errors show the value at fault', () => {
  it('for status, language, line breaks, invisible characters and overlong values (shortened)', async () => {
    const r = await dryRun(
      [
        'email,name,language,status,organisation',
        'ok@example.org,Fine,en,subscribed,ILO',
        'a@example.org,A,en,subscrbed,',
        'b@example.org,B,english,,',
        'c@example.org,Invoice\u202Egpj.exe,fr,,',
        'd@example.org,D,fr,,"Coop\nde Sfax"',
        `e@example.org,${'N'.repeat(10_000)},fr,,`,
        'f@example.org,Zero\u200bWidth\u0007Bell,fr,,',
      ].join('\r\n') + '\r\n',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('6 of 7 rows in s.csv are invalid; nothing was sent');
    expect(r.problems).toEqual([
      '  - s.csv:3: status "subscrbed" must be one of subscribed, unsubscribed, bounced (or empty, meaning subscribed)',
      '  - s.csv:4: language "english" must be a language code such as en or fr',
      '  - s.csv:5: name "Invoice\\u202egpj.exe" contains a control or text-direction override character',
      '  - s.csv:6: fields.organisation "Coop\\nde Sfax" contains a line break',
      `  - s.csv:8: name "${'N'.repeat(60)}…" is longer than 200 characters`,
      '  - s.csv:9: name "Zero\\u200bWidth\\u0007Bell" contains a control or text-direction override character',
    ]);
    expect(r.to).toEqual([]);
  });
});

describe('a quote that is never closed is reported as such, on the line that opens it', () => {
  // relax_quotes ends the runaway field at the next quote that is not followed by a delimiter.
  it.each([
    ['a quoted field', 'sean@example.org,"O\'Brien, Seán",en', 5],
    ['a quote inside an unquoted field', 'karim@example.net,Karim "KB" Benali,fr', 5],
  ])('even when %s some rows down stops the runaway field', async (_what, later, to) => {
    const r = await dryRun(
      [
        'email,name,language',
        'ok@example.org,Fine,en',
        'zoe@example.org,"Zoë Martin,fr',
        'amina@example.com,Amina Diallo,fr',
        later,
        'lin@example.org,Lin Wei,zh',
      ].join('\n') + '\n',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('s.csv is not valid CSV.');
    expect(r.problems).toEqual([
      `  - s.csv:3: column 2 (name) opens a double quote (") that ` +
        `is never closed, so lines 3 to ${to} read as one field`,
    ]);
    expect(r.stderr).toContain('Close the quote, or write a quote inside a quoted field as two quotes ("").');
    expect(r.to).toEqual([]);
  });

  it('and when it runs to the end of the file', async () => {
    const r = await dryRun(
      'email,name,language\r\nok@example.org,Fine,en\r\n' +
        'zoe@example.org,"Zoë Martin,fr\r\namina@example.com,Amina,fr\r\n',
    );
    expect(r.code).toBe(1);
    expect(r.problems).toEqual([
      '  - s.csv:3: a field opens a double quote (") that is never closed, so the rest of the file reads as one field',
    ]);
  });

  it(
    'while quotes inside unquoted fields, text after a ' + 'closing quote and quoted line breaks stay accepted',
    async () => {
      expect(
        await rows(
          'email,name,language,organisation\na@example.org,Karim "KB" Benali,fr,\n' +
            'b@example.org,"Karim" Benali,fr,\nc@example.org,"""Two""\nlines",en,"x\r\ny"\n',
        ),
      ).toEqual([
        [2, ['a@example.org', 'Karim "KB" Benali', 'fr', '']],
        [3, ['b@example.org', '"Karim" Benali', 'fr', '']],
        [4, ['c@example.org', '"Two"\nlines', 'en', 'x\r\ny']],
      ]);
    },
  );
});

describe('addresses', () => {
  const refused = (a: string) => {
    const c = checkEmailAddress(a);
    return c.ok ? 'accepted' : c.reason;
  };

  it('refuses xn-- labels that are not valid punycode', () => {
    expect(refused('someone@xn--zz.example')).toBe(
      'has an invalid domain "xn--zz.example": "xn--zz" is not valid punycode',
    );
    expect(refused('someone@mail.XN--ZZ.example')).toBe(
      'has an invalid domain "mail.XN--ZZ.example": "xn--zz" is not valid punycode',
    );
    // Decodes to plain ASCII "abc": no registry issues such a label.
    expect(refused('someone@xn--abc-.example')).toBe(
      'has an invalid domain "xn--abc-.example": "xn--abc-" is not valid punycode',
    );
    expect(refused('someone@bücher.xn--abc-.example')).toBe(
      'has an invalid domain "bücher.xn--abc-.example": "xn--abc-" is not valid punycode',
    );
  });

  it('accepts internationalised domains in either form, and compares them in ASCII form', () => {
    for (const a of [
      'hans@müller.example',
      'hans@xn--mller-kva.example',
      'hans@XN--MLLER-KVA.example',
      'taro@例え.jp',
      'ivan@xn--e1afmkfd.xn--p1ai',
      'x@ß.example',
    ]) {
      expect(refused(a), a).toBe('accepted');
    }
    expect(addressKey('Hans@Müller.example')).toBe(addressKey('hans@xn--mller-kva.example'));
    expect(addressKey('taro@例え.jp')).toBe('taro@xn--r8jz45g.jp');
  });

  it('refuses quoted local parts with a message that says so', () => {
    const says = 'has a quoted part before the @: quoted local parts ("…"@domain) are not supported';
    expect(refused('"john doe"@example.org')).toBe(says);
    expect(refused('"x"@example.org')).toBe(says);
    expect(refused('"a@b"@example.org')).toBe(says);
  });

  it('accepts a non-ASCII part before the @ (the SMTP server decides later)', () => {
    expect(checkEmailAddress('jörg@example.org')).toEqual({ ok: true, address: 'jörg@example.org' });
  });

  it('enews send names the line of each refused address; the rest are mailed, domains as A-labels', async () => {
    const list =
      'email,name\nsomeone@xn--zz.example,A\n"""john doe""@example.org",B\n' +
      'jörg@example.org,Jörg\nhans@müller.example,Hans\ntaro@xn--r8jz45g.jp,Taro\n';
    const r = await dryRun(list);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 of 5 rows in s.csv are invalid; nothing was sent');
    expect(r.problems).toEqual([
      '  - s.csv:2: email "someone@xn--zz.example" is not a valid address: it ' +
        'has an invalid domain "xn--zz.example": "xn--zz" is not valid punycode',
      '  - s.csv:3: email "\\"john doe\\"@example.org" is not a valid address: it has ' +
        'a quoted part before the @: quoted local parts ("…"@domain) are not supported',
    ]);
    expect(r.to).toEqual([]);
    const rest = await dryRun(list, '--skip-invalid');
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.to).toEqual(['hans@xn--mller-kva.example', 'jörg@example.org', 'taro@xn--r8jz45g.jp']);
  });
});

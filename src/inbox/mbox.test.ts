import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMbox } from './mbox.js';
import { MAX_MESSAGE_BYTES, type MailboxMessage } from './message.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-mbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function split(content: string | Buffer): Promise<MailboxMessage[]> {
  const file = path.join(dir, `${++n}.mbox`);
  writeFileSync(file, content);
  const out: MailboxMessage[] = [];
  for await (const m of readMbox(file)) out.push(m);
  return out;
}
const texts = (ms: MailboxMessage[]) => ms.map((m) => m.raw!.toString('latin1'));

describe('readMbox', () => {
  it('splits at From lines and drops the blank line the writer put before each', async () => {
    const ms = await split(
      'From a@b Wed Apr 26 09:12:41 2017\nSubject: one\n\nbody 1\n\n' +
        'From c@d Wed Apr 26 09:12:42 2017\nSubject: two\n\nbody 2\n\n\n' +
        'From e@f Wed Apr 26 09:12:43 2017\nSubject: three\n\nbody 3\n',
    );
    expect(texts(ms)).toEqual([
      'Subject: one\n\nbody 1\n',
      // Only one blank line belongs to the file; the other is the message's.
      'Subject: two\n\nbody 2\n\n',
      'Subject: three\n\nbody 3\n',
    ]);
    expect(ms.map((m) => m.ref)).toEqual(['message 1', 'message 2', 'message 3']);
  });

  it('unescapes mboxrd: one > comes off every >From line, other > lines stay', async () => {
    const ms = await split('From x\nSubject: q\n\n>From here\n>>From there\n> quoted\n>Fromage\n');
    expect(texts(ms)).toEqual(['Subject: q\n\nFrom here\n>From there\n> quoted\n>Fromage\n']);
  });

  it('keeps CRLF line ends, and reads a file that has no From line as one message', async () => {
    expect(texts(await split('From x\r\nSubject: a\r\n\r\nb\r\n\r\n'))).toEqual(['Subject: a\r\n\r\nb\r\n']);
    expect(texts(await split('Subject: lone\n\nno separator\n'))).toEqual(['Subject: lone\n\nno separator\n']);
    expect(await split('')).toEqual([]);
  });

  it('hashes each message by its bytes: the same message twice, the same fingerprint', async () => {
    const ms = await split('From x\nSubject: a\n\nb\n\nFrom y\nSubject: a\n\nb\n\nFrom z\nSubject: c\n\nd\n');
    expect(ms[0]!.fingerprint).toBe(ms[1]!.fingerprint);
    expect(ms[0]!.fingerprint).not.toBe(ms[2]!.fingerprint);
    expect(ms[0]!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps only the head of a message over the size limit, and the messages after it whole', async () => {
    const big = `Subject: big\n\n${'x'.repeat(99)}\n`.padEnd(MAX_MESSAGE_BYTES + 1000, 'y');
    // One line longer than any buffer: it is passed on in pieces, and a "From " inside it separates nothing.
    const long = `Subject: long\n\n${'z'.repeat(300 * 1024)}From not a separator\n`;
    const ms = await split(`From a\n${big}\nFrom b\n${long}\nFrom c\nSubject: after\n\nok\n`);
    expect(ms).toHaveLength(3);
    expect(ms[0]!.raw).toBeNull();
    expect(ms[0]!.size).toBe(big.length + 1);
    expect(ms[0]!.head.toString('latin1')).toMatch(/^Subject: big\n\nx{99}\n/);
    expect(ms[1]!.raw!.toString('latin1')).toBe(long);
    expect(texts([ms[2]!])).toEqual(['Subject: after\n\nok\n']);
  });

  it('splits any mix of separators, escapes, blank lines and long lines as the rules say, across read chunks', async () => {
    // A pseudo-random generator with a fixed seed: the same files every run.
    let seed = 28;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = ['From x@y Wed\n', '>From a\n', '>>From b\n', '\n', '\r\n', 'Subject: s\n', 'b\r\n', '>Fromage\n'];
    for (let file = 0; file < 6; file++) {
      let text = '';
      while (text.length < 700 * 1024) {
        const r = rand(20);
        if (r < pool.length) text += pool[r];
        else if (r === 19 && rand(8) === 0) text += `${'z'.repeat(70 * 1024 + rand(200 * 1024))}From inside\n`;
        else text += `${'w'.repeat(rand(3000))}\n`;
      }
      if (file % 2 === 1) text = text.slice(0, -1);
      const got = await split(Buffer.from(text, 'latin1'));
      expect(texts(got)).toEqual(byTheRules(text));
    }
  });
});

/** The mboxrd rules, line by line over the whole text: what readMbox must give, however the file is read. */
function byTheRules(text: string): string[] {
  const out: string[] = [];
  let lines: string[] = [];
  let blank: string | null = null;
  const finish = () => {
    if (lines.length > 0) out.push(lines.join(''));
    lines = [];
    blank = null;
  };
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (line.startsWith('From ')) finish();
    else if (line === '\n' || line === '\r\n') {
      if (blank !== null) lines.push(blank);
      blank = line;
    } else {
      if (blank !== null) lines.push(blank);
      blank = null;
      lines.push(/^>+From /.test(line) ? line.slice(1) : line);
    }
  }
  finish();
  return out;
}

/**
 * Pins what enews relies on in nodemailer's undocumented DataStream (see
 * data-stream.ts): how it stuffs; that the adapter installs on the version
 * pinned in package.json (the suite fails, rather than the send going
 * slower, when it does not); that a tracked stuffed Buffer passes through
 * unchanged once; and, through a real SMTP server, that SMTPConnection.send
 * uses this very DataStream: a message handed over stuffed arrives exactly
 * as composed, neither stuffed twice nor damaged.
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stuffLines } from '../../mime/dot-stuff.js';
import { startSmtp, type TestSmtp } from '../../../tests/helpers/smtp.js';
import { installed, nodemailerStuff, track, wasTaken } from './data-stream.js';

/** Pushes `input` through a fresh DataStream as SMTPConnection does (write, end) and returns all it emitted. */
async function through(input: Buffer): Promise<Buffer> {
  const ds = new DataStream();
  const out: Buffer[] = [];
  ds.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve) => ds.on('end', resolve));
  ds.write(input);
  ds.end();
  await ended;
  return Buffer.concat(out);
}

describe('the DataStream adapter', () => {
  it('installs on the nodemailer pinned in package.json', () => {
    expect(
      installed,
      "The DataStream adapter's self-check failed on this nodemailer, so the fast path is off. nodemailer is pinned " +
        'to an exact version in package.json for this reason: after upgrading it, read what changed in ' +
        'nodemailer/lib/smtp-connection/data-stream, adapt data-stream.ts to it, and pin the new version exactly.',
    ).toBe(true);
  });

  it("keeps nodemailer's stuffing rules for everything not tracked as stuffed", async () => {
    expect(nodemailerStuff(Buffer.from('.a\nb\r.c\r\n..d')).toString()).toBe('..a\r\nb\r\n..c\r\n...d');
    expect((await through(Buffer.from('.a\nb'))).toString()).toBe('..a\r\nb\r\n.\r\n');
  });

  it('passes a tracked stuffed Buffer through unchanged, once, ending the data the same way', async () => {
    const stuffed = Buffer.from(stuffLines('.a\r\nb\r\n'));
    track(stuffed, true);
    expect(wasTaken(stuffed)).toBe(false);
    expect((await through(stuffed)).toString()).toBe('..a\r\nb\r\n.\r\n');
    expect(wasTaken(stuffed)).toBe(true);
    // Untracked again, the same bytes are stuffed like any others.
    expect((await through(stuffed)).toString()).toBe('...a\r\nb\r\n.\r\n');
  });

  it('counts bytes as DataStream does (SMTPConnection reports outByteCount as the message size)', async () => {
    const count = async (ds: DataStream, input: Buffer) => {
      ds.resume();
      await new Promise<void>((resolve) => ds.end(input, () => resolve()));
      return [ds.outByteCount, ds.lastByte];
    };
    const theirs = await count(new DataStream(), Buffer.from('.x\r\n'));
    expect(await count(new DataStream(), track(Buffer.from('..x\r\n'), true))).toEqual(theirs);
    expect(theirs).toEqual([8, 0x0a]);
  });

  it('starts over for each attempt: a retried message is not taken until handed over again', () => {
    const b = track(Buffer.from('x\r\n'), true);
    nodemailerStuff(b);
    expect(wasTaken(b)).toBe(true);
    track(b, true);
    expect(wasTaken(b)).toBe(false);
  });
});

describe('SMTPConnection with the adapter, against a real server', () => {
  let server: TestSmtp;
  beforeAll(async () => {
    server = await startSmtp();
  });
  afterAll(() => server.close());

  const message =
    'From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n' +
    '.one\r\n..two\r\n.\r\nmiddle. dot\r\n=\r\n.after a soft break\r\n';

  async function send(payload: Buffer): Promise<void> {
    const c = new SMTPConnection({ host: '127.0.0.1', port: server.port, logger: false });
    await new Promise<void>((resolve, reject) => c.connect((err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) =>
      c.send({ from: 'a@example.org', to: ['b@example.org'] }, payload, (err) => (err ? reject(err) : resolve())),
    );
    // Wait for the goodbye: the test server cuts connections still open when it closes.
    await new Promise<void>((resolve) => {
      c.once('end', () => resolve());
      c.quit();
    });
  }

  it('a message handed over as it is (stuffed by enews) arrives exactly as composed', async () => {
    const wire = track(Buffer.from(stuffLines(message)), true);
    await send(wire);
    expect(wasTaken(wire)).toBe(true);
    expect(server.received.at(-1)!.raw.toString()).toBe(message);
  });

  it('a message handed over unstuffed is stuffed by nodemailer and arrives the same', async () => {
    const raw = track(Buffer.from(message), false);
    await send(raw);
    expect(wasTaken(raw)).toBe(true);
    expect(server.received.at(-1)!.raw.toString()).toBe(message);
  });
});

/**
 * The SMTP transport against a real server (smtp-server): messages that
 * carry their dot-stuffed bytes go over as they are once the first message
 * proved the DataStream adapter is in use, and every message arrives exactly
 * as composed, signed or not, the same as the ordinary nodemailer way
 * (`fastPath: false`) delivers it; the reply and the queue id it names come
 * back; connections are kept, or replaced after `?maxMessages=N` in SMTP_URL.
 */
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stuffLines } from '../../mime/dot-stuff.js';
import { dkimSigner, type Signer } from '../dkim.js';
import type { Transport } from '../transport.js';
import { counts } from './data-stream.js';
import { smtpTransport } from './smtp.js';
import { smtpSettings } from './smtp-settings.js';
import type { StuffedMessage } from './wire.js';
import { startSmtp, type TestSmtp } from '../../../tests/helpers/smtp.js';

let server: TestSmtp;
let connections = 0;
beforeAll(async () => {
  server = await startSmtp({ connect: () => void connections++ });
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  connections = 0;
});
/** What arrived, as text, in order. */
const received = () => server.received.map((r) => ({ to: r.to[0]!, raw: r.raw.toString('utf8') }));

function transport(query = '', sign: Signer | null = null, fastPath = true, timeoutMs = 5000): Transport {
  return smtpTransport({
    settings: smtpSettings({ SMTP_URL: `${server.url()}${query}` }),
    sign,
    timeoutMs,
    dataTimeoutMs: 5000,
    insecureTls: false,
    fastPath,
  });
}

function testSigner(): { sign: Signer; publicKey: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });
  return {
    sign: dkimSigner({ domainName: 'example.org', keySelector: 'enews', privateKey, ed25519: null }),
    publicKey,
  };
}

/** A message as enews composes it: the text, and its bytes dot-stuffed. */
function message(i: number): StuffedMessage & { text: string } {
  const text =
    `From: news@example.org\r\nTo: r${i}@example.org\r\nSubject: issue\r\nMessage-ID: <m${i}@example.org>\r\n\r\n` +
    `.line ${i} starts with a dot\r\n..and two\r\nmiddle. dot\r\n`;
  return {
    from: 'news@example.org',
    to: `r${i}@example.org`,
    raw: text,
    messageId: `<m${i}@example.org>`,
    seq: i + 1,
    wire: Buffer.from(stuffLines(text), 'utf8'),
    text,
  };
}

describe('smtpTransport', () => {
  it('sends the first message the ordinary way, then the bytes as they are; all arrive as composed', async () => {
    const t = transport();
    const before = { ...counts };
    await t.open();
    const messages = Array.from({ length: 6 }, (_, i) => message(i));
    // The test server answers as Postfix does: "250 Ok: queued as N", N counting what it received.
    for (const [i, m] of messages.entries())
      expect(await t.send(m)).toEqual({ response: `250 Ok: queued as ${i + 1}`, providerId: String(i + 1) });
    await t.close();
    expect(counts.stuffedByNodemailer - before.stuffedByNodemailer).toBe(1);
    expect(counts.asIs - before.asIs).toBe(5);
    expect(received().map((r) => r.raw)).toEqual(messages.map((m) => m.text));
    // One connection for the whole run: it is kept while it works.
    expect(connections).toBe(1);
  });

  it('signs with DKIM: every message arrives signed, verifies, and is otherwise as composed', async () => {
    const { sign, publicKey } = testSigner();
    const t = transport('', sign);
    const before = { ...counts };
    await t.open();
    const messages = [1, 2, 3].map(message);
    for (const m of messages) await t.send(m);
    await t.close();
    // The first signed message goes the ordinary way, the others as the signature field plus the stuffed bytes.
    expect(counts.asIs - before.asIs).toBe(2);
    const resolver = async (name: string, type: string) => {
      if (name === 'enews._domainkey.example.org' && type === 'TXT')
        return [[`v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    for (const [i, r] of received().entries()) {
      expect(r.raw).toMatch(/^DKIM-Signature: /);
      expect(r.raw.slice(r.raw.indexOf('From: '))).toBe(messages[i]!.text);
      const result = await dkimVerify(Buffer.from(r.raw), { resolver });
      expect(result.results[0]?.status.result).toBe('pass');
    }
  });

  it('replaces a connection after ?maxMessages=N messages, and only then', async () => {
    const t = transport('?maxMessages=2');
    await t.open();
    for (let i = 0; i < 5; i++) await t.send(message(i));
    await t.close();
    expect(received()).toHaveLength(5);
    expect(connections).toBe(3);
  });

  it.each([
    ['unsigned', false],
    ['DKIM-signed', true],
  ])('delivers %s messages byte for byte as the ordinary nodemailer way does (fastPath: false)', async (_, signed) => {
    const sign = signed ? testSigner().sign : null;
    const messages = Array.from({ length: 4 }, (_, i) => message(i));
    const deliver = async (fastPath: boolean) => {
      server.received.length = 0;
      const t = transport('', sign, fastPath);
      const before = { ...counts };
      await t.open();
      for (const m of messages) await t.send(m);
      await t.close();
      return { raw: server.received.map((r) => r.raw), asIs: counts.asIs - before.asIs };
    };
    const fast = await deliver(true);
    const ordinary = await deliver(false);
    // The first message goes the ordinary way either way; with the fast path the others go as they are.
    expect(fast.asIs).toBe(3);
    expect(ordinary.asIs).toBe(0);
    expect(ordinary.raw).toHaveLength(4);
    expect(fast.raw).toEqual(ordinary.raw);
    const texts = received().map((r) => r.raw);
    for (const [i, text] of texts.entries()) {
      expect(text.slice(text.indexOf('From: '))).toBe(messages[i]!.text);
      expect(text.startsWith('DKIM-Signature: ')).toBe(signed);
    }
  });

  it('gives no provider id when the reply names none', async () => {
    const plain = await startSmtp({ reply: () => 'OK: message queued' });
    try {
      const t = smtpTransport({
        settings: smtpSettings({ SMTP_URL: plain.url() }),
        sign: null,
        timeoutMs: 5000,
        dataTimeoutMs: 5000,
        insecureTls: false,
      });
      await t.open();
      const delivered = await t.send(message(1));
      await t.close();
      expect(delivered).toStrictEqual({ response: '250 OK: message queued' });
    } finally {
      await plain.close();
    }
  });
});

/** Resolves once the server has seen `n` messages begin (DATA) in all. */
async function dataStarted(n: number): Promise<void> {
  for (let i = 0; server.dataStarts < n; i++) {
    if (i > 500) throw new Error(`the server saw ${server.dataStarts} DATA commands, not ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each([
  ['as they are (fast path)', true],
  ['the ordinary way', false],
])('smtpTransport with `before`, bytes going %s', (_, fastPath) => {
  it('hands the message over but completes it only once `before` resolves', async () => {
    const t = transport('', null, fastPath);
    await t.open();
    await t.send(message(0));
    const startedBefore = server.dataStarts;
    const endedBefore = server.dataAttempts;
    let keep!: () => void;
    const before = new Promise<void>((r) => (keep = r));
    const sending = t.send(message(1), before);
    await dataStarted(startedBefore + 1);
    await new Promise((r) => setTimeout(r, 150));
    // The message has begun but its data has not ended (no final "." line): nothing accepted yet.
    expect(server.dataAttempts).toBe(endedBefore);
    expect(server.received).toHaveLength(1);
    keep();
    expect((await sending).response).toBe('250 Ok: queued as 2');
    await t.close();
    expect(received().map((r) => r.raw)).toEqual([message(0).text, message(1).text]);
  });

  it('never completes the message when `before` rejects; the next message goes through', async () => {
    const t = transport('', null, fastPath);
    await t.open();
    await t.send(message(0));
    const startedBefore = server.dataStarts;
    let lose!: (err: Error) => void;
    const before = new Promise<void>((_, reject) => (lose = reject));
    const sending = t.send(message(1), before);
    await dataStarted(startedBefore + 1);
    lose(new Error('the record could not be kept'));
    await expect(sending).rejects.toThrow();
    await t.send(message(2));
    await t.close();
    expect(received().map((r) => r.raw)).toEqual([message(0).text, message(2).text]);
  });

  it('says it is the journal, not the server, when `before` outlasts --timeout; the message is not completed', async () => {
    const t = transport('', null, fastPath, 300);
    await t.open();
    await t.send(message(0));
    const endedBefore = server.dataAttempts;
    await expect(t.send(message(1), new Promise<void>(() => {}))).rejects.toThrow(
      'the record of the message before it on this connection not kept within 0.3 s',
    );
    await t.send(message(2));
    await t.close();
    expect(server.dataAttempts).toBe(endedBefore + 1);
    expect(received().map((r) => r.raw)).toEqual([message(0).text, message(2).text]);
  });
});

/**
 * A DKIM-signed send through a real SMTP server (smtp-server), every
 * message checked by an independent verifier (mailauth): the RSA signature
 * and the Ed25519 one (RFC 8463) pass on every message, in every language,
 * whatever the names hold; and the RSA field is byte for byte the one
 * nodemailer's signer writes for the same message.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import DKIM from 'nodemailer/lib/dkim';
import { describe, expect, it } from 'vitest';
import { counts } from '../src/delivery/dkim.js';
import { enews } from './helpers/inproc.js';
import { write } from './helpers/project.js';
import { builtProject, SECRET, smtpServer } from './helpers/send-setup.js';

const NAMES = [
  'Zoë  Martin',
  'Ana ',
  ' Lead Space',
  'Tab\tName',
  '林伟',
  'Karim  Toumi  ',
  'A',
  '.Dot',
  'x'.repeat(90),
];
const LANGUAGES = ['en', 'fr', 'es', 'de', ''];

/** An RSA key of `bits` written to the project as rsa.pem, and the variables that sign with it as `domain`. */
function rsaKey(dir: string, bits: number, domain = 'example.org') {
  const key = generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  write(dir, 'rsa.pem', pem);
  const env = { DKIM_DOMAIN: domain, DKIM_SELECTOR: 'enews', DKIM_PRIVATE_KEY_FILE: path.join(dir, 'rsa.pem') };
  return { key, pem, env };
}

describe('enews send with DKIM', () => {
  it('signs every message with RSA and Ed25519; mailauth passes both on each; the RSA field is nodemailer’s', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const name = NAMES[i % NAMES.length]!.replace(/"/g, '""');
      const organisation = i % 4 === 0 ? '"Coop  de\t Sfax   "' : 'Coop';
      return `reader${i}@example.org,"${name}",${LANGUAGES[i % LANGUAGES.length]},${organisation}`;
    });
    const dir = await builtProject(`email,name,language,organisation\r\n${rows.join('\r\n')}\r\n`);
    const { key: rsa, pem: rsaPem, env } = rsaKey(dir, 2048);
    const ed = generateKeyPairSync('ed25519');
    write(dir, 'ed.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const server = await smtpServer();
    const before = { ...counts };
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', '4'], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
      DKIM_ED25519_SELECTOR: 'enews-ed',
      DKIM_ED25519_PRIVATE_KEY_FILE: path.join(dir, 'ed.pem'),
    });
    expect(r.code, r.stderr).toBe(0);
    // A 2048-bit key of the From address's domain: nothing to say about either.
    expect(r.stderr).not.toMatch(/DKIM signs as|the DKIM key has/);
    expect(server.received).toHaveLength(30);
    // Signed from their pieces: the shared ones canonicalised once per language.
    expect(counts.fromPieces - before.fromPieces).toBe(30);
    expect(counts.fromBytes - before.fromBytes).toBe(0);

    const rsaPub = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const edPub = ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === 'enews._domainkey.example.org') return [[`v=DKIM1; k=rsa; p=${rsaPub}`]];
      if (type === 'TXT' && name === 'enews-ed._domainkey.example.org') return [[`v=DKIM1; k=ed25519; p=${edPub}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const nodemailer = new DKIM({ domainName: 'example.org', keySelector: 'enews', privateKey: rsaPem });
    const languages = new Set<string>();
    for (const m of server.received) {
      const { results } = await dkimVerify(m.raw, { resolver });
      expect(results.map((x) => `${x.status.result} ${x.signingHeaders?.keys ? 'with keys' : ''}`)).toEqual([
        'pass with keys',
        'pass with keys',
      ]);
      const text = m.raw.toString('latin1');
      const [rsaField, edField, ...rest] = text.split(/\r\n(?![ \t])/);
      expect(rsaField).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example.org;/);
      expect(edField).toMatch(/^DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed\/relaxed; d=example.org;/);
      const message = Buffer.from(rest.join('\r\n'), 'latin1');
      const chunks: Buffer[] = [];
      for await (const c of nodemailer.sign(message)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString('latin1')).toBe(`${rsaField}\r\n${rest.join('\r\n')}`);
      languages.add(/^Content-Language: (.*)$/m.exec(text)![1]!);
    }
    expect([...languages].sort()).toEqual(['en', 'es', 'fr']);
  });

  it('signs a test message that carries review.html (multipart/mixed), and mailauth passes it', async () => {
    const dir = await builtProject('email,name\r\nreader@example.org,Reader\r\n');
    const { key: rsa, env } = rsaKey(dir, 2048);
    const server = await smtpServer();
    const r = await enews(['send', '3', '--test', 'reviewer@example.org', '--review'], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(server.received).toHaveLength(1);
    const raw = server.received[0]!.raw;
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/mixed/);
    const rsaPub = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === 'enews._domainkey.example.org') return [[`v=DKIM1; k=rsa; p=${rsaPub}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const { results } = await dkimVerify(raw, { resolver });
    expect(results.map((x) => x.status.result)).toEqual(['pass']);
  });

  it('refuses a key receivers would not accept (768 bits) before anything is sent: exit 1, nothing mailed or journaled', async () => {
    const dir = await builtProject('email,name\r\nreader@example.org,Reader\r\n');
    const { env } = rsaKey(dir, 768);
    const server = await smtpServer();
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds an RSA key of 768 bits');
    expect(r.stderr).toContain('Make a 2048-bit key');
    expect(server.received).toHaveLength(0);
    expect(existsSync(path.join(dir, 'journal', '003.jsonl'))).toBe(false);
  });

  it("warns, and still signs, when the signing domain is not From's or the key has fewer than 2048 bits", async () => {
    const dir = await builtProject('email,name\r\nreader@example.org,Reader\r\n');
    const { env } = rsaKey(dir, 1024, 'mail.other.example');
    const other = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
    });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toContain(
      "warning: DKIM signs as mail.other.example but the mail is from example.org: receivers' DMARC checks cannot " +
        'pass on a signature of another domain. Set DKIM_DOMAIN to example.org or a subdomain of it, and publish the ' +
        'key there.',
    );
    expect(other.stderr).toContain('note: the DKIM key has 1024 bits; receivers accept it, but 2048 is what RFC 8301');
    expect(readFileSync(path.join(dir, 'out', '1.eml'), 'latin1')).toMatch(
      /^DKIM-Signature: .* d=mail\.other\.example;/,
    );
    // A subdomain of From's (or From's own) aligns: only the key's size is left to say.
    const sub = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out2'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
      DKIM_DOMAIN: 'news.example.org',
    });
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stderr).not.toContain('DKIM signs as');
    expect(sub.stderr).toContain('note: the DKIM key has 1024 bits');
  });
});

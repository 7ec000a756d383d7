/**
 * Secrets (SMTP password, UNSUBSCRIBE_SECRET, DKIM private key) never appear
 * in any output, error, journal, JSON summary or written file, whether the
 * run fails or succeeds.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, write } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';

let server: TestSmtp | undefined;
afterAll(async () => server?.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets', () => {
  it('appear nowhere across failing and succeeding runs', async () => {
    const password = 'pw-S3cr3t-%40-value';
    const decodedPassword = 'pw-S3cr3t-@-value';
    const unsubscribeSecret = 'IkUViTLEElnkxkAp5dgp8kVhRYUcp/I5OcG6jpjGFIA=';
    const dir = copyProject();
    write(dir, 'subscribers.csv', csv(people(3)));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyBody = pem.split('\n')[5]!; // a line from the middle of the key
    // The key file itself is the secret's home; keep it outside the project folder we scan.
    const keyFile = path.join(path.dirname(dir), `${path.basename(dir)}-dkim.pem`);
    writeFileSync(keyFile, pem);
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    server = await startSmtp({ auth: { user: 'enews', pass: decodedPassword } });
    const good = `smtp://enews:${password}@127.0.0.1:${server.port}`;
    const dkim = { DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 'enews', DKIM_PRIVATE_KEY_FILE: keyFile };
    // .env is a supported home for secrets too.
    write(dir, '.env', `UNSUBSCRIBE_SECRET=${unsubscribeSecret}\n`);

    const outputs: string[] = [];
    const run = async (args: string[], env: Record<string, string>, expected: number) => {
      const r = await runCli(args, { cwd: dir, env });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(expected);
    };
    const send = ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--debug'];
    // Failing: wrong password, a broken URL, a server that is not there, a bad key file.
    await run(send, { SMTP_URL: `smtp://enews:${password}x@127.0.0.1:${server.port}`, ...dkim }, 4);
    await run(send, { SMTP_URL: `smtp//enews:${password}@127.0.0.1`, ...dkim }, 1);
    await run(send, { SMTP_URL: `smtp://enews:${password}@127.0.0.1:9`, ...dkim }, 4);
    writeFileSync(path.join(dir, 'bad.pem'), 'not a key but ' + unsubscribeSecret);
    await run(send, { SMTP_URL: good, ...dkim, DKIM_PRIVATE_KEY_FILE: path.join(dir, 'bad.pem') }, 1);
    // Succeeding: JSON summary, a dry run, a test send, status.
    await run([...send, '--json'], { SMTP_URL: good, ...dkim }, 0);
    await run([...send, '--dry-run', 'out'], { SMTP_URL: good, ...dkim }, 0);
    await run([...send, '--test', 'someone@example.org'], { SMTP_URL: good, ...dkim }, 0);
    await run(['status', '3', '--json'], { SMTP_URL: good }, 0);
    expect(server.received.length).toBe(4);

    const secrets = [password, decodedPassword, unsubscribeSecret, keyBody];
    const written = filesUnder(dir)
      .filter((f) => !f.endsWith('.env') && !f.endsWith('bad.pem'))
      .map((f) => [f, readFileSync(f, 'utf8')] as const);
    expect(written.some(([f]) => f.includes('journal'))).toBe(true);
    expect(written.some(([f]) => f.endsWith('.eml'))).toBe(true);
    for (const secret of secrets) {
      for (const [i, o] of outputs.entries()) expect(o, `output ${i}`).not.toContain(secret);
      for (const [file, text] of written) expect(text, file).not.toContain(secret);
      for (const m of server.received) expect(m.raw.toString('utf8')).not.toContain(secret);
    }
  });
});

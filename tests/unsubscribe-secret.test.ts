/**
 * UNSUBSCRIBE_SECRET must be strong (issue 22, item 5): send, serve and inbox
 * refuse one below 128 bits by the same rule and say how to make one; new
 * mail is sealed with it only, whatever UNSUBSCRIBE_SECRET_OLD holds. (inbox:
 * tests/inbox.test.ts; serve with old secrets: tests/serve-service.test.ts.)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openToken } from '../src/personalize/token.js';
import { verpMatches, verpOf } from '../src/personalize/return-path.js';
import { enews } from './helpers/inproc.js';
import { SECRET, sendSetup } from './helpers/send-setup.js';

const WEAK = ['abc', 'a-long-random-string', 'unsubscribe-secret-for-tests'];
const OLD = 'IuwKVMJ0V88hALvUupREFjZuh9goWq+9JfpUkl8hEpM=';

describe('a weak UNSUBSCRIBE_SECRET', () => {
  it('is refused by every kind of send (exit 1), before anything is sent or written', async () => {
    const { dir, server, env } = await sendSetup(3);
    const modes = [['--yes'], ['--dry-run', 'out'], ['--test', 'me@example.org']];
    // Each weak secret, each kind of send: the same refusal.
    for (const [i, secret] of WEAK.entries()) {
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', ...modes[i]!], dir, {
        ...env,
        UNSUBSCRIBE_SECRET: secret,
      });
      expect(r.code, secret).toBe(1);
      expect(r.stderr).toMatch(/^error: UNSUBSCRIBE_SECRET is too weak: about \d+ bits of strength, and enews needs/);
      expect(r.stderr).toContain('  - Make a strong one with: openssl rand -base64 32');
      expect(r.stderr).toContain('put it in UNSUBSCRIBE_SECRET_OLD');
    }
    expect(server.rcptAttempts).toEqual([]);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    expect(existsSync(path.join(dir, 'journal'))).toBe(false);
  });

  it('is refused by enews serve, which does not start', async () => {
    const { dir } = await sendSetup(1);
    const r = await enews(['serve', '--port', '0'], dir, { UNSUBSCRIBE_SECRET: 'abc' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: UNSUBSCRIBE_SECRET is too weak: about 12 bits of strength');
    expect(r.stdout).toBe('');
  });
});

describe('a strong UNSUBSCRIBE_SECRET with old ones beside it', () => {
  it('seals new mail with the current secret only: tokens and VERP ids the old one does not open', async () => {
    const { dir, server, env } = await sendSetup(1);
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      ...env,
      UNSUBSCRIBE_SECRET_OLD: `${OLD},abc`,
    });
    expect(r.code, r.stderr).toBe(0);
    // A send does not read old secrets: nothing to say about them.
    expect(r.stderr).not.toContain('UNSUBSCRIBE_SECRET_OLD');
    const head = server.received[0]!.raw.toString('utf8').replace(/\r\n[ \t]+/g, ' ');
    const token = /^List-Unsubscribe: <https:[^>]*[?&]t=([\w-]+)/m.exec(head)![1]!;
    expect(openToken(SECRET, token)).toMatchObject({ address: 'reader00001@example.org', issue: 3 });
    expect(openToken(OLD, token)).toBeNull();
    const verp = verpOf(server.received[0]!.from) as { issue: number; mac: string };
    expect(verpMatches(SECRET, 'enews.coop.example.org', verp, 'reader00001@example.org')).toBe(true);
    expect(verpMatches(OLD, 'enews.coop.example.org', verp, 'reader00001@example.org')).toBe(false);
  });

  it('accepts the secrets openssl makes: 32 hex digits (rand -hex 16) are enough', async () => {
    const { dir, env } = await sendSetup(1);
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out'], dir, {
      ...env,
      UNSUBSCRIBE_SECRET: '3f9c0e7ab2d14865c0f3a9e1b7d2c864',
    });
    expect(r.code, r.stderr).toBe(0);
  });
});

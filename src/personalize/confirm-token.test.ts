/** Confirmation tokens: sealed, dated, and never taken for an unsubscribe token or the other way round. */
import { describe, expect, it } from 'vitest';
import { openConfirmation, sealConfirmation, type SignupRequest } from './confirm-token.js';
import { openToken, sealToken } from './token.js';

const SECRET = 'rjiJb8c75iikzAlQc46i3EKLetIR5ISoGmkkY8bjA6I=';
const OTHER = 'gst/2uHwaQ+T5klVARumAqrVD52aqEhYTxT2YKwIx6w=';
const DAY = 24 * 3600_000;
const T = Date.parse('2026-12-07T10:00:00Z');
const request: SignupRequest = {
  list: 'enews.coop.example.org',
  email: 'Zoe@Example.org',
  name: 'Zoë',
  language: 'fr',
  requested: T,
  wording: { version: '1', hash: 'a'.repeat(64) },
  form: 'site',
};

describe('confirmation tokens', () => {
  it('open to what was sealed, with the current or an old secret, until they expire', () => {
    const t = sealConfirmation(SECRET, request);
    expect(t).not.toContain('Zoe');
    expect(openConfirmation([SECRET], t, 7 * DAY, T + DAY)).toEqual({ ok: true, request });
    expect(openConfirmation([OTHER, SECRET], t, 7 * DAY, T + DAY)).toEqual({ ok: true, request });
    expect(openConfirmation([SECRET], t, 7 * DAY, T + 7 * DAY + 1)).toEqual({ ok: false, why: 'expired' });
    expect(openConfirmation([SECRET], t, 7 * DAY, T - DAY)).toEqual({ ok: false, why: 'expired' });
  });

  it('refuse a token changed anywhere, cut short, or made with another secret', () => {
    const t = sealConfirmation(SECRET, request);
    expect(openConfirmation([OTHER], t, 7 * DAY, T)).toEqual({ ok: false, why: 'invalid' });
    for (const i of [0, 5, 20, t.length - 3]) {
      const c = t[i] === 'A' ? 'B' : 'A';
      expect(openConfirmation([SECRET], t.slice(0, i) + c + t.slice(i + 1), 7 * DAY, T).ok).toBe(false);
    }
    expect(openConfirmation([SECRET], t.slice(0, -4), 7 * DAY, T).ok).toBe(false);
  });

  it('are no unsubscribe tokens, and unsubscribe tokens are no confirmation tokens', () => {
    const confirm = sealConfirmation(SECRET, request);
    const unsubscribe = sealToken(SECRET, request.list, 'zoe@example.org', 3);
    expect(openToken(SECRET, confirm)).toBeNull();
    expect(openConfirmation([SECRET], unsubscribe, 7 * DAY, T)).toEqual({ ok: false, why: 'invalid' });
  });
});

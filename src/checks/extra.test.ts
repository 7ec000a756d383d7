/** The spam score's verdict: nothing below 1.0, a warning from 1.0, an error from SpamAssassin's threshold. */
import { describe, expect, it } from 'vitest';
import { spamFinding } from './extra.js';
import type { SpamResult } from './spam.js';

const result = (score: number, required = 5): SpamResult => ({
  score,
  required,
  version: '4.0.0',
  rules: [
    { name: 'HTML_MESSAGE', score: 0, description: 'BODY: HTML included in message' },
    { name: 'HTML_FONT_LOW_CONTRAST', score, description: 'BODY: HTML font color similar' },
  ],
});

describe('spamFinding', () => {
  it('has nothing to say below 1.0', () => {
    expect(spamFinding(result(0.9))).toBeNull();
    expect(spamFinding(result(-0.1))).toBeNull();
  });

  it('warns from 1.0, naming only the rules that scored', () => {
    expect(spamFinding(result(1))).toEqual({
      code: 'spam-score',
      message: 'SpamAssassin scores the message 1.0 (HTML_FONT_LOW_CONTRAST); keep it below 1.0: see the rules above',
    });
    expect(spamFinding(result(4.9))?.severity).toBeUndefined();
  });

  it("is an error from SpamAssassin's own threshold, whatever it is set to", () => {
    expect(spamFinding(result(5))?.severity).toBe('error');
    expect(spamFinding(result(3, 3))?.severity).toBe('error');
    expect(spamFinding(result(2.9, 3))?.severity).toBeUndefined();
  });
});

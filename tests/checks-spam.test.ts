/** enews check --spam: the example scores below 1.0 with SpamAssassin's local rules (Debian's spamassassin). */
import { beforeAll, describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

let SA: string;
beforeAll(() => {
  SA = requireTool('spamassassin');
});

describe('enews check --spam, with SpamAssassin', () => {
  it('scores the example below 1.0, with local rules and no credit for trusted relays', async () => {
    const r = await enews(['check', '3', '--spam'], copyProject(), { SPAMASSASSIN_PATH: SA });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const m = /Spam score \(SpamAssassin [\d.]+, local rules, no credit for trusted relays\): (-?[\d.]+) of 5\.0/.exec(
      r.stdout,
    );
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(1.0);
    // The preheader no longer hides as white text on a light background.
    expect(r.stdout).not.toContain('HTML_FONT_LOW_CONTRAST');
  });

  it('prints the rules hit and warns from 1.0: the old white-on-white preheader scores', async () => {
    const dir = copyProject();
    edit(
      dir,
      'templates/partials/header.mjml',
      'style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;"',
      'style="display:none;color:#ffffff;font-size:1px;line-height:1px;max-height:0px;opacity:0;overflow:hidden;"',
    );
    const r = await enews(['check', '3', '--spam'], dir, { SPAMASSASSIN_PATH: SA });
    // The example is in three languages: each version is scored, and its lines say which.
    for (const l of ['en', 'fr', 'es']) {
      expect(r.stdout).toMatch(
        new RegExp(`^\\[${l}\\]\\s+0\\.7 HTML_FONT_LOW_CONTRAST: BODY: HTML font color similar or identical to`, 'm'),
      );
    }
    // From 1.0 it is a warning (an error only from SpamAssassin's own threshold, 5.0): check passes.
    expect(r.stderr).toMatch(/^warning: SpamAssassin scores the message 1\.7 \(/m);
    expect(r.code).toBe(0);
  });

  it('scores the message as delivered, with its return path: a bounce domain unlike From is explained', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/newsletter.yaml',
      'bounce_address: coop-enews-bounces@example.org',
      'bounce_address: bounces@mailer.example.net',
    );
    const r = await enews(['check', '3', '--spam'], dir, { SPAMASSASSIN_PATH: SA });
    expect(r.stdout).toMatch(/^\[en\]\s+-?[\d.]+ HEADER_FROM_DIFFERENT_DOMAINS: /m);
    expect(r.stderr).toContain(
      'warning: issues/newsletter.yaml:25:17: bounce_address is at mailer.example.net, which is not example.org ' +
        "(the From address's domain) or a subdomain of it",
    );
    // The example itself (bounces at example.org, like From) scores no such rule.
    const clean = await enews(['check', '3', '--spam'], copyProject(), { SPAMASSASSIN_PATH: SA });
    expect(clean.stdout).not.toContain('HEADER_FROM_DIFFERENT_DOMAINS');
  });
});

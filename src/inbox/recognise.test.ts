import { describe, expect, it } from 'vitest';
import { autoReplySignal, challengeSignal } from './recognise.js';

const h = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), [v]]));

describe('automatic replies', () => {
  it('are recognised by RFC 3834 and the headers vacation programs set', () => {
    expect(autoReplySignal(h({ 'Auto-Submitted': 'auto-replied (vacation)' }), 'Re: x')).toBe(
      'Auto-Submitted: auto-replied (vacation)',
    );
    expect(autoReplySignal(h({ 'Auto-Submitted': 'no' }), 'Re: x')).toBeNull();
    expect(autoReplySignal(h({ 'X-Autoreply': 'yes' }), 'x')).toBe('x-autoreply');
    expect(autoReplySignal(h({ 'X-Autorespond': 'x' }), 'x')).toBe('x-autorespond');
    expect(autoReplySignal(h({ Precedence: 'auto_reply' }), 'x')).toBe('Precedence: auto_reply');
    expect(autoReplySignal(h({ Precedence: 'bulk' }), 'x')).toBeNull();
  });

  it('and by the subjects mail programs give them', () => {
    for (const s of ['Automatic reply: News', 'Out of Office: News', 'Réponse automatique : News', 'AutoReply']) {
      expect(autoReplySignal({}, s), s).toBe('subject');
    }
    expect(autoReplySignal({}, 'Re: Automatic reply settings')).toBeNull();
  });
});

describe('challenge-responses', () => {
  it('are recognised by TMDA headers or a confirmation subject', () => {
    const tmda = h({ 'X-Delivery-Agent': 'TMDA/1.1.12 (Macallan)', 'Message-ID': '<1.2.TMDA@host>' });
    expect(challengeSignal(tmda, 'x')).toBe('TMDA');
    // TMDA users' ordinary mail carries the agent header too, but not the .TMDA Message-ID.
    expect(challengeSignal(h({ 'X-Delivery-Agent': 'TMDA/1.1.12' }), 'Re: x')).toBeNull();
    expect(challengeSignal({}, 'Please confirm your message')).toBe('subject');
    expect(challengeSignal({}, 'Sender verification request')).toBe('subject');
    expect(challengeSignal({}, 'Re: ILO COOP eNewsUpdate No. 3')).toBeNull();
  });
});

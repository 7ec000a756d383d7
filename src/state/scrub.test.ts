import { describe, expect, it } from 'vitest';
import { erasure, scrubEvent, scrubRecord, scrubText } from './scrub.js';

const er = erasure('zoe@xn--bcher-kva.example', 'h:HASH');

describe('scrub', () => {
  it('replaces the whole address in any spelling, and no other address', () => {
    expect(scrubText('550 <Zoe@bücher.example>: no; zoe@xn--bcher-kva.example.', er)).toBe('550 <h:HASH>: no; h:HASH.');
    expect(scrubText('azoe@xn--bcher-kva.example zoe@xn--bcher-kva.example.uk', er)).toBe(
      'azoe@xn--bcher-kva.example zoe@xn--bcher-kva.example.uk',
    );
  });

  it('drops the name and the IP hash of the address, and leaves other events alone', () => {
    const consent = {
      confirmed: 'c',
      wording: { version: '1', hash: 'a'.repeat(64) },
      language: 'fr',
      source: 'form' as const,
      ip: 'h:IP',
    };
    const e = { at: 'a', type: 'subscribed' as const, email: er.key, source: 'form', name: 'Zoë', consent };
    const { ip: _ip, ...kept } = consent;
    expect(scrubEvent(e, er)).toEqual({ at: 'a', type: 'subscribed', email: 'h:HASH', source: 'form', consent: kept });
    expect(scrubEvent({ ...e, email: 'kim@example.org' }, er)).toBeNull();
    const r = { type: 'failed' as const, at: 'a', key: er.key, email: 'Zoe@bücher.example', code: 550, response: 'x' };
    expect(scrubRecord(r, er)).toEqual({ ...r, key: 'h:HASH', email: 'h:HASH' });
  });
});

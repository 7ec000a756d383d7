import { describe, expect, it } from 'vitest';
import { verpMac } from '../personalize/return-path.js';
import { addWanted, prove } from './prove.js';
import { noEvidence, type Return } from './return.js';
import { emptyIndex, emptyWanted } from './sent-index.js';

const SECRET = 'a-long-random-secret-for-the-proof-tests';
const LIST = 'enews.coop.example.org';
const ctx = { secrets: [SECRET], listId: LIST };
const bounce = (evidence: Partial<Return['evidence']>, perAddress?: Return['perAddress']): Return => ({
  ref: 'message 1',
  source: 'dsn',
  outcome: { type: 'bounced', detail: '5.1.1' },
  evidence: { ...noEvidence(), ...evidence },
  ...(perAddress ? { perAddress } : {}),
});

describe('prove', () => {
  it('proves nothing from an address the return merely names, however many', () => {
    expect(prove(bounce({ named: ['victim@x.org'] }), emptyIndex(), ctx)).toBeNull();
    const many = Array.from({ length: 500 }, (_, i) => `v${i}@x.org`);
    expect(prove(bounce({ named: many }), emptyIndex(), ctx)).toBeNull();
  });

  it('proves the one named address a self-proving VERP id was made for, with its issue and its own outcome', () => {
    const mac = verpMac(SECRET, LIST, 3, 'ana@x.org');
    const r = bounce(
      { verp: [{ issue: 3, mac }], named: ['other@x.org', 'ana@x.org'] },
      {
        'ana@x.org': { type: 'soft-bounced', detail: '5.2.2' },
      },
    );
    expect(prove(r, emptyIndex(), ctx)).toEqual({
      email: 'ana@x.org',
      issue: 3,
      via: 'verp',
      outcome: { type: 'soft-bounced', detail: '5.2.2' },
    });
    // Without the secret the id cannot be checked.
    expect(prove(r, emptyIndex(), { ...ctx, secrets: [] })).toBeNull();
    // Made with a secret since replaced: proved while that one is among the old secrets, not otherwise.
    expect(prove(r, emptyIndex(), { ...ctx, secrets: ['the-new-secret', SECRET] })).toMatchObject({ via: 'verp' });
    expect(prove(r, emptyIndex(), { ...ctx, secrets: ['the-new-secret'] })).toBeNull();
  });

  it('asks the journals only for what the return itself cannot prove', () => {
    const mac = verpMac(SECRET, LIST, 3, 'ana@x.org');
    const w = emptyWanted();
    addWanted(bounce({ verp: [{ issue: 3, mac }], named: ['ana@x.org'], messageIds: ['<m@x>'] }), w, ctx);
    expect([...w.verpMacs]).toEqual([]);
    addWanted(bounce({ verp: [{ issue: 3, mac }], named: ['alias@y.org'] }), w, ctx);
    expect([...w.verpMacs]).toEqual([[3, new Set([mac])]]);
    addWanted(bounce({ token: { address: 'a@x.org', issue: 3 }, messageIds: ['<t@x>'] }), w, ctx);
    expect([...w.messageIds]).toEqual(['<m@x>']);
  });

  it('proves by what a journal records for one recipient: a Message-ID, an older VERP id, a provider id', () => {
    const index = emptyIndex();
    index.byMessageId.set('<m@x>', { email: 'ben@x.org', issue: 2 });
    index.byLegacyVerp.set('0123456789abcdef01234567', { email: 'cy@x.org', issue: 1 });
    index.byProviderId.set('010f0191-ses', { email: 'dee@x.org', issue: 3 });
    expect(prove(bounce({ messageIds: ['<nope@x>', '<m@x>'] }), index, ctx)).toMatchObject({
      email: 'ben@x.org',
      issue: 2,
      via: 'message-id',
    });
    expect(prove(bounce({ legacyVerp: ['0123456789abcdef01234567'] }), index, ctx)).toMatchObject({
      email: 'cy@x.org',
      via: 'legacy-verp',
    });
    expect(prove(bounce({ providerIds: ['010f0191-ses'] }), index, ctx)).toMatchObject({
      email: 'dee@x.org',
      via: 'provider-id',
    });
    expect(prove(bounce({ messageIds: ['<made-up@x>'] }), index, ctx)).toBeNull();
  });

  it('takes the sender’s own reply, a token, and an authenticated sender as proof', () => {
    expect(
      prove(bounce({ sender: { address: 's@x.org', issue: 3 } }), emptyIndex(), { secrets: [], listId: LIST }),
    ).toMatchObject({ email: 's@x.org', issue: 3, via: 'smtp-reply' });
    expect(prove(bounce({ token: { address: 't@x.org', issue: null } }), emptyIndex(), ctx)).toEqual({
      email: 't@x.org',
      via: 'token',
      outcome: { type: 'bounced', detail: '5.1.1' },
    });
    expect(prove(bounce({ authenticatedFrom: 'u@x.org' }), emptyIndex(), ctx)).toMatchObject({
      email: 'u@x.org',
      via: 'authenticated-sender',
    });
  });
});

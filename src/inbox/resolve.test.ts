import { describe, expect, it } from 'vitest';
import type { Classified } from './classify.js';
import type { JournalIndex } from './journal-index.js';
import { resolve } from './resolve.js';

function index(f: (i: JournalIndex) => void): JournalIndex {
  const i: JournalIndex = { byMessageId: new Map(), byVerpId: new Map(), onList: new Set(), files: [] };
  f(i);
  return i;
}

const failed = (addresses: string[], type: 'bounced' | 'soft-bounced' = 'bounced') => ({
  addresses,
  type,
  detail: '5.1.1',
});

describe('resolve', () => {
  const dsn: Classified = {
    kind: 'dsn',
    refs: { verpIds: ['aaaaaaaaaaaaaaaaaaaaaaaa'], messageIds: ['<m@example.org>'] },
    failed: [failed(['forward@isp.example'])],
    fallback: ['forward@isp.example'],
  };

  it('trusts the VERP id over the Message-ID, and both over the report’s own address', () => {
    const both = index((i) => {
      i.byVerpId.set('aaaaaaaaaaaaaaaaaaaaaaaa', { email: 'ana@example.org', issue: 3 });
      i.byMessageId.set('<m@example.org>', { email: 'ben@example.org', issue: 2 });
      i.onList.add('forward@isp.example');
    });
    expect(resolve(dsn, both)).toEqual({
      outcome: 'bounced',
      candidates: [
        { type: 'bounced', email: 'ana@example.org', issue: 3, source: 'dsn', detail: '5.1.1', via: 'verp' },
      ],
    });
    const byId = index((i) => i.byMessageId.set('<m@example.org>', { email: 'ben@example.org', issue: 2 }));
    expect(resolve(dsn, byId)).toMatchObject({
      candidates: [{ email: 'ben@example.org', issue: 2, via: 'message-id' }],
    });
  });

  it('falls back to the report’s address only when a journal sent to it, and then knows no issue', () => {
    const known = index((i) => i.onList.add('forward@isp.example'));
    expect(resolve(dsn, known)).toEqual({
      outcome: 'bounced',
      candidates: [{ type: 'bounced', email: 'forward@isp.example', source: 'dsn', detail: '5.1.1', via: 'address' }],
    });
    expect(
      resolve(
        dsn,
        index(() => {}),
      ),
    ).toEqual({
      outcome: 'unmatched',
      why: 'not-on-list',
      detail: 'forward@isp.example',
    });
  });

  it('takes the subscriber’s own block of a report with several, else the most serious failure', () => {
    const sent = index((i) => i.byVerpId.set('aaaaaaaaaaaaaaaaaaaaaaaa', { email: 'ana@example.org', issue: 3 }));
    const several = (blocks: ReturnType<typeof failed>[]): Classified => ({ ...dsn, failed: blocks, fallback: [] });
    expect(
      resolve(several([failed(['x@isp.example']), failed(['ana@example.org'], 'soft-bounced')]), sent),
    ).toMatchObject({ outcome: 'soft-bounced' });
    expect(
      resolve(several([failed(['x@isp.example'], 'soft-bounced'), failed(['y@isp.example'])]), sent),
    ).toMatchObject({ outcome: 'bounced' });
  });

  it('honours an unsubscribe request by token, or by a From address that is on a list', () => {
    const lea = index((i) => i.onList.add('lea@example.org'));
    expect(resolve({ kind: 'unsubscribe', token: 'kim@example.org', from: 'x@y.org' }, lea)).toMatchObject({
      candidates: [{ email: 'kim@example.org', via: 'token' }],
    });
    expect(resolve({ kind: 'unsubscribe', token: null, from: 'lea@example.org' }, lea)).toMatchObject({
      candidates: [{ email: 'lea@example.org', via: 'from' }],
    });
    expect(resolve({ kind: 'unsubscribe', token: null, from: 'x@y.org' }, lea)).toEqual({
      outcome: 'unmatched',
      why: 'not-on-list',
      detail: 'x@y.org',
    });
  });
});

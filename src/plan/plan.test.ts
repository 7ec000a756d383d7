/** The planning pass over a small subscriber file: every row counted once, opt-outs anywhere win. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSubscriberFile } from '../subscribers/read.js';
import { shardOf } from './audience.js';
import { planAudience, type PlanRules } from './plan.js';
import { readSpool, SpoolWriter } from './spool.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function csv(rows: string[]): string {
  const file = path.join(dir, `list-${++files}.csv`);
  writeFileSync(file, ['email,name,status', ...rows].join('\n') + '\n');
  return file;
}

function rules(over: Partial<PlanRules> = {}): PlanRules {
  return {
    events: new Map<string, 'unsubscribed' | 'bounced' | 'complained'>(),
    suppressed: new Set<string>(),
    shard: null,
    done: new Map<string, 'sent' | 'failed'>(),
    retryFailed: false,
    ...over,
  };
}

/** Plans `file` with a real spool, and reads the spool back as the sending pass does. */
async function plan(file: string, r: PlanRules) {
  const spool = new SpoolWriter(path.join(dir, `spool-${files}.jsonl`));
  const p = await planAudience(openSubscriberFile(file), r, spool);
  const mailed: string[] = [];
  for await (const sub of readSpool(spool.file, p.optedOut)) mailed.push(sub.email);
  return { ...p, mailed };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('planAudience', () => {
  it('gives every row exactly one reason, and the counts add up to the rows', async () => {
    const file = csv([
      'a@example.org,A,', //                 2 send, then unsubscribed by line 11
      'B@Example.org,B,', //                 3 send
      'not-an-address,X,', //                4 invalid
      'b@example.org,B again,', //           5 duplicate (case-insensitive)
      'c@example.org,C,', //                 6 suppressed, then bounced by line 12
      'd@example.org,D,', //                 7 already sent
      'e@example.org,E,', //                 8 failed before
      'f@example.org,F,unsubscribed', //     9 unsubscribed
      'g@example.org,G,bounced', //         10 bounced
      'a@example.org,A,unsubscribed', //    11 duplicate
      'c@example.org,C,bounced', //         12 duplicate
      'h@example.org,H,', //                13 send, then bounced
      'h@example.org,H,unsubscribed', //    14 duplicate
      'h@example.org,H,bounced', //         15 duplicate: bounced outranks unsubscribed
      'i@example.org,I,bounced', //         16 bounced…
      'i@example.org,I,unsubscribed', //    17 duplicate, and does not undo the bounce
      ',,', //                                 blank: not a row
    ]);
    const p = await plan(
      file,
      rules({
        suppressed: new Set(['c@example.org']),
        done: new Map([
          ['d@example.org', 'sent'],
          ['e@example.org', 'failed'],
        ]),
      }),
    );
    expect(p.rows).toBe(16);
    expect(p.toSend).toBe(1);
    expect(p.skipped).toEqual({
      invalid: 1,
      duplicate: 6,
      unsubscribed: 2,
      bounced: 4,
      complained: 0,
      suppressed: 0,
      'other-shard': 0,
      'already-sent': 1,
      'already-failed': 1,
    });
    expect(p.toSend + sum(p.skipped)).toBe(p.rows);
    expect(p.mailed).toEqual(['B@Example.org']);
    expect(p.invalid.map((i) => i.location?.line)).toEqual([4]);
    expect(Object.fromEntries(p.optedOut)).toEqual({
      'f@example.org': 'unsubscribed',
      'g@example.org': 'bounced',
      'a@example.org': 'unsubscribed',
      'c@example.org': 'bounced',
      'h@example.org': 'bounced',
      'i@example.org': 'bounced',
    });
  });

  it('lets an opt-out later in the file outrank an earlier decision to send', async () => {
    const file = csv(['zoe@example.org,Zoë,', 'karim@example.org,Karim,', 'ZOE@example.org,Zoë,unsubscribed']);
    const p = await plan(file, rules());
    expect({
      rows: p.rows,
      toSend: p.toSend,
      unsubscribed: p.skipped.unsubscribed,
      duplicate: p.skipped.duplicate,
    }).toEqual({
      rows: 3,
      toSend: 1,
      unsubscribed: 1,
      duplicate: 1,
    });
    // The spool was written before the opt-out was seen; reading it back leaves her out.
    expect(p.mailed).toEqual(['karim@example.org']);
  });

  it('counts a repeated address once, by its first row, however it is spelt', async () => {
    const file = csv([
      'x@example.org,X,',
      'X@EXAMPLE.ORG,X,',
      'y@example.org,Y,',
      'x@example.org,X,',
      'Y@example.org,Y,',
    ]);
    const p = await plan(file, rules({ suppressed: new Set(['y@example.org']) }));
    expect({ toSend: p.toSend, suppressed: p.skipped.suppressed, duplicate: p.skipped.duplicate }).toEqual({
      toSend: 1,
      suppressed: 1,
      duplicate: 3,
    });
    expect(p.mailed).toEqual(['x@example.org']);
  });

  it('splits by shard and retries earlier failures when asked', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `reader${i}@example.org`);
    const file = csv(emails.map((e) => `${e},,`));
    const mine = emails.filter((e) => shardOf(e, 3) === 2);
    expect(mine).toHaveLength(6);
    const failedBefore = mine[0]!;
    const p = await plan(
      file,
      rules({ shard: { k: 2, n: 3 }, retryFailed: true, done: new Map([[failedBefore, 'failed']]) }),
    );
    expect(p.toSend).toBe(mine.length);
    expect(p.skipped['other-shard']).toBe(emails.length - mine.length);
    expect(p.skipped['already-failed']).toBe(0);
    expect(p.mailed).toEqual(mine);
  });

  it('adds the confirmed sign-ups after the file, each once, by the same rules, with the language they chose', async () => {
    const file = csv(['ann@example.org,Ann,', 'bob@example.org,Bob,unsubscribed']);
    const signups = new Map([
      ['new@example.org', { email: 'new@example.org', name: 'Nia', language: 'fr' }],
      ['ann@example.org', { email: 'ann@example.org', name: '', language: 'es' }],
      ['bob@example.org', { email: 'bob@example.org', name: '', language: '' }],
      ['gone@example.org', { email: 'gone@example.org', name: '', language: '' }],
      ['sent@example.org', { email: 'sent@example.org', name: '', language: '' }],
    ]);
    const spool = new SpoolWriter(path.join(dir, `spool-signups.jsonl`));
    const p = await planAudience(
      openSubscriberFile(file),
      rules({
        signups,
        preferences: new Map([['ann@example.org', { language: 'es' }]]),
        events: new Map([['gone@example.org', 'unsubscribed' as const]]),
        done: new Map([['sent@example.org', 'sent' as const]]),
      }),
      spool,
      ['en', 'fr', 'es'],
    );
    const mailed: Array<[string, string, string]> = [];
    for await (const sub of readSpool(spool.file, p.optedOut)) mailed.push([sub.email, sub.name, sub.language]);
    // The file's two rows, then the three sign-ups it does not have.
    expect(p.rows).toBe(5);
    expect(p.signups).toEqual({ rows: 3, toSend: 1 });
    expect(p.toSend + sum(p.skipped)).toBe(p.rows);
    expect(p.skipped).toMatchObject({ unsubscribed: 2, 'already-sent': 1 });
    expect(mailed).toEqual([
      ['ann@example.org', 'Ann', 'es'],
      ['new@example.org', 'Nia', 'fr'],
    ]);
    expect(p.languages).toEqual({ en: 0, fr: 1, es: 1 });
  });
});

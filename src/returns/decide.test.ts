import { describe, expect, it } from 'vitest';
import { type Candidate, decideEvents, emptyExisting, type ExistingEvents, readExisting } from './decide.js';

const at = '2017-04-26T10:00:00.000Z';
const list = 'enews.coop.example.org';
const soft = (email: string, issue?: number): Candidate => ({
  type: 'soft-bounced',
  email,
  ...(issue ? { issue } : {}),
  source: 'dsn',
  detail: '4.4.1',
  via: 'verp',
});

function existing(f: (e: ExistingEvents) => void): ExistingEvents {
  const e = emptyExisting();
  f(e);
  return e;
}

describe('decideEvents', () => {
  it('writes each (type, address, issue) once, whether the file or this run had it first', () => {
    const hard: Candidate = { type: 'bounced', email: 'a@x.org', issue: 3, source: 'dsn', via: 'verp' };
    const known = existing((e) => e.keys.add('bounced\nb@x.org\n3'));
    const d = decideEvents([hard, { ...hard }, { ...hard, email: 'b@x.org' }, { ...hard, issue: 2 }], known, at, list);
    expect(d.events).toEqual([
      { at, list, type: 'bounced', email: 'a@x.org', issue: 3, source: 'dsn' },
      { at, list, type: 'bounced', email: 'a@x.org', issue: 2, source: 'dsn' },
    ]);
    expect(d.alreadyRecorded).toBe(2);
  });

  it('adds a bounce when soft bounces span three different issues, counting those already recorded', () => {
    const known = existing((e) => e.softIssues.set('a@x.org', new Set([1, 2])));
    const d = decideEvents([soft('a@x.org', 4)], known, at, list);
    expect(d.events.map((e) => [e.type, e.issue, e.detail])).toEqual([
      ['soft-bounced', 4, '4.4.1'],
      ['bounced', undefined, 'soft-bounced in issues 1, 2 and 4'],
    ]);
    expect(d.fromSoftBounces).toBe(1);
  });

  it('does not count soft bounces twice in one issue, nor those without an issue', () => {
    const d = decideEvents(
      [soft('a@x.org', 1), soft('a@x.org', 1), soft('a@x.org', 2), soft('a@x.org')],
      emptyExisting(),
      at,
      list,
    );
    expect(d.events.filter((e) => e.type === 'bounced')).toEqual([]);
    expect(d.fromSoftBounces).toBe(0);
  });

  it('adds no second bounce for an address that already bounced', () => {
    const known = existing((e) => {
      e.softIssues.set('a@x.org', new Set([1, 2, 3]));
      e.bounced.add('a@x.org');
    });
    expect(decideEvents([soft('a@x.org', 4)], known, at, list).events.map((e) => e.type)).toEqual(['soft-bounced']);
    // Nor when this run's soft bounce is itself already recorded (a run repeated after a crash).
    const again = existing((e) => {
      e.softIssues.set('b@x.org', new Set([1, 2, 3]));
      e.keys.add('soft-bounced\nb@x.org\n3');
    });
    expect(decideEvents([soft('b@x.org', 3)], again, at, list).events.map((e) => e.type)).toEqual(['bounced']);
  });

  it('keeps one unsubscribe per address, whichever issue it came from', () => {
    const u = (issue: number): Candidate => ({
      type: 'unsubscribed',
      email: 'a@x.org',
      issue,
      source: 'mailto',
      via: 'token',
    });
    const d = decideEvents([u(3), u(4)], emptyExisting(), at, list);
    expect(d.events).toEqual([{ at, list, type: 'unsubscribed', email: 'a@x.org', issue: 3, source: 'mailto' }]);
    expect(d.alreadyRecorded).toBe(1);
  });
});

describe('decideEvents after a subscriber came back', () => {
  it('records a mailto unsubscribe of an address that re-subscribed since its first unsubscribe', async () => {
    const past = [
      { at: 'a', type: 'unsubscribed' as const, email: 'x@y.org', source: 'page' },
      { at: 'b', type: 'resubscribed' as const, email: 'x@y.org', source: 'preferences', round: 1 },
    ];
    const existing = await readExisting({ each: async (f) => past.forEach(f) }, new Set(['x@y.org']));
    const d = decideEvents(
      [{ type: 'unsubscribed', email: 'x@y.org', source: 'mailto', via: 'token' }],
      existing,
      'c',
      'l',
    );
    expect(d.events).toEqual([
      { at: 'c', list: 'l', type: 'unsubscribed', email: 'x@y.org', source: 'mailto', round: 1 },
    ]);
    expect(d.alreadyRecorded).toBe(0);
  });
});
